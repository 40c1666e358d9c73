// `provisio user add|passwd|roles`, the built binary, against the platform
// database, and what the API makes of its changes.
#include <cstdio>

#include "api_fixture.h"

namespace provisio_api_test {
namespace {

class UserCliTest : public ApiTest {
 protected:
  // Runs the CLI with `input` on standard input; returns its exit status and output.
  std::pair<int, std::string> Cli(const std::string& arguments, const std::string& input = "") {
    const std::string command = "printf '%s\\n' '" + input + "' | PROVISIO_DATABASE='" +
                                ConnInfo(database_) + "' " + PROVISIO_CLI_PATH + " " + arguments +
                                " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    char buffer[512];
    while (pipe != nullptr && fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    const int status = pipe == nullptr ? -1 : pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
  }
};

TEST_F(UserCliTest, AddsAUserWhoSignsInWithRolesAndTeams) {
  const std::string id = "cli-" + RandomHex(8);
  const std::string team = "cli-team-" + RandomHex(6);
  auto [status, output] = Cli("user add " + id + " --email " + id +
                                  "@example.test --name 'Cli User' --role dba --role operator "
                                  "--team " +
                                  team + " --password-stdin",
                              "a password long enough");
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("created team " + team), std::string::npos) << output;
  EXPECT_NE(output.find(id + ": dba operator"), std::string::npos) << output;
  EXPECT_EQ(
      Sql("SELECT password_hash LIKE '$argon2id$%' FROM user_credentials WHERE user_id = $1", {id}),
      std::vector<std::string>{"t"});

  HttpClient client = Client();
  Reply signed_in = client.SignIn(id, "a password long enough");
  ASSERT_EQ(signed_in.status, 201) << signed_in.body;
  EXPECT_EQ(signed_in.Json()["displayName"], "Cli User");
  EXPECT_EQ(signed_in.Json()["roles"], nlohmann::json({"dba", "operator"}));
  EXPECT_EQ(signed_in.Json()["teams"], nlohmann::json({team}));

  auto [again, refused] =
      Cli("user add " + id + " --email other-" + id + "@example.test --password-stdin",
          "a password long enough");
  EXPECT_EQ(again, 1);
  EXPECT_NE(refused.find("exists"), std::string::npos) << refused;
  auto [short_status, short_output] =
      Cli("user add x" + id + " --email x" + id + "@example.test --password-stdin", "short");
  EXPECT_EQ(short_status, 1);
  EXPECT_NE(short_output.find("12 to 1024 bytes"), std::string::npos) << short_output;
}

TEST_F(UserCliTest, ANewPasswordEndsTheUsersSessionsAndRolesChangeAtOnce) {
  const std::string id = "cli-" + RandomHex(8);
  ASSERT_EQ(Cli("user add " + id + " --email " + id + "@example.test --password-stdin",
                "the first password")
                .first,
            0);
  HttpClient client = Client();
  ASSERT_EQ(client.SignIn(id, "the first password").status, 201);

  auto [roles_status, roles_output] = Cli("user roles " + id + " --add platform-admin");
  EXPECT_EQ(roles_status, 0) << roles_output;
  EXPECT_EQ(client.Get("/api/session").Json()["roles"], nlohmann::json({"platform-admin"}));
  EXPECT_EQ(Cli("user roles " + id + " --set dba operator").second, id + ": dba operator\n");
  EXPECT_EQ(Cli("user roles " + id + " --remove dba").second, id + ": operator\n");
  EXPECT_EQ(Cli("user roles " + id + " --add Bad_Role").first, 1);

  auto [passwd_status, passwd_output] =
      Cli("user passwd " + id + " --password-stdin", "the second password");
  EXPECT_EQ(passwd_status, 0) << passwd_output;
  EXPECT_EQ(client.Get("/api/session").status, 401) << "the old session ended";
  EXPECT_EQ(Client().SignIn(id, "the first password").status, 401);
  EXPECT_EQ(Client().SignIn(id, "the second password").status, 201);
  EXPECT_EQ(
      Cli("user passwd nobody-" + RandomHex(4) + " --password-stdin", "a long password x").first,
      1);
}

TEST_F(UserCliTest, ASignInSweepsTheUsersEndedSessions) {
  const std::string id = "cli-" + RandomHex(8);
  ASSERT_EQ(Cli("user add " + id + " --email " + id + "@example.test --password-stdin",
                "the only password")
                .first,
            0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Client().SignIn(id, "the only password").status, 201);
  Sql("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1", {id});
  ASSERT_EQ(Client().SignIn(id, "the only password").status, 201);
  EXPECT_EQ(Sql("SELECT count(*) FROM sessions WHERE user_id = $1", {id}),
            std::vector<std::string>{"1"});
}

}  // namespace
}  // namespace provisio_api_test
