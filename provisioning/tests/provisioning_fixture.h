// provisioning/tests/provisioning_fixture.h: the end-to-end tests' fixture:
// the real dev server, a real PostgreSQL (the platform database, migrated by
// the suite as the worker would), the OpenTofu runner (workers/opentofu,
// started by scripts/test on "iac-opentofu") with our tofu, and the
// local-site template. The workflows and activities run in the test process,
// on a task queue of each test's own. Decisions are signed as the API signs
// them (approval/approval_signature.h). Every history a test started is
// replayed at its end.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "activities/register_activities.h"
#include "approval/approval_signature.h"
#include "database/migrations.h"
#include "model/stack.h"
#include "temporal/client/client.h"
#include "temporal/client/schedule_handle.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"
#include "workflows/provision_application.h"

namespace provisio_test {

using namespace std::chrono_literals;
using provisio::database::Connection;
using provisio::model::ProvisionRequest;
using provisio::model::RequestState;
using provisio::model::SignedDecision;
namespace enums = temporal::api::enums::v1;
namespace fs = std::filesystem;

inline std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

inline std::string Random(std::size_t digits) {
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

inline temporal::DataConverter Converter() {
  temporal::DataConverter converter;
  auto key = temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_CODEC_KEY_HEX"));
  EXPECT_TRUE(key.ok()) << key.error();
  auto codec = temporal::AesGcmCodec::Create(Env("PROVISIO_CODEC_KEY_ID"), *key);
  EXPECT_TRUE(codec.ok()) << codec.error();
  converter.AddCodec(*codec);
  return converter;
}

class ProvisioningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The platform database scripts/test made (the runner writes apply
    // progress into it), else one of the suite's own; migrated and seeded,
    // both idempotently: every test's rows are keyed by its own random ids.
    shared_database_ = !Env("PROVISIO_TEST_PLATFORM_DATABASE").empty();
    if (shared_database_) {
      database_ = Env("PROVISIO_TEST_PLATFORM_DATABASE");
    } else {
      database_ = "provisio_e2e_" + Random(8);
      auto admin = Connection::Open(ConnInfo("postgres"));
      ASSERT_TRUE(admin.ok()) << admin.error();
      ASSERT_TRUE(admin->Exec("CREATE DATABASE " + database_).ok());
    }
    auto db = Connection::Open(ConnInfo(database_));
    ASSERT_TRUE(db.ok()) << db.error();
    auto migrations =
        provisio::database::LoadMigrations(fs::path(PROVISIO_SOURCE_DIR) / "db" / "migrations");
    ASSERT_TRUE(migrations.ok()) << migrations.error();
    ASSERT_TRUE(provisio::database::ApplyMigrations(*db, *migrations).ok());
    ASSERT_TRUE(db->Exec(R"sql(
      INSERT INTO users (id, display_name, email) VALUES
        ('alice', 'Alice', 'alice@example.test'), ('bob', 'Bob', 'bob@example.test'),
        ('carol', 'Carol', 'carol@example.test'), ('dave', 'Dave', 'dave@example.test'),
        ('olga', 'Olga', 'olga@example.test') ON CONFLICT DO NOTHING;
      INSERT INTO user_roles (user_id, role) VALUES
        ('bob', 'platform-admin'), ('carol', 'platform-admin'), ('alice', 'platform-admin'),
        ('olga', 'operator') ON CONFLICT DO NOTHING;
      INSERT INTO teams (id, name) VALUES ('payments', 'Payments') ON CONFLICT DO NOTHING;
      INSERT INTO team_members (team_id, user_id) VALUES ('payments', 'alice'), ('payments', 'dave')
        ON CONFLICT DO NOTHING;
    )sql")
                    .ok());
  }
  static void TearDownTestSuite() {
    if (shared_database_) return;
    auto admin = Connection::Open(ConnInfo("postgres"));
    if (admin.ok()) (void)admin->Exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  }

  void SetUp() override {
    if (Env("TEMPORAL_ADDRESS").empty() || Env("PROVISIO_TEST_PG_PORT").empty() ||
        Env("PROVISIO_RUNNER_READY").empty()) {
      GTEST_FAIL() << "run with scripts/test: it starts the dev server, PostgreSQL and the "
                      "OpenTofu runner (TEMPORAL_ADDRESS, PROVISIO_TEST_PG_*, "
                      "PROVISIO_RUNNER_READY)";
    }
    temporal::ClientOptions options;
    options.target_host = Env("TEMPORAL_ADDRESS");
    options.data_converter = Converter();
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    settings_.approval_key = "test-approval-key-" + Random(16);
    environment_.conninfo = ConnInfo(database_);
    environment_.templates_dir = fs::path(PROVISIO_SOURCE_DIR) / "templates";
    environment_.client = client_.get();
    task_queue_ = "provisio-test-" + Random(8);
    temporal::WorkerOptions worker_options;
    worker_options.task_queue = task_queue_;
    worker_ = std::make_unique<temporal::Worker>(*client_, worker_options);
    provisio::workflows::RegisterProvisioningWorkflows(*worker_, settings_);
    provisio::activities::RegisterProvisioningActivities(*worker_, environment_);
    ASSERT_TRUE(worker_->Start().ok());
  }

  void TearDown() override {
    // Stacks keep a drift schedule; a test's must not outlive its worker.
    for (const std::string& id : started_)
      if (id.rfind("stack/", 0) == 0)
        (void)client_->GetScheduleHandle("drift/" + id.substr(6)).Delete();
    worker_->Shutdown();
    worker_.reset();
    // Every history replays (the validators do not run on replay).
    temporal::Replayer replayer;
    replayer.SetDataConverter(replay_converter_);
    provisio::workflows::RegisterProvisioningWorkflows(replayer, settings_);
    for (std::size_t i = 0; i < started_.size(); ++i) {
      const std::string& id = started_[i];
      auto json = client_->GetHandle(id).FetchHistoryJson();
      ASSERT_TRUE(json.ok()) << json.error();
      auto history = temporal::Replayer::LoadHistoryJson(*json);
      ASSERT_TRUE(history.ok()) << history.error();
      auto replayed = replayer.ReplayHistory(*history, id);
      EXPECT_TRUE(replayed.ok()) << id << ": " << replayed.error();
      WriteGoldenHistory(i, id, *json);
    }
  }

  // With PROVISIO_GOLDEN_DIR set (scripts/golden-histories), each history a
  // test made is also written there: golden_replay_test replays them, so a
  // change that would break running workflows fails the suite.
  static void WriteGoldenHistory(std::size_t index, const std::string& workflow_id,
                                 const std::string& json) {
    const std::string dir = Env("PROVISIO_GOLDEN_DIR");
    if (dir.empty()) return;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string kind = workflow_id.rfind("stack/", 0) == 0 ? "stack" : "request";
    std::ofstream(fs::path(dir) / (std::string(test->test_suite_name()) + "." + test->name() + "." +
                                   std::to_string(index) + "." + kind + ".json"))
        << json;
  }

  /// RestartWorker stops the worker and starts a new one on the same task
  /// queue (a deploy, or a crash and restart), registering `extra` workflows too.
  void RestartWorker(const std::function<void(temporal::Worker&)>& extra = nullptr) {
    if (worker_) worker_->Shutdown();
    temporal::WorkerOptions options;
    options.task_queue = task_queue_;
    worker_ = std::make_unique<temporal::Worker>(*client_, options);
    provisio::workflows::RegisterProvisioningWorkflows(*worker_, settings_);
    provisio::activities::RegisterProvisioningActivities(*worker_, environment_);
    if (extra) extra(*worker_);
    ASSERT_TRUE(worker_->Start().ok());
  }

  ProvisionRequest SiteRequest(const std::string& application) {
    ProvisionRequest request;
    request.requester = "alice";
    request.team = "payments";
    request.application = application;
    request.template_name = "local-site";
    request.parameters = {{"site_name", application}, {"greeting", "Hello, payments"}};
    return request;
  }

  temporal::WorkflowHandle Start(const ProvisionRequest& request, std::string workflow_id = "") {
    temporal::StartWorkflowOptions options;
    options.id = workflow_id.empty() ? request.application : workflow_id;
    options.task_queue = task_queue_;
    auto handle = client_->StartWorkflow("ProvisionApplication", options, request);
    EXPECT_TRUE(handle.ok()) << handle.error();
    started_.push_back(options.id);
    return std::move(*handle);
  }

  /// RefusalOf starts `request`, expects it to fail at validation, and
  /// returns the cause's message (the activity's InvalidRequest), or a
  /// description of what happened instead.
  std::string RefusalOf(const ProvisionRequest& request) {
    auto result = Start(request).GetResult<provisio::model::ProvisionResult>();
    if (result.ok()) return "(the request succeeded)";
    const temporal::Failure* failure = result.error().failure();
    if (failure == nullptr || !failure->cause())
      return "(no cause: " + result.error().ToString() + ")";
    return failure->cause()->message();
  }

  RequestState WaitForStatus(const temporal::WorkflowHandle& handle, const std::string& status) {
    RequestState state;
    for (int i = 0; i < 600; ++i) {
      auto answer = handle.Query<RequestState>("GetState");
      if (answer.ok()) {
        state = *answer;
        if (state.status == status) return state;
      }
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "status stayed " << state.status << ", never " << status;
    return state;
  }

  SignedDecision Decision(const std::string& workflow_id, const std::string& user,
                          const std::string& decision, const std::string& plan_hash,
                          std::vector<std::string> roles = {"platform-admin"}) {
    SignedDecision signed_decision;
    signed_decision.workflow_id = workflow_id;
    signed_decision.user = user;
    signed_decision.roles = std::move(roles);
    signed_decision.decision = decision;
    signed_decision.plan_hash = plan_hash;
    signed_decision.reason = decision == "approve"  ? "looks right"
                             : decision == "reject" ? "not this quarter"
                                                    : "operator's call";
    signed_decision.expires_at_unix =
        std::chrono::duration_cast<std::chrono::seconds>(
            (std::chrono::system_clock::now() + 5min).time_since_epoch())
            .count();
    provisio::approval::Sign(signed_decision, settings_.approval_key);
    return signed_decision;
  }

  std::vector<std::string> Column(const std::string& sql,
                                  const std::vector<std::optional<std::string>>& parameters) {
    auto db = Connection::Open(ConnInfo(database_));
    EXPECT_TRUE(db.ok()) << db.error();
    auto rows = db->Query(sql, parameters);
    EXPECT_TRUE(rows.ok()) << rows.error();
    std::vector<std::string> values;
    if (rows.ok())
      for (const auto& row : *rows) values.push_back(row[0].value_or("NULL"));
    return values;
  }

  bool Authorize(const temporal::WorkflowHandle& handle, const SignedDecision& decision) {
    auto answer = handle.Update<std::string>("Authorize", decision);
    EXPECT_TRUE(answer.ok()) << answer.error();
    return answer.ok();
  }

  int UpdatesAccepted(const temporal::WorkflowHandle& handle) {
    auto history = handle.FetchHistory();
    EXPECT_TRUE(history.ok()) << history.error();
    int accepted = 0;
    for (const auto& event : history->events())
      if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) ++accepted;
    return accepted;
  }

  static inline std::string database_;
  static inline bool shared_database_ = false;
  /// replay_converter_ decodes the histories TearDown replays (a test that
  /// rotates the codec key sets one with both keys).
  temporal::DataConverter replay_converter_ = Converter();
  provisio::workflows::ProvisionSettings settings_;
  provisio::activities::ActivityEnvironment environment_;
  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
  std::vector<std::string> started_;

  /// SiteDir is where local-site puts `application`'s site (its stack is
  /// named after the application): <local root>/<stack>/<site name>.
  static fs::path SiteDir(const std::string& stack, const std::string& site) {
    return fs::path(Env("PROVISIO_LOCAL_ROOT")) / stack / site;
  }

  static std::string ReadFile(const fs::path& path) {
    std::ifstream file(path);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  }

  std::vector<std::string> AuditActions(const std::string& workflow_id) {
    return Column(
        "SELECT action FROM audit_events WHERE workflow_id = $1 ORDER BY occurred_at, recorded_at",
        {workflow_id});
  }
};

}  // namespace provisio_test
