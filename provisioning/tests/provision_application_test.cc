// ProvisionApplication end to end: the real dev server, a real PostgreSQL
// (the platform database, migrated by the test as the worker would), the
// OpenTofu runner (workers/opentofu, started by scripts/test on
// "iac-opentofu") with our tofu, and the local-site template. The workflow
// and its activities run in this process, on a task queue of the test's own.
// Decisions are signed as the API signs them (approval/approval_signature.h).
#include "workflows/provision_application.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "activities/register_activities.h"
#include "approval/approval_signature.h"
#include "database/migrations.h"
#include "model/stack.h"
#include "temporal/client/client.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"

namespace {

using namespace std::chrono_literals;
using provisio::database::Connection;
using provisio::model::ProvisionRequest;
using provisio::model::RequestState;
using provisio::model::SignedDecision;
namespace enums = temporal::api::enums::v1;
namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string Random(std::size_t digits) {
  static std::mt19937_64 random{std::random_device{}()};
  std::string out;
  while (out.size() < digits) out += "0123456789abcdef"[random() % 16];
  return out;
}

std::string ConnInfo(const std::string& database) {
  return "host=" + Env("PROVISIO_TEST_PG_HOST") + " port=" + Env("PROVISIO_TEST_PG_PORT") +
         " user=" + Env("PROVISIO_TEST_PG_USER") + " password=" + Env("PROVISIO_TEST_PG_PASSWORD") +
         " dbname=" + database + " connect_timeout=10";
}

temporal::DataConverter Converter() {
  temporal::DataConverter converter;
  auto key = temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_CODEC_KEY_HEX"));
  EXPECT_TRUE(key.ok()) << key.error();
  auto codec = temporal::AesGcmCodec::Create(Env("PROVISIO_CODEC_KEY_ID"), *key);
  EXPECT_TRUE(codec.ok()) << codec.error();
  converter.AddCodec(*codec);
  return converter;
}

class ProvisionApplicationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One platform database for the suite, migrated and seeded.
    database_ = "provisio_e2e_" + Random(8);
    auto admin = Connection::Open(ConnInfo("postgres"));
    ASSERT_TRUE(admin.ok()) << admin.error();
    ASSERT_TRUE(admin->Exec("CREATE DATABASE " + database_).ok());
    auto db = Connection::Open(ConnInfo(database_));
    ASSERT_TRUE(db.ok()) << db.error();
    auto migrations =
        provisio::database::LoadMigrations(fs::path(PROVISIO_SOURCE_DIR) / "db" / "migrations");
    ASSERT_TRUE(migrations.ok()) << migrations.error();
    ASSERT_TRUE(provisio::database::ApplyMigrations(*db, *migrations).ok());
    ASSERT_TRUE(db->Exec(R"sql(
      INSERT INTO users (id, display_name, email) VALUES
        ('alice', 'Alice', 'alice@example.test'), ('bob', 'Bob', 'bob@example.test'),
        ('carol', 'Carol', 'carol@example.test'), ('dave', 'Dave', 'dave@example.test');
      INSERT INTO user_roles (user_id, role) VALUES
        ('bob', 'platform-admin'), ('carol', 'platform-admin'), ('alice', 'platform-admin');
      INSERT INTO teams (id, name) VALUES ('payments', 'Payments');
      INSERT INTO team_members (team_id, user_id) VALUES ('payments', 'alice'), ('payments', 'dave');
    )sql")
                    .ok());
  }
  static void TearDownTestSuite() {
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
    worker_->Shutdown();
    worker_.reset();
    // Every history replays (the validators do not run on replay).
    temporal::Replayer replayer;
    replayer.SetDataConverter(Converter());
    provisio::workflows::RegisterProvisioningWorkflows(replayer, settings_);
    for (const std::string& id : started_) {
      auto json = client_->GetHandle(id).FetchHistoryJson();
      ASSERT_TRUE(json.ok()) << json.error();
      auto history = temporal::Replayer::LoadHistoryJson(*json);
      ASSERT_TRUE(history.ok()) << history.error();
      auto replayed = replayer.ReplayHistory(*history, id);
      EXPECT_TRUE(replayed.ok()) << id << ": " << replayed.error();
    }
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
                          const std::string& decision, const std::string& plan_hash) {
    SignedDecision signed_decision;
    signed_decision.workflow_id = workflow_id;
    signed_decision.user = user;
    signed_decision.roles = {"platform-admin"};
    signed_decision.decision = decision;
    signed_decision.plan_hash = plan_hash;
    signed_decision.reason = decision == "approve" ? "looks right" : "not this quarter";
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
  provisio::workflows::ProvisionSettings settings_;
  provisio::activities::ActivityEnvironment environment_;
  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
  std::vector<std::string> started_;
};

