#include "auth/user_directory.h"

#include <regex>

namespace provisio::api::auth {
namespace {

using temporal::Error;
using temporal::ErrorCode;

// A statement that changes several rows: all or nothing.
template <typename Body>
temporal::Status InTransaction(database::Connection& db, Body body) {
  if (auto begun = db.Exec("BEGIN"); !begun) return begun.error();
  temporal::Status status = body();
  if (!status) {
    (void)db.Exec("ROLLBACK");
    return status;
  }
  return db.Exec("COMMIT");
}

bool IsUniqueViolation(const Error& error) {
  return error.message().find("[23505]") != std::string::npos;
}

}  // namespace

bool IsUserId(const std::string& text) {
  static const std::regex kUser(R"(^[a-z0-9][a-z0-9._-]{0,62}$)");
  return std::regex_match(text, kUser);
}

bool IsRoleName(const std::string& text) {
  static const std::regex kRole(R"(^[a-z][a-z0-9-]{0,62}$)");
  return std::regex_match(text, kRole);
}

std::vector<std::string> SplitList(const std::string& joined) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start < joined.size()) {
    const std::size_t comma = std::min(joined.find(',', start), joined.size());
    items.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

temporal::Result<std::optional<UserRecord>> FindUser(database::Connection& db,
                                                     const std::string& id) {
  auto rows = db.Query(
      "SELECT u.id, u.display_name, u.email, u.disabled_at IS NOT NULL,"
      " coalesce((SELECT string_agg(role, ',' ORDER BY role) FROM user_roles r"
      "           WHERE r.user_id = u.id), ''),"
      " coalesce((SELECT string_agg(team_id, ',' ORDER BY team_id) FROM team_members m"
      "           WHERE m.user_id = u.id), '')"
      " FROM users u WHERE u.id = $1",
      {id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<UserRecord>();
  const database::Row& row = rows->front();
  UserRecord user;
  user.id = *row[0];
  user.display_name = *row[1];
  user.email = *row[2];
  user.disabled = *row[3] == "t";
  user.roles = SplitList(*row[4]);
  user.teams = SplitList(*row[5]);
  return std::optional<UserRecord>(std::move(user));
}

temporal::Result<std::vector<UserRecord>> UsersHoldingAnyRole(
    database::Connection& db, const std::vector<std::string>& roles) {
  std::string joined;
  for (const std::string& role : roles) {
    // Role names cannot hold a comma (IsRoleName), so a joined list is safe.
    if (!IsRoleName(role)) continue;
    joined += (joined.empty() ? "" : ",") + role;
  }
  if (joined.empty()) return std::vector<UserRecord>{};
  auto rows = db.Query(
      "SELECT u.id, u.display_name, u.email,"
      " coalesce((SELECT string_agg(role, ',' ORDER BY role) FROM user_roles r"
      "           WHERE r.user_id = u.id), ''),"
      " coalesce((SELECT string_agg(team_id, ',' ORDER BY team_id) FROM team_members m"
      "           WHERE m.user_id = u.id), '')"
      " FROM users u WHERE u.disabled_at IS NULL AND EXISTS (SELECT 1 FROM user_roles r"
      "   WHERE r.user_id = u.id AND r.role = ANY(string_to_array($1, ',')))"
      " ORDER BY u.id",
      {joined});
  if (!rows) return rows.error();
  std::vector<UserRecord> users;
  for (const database::Row& row : *rows) {
    UserRecord user;
    user.id = *row[0];
    user.display_name = *row[1];
    user.email = *row[2];
    user.roles = SplitList(*row[3]);
    user.teams = SplitList(*row[4]);
    users.push_back(std::move(user));
  }
  return users;
}

temporal::Result<std::optional<std::string>> PasswordHashOf(database::Connection& db,
                                                            const std::string& id) {
  auto rows = db.Query(
      "SELECT c.password_hash FROM user_credentials c JOIN users u ON u.id = c.user_id"
      " WHERE c.user_id = $1 AND u.disabled_at IS NULL",
      {id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(*rows->front()[0]);
}

temporal::Status AddUser(database::Connection& db, const UserRecord& user,
                         const std::string& password_hash) {
  if (!IsUserId(user.id))
    return Error(ErrorCode::kInvalidArgument,
                 "user id \"" + user.id +
                     "\": 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a "
                     "letter or digit");
  for (const std::string& role : user.roles)
    if (!IsRoleName(role))
      return Error(
          ErrorCode::kInvalidArgument,
          "role \"" + role + "\": lowercase letters, digits and '-', starting with a letter");
  return InTransaction(db, [&]() -> temporal::Status {
    auto inserted = db.Query("INSERT INTO users (id, display_name, email) VALUES ($1, $2, $3)",
                             {user.id, user.display_name, user.email});
    if (!inserted) {
      if (IsUniqueViolation(inserted.error()))
        return Error(ErrorCode::kAlreadyExists,
                     "a user with id \"" + user.id + "\" or email \"" + user.email + "\" exists");
      return inserted.error();
    }
    auto credential =
        db.Query("INSERT INTO user_credentials (user_id, password_hash) VALUES ($1, $2)",
                 {user.id, password_hash});
    if (!credential) return credential.error();
    for (const std::string& role : user.roles) {
      auto granted = db.Query(
          "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)"
          " ON CONFLICT DO NOTHING",
          {user.id, role});
      if (!granted) return granted.error();
    }
    return temporal::OkStatus();
  });
}

temporal::Status SetPasswordHash(database::Connection& db, const std::string& id,
                                 const std::string& password_hash) {
  return InTransaction(db, [&]() -> temporal::Status {
    auto known = db.Query("SELECT 1 FROM users WHERE id = $1", {id});
    if (!known) return known.error();
    if (known->empty()) return Error(ErrorCode::kNotFound, "there is no user \"" + id + "\"");
    auto stored = db.Query(
        "INSERT INTO user_credentials (user_id, password_hash) VALUES ($1, $2)"
        " ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash,"
        " updated_at = now()",
        {id, password_hash});
    if (!stored) return stored.error();
    // A new password signs the user out everywhere.
    auto ended = db.Query("DELETE FROM sessions WHERE user_id = $1", {id});
    if (!ended) return ended.error();
    return temporal::OkStatus();
  });
}

temporal::Status SetRoles(database::Connection& db, const std::string& id,
                          const std::vector<std::string>& roles) {
  for (const std::string& role : roles)
    if (!IsRoleName(role))
      return Error(
          ErrorCode::kInvalidArgument,
          "role \"" + role + "\": lowercase letters, digits and '-', starting with a letter");
  return InTransaction(db, [&]() -> temporal::Status {
    auto known = db.Query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", {id});
    if (!known) return known.error();
    if (known->empty()) return Error(ErrorCode::kNotFound, "there is no user \"" + id + "\"");
    auto cleared = db.Query("DELETE FROM user_roles WHERE user_id = $1", {id});
    if (!cleared) return cleared.error();
    for (const std::string& role : roles) {
      auto granted = db.Query(
          "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)"
          " ON CONFLICT DO NOTHING",
          {id, role});
      if (!granted) return granted.error();
    }
    return temporal::OkStatus();
  });
}

temporal::Result<bool> JoinTeam(database::Connection& db, const std::string& user_id,
                                const std::string& team_id) {
  static const std::regex kTeam(R"(^[a-z0-9][a-z0-9-]{0,62}$)");
  if (!std::regex_match(team_id, kTeam))
    return Error(ErrorCode::kInvalidArgument,
                 "team id \"" + team_id + "\": lowercase letters, digits and '-'");
  bool created = false;
  temporal::Status joined = InTransaction(db, [&]() -> temporal::Status {
    auto known = db.Query("SELECT 1 FROM users WHERE id = $1", {user_id});
    if (!known) return known.error();
    if (known->empty()) return Error(ErrorCode::kNotFound, "there is no user \"" + user_id + "\"");
    auto team = db.Query(
        "INSERT INTO teams (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING"
        " RETURNING id",
        {team_id});
    if (!team) return team.error();
    created = !team->empty();
    auto member = db.Query(
        "INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING",
        {team_id, user_id});
    if (!member) return member.error();
    return temporal::OkStatus();
  });
  if (!joined) return joined.error();
  return created;
}

}  // namespace provisio::api::auth
