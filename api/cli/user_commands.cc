#include "cli/user_commands.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "auth/password_hash.h"
#include "auth/user_directory.h"
#include "database/connection.h"

namespace provisio::cli {
namespace {

namespace auth = provisio::api::auth;
using provisio::database::Connection;

struct Options {
  std::string database;
  std::string id;
  std::string name;
  std::string email;
  std::vector<std::string> roles;
  std::vector<std::string> teams;
  std::vector<std::string> add;
  std::vector<std::string> remove;
  bool set = false;
  bool password_stdin = false;
};

int Fail(const std::string& message) {
  std::cerr << "provisio: " << message << "\n";
  return 1;
}

std::optional<Connection> Open(const Options& options) {
  std::string conninfo = options.database;
  if (conninfo.empty()) {
    const char* env = std::getenv("PROVISIO_DATABASE");
    conninfo = env == nullptr ? "" : env;
  }
  if (conninfo.empty()) {
    Fail("no database: set PROVISIO_DATABASE or pass --database (a libpq connection string)");
    return std::nullopt;
  }
  auto db = Connection::Open(conninfo);
  if (!db) {
    Fail(db.error().message());
    return std::nullopt;
  }
  return std::move(*db);
}

std::string ReadLine(bool echo) {
  termios old{};
  const bool terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (terminal && !echo) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal && !echo) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The new password: one line of standard input with --password-stdin, else
// typed twice at the terminal without echo.
std::optional<std::string> NewPassword(const Options& options) {
  std::string password;
  if (options.password_stdin) {
    password = ReadLine(true);
  } else {
    if (!isatty(STDIN_FILENO)) {
      Fail("standard input is not a terminal: pass --password-stdin to read the password from it");
      return std::nullopt;
    }
    std::cerr << "new password for " << options.id << ": ";
    password = ReadLine(false);
    std::cerr << "again: ";
    if (ReadLine(false) != password) {
      Fail("the passwords differ");
      return std::nullopt;
    }
  }
  if (password.size() < auth::kMinPasswordBytes || password.size() > auth::kMaxPasswordBytes) {
    Fail("a password has " + std::to_string(auth::kMinPasswordBytes) + " to " +
         std::to_string(auth::kMaxPasswordBytes) + " bytes");
    return std::nullopt;
  }
  return password;
}

void PrintRoles(Connection& db, const std::string& id) {
  auto user = auth::FindUser(db, id);
  if (!user || !*user) return;
  std::cout << id << ":";
  for (const std::string& role : (*user)->roles) std::cout << " " << role;
  if ((*user)->roles.empty()) std::cout << " (no roles)";
  std::cout << "\n";
}

int Add(const Options& options) {
  auto db = Open(options);
  if (!db) return 1;
  if (auto crypto = auth::InitializeCrypto(); !crypto) return Fail(crypto.error().message());
  auto password = NewPassword(options);
  if (!password) return 1;
  auto hash = auth::HashPassword(*password);
  if (!hash) return Fail(hash.error().message());
  auth::UserRecord user;
  user.id = options.id;
  user.display_name = options.name.empty() ? options.id : options.name;
  user.email = options.email;
  user.roles = options.roles;
  if (auto added = auth::AddUser(*db, user, *hash); !added) return Fail(added.error().message());
  for (const std::string& team : options.teams) {
    auto joined = auth::JoinTeam(*db, options.id, team);
    if (!joined) return Fail(joined.error().message());
    if (*joined) std::cout << "created team " << team << "\n";
  }
  std::cout << "added user " << options.id << "\n";
  PrintRoles(*db, options.id);
  return 0;
}

int Passwd(const Options& options) {
  auto db = Open(options);
  if (!db) return 1;
  if (auto crypto = auth::InitializeCrypto(); !crypto) return Fail(crypto.error().message());
  auto password = NewPassword(options);
  if (!password) return 1;
  auto hash = auth::HashPassword(*password);
  if (!hash) return Fail(hash.error().message());
  if (auto set = auth::SetPasswordHash(*db, options.id, *hash); !set)
    return Fail(set.error().message());
  std::cout << "changed the password of " << options.id << " (their sessions are ended)\n";
  return 0;
}

int Roles(const Options& options) {
  auto db = Open(options);
  if (!db) return 1;
  auto user = auth::FindUser(*db, options.id);
  if (!user) return Fail(user.error().message());
  if (!*user) return Fail("there is no user \"" + options.id + "\"");
  std::vector<std::string> roles = (*user)->roles;
  if (options.set) roles = options.roles;
  for (const std::string& role : options.add)
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
  for (const std::string& role : options.remove) std::erase(roles, role);
  if (options.set || !options.add.empty() || !options.remove.empty()) {
    if (auto set = auth::SetRoles(*db, options.id, roles); !set) return Fail(set.error().message());
  }
  PrintRoles(*db, options.id);
  return 0;
}

}  // namespace

void AddUserCommands(CLI::App& app, std::function<int()>& run) {
  auto options = std::make_shared<Options>();
  CLI::App* user = app.add_subcommand("user", "Manage the people who sign in to the API");
  user->require_subcommand(1);
  user->add_option(
      "--database", options->database,
      "libpq connection string of the platform database (default: $PROVISIO_DATABASE)");

  CLI::App* add = user->add_subcommand("add", "Add a user with a password, roles and teams");
  add->add_option("id", options->id, "user id: lowercase letters, digits, '.', '_', '-'")
      ->required();
  add->add_option("--name", options->name, "display name (default: the id)");
  add->add_option("--email", options->email, "email address (unique)")->required();
  add->add_option("--role", options->roles, "a role (repeat for several)");
  add->add_option("--team", options->teams,
                  "a team the user may request for (repeat; created when new)");
  add->add_flag("--password-stdin", options->password_stdin,
                "read the password from one line of standard input");
  add->callback([options, &run] { run = [options] { return Add(*options); }; });

  CLI::App* passwd = user->add_subcommand("passwd", "Set a user's password (ends their sessions)");
  passwd->add_option("id", options->id, "user id")->required();
  passwd->add_flag("--password-stdin", options->password_stdin,
                   "read the password from one line of standard input");
  passwd->callback([options, &run] { run = [options] { return Passwd(*options); }; });

  CLI::App* roles = user->add_subcommand("roles", "Show a user's roles, or change them");
  roles->add_option("id", options->id, "user id")->required();
  auto* set = roles->add_option("--set", options->roles, "replace the roles with these (repeat)");
  roles->add_option("--add", options->add, "add a role (repeat)")->excludes(set);
  roles->add_option("--remove", options->remove, "remove a role (repeat)")->excludes(set);
  roles->callback([options, set, &run] {
    options->set = set->count() > 0;
    run = [options] { return Roles(*options); };
  });
}

}  // namespace provisio::cli