TEST_F(ProvisionApplicationTest, AnApprovedRequestIsProvisionedAndEveryStepRecorded) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  ASSERT_TRUE(waiting.plan_hash.has_value());
  ASSERT_FALSE(waiting.plan_summary.empty());
  // The authorizers were notified; the requester was not, though she holds the role.
  EXPECT_EQ(Column("SELECT user_id FROM notifications WHERE workflow_id = $1 ORDER BY user_id",
                   {application}),
            (std::vector<std::string>{"bob", "carol"}));
  auto recorded = handle.Update<std::string>(
      "Authorize", Decision(application, "bob", "approve", *waiting.plan_hash));
  ASSERT_TRUE(recorded.ok()) << recorded.error();
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stack, application);
  EXPECT_EQ(result->plan_hash, *waiting.plan_hash);
  // The stack records which version of its template made it.
  ASSERT_TRUE(waiting.template_hash.has_value());
  EXPECT_EQ(waiting.template_hash->size(), 64u);
  EXPECT_EQ(result->template_hash, *waiting.template_hash);
  EXPECT_EQ(Column("SELECT state->>'templateHash' FROM request_states WHERE workflow_id = $1 "
                   "AND status = 'PROVISIONED'",
                   {application}),
            (std::vector<std::string>{*waiting.template_hash}));
  // The site exists where local-site puts it: <root>/<stack>/<site name>.
  const fs::path index =
      fs::path(Env("PROVISIO_LOCAL_ROOT")) / application / application / "index.html";
  ASSERT_TRUE(fs::exists(index)) << index;
  std::ifstream file(index);
  std::string html((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("Hello, payments"), std::string::npos);
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "PROVISIONED");
  ASSERT_EQ(state->approvals.size(), 1u);
  EXPECT_EQ(state->approvals[0].user, "bob");
  // Every version is in the database, in order.
  EXPECT_EQ(Column("SELECT status FROM request_states WHERE workflow_id = $1 ORDER BY version",
                   {application}),
            (std::vector<std::string>{"VALIDATING", "PLANNING", "AWAITING_AUTHORIZATION", "QUEUED",
                                      "PROVISIONING", "PROVISIONED"}));
  // The stack's entity gave the turn and got it back.
  auto stack =
      client_->GetHandle("stack/" + application).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(stack.ok()) << stack.error();
  EXPECT_FALSE(stack->holder.has_value());
  EXPECT_TRUE(stack->queue.empty());
  EXPECT_EQ(stack->last_good_plan_hash.value_or(""), *waiting.plan_hash);
  EXPECT_EQ(stack->template_hash.value_or(""), *waiting.template_hash);
  started_.push_back("stack/" + application);
  EXPECT_EQ(Column("SELECT actor || ':' || action FROM audit_events WHERE workflow_id = $1 "
                   "ORDER BY occurred_at, recorded_at",
                   {application}),
            (std::vector<std::string>{"alice:request", "bob:approve"}));
  EXPECT_EQ(Column("SELECT plan_hash FROM audit_events WHERE workflow_id = $1 AND action = "
                   "'approve'",
                   {application}),
            (std::vector<std::string>{*waiting.plan_hash}));
}

