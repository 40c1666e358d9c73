// api/tests/api_fixture.h: the API's integration tests' fixture: a real
// provisio-api (ApiProcess, in this process, on a free loopback port) against
// the real Temporal dev server and PostgreSQL that scripts/test starts
// (TEMPORAL_ADDRESS, PROVISIO_TEST_PG_*).
//
// The platform database is the suite's own (created, migrated, dropped), so
// that its users and roles are seen by no other test. A suite that needs the
// OpenTofu runner's progress rows calls UseSharedDatabase() first: it then
// works in the database scripts/test migrated and the runner writes into
// (PROVISIO_TEST_PLATFORM_DATABASE), where other suites' requests notify
// every holder of their policy's roles; so there its authorizers hold a role
// of the suite's own (AuthorizerRole()), the catalogue is a copy in which
// local-site's policy names that role (the runner plans from the shipped
// files, which differ in nothing else), and no one holds `operator`.
//
// Each test process seeds users of its own (ids end in a random suffix, so
// tests running at once never share one), all with kPassword:
//   requester   member of team, no roles         mate        member of team, no roles
//   authorizer  AuthorizerRole()                 authorizer2 AuthorizerRole()
//   outsider    no team, no roles                operator    operator (own database only)
//   admin       admin (own database only)
//
// Every reply a test's HttpClient gets is checked against the OpenAPI
// document the API serves.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "app/api_process.h"
#include "auth/password_hash.h"
#include "auth/user_directory.h"
#include "database/migrations.h"
#include "http_client.h"

namespace provisio_api_test {

using provisio::api::ApiConfig;
using provisio::api::ApiProcess;
using provisio::database::Connection;

inline std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

inline std::string RandomHex(std::size_t digits) {
  static std::mt19937_64 random{std::random_device{}()};
  std::string out;
  while (out.size() < digits) out += "0123456789abcdef"[random() % 16];
  return out;
}

inline std::string ConnInfo(const std::string& database) {
  return "host=" + Env("PROVISIO_TEST_PG_HOST") + " port=" + Env("PROVISIO_TEST_PG_PORT") +
         " user=" + Env("PROVISIO_TEST_PG_USER") + " password=" + Env("PROVISIO_TEST_PG_PASSWORD") +
         " dbname=" + database + " connect_timeout=10";
}

class ApiTest : public ::testing::Test {
 protected:
  static constexpr char kPassword[] = "correct horse battery staple";

  static void SetUpTestSuite();
  static void TearDownTestSuite();
  /// UseSharedDatabase makes the suite work in scripts/test's platform
  /// database (see above); call it in the suite's SetUpTestSuite, first.
  static void UseSharedDatabase() { shared_database_ = true; }
  /// AuthorizerRole is the role the seeded authorizers hold: platform-admin
  /// (local-site's) in a database of the suite's own, else one of its own.
  static std::string AuthorizerRole() {
    return shared_database_ ? "approver-" + suffix_ : "platform-admin";
  }
  void SetUp() override;
  void TearDown() override;

  /// StartApi starts the API with the fixture's configuration, changed by
  /// `adjust`; SetUp starts one, a test may stop it and start another.
  void StartApi(const std::function<void(ApiConfig&)>& adjust = {});
  /// StopApi shuts the API down gracefully and waits until it has.
  void StopApi();

  /// Client is an HTTP client of the running API (checked against its contract).
  HttpClient Client();
  /// SignedIn is a client signed in as `user` (asserts it worked).
  HttpClient SignedIn(const std::string& user);

  /// User is the seeded user `role`'s id ("requester" -> "requester-1a2b3c").
  static std::string User(const std::string& role) { return role + "-" + suffix_; }
  static std::string Team() { return "team-" + suffix_; }

  /// Sql runs a statement on the platform database and returns the first column.
  std::vector<std::string> Sql(const std::string& sql,
                               const std::vector<std::optional<std::string>>& parameters = {});

  ApiConfig config_;
  std::unique_ptr<ApiProcess> api_;
  std::thread api_thread_;
  unsigned short port_ = 0;
  nlohmann::json contract_;

  static inline std::string database_;
  static inline bool shared_database_ = false;
  /// templates_dir_ is the catalogue the API and the workflows read.
  static inline std::string templates_dir_;
  static inline std::string suffix_;
  static inline std::string approval_key_hex_;
};

}  // namespace provisio_api_test
