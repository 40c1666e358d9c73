#include "api_fixture.h"

#include <filesystem>
#include <fstream>

namespace provisio_api_test {

namespace {

// CopyCatalogue copies the shipped templates to `to`, with local-site's
// approval roles replaced by `role`.
void CopyCatalogue(const std::filesystem::path& to, const std::string& role) {
  namespace fs = std::filesystem;
  fs::copy(fs::path(PROVISIO_SOURCE_DIR) / "templates", to, fs::copy_options::recursive);
  const fs::path spec = to / "local-site" / "template.yaml";
  std::ifstream in(spec);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string shipped = "roles: [platform-admin]";
  const std::size_t at = text.find(shipped);
  ASSERT_NE(at, std::string::npos) << "local-site's approval policy changed: update the fixture";
  text.replace(at, shipped.size(), "roles: [" + role + "]");
  std::ofstream(spec) << text;
}

}  // namespace

void ApiTest::SetUpTestSuite() {
  if (Env("TEMPORAL_ADDRESS").empty() || Env("PROVISIO_TEST_PG_PORT").empty()) return;
  suffix_ = RandomHex(8);
  approval_key_hex_ = RandomHex(64);
  templates_dir_ = std::string(PROVISIO_SOURCE_DIR) + "/templates";
  if (shared_database_) {
    database_ = Env("PROVISIO_TEST_PLATFORM_DATABASE");
    ASSERT_FALSE(database_.empty())
        << "run with scripts/test: it makes the platform database the OpenTofu runner writes "
           "into (PROVISIO_TEST_PLATFORM_DATABASE)";
    templates_dir_ =
        (std::filesystem::temp_directory_path() / ("api-templates-" + suffix_)).string();
    CopyCatalogue(templates_dir_, AuthorizerRole());
  } else {
    database_ = "api_test_" + suffix_;
    auto admin = Connection::Open(ConnInfo("postgres"));
    ASSERT_TRUE(admin.ok()) << admin.error();
    ASSERT_TRUE(admin->Exec("CREATE DATABASE " + database_).ok());
  }
  auto db = Connection::Open(ConnInfo(database_));
  ASSERT_TRUE(db.ok()) << db.error();
  auto migrations = provisio::database::LoadMigrations(std::filesystem::path(PROVISIO_SOURCE_DIR) /
                                                       "db" / "migrations");
  ASSERT_TRUE(migrations.ok()) << migrations.error();
  auto migrated = provisio::database::ApplyMigrations(*db, *migrations);
  ASSERT_TRUE(migrated.ok()) << migrated.error();

  ASSERT_TRUE(provisio::api::auth::InitializeCrypto().ok());
  auto hash = provisio::api::auth::HashPassword(kPassword);  // once: argon2id is slow on purpose
  ASSERT_TRUE(hash.ok()) << hash.error();
  const std::vector<std::string> operator_roles =
      shared_database_ ? std::vector<std::string>{} : std::vector<std::string>{"operator"};
  const std::vector<std::pair<std::string, std::vector<std::string>>> users = {
      {"requester", {}},
      {"mate", {}},
      {"authorizer", {AuthorizerRole()}},
      {"authorizer2", {AuthorizerRole()}},
      {"outsider", {}},
      {"operator", operator_roles},
      {"admin", shared_database_ ? std::vector<std::string>{} : std::vector<std::string>{"admin"}}};
  for (const auto& [role, roles] : users) {
    provisio::api::auth::UserRecord user;
    user.id = User(role);
    user.display_name = role;
    user.email = User(role) + "@example.test";
    user.roles = roles;
    auto added = provisio::api::auth::AddUser(*db, user, *hash);
    ASSERT_TRUE(added.ok()) << added.error();
  }
  for (const char* member : {"requester", "mate"}) {
    auto joined = provisio::api::auth::JoinTeam(*db, User(member), Team());
    ASSERT_TRUE(joined.ok()) << joined.error();
  }
}

void ApiTest::TearDownTestSuite() {
  if (database_.empty()) return;
  if (shared_database_) {
    std::error_code ignored;
    std::filesystem::remove_all(templates_dir_, ignored);
  } else {
    auto admin = Connection::Open(ConnInfo("postgres"));
    if (admin.ok()) (void)admin->Exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  }
  database_.clear();
  shared_database_ = false;
}

void ApiTest::SetUp() {
  if (Env("TEMPORAL_ADDRESS").empty() || Env("PROVISIO_TEST_PG_PORT").empty()) {
    GTEST_FAIL() << "run with scripts/test: it starts the Temporal dev server and PostgreSQL "
                    "(TEMPORAL_ADDRESS, PROVISIO_TEST_PG_*)";
  }
  ASSERT_FALSE(database_.empty()) << "the suite's setup failed";
  StartApi();
}

void ApiTest::TearDown() { StopApi(); }

void ApiTest::StartApi(const std::function<void(ApiConfig&)>& adjust) {
  std::map<std::string, std::string> environment = {
      {"PROVISIO_API_LISTEN", "127.0.0.1:0"},
      {"TEMPORAL_ADDRESS", Env("TEMPORAL_ADDRESS")},
      {"TEMPORAL_NAMESPACE", Env("TEMPORAL_NAMESPACE")},
      {"PROVISIO_DATABASE", ConnInfo(database_)},
      {"PROVISIO_APPROVAL_KEY_HEX", approval_key_hex_},
      {"PROVISIO_CODEC_KEY_HEX", Env("PROVISIO_CODEC_KEY_HEX")},
      {"PROVISIO_CODEC_KEY_ID", Env("PROVISIO_CODEC_KEY_ID")},
      {"PROVISIO_TASK_QUEUE", "api-test-" + suffix_},
      {"PROVISIO_API_BLOCKING_THREADS", "4"},
  };
  auto config = ApiConfig::FromEnvironment(
      [&](const char* name) -> std::optional<std::string> {
        auto it = environment.find(name);
        return it == environment.end() ? std::nullopt : std::optional<std::string>(it->second);
      },
      templates_dir_);
  ASSERT_TRUE(config.ok()) << config.error();
  config_ = *config;
  if (adjust) adjust(config_);
  auto api = ApiProcess::Create(config_);
  ASSERT_TRUE(api.ok()) << api.error();
  api_ = std::move(*api);
  auto listening = api_->Listen();
  ASSERT_TRUE(listening.ok()) << listening.error();
  port_ = api_->endpoint().port();
  api_thread_ = std::thread([this] { api_->Run(); });
  HttpClient plain("127.0.0.1", port_);
  Reply document = plain.Get("/api/openapi.json");
  ASSERT_EQ(document.status, 200) << document.body;
  contract_ = document.Json();
}

void ApiTest::StopApi() {
  if (!api_) return;
  api_->Shutdown();
  if (api_thread_.joinable()) api_thread_.join();
  api_.reset();
}

HttpClient ApiTest::Client() {
  HttpClient client("127.0.0.1", port_);
  client.SetContract(contract_);
  return client;
}

HttpClient ApiTest::SignedIn(const std::string& user) {
  HttpClient client = Client();
  Reply reply = client.SignIn(user, kPassword);
  EXPECT_EQ(reply.status, 201) << reply.body;
  return client;
}

std::vector<std::string> ApiTest::Sql(const std::string& sql,
                                      const std::vector<std::optional<std::string>>& parameters) {
  auto db = Connection::Open(ConnInfo(database_));
  EXPECT_TRUE(db.ok()) << db.error();
  if (!db.ok()) return {};
  auto rows = db->Query(sql, parameters);
  EXPECT_TRUE(rows.ok()) << rows.error();
  std::vector<std::string> values;
  if (rows.ok())
    for (const auto& row : *rows)
      if (!row.empty()) values.push_back(row[0].value_or("NULL"));
  return values;
}

}  // namespace provisio_api_test