// The time of the first event of `type` in `handle`'s history whose
// activity (scheduled event) is `activity_type`.
std::chrono::system_clock::time_point ActivityEventTime(const temporal::WorkflowHandle& handle,
                                                        const std::string& activity_type,
                                                        enums::EventType type) {
  auto history = handle.FetchHistory();
  EXPECT_TRUE(history.ok()) << history.error();
  std::set<std::int64_t> scheduled;
  for (const auto& event : history->events()) {
    if (event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
        event.activity_task_scheduled_event_attributes().activity_type().name() == activity_type)
      scheduled.insert(event.event_id());
    std::int64_t of = 0;
    if (event.has_activity_task_started_event_attributes())
      of = event.activity_task_started_event_attributes().scheduled_event_id();
    if (event.has_activity_task_completed_event_attributes())
      of = event.activity_task_completed_event_attributes().scheduled_event_id();
    if (event.has_activity_task_failed_event_attributes())
      of = event.activity_task_failed_event_attributes().scheduled_event_id();
    if (event.event_type() == type && scheduled.count(of) != 0)
      return std::chrono::system_clock::time_point(
          std::chrono::seconds(event.event_time().seconds()) +
          std::chrono::nanoseconds(event.event_time().nanos()));
  }
  ADD_FAILURE() << "no " << enums::EventType_Name(type) << " of " << activity_type;
  return {};
}

TEST_F(ProvisionApplicationTest, TwoRequestsOnOneStackApplyOneAfterTheOther) {
  const std::string application = "site-" + Random(8);
  ProvisionRequest first = SiteRequest(application);
  ProvisionRequest second = SiteRequest(application);
  second.parameters["greeting"] = "Second version";
  auto a = Start(first, application + "-a");
  auto b = Start(second, application + "-b");
  const std::string hash_a = *WaitForStatus(a, "AWAITING_AUTHORIZATION").plan_hash;
  const std::string hash_b = *WaitForStatus(b, "AWAITING_AUTHORIZATION").plan_hash;
  ASSERT_TRUE(Authorize(a, Decision(application + "-a", "bob", "approve", hash_a)));
  ASSERT_TRUE(Authorize(b, Decision(application + "-b", "bob", "approve", hash_b)));
  auto result_a = a.GetResult<provisio::model::ProvisionResult>();
  auto result_b = b.GetResult<provisio::model::ProvisionResult>();
  started_.push_back("stack/" + application);
  // Exactly one applied first; the other's apply started only after it ended.
  const bool a_first = result_a.ok();
  const auto& winner = a_first ? a : b;
  const auto& loser = a_first ? b : a;
  const auto& loser_result = a_first ? result_b : result_a;
  ASSERT_TRUE(a_first ? result_a.ok() : result_b.ok())
      << (a_first ? result_a.error() : result_b.error());
  EXPECT_LE(ActivityEventTime(winner, "apply", enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
            ActivityEventTime(loser, "apply", enums::EVENT_TYPE_ACTIVITY_TASK_STARTED));
  // The later plan was made before the earlier apply: OpenTofu refuses it as
  // stale, rather than undoing the other request's change.
  ASSERT_FALSE(loser_result.ok()) << "a stale plan was applied";
  ASSERT_NE(loser_result.error().failure(), nullptr);
  ASSERT_TRUE(loser_result.error().failure()->cause().has_value()) << loser_result.error();
  EXPECT_EQ(loser_result.error().failure()->cause()->application_type(), "StalePlan");
  auto stack =
      client_->GetHandle("stack/" + application).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(stack.ok()) << stack.error();
  EXPECT_FALSE(stack->holder.has_value()) << "the failed request did not give its turn back";
  EXPECT_EQ(stack->next_ticket, 3);
}

// Stands for a request: takes its turn and keeps it until the test says.
temporal::workflow::Task<std::int64_t> AwaitsTurn() {
  std::optional<std::int64_t> turn;
  temporal::workflow::SetSignalHandler("ApplyTurn",
                                       [&turn](std::int64_t ticket) { turn = ticket; });
  co_await temporal::workflow::WaitCondition([&turn] { return turn.has_value(); });
  co_return *turn;
}

TEST_F(ProvisionApplicationTest, TheStackContinuesAsNewCarryingItsQueue) {
  worker_->Shutdown();
  temporal::WorkerOptions options;
  options.task_queue = task_queue_;
  worker_ = std::make_unique<temporal::Worker>(*client_, options);
  provisio::workflows::RegisterProvisioningWorkflows(*worker_, settings_);
  worker_->RegisterWorkflow("AwaitsTurn", AwaitsTurn);
  ASSERT_TRUE(worker_->Start().ok());

  const std::string stack = "stack-" + Random(8);
  provisio::model::StackState fresh;
  fresh.stack = stack;
  fresh.template_name = "local-site";
  fresh.applies_per_run = 1;  // continue as new after every turn
  temporal::StartWorkflowOptions stack_options;
  stack_options.id = "stack/" + stack;
  stack_options.task_queue = task_queue_;
  auto entity = client_->StartWorkflow("Stack", stack_options, fresh);
  ASSERT_TRUE(entity.ok()) << entity.error();
  started_.push_back(stack_options.id);
  std::vector<temporal::WorkflowHandle> requests;
  for (int i = 1; i <= 3; ++i) {
    temporal::StartWorkflowOptions request_options;
    request_options.id = stack + "-request-" + std::to_string(i);
    request_options.task_queue = task_queue_;
    auto request = client_->StartWorkflow("AwaitsTurn", request_options);
    ASSERT_TRUE(request.ok()) << request.error();
    requests.push_back(*request);
    provisio::model::EnqueueApplyInput enqueue{stack, "local-site", request_options.id,
                                               std::string(64, 'a' + i)};
    auto ticket = client_->GetHandle(stack_options.id)
                      .Update<provisio::model::EnqueueApplyResult>("EnqueueApply", enqueue);
    ASSERT_TRUE(ticket.ok()) << ticket.error();
    EXPECT_EQ(ticket->ticket, i);
    EXPECT_EQ(ticket->position, i - 1);
  }
  // The first request holds the turn; the other two wait in the queue.
  auto first = requests[0].GetResult<std::int64_t>();
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(*first, 1);
  // Its turn ends: the run has given its one turn, and continues as new with
  // the two waiting requests, whose first gets the next turn.
  provisio::model::ApplyFinished finished{1, true, std::string(64, 'b'), std::string(64, 'f')};
  ASSERT_TRUE(client_->GetHandle(stack_options.id).Signal("ApplyFinished", finished).ok());
  auto second = requests[1].GetResult<std::int64_t>();
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(*second, 2);
  auto state = client_->GetHandle(stack_options.id).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->generation, 2);
  ASSERT_TRUE(state->holder.has_value());
  EXPECT_EQ(state->holder->request_id, stack + "-request-2");
  ASSERT_EQ(state->queue.size(), 1u);
  EXPECT_EQ(state->queue[0].request_id, stack + "-request-3");
  EXPECT_EQ(state->next_ticket, 4);
  EXPECT_EQ(state->last_good_plan_hash.value_or(""), std::string(64, 'b'));
  // The first run ended by continuing as new.
  auto history = entity->FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  EXPECT_EQ(history->events(history->events_size() - 1).event_type(),
            enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
  ASSERT_TRUE(requests[2].Cancel().ok());
}

TEST_F(ProvisionApplicationTest, ARejectedRequestFailsApplicationNotApproved) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  ASSERT_TRUE(handle
                  .Update<std::string>("Authorize",
                                       Decision(application, "carol", "reject", *waiting.plan_hash))
                  .ok());
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(result.ok());
  ASSERT_NE(result.error().failure(), nullptr) << result.error();
  EXPECT_EQ(result.error().failure()->application_type(), "ApplicationNotApproved");
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "REJECTED");
  EXPECT_EQ(state->error.value_or(""), "not this quarter");
  EXPECT_FALSE(fs::exists(fs::path(Env("PROVISIO_LOCAL_ROOT")) / application));
}

TEST_F(ProvisionApplicationTest, NoDecisionInTimeFailsAuthorizationTimedOut) {
  const std::string application = "site-" + Random(8);
  ProvisionRequest request = SiteRequest(application);
  request.authorization_timeout_seconds = 2;
  auto handle = Start(request);
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(result.ok());
  ASSERT_NE(result.error().failure(), nullptr) << result.error();
  EXPECT_EQ(result.error().failure()->application_type(), "AuthorizationTimedOut");
  EXPECT_EQ(Column("SELECT status FROM request_states WHERE workflow_id = $1 ORDER BY version "
                   "DESC LIMIT 1",
                   {application}),
            (std::vector<std::string>{"AUTHORIZATION_TIMED_OUT"}));
}

TEST_F(ProvisionApplicationTest, RefusedDecisionsLeaveNoTraceAndASignedOneStillWorks) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  const std::string hash = *waiting.plan_hash;
  const auto refused = [&](SignedDecision decision, const std::string& expected) {
    auto answer = handle.Update<std::string>("Authorize", decision);
    ASSERT_FALSE(answer.ok()) << "accepted: " << expected;
    ASSERT_NE(answer.error().failure(), nullptr) << answer.error();
    EXPECT_NE(answer.error().failure()->message().find(expected), std::string::npos)
        << answer.error().failure()->message();
  };
  refused(Decision(application, "alice", "approve", hash), "alice requested this");
  SignedDecision no_role = Decision(application, "dave", "approve", hash);
  no_role.roles = {"developer"};
  provisio::approval::Sign(no_role, settings_.approval_key);
  refused(no_role, "dave holds none of the roles");
  SignedDecision forged = Decision(application, "bob", "approve", hash);
  provisio::approval::Sign(forged, "a key the platform never had");
  refused(forged, "not signed by the platform");
  SignedDecision claimed = Decision(application, "bob", "approve", hash);
  claimed.user = "carol";  // the signature was for bob
  refused(claimed, "not signed by the platform");
  refused(Decision(application, "bob", "approve", std::string(64, '0')), "is not the current plan");
  SignedDecision expired = Decision(application, "bob", "approve", hash);
  expired.expires_at_unix = 1;
  provisio::approval::Sign(expired, settings_.approval_key);
  refused(expired, "has expired");
  refused(Decision("someone-else", "bob", "approve", hash), "signed for request someone-else");
  EXPECT_EQ(UpdatesAccepted(handle), 0) << "a refused decision reached history";
  EXPECT_TRUE(
      handle.Update<std::string>("Authorize", Decision(application, "bob", "approve", hash)).ok());
  EXPECT_TRUE(handle.GetResult<provisio::model::ProvisionResult>().ok());
  EXPECT_EQ(UpdatesAccepted(handle), 1);
}

TEST_F(ProvisionApplicationTest, ARePlanReplacesThePlanAndTwoDistinctApprovalsAreNeeded) {
  const std::string application = "site-" + Random(8);
  ProvisionRequest request = SiteRequest(application);
  request.approval = provisio::model::ApprovalPolicy{{"platform-admin"}, 2, false};
  auto handle = Start(request);
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  const std::string first_hash = *waiting.plan_hash;
  // The authorizer asks for a fresh plan: a new plan file, a new hash.
  auto replanned =
      handle.Update<provisio::model::Plan>("PreviewPlan", provisio::model::PlanChoice{});
  ASSERT_TRUE(replanned.ok()) << replanned.error();
  ASSERT_NE(replanned->hash, first_hash);
  EXPECT_FALSE(replanned->plan_text.empty());
  auto stale =
      handle.Update<std::string>("Authorize", Decision(application, "bob", "approve", first_hash));
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().failure()->message().find("is not the current plan"), std::string::npos);
  // One approval is not enough; the same person twice does not count twice.
  ASSERT_TRUE(handle
                  .Update<std::string>("Authorize",
                                       Decision(application, "bob", "approve", replanned->hash))
                  .ok());
  auto again = handle.Update<std::string>("Authorize",
                                          Decision(application, "bob", "approve", replanned->hash));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().failure()->message().find("bob has decided already"), std::string::npos);
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "AWAITING_AUTHORIZATION");
  ASSERT_TRUE(handle
                  .Update<std::string>("Authorize",
                                       Decision(application, "carol", "approve", replanned->hash))
                  .ok());
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->plan_hash, replanned->hash);
  EXPECT_EQ(Column("SELECT actor FROM audit_events WHERE workflow_id = $1 AND action = "
                   "'approve' ORDER BY occurred_at, actor",
                   {application}),
            (std::vector<std::string>{"bob", "carol"}));
}

TEST_F(ProvisionApplicationTest, ARequestMayNarrowThePolicyButNeverWidenIt) {
  ProvisionRequest fewer = SiteRequest("site-" + Random(8));
  fewer.approval = provisio::model::ApprovalPolicy{{"platform-admin"}, 0, false};
  auto fewer_handle = Start(fewer);
  auto fewer_result = fewer_handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(fewer_result.ok());
  ASSERT_TRUE(fewer_result.error().failure()->cause().has_value());
  EXPECT_NE(fewer_result.error().failure()->cause()->message().find(
                "approval.count: 0 is fewer than the template's 1"),
            std::string::npos);
  ProvisionRequest other_role = SiteRequest("site-" + Random(8));
  other_role.approval = provisio::model::ApprovalPolicy{{"anyone"}, 1, false};
  auto role_result = Start(other_role).GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(role_result.ok());
  EXPECT_NE(role_result.error().failure()->cause()->message().find(
                "\"anyone\" is not one of the template's roles"),
            std::string::npos);
  ProvisionRequest self = SiteRequest("site-" + Random(8));
  self.approval = provisio::model::ApprovalPolicy{{"platform-admin"}, 1, true};
  auto self_result = Start(self).GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(self_result.ok());
  EXPECT_NE(self_result.error().failure()->cause()->message().find("approval.selfApproval"),
            std::string::npos);
}

TEST_F(ProvisionApplicationTest, TheTemporalCliCannotClaimAnAuthorizersIdentity) {
  const std::string cli = Env("TEMPORAL_CLI");
  ASSERT_FALSE(cli.empty()) << "TEMPORAL_CLI is not set (scripts/test sets it)";
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  // What anyone with the CLI could send: a real authorizer's name, the real
  // plan hash, no platform signature. The client has no codec: the payload is
  // plain JSON, which the worker reads.
  const std::string input =
      nlohmann::json{{"workflowId", application},        {"user", "bob"},
                     {"roles", {"platform-admin"}},      {"decision", "approve"},
                     {"planHash", *waiting.plan_hash},   {"expiresAtUnix", 4102444800},
                     {"signature", std::string(64, 'f')}}
          .dump();
  const fs::path out = fs::temp_directory_path() / (application + ".cli");
  const std::string command =
      cli + " workflow update execute --address " + Env("TEMPORAL_ADDRESS") + " --workflow-id " +
      application + " --name Authorize --input '" + input + "' >" + out.string() + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream file(out);
  std::string said((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  fs::remove(out);
  EXPECT_NE(status, 0) << said;
  EXPECT_NE(said.find("not signed by the platform"), std::string::npos) << said;
  EXPECT_EQ(UpdatesAccepted(handle), 0);
  ASSERT_TRUE(handle.Cancel().ok());
  EXPECT_FALSE(handle.GetResult<provisio::model::ProvisionResult>().ok());
}

TEST_F(ProvisionApplicationTest, AnUnknownTeamOrParameterFailsTheRequestAtOnceNamingIt) {
  ProvisionRequest unknown_team = SiteRequest("site-" + Random(8));
  unknown_team.team = "no-such-team";
  auto team_handle = Start(unknown_team);
  auto team_result = team_handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(team_result.ok());
  ASSERT_NE(team_result.error().failure(), nullptr);
  ASSERT_TRUE(team_result.error().failure()->cause().has_value()) << team_result.error();
  EXPECT_EQ(team_result.error().failure()->cause()->application_type(), "UnknownTeam");

  ProvisionRequest bad_parameter = SiteRequest("site-" + Random(8));
  bad_parameter.parameters["colour"] = "blue";
  auto parameter_handle = Start(bad_parameter);
  auto parameter_result = parameter_handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(parameter_result.ok());
  ASSERT_NE(parameter_result.error().failure(), nullptr);
  ASSERT_TRUE(parameter_result.error().failure()->cause().has_value());
  EXPECT_EQ(parameter_result.error().failure()->cause()->application_type(), "InvalidRequest");
  EXPECT_NE(parameter_result.error().failure()->cause()->message().find("parameters.colour"),
            std::string::npos);
  auto state = parameter_handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->status, "FAILED");
}

}  // namespace
