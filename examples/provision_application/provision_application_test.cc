// The ProvisionApplication example end to end, against the real dev server:
// the C++ worker runs in this process (on a task queue of its own per test),
// the TypeScript provider worker (worker-ts/) must be polling
// "provision-application-resources" with PROVISIO_LOCAL_ROOT set to the same
// directory this test reads. scripts/test starts both the server and that worker.
//
// No timing assertions: every wait is bounded and only checks what happened.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "activities.h"
#include "child_process.h"
#include "dev_server.h"
#include "temporal/client/client.h"
#include "temporal/worker/worker.h"
#include "workflow.h"

namespace {

namespace app = provisio::provision_application;
namespace enums = temporal::api::enums::v1;
namespace fs = std::filesystem;
using nlohmann::json;
using provisio::testing::UniqueId;
using temporal::ErrorCode;
using HistoryEvent = temporal::api::history::v1::HistoryEvent;

constexpr auto kPoll = std::chrono::milliseconds(50);
constexpr auto kBound = std::chrono::seconds(90);
constexpr char kTestIdentity[] = "provision-application-test";

bool IsFinal(const std::string& status) {
  return status == app::status::kProvisioned || status == app::status::kRejected ||
         status == app::status::kAuthorizationTimedOut || status == app::status::kCancelled ||
         status == app::status::kFailed;
}

std::optional<json> ReadJsonFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

std::string ReadTextFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class ProvisionApplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    const char* root = std::getenv("PROVISIO_LOCAL_ROOT");
    ASSERT_TRUE(root != nullptr && *root != '\0')
        << "PROVISIO_LOCAL_ROOT is not set: run through scripts/test, which starts the "
           "TypeScript provider worker (examples/provision_application/worker-ts) with it";
    local_root_ = root;
    temporal::ClientOptions options;
    options.target_host = provisio::testing::DevServerAddress();
    options.namespace_ = provisio::testing::DevServerNamespace();
    options.identity = kTestIdentity;
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));

    // A task queue per test: ctest runs tests in parallel processes, and each
    // must run its workflows on its own in-process worker.
    task_queue_ = UniqueId("provision-application");
    notifications_ = std::make_unique<app::NotificationActivities>(*client_);
    temporal::WorkerOptions worker_options;
    worker_options.task_queue = task_queue_;
    worker_ = std::make_unique<temporal::Worker>(*client_, worker_options);
    app::RegisterProvisionApplication(*worker_, *notifications_);
    ASSERT_TRUE(worker_->Start().ok());
  }

  void TearDown() override {
    if (worker_) worker_->Shutdown();
    notifications_.reset();
  }

  app::ProvisionApplicationRequest NewRequest(const std::string& name) {
    app::ProvisionApplicationRequest request;
    request.application_id = UniqueId("app");
    request.application_name = name;
    request.team_id = "payments";
    request.requester_id = "alice";
    request.authorizer_id = "bob";
    return request;
  }

  temporal::WorkflowHandle Start(const app::ProvisionApplicationRequest& request) {
    temporal::StartWorkflowOptions options;
    options.id = request.application_id;  // the workflow id is the application id
    options.task_queue = task_queue_;
    options.execution_timeout = std::chrono::minutes(5);
    auto handle = client_->StartWorkflow(app::kWorkflowType, options, request);
    EXPECT_TRUE(handle.ok()) << handle.error();
    return *handle;
  }

  // WaitForStatus polls GetState until the status is `wanted` (or final),
  // appending every status it sees to `seen` (consecutive duplicates dropped).
  app::ProvisionApplicationState WaitForStatus(const temporal::WorkflowHandle& handle,
                                               const std::string& wanted,
                                               std::vector<std::string>* seen = nullptr) {
    app::ProvisionApplicationState last;
    const auto deadline = std::chrono::steady_clock::now() + kBound;
    while (std::chrono::steady_clock::now() < deadline) {
      auto state = handle.Query<app::ProvisionApplicationState>(app::kStateQuery);
      if (state.ok()) {
        last = *state;
        if (seen != nullptr && (seen->empty() || seen->back() != last.status)) {
          seen->push_back(last.status);
        }
        if (last.status == wanted || IsFinal(last.status)) return last;
      }
      std::this_thread::sleep_for(kPoll);
    }
    ADD_FAILURE() << "status " << wanted << " not reached; last " << last.status;
    return last;
  }

  app::ProvisionApplicationState Query(const temporal::WorkflowHandle& handle) {
    auto state = handle.Query<app::ProvisionApplicationState>(app::kStateQuery);
    EXPECT_TRUE(state.ok()) << state.error();
    return state.ok() ? *state : app::ProvisionApplicationState{};
  }

  static temporal::Status Decide(const temporal::WorkflowHandle& handle,
                                 const app::ProvisionApplicationRequest& request, bool approve,
                                 const std::string& region = "", const std::string& profile = "") {
    app::AuthorizationReceivedResponse decision;
    decision.application_id = request.application_id;
    decision.team_id = request.team_id;
    decision.region = region;
    decision.profile = profile;
    decision.is_approved = approve;
    return handle.Signal(app::kAuthorizationSignal, decision);
  }

  static temporal::GetResultOptions Bounded() {
    temporal::GetResultOptions options;
    options.timeout = kBound;
    return options;
  }

  static std::vector<HistoryEvent> Events(const temporal::WorkflowHandle& handle) {
    auto history = handle.FetchHistory();
    EXPECT_TRUE(history.ok()) << history.error();
    if (!history.ok()) return {};
    return {history->events().begin(), history->events().end()};
  }

  // Scheduled returns the ActivityTaskScheduled events of `activity_type`.
  static std::vector<HistoryEvent> Scheduled(const std::vector<HistoryEvent>& events,
                                             const std::string& activity_type) {
    std::vector<HistoryEvent> found;
    for (const HistoryEvent& event : events) {
      if (event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
          event.activity_task_scheduled_event_attributes().activity_type().name() ==
              activity_type) {
        found.push_back(event);
      }
    }
    return found;
  }

  // Outcome returns the event of `type` that belongs to the activity scheduled
  // as `scheduled_event_id`, if any.
  static std::optional<HistoryEvent> Outcome(const std::vector<HistoryEvent>& events,
                                             std::int64_t scheduled_event_id,
                                             enums::EventType type) {
    for (const HistoryEvent& event : events) {
      if (event.event_type() != type) continue;
      std::int64_t id = 0;
      if (type == enums::EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        id = event.activity_task_started_event_attributes().scheduled_event_id();
      } else if (type == enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        id = event.activity_task_completed_event_attributes().scheduled_event_id();
      }
      if (id == scheduled_event_id) return event;
    }
    return std::nullopt;
  }

  fs::path ApplicationDir(const app::ProvisionApplicationRequest& request) const {
    return local_root_ / request.application_id;
  }

  fs::path local_root_;
  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<app::NotificationActivities> notifications_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
};

TEST_F(ProvisionApplicationTest, ApprovedRequestIsProvisionedByTheTypeScriptWorker) {
  app::ProvisionApplicationRequest request = NewRequest("Billing API");
  temporal::WorkflowHandle handle = Start(request);

  std::vector<std::string> statuses;
  app::ProvisionApplicationState waiting =
      WaitForStatus(handle, app::status::kAwaitingAuthorization, &statuses);
  ASSERT_EQ(waiting.status, app::status::kAwaitingAuthorization);
  ASSERT_TRUE(waiting.team.has_value());
  EXPECT_EQ(waiting.team->team_id, "payments");
  EXPECT_EQ(waiting.team->team_email, "team-payments@example.com");
  EXPECT_FALSE(waiting.authorization.has_value());
  EXPECT_FALSE(waiting.resources.has_value());

  ASSERT_TRUE(Decide(handle, request, true, "eu-west-1", "dev").ok());

  // Follow the state to the end; while provisioning, Describe shows the
  // provider's heartbeats (its progress) on the pending activity.
  std::optional<json> heartbeat;
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  while (std::chrono::steady_clock::now() < deadline) {
    auto state = handle.Query<app::ProvisionApplicationState>(app::kStateQuery);
    if (state.ok()) {
      if (statuses.back() != state->status) statuses.push_back(state->status);
      if (IsFinal(state->status)) break;
    }
    if (auto description = handle.Describe(); description.ok()) {
      for (const temporal::PendingActivity& activity : description->pending_activities) {
        if (activity.activity_type != app::kProvisionActivity ||
            activity.heartbeat_details.empty()) {
          continue;
        }
        auto details = temporal::FromPayload<json>(activity.heartbeat_details[0]);
        if (details.ok()) heartbeat = *details;
      }
    }
    std::this_thread::sleep_for(kPoll);
  }
  // REQUESTED lasts only until the team lookup returns; the first poll may see it.
  if (statuses.front() == app::status::kRequested) statuses.erase(statuses.begin());
  EXPECT_EQ(statuses, (std::vector<std::string>{
                          app::status::kAwaitingAuthorization,
                          app::status::kProvisioning,
                          app::status::kProvisioned,
                      }));
  ASSERT_TRUE(heartbeat.has_value())
      << "no heartbeat seen on the pending provisionFoundationResources activity";
  EXPECT_EQ(heartbeat->value("total", 0), 4) << heartbeat->dump();
  EXPECT_TRUE(heartbeat->contains("step")) << heartbeat->dump();

  auto result = handle.GetResult<app::ProvisionApplicationState>(Bounded());
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->status, app::status::kProvisioned);
  ASSERT_TRUE(result->authorization.has_value());
  EXPECT_TRUE(result->authorization->is_approved);
  EXPECT_EQ(result->authorization->region, "eu-west-1");
  ASSERT_TRUE(result->resources.has_value());
  EXPECT_EQ(result->resources->application_id, request.application_id);
  EXPECT_EQ(result->resources->region, "eu-west-1");
  EXPECT_FALSE(result->resources->completion_date_time.empty());
  EXPECT_FALSE(result->resources->summary.empty());
  ASSERT_TRUE(result->provisioning.has_value());
  EXPECT_EQ(result->provisioning->bucket_name, app::BucketName(request));
  EXPECT_FALSE(result->authorization_timed_out);

  // The query still answers after the workflow closed.
  EXPECT_EQ(Query(handle).status, app::status::kProvisioned);

  // The provider's real side effects.
  const fs::path application = ApplicationDir(request);
  const fs::path bucket = application / app::BucketName(request);
  EXPECT_TRUE(fs::is_directory(bucket)) << bucket;
  EXPECT_NE(ReadTextFile(bucket / "index.html").find("Hello, Billing API!"), std::string::npos);
  std::optional<json> manifest = ReadJsonFile(application / "manifest.json");
  ASSERT_TRUE(manifest.has_value() && !manifest->is_discarded()) << application / "manifest.json";
  EXPECT_EQ(manifest->value("applicationId", ""), request.application_id);
  EXPECT_EQ(manifest->value("region", ""), "eu-west-1");
  EXPECT_EQ(manifest->value("profile", ""), "dev");
  EXPECT_EQ(manifest->value("bucketName", ""), app::BucketName(request));
  ASSERT_TRUE(manifest->contains("resources"));
  EXPECT_EQ((*manifest)["resources"].size(), 2u) << manifest->dump();

  // The history: the provider ran on its own task queue, with heartbeat
  // timeout and retry policy, and was started and completed by another worker.
  std::vector<HistoryEvent> events = Events(handle);
  std::vector<HistoryEvent> provisions = Scheduled(events, app::kProvisionActivity);
  ASSERT_EQ(provisions.size(), 1u);
  const auto& scheduled = provisions[0].activity_task_scheduled_event_attributes();
  EXPECT_EQ(scheduled.task_queue().name(), app::kResourcesTaskQueue);
  EXPECT_EQ(scheduled.heartbeat_timeout().seconds(), 10);
  EXPECT_TRUE(scheduled.has_retry_policy());
  EXPECT_EQ(scheduled.retry_policy().maximum_attempts(), 10);
  EXPECT_EQ(scheduled.retry_policy().non_retryable_error_types(0),
            app::kInvalidProvisioningRequest);
  std::optional<HistoryEvent> started =
      Outcome(events, provisions[0].event_id(), enums::EVENT_TYPE_ACTIVITY_TASK_STARTED);
  ASSERT_TRUE(started.has_value());
  EXPECT_NE(started->activity_task_started_event_attributes().identity(), kTestIdentity);
  EXPECT_TRUE(Outcome(events, provisions[0].event_id(), enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED));
  EXPECT_EQ(Scheduled(events, app::kGetTeamInformationActivity).size(), 1u);
  EXPECT_EQ(Scheduled(events, app::kRequestAuthorizationActivity).size(), 1u);
  EXPECT_TRUE(Scheduled(events, app::kDestroyActivity).empty());
  EXPECT_EQ(events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
}

TEST_F(ProvisionApplicationTest, RejectedRequestFailsTypedAndCreatesNothing) {
  app::ProvisionApplicationRequest request = NewRequest("Rejected App");
  temporal::WorkflowHandle handle = Start(request);
  ASSERT_EQ(WaitForStatus(handle, app::status::kAwaitingAuthorization).status,
            app::status::kAwaitingAuthorization);
  ASSERT_TRUE(Decide(handle, request, false).ok());

  auto result = handle.GetResult<app::ProvisionApplicationState>(Bounded());
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().code(), ErrorCode::kWorkflowFailed) << result.error();
  ASSERT_NE(result.error().failure(), nullptr);
  EXPECT_EQ(result.error().failure()->application_type(), app::kNotApprovedFailure);
  EXPECT_EQ(result.error().failure()->message(), "application 'Rejected App' is not approved");

  app::ProvisionApplicationState state = Query(handle);
  EXPECT_EQ(state.status, app::status::kRejected);
  ASSERT_TRUE(state.authorization.has_value());
  EXPECT_FALSE(state.authorization->is_approved);
  EXPECT_FALSE(state.authorization_timed_out);
  EXPECT_FALSE(state.resources.has_value());

  EXPECT_FALSE(fs::exists(ApplicationDir(request))) << ApplicationDir(request);
  EXPECT_TRUE(Scheduled(Events(handle), app::kProvisionActivity).empty());
}

TEST_F(ProvisionApplicationTest, AuthorizationTimeoutFailsTypedAndCreatesNothing) {
  app::ProvisionApplicationRequest request = NewRequest("Forgotten App");
  request.authorization_timeout_seconds = 2;
  temporal::WorkflowHandle handle = Start(request);

  auto result = handle.GetResult<app::ProvisionApplicationState>(Bounded());
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().code(), ErrorCode::kWorkflowFailed) << result.error();
  ASSERT_NE(result.error().failure(), nullptr);
  EXPECT_EQ(result.error().failure()->application_type(), app::kAuthorizationTimedOutFailure);

  app::ProvisionApplicationState state = Query(handle);
  EXPECT_EQ(state.status, app::status::kAuthorizationTimedOut);
  EXPECT_TRUE(state.authorization_timed_out);
  EXPECT_FALSE(state.authorization.has_value());
  EXPECT_FALSE(state.resources.has_value());

  EXPECT_FALSE(fs::exists(ApplicationDir(request))) << ApplicationDir(request);
  std::vector<HistoryEvent> events = Events(handle);
  EXPECT_TRUE(Scheduled(events, app::kProvisionActivity).empty());
  const auto fired = std::count_if(events.begin(), events.end(), [](const HistoryEvent& event) {
    return event.event_type() == enums::EVENT_TYPE_TIMER_FIRED;
  });
  EXPECT_EQ(fired, 1);
}

TEST_F(ProvisionApplicationTest, CancellationAfterProvisioningDestroysWhatWasCreated) {
  app::ProvisionApplicationRequest request = NewRequest("Short Lived");
  temporal::WorkflowHandle handle = Start(request);
  ASSERT_EQ(WaitForStatus(handle, app::status::kAwaitingAuthorization).status,
            app::status::kAwaitingAuthorization);
  ASSERT_TRUE(Decide(handle, request, true, "us-east-1", "iac").ok());

  // Cancel once the provider has created the bucket.
  const fs::path bucket = ApplicationDir(request) / app::BucketName(request);
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  while (!fs::is_directory(bucket) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kPoll);
  }
  ASSERT_TRUE(fs::is_directory(bucket)) << "the provider never created " << bucket;
  ASSERT_TRUE(handle.Cancel("no longer needed").ok());

  auto result = handle.GetResult<app::ProvisionApplicationState>(Bounded());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kWorkflowCanceled) << result.error();

  EXPECT_FALSE(fs::exists(ApplicationDir(request))) << "not destroyed: " << ApplicationDir(request);
  auto description = handle.Describe();
  ASSERT_TRUE(description.ok()) << description.error();
  EXPECT_EQ(description->status, enums::WORKFLOW_EXECUTION_STATUS_CANCELED);

  app::ProvisionApplicationState state = Query(handle);
  EXPECT_EQ(state.status, app::status::kCancelled);
  EXPECT_TRUE(state.resources_destroyed);

  // The destroy ran on the provider's queue after the cancel request, and the
  // workflow then ended as cancelled.
  std::vector<HistoryEvent> events = Events(handle);
  std::vector<HistoryEvent> destroys = Scheduled(events, app::kDestroyActivity);
  ASSERT_EQ(destroys.size(), 1u);
  EXPECT_EQ(destroys[0].activity_task_scheduled_event_attributes().task_queue().name(),
            app::kResourcesTaskQueue);
  EXPECT_TRUE(Outcome(events, destroys[0].event_id(), enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED));
  auto cancel_requested = std::find_if(events.begin(), events.end(), [](const HistoryEvent& event) {
    return event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
  });
  ASSERT_NE(cancel_requested, events.end());
  EXPECT_GT(destroys[0].event_id(), cancel_requested->event_id());
  EXPECT_EQ(events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
}

TEST_F(ProvisionApplicationTest, DemoAuthorizerApprovesAfterItsDelay) {
  app::ProvisionApplicationRequest request = NewRequest("Self Approved");
  request.demo_authorization_delay_seconds = 1;
  temporal::WorkflowHandle handle = Start(request);

  auto result = handle.GetResult<app::ProvisionApplicationState>(Bounded());
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->status, app::status::kProvisioned);
  ASSERT_TRUE(result->authorization.has_value());
  EXPECT_EQ(result->authorization->region, "us-east-1");
  EXPECT_EQ(result->authorization->profile, "iac");
  EXPECT_TRUE(fs::exists(ApplicationDir(request) / "manifest.json"));
}

// The decision's JSON shape, as the demo's BFF (or anyone with a client) sends it.
json DecisionJson(const app::ProvisionApplicationRequest& request, bool approve) {
  return json{{"applicationId", request.application_id},
              {"region", "eu-west-1"},
              {"profile", "dev"},
              {"teamId", request.team_id},
              {"isApproved", approve}};
}

// Issue 7, defect 15: the example's types decode strictly, and the error names
// the field. (Before: the hand-written from_json returned defaults for a string
// or an array, and threw nlohmann's own error for a wrong-typed field.)
TEST(ProvisionApplicationTypes, DecisionDecodingIsStrictAndNamesTheField) {
  app::ProvisionApplicationRequest request;
  request.application_id = "a-1";
  request.team_id = "payments";
  json wrong = DecisionJson(request, true);
  wrong["isApproved"] = "yes";
  auto decoded =
      temporal::FromPayload<app::AuthorizationReceivedResponse>(*temporal::ToPayload(wrong));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), ErrorCode::kDataConversion);
  EXPECT_NE(decoded.error().message().find("\"isApproved\": expected a boolean, got a string"),
            std::string::npos)
      << decoded.error().message();

  for (const json& not_an_object : {json("approve"), json::array({true, "eu-west-1"})}) {
    decoded = temporal::FromPayload<app::AuthorizationReceivedResponse>(
        *temporal::ToPayload(not_an_object));
    ASSERT_FALSE(decoded.ok()) << not_an_object.dump();
    EXPECT_EQ(decoded.error().code(), ErrorCode::kDataConversion);
    EXPECT_NE(decoded.error().message().find("expected a JSON object"), std::string::npos)
        << decoded.error().message();
  }

  // A nested field of the state names its path.
  app::ProvisionApplicationState state;
  state.authorization = app::AuthorizationReceivedResponse{"a-1", "eu-west-1", "dev", "t", true};
  json state_json = json(state);
  EXPECT_EQ(state_json["Authorization"]["isApproved"], true);
  EXPECT_TRUE(state_json["Resources"].is_null());
  state_json["Authorization"]["region"] = 7;
  auto decoded_state =
      temporal::FromPayload<app::ProvisionApplicationState>(*temporal::ToPayload(state_json));
  ASSERT_FALSE(decoded_state.ok());
  EXPECT_NE(decoded_state.error().message().find("\"Authorization.region\": expected a string"),
            std::string::npos)
      << decoded_state.error().message();
}

// Issue 7, defects 15 and 19: a decision signal that does not decode (a field of
// the wrong type, a plain string) must not close the run, nor count as a
// decision; a valid decision afterwards is acted on.
TEST_F(ProvisionApplicationTest, MalformedDecisionSignalsLeaveTheRunAwaitingAuthorization) {
  app::ProvisionApplicationRequest request = NewRequest("Garbage Proof");
  temporal::WorkflowHandle handle = Start(request);
  ASSERT_EQ(WaitForStatus(handle, app::status::kAwaitingAuthorization).status,
            app::status::kAwaitingAuthorization);

  json wrong_type = DecisionJson(request, false);
  wrong_type["isApproved"] = "no";
  ASSERT_TRUE(handle.Signal(app::kAuthorizationSignal, wrong_type).ok());
  ASSERT_TRUE(handle.Signal(app::kAuthorizationSignal, json("reject")).ok());

  // Wait until the worker has handled both signals: a workflow task completed
  // after the second one, or the run closed (which would be the bug).
  std::int64_t last_signal = 0;
  bool handled = false;
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  while (!handled && std::chrono::steady_clock::now() < deadline) {
    int signals = 0;
    for (const HistoryEvent& event : Events(handle)) {
      if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
        ++signals;
        last_signal = event.event_id();
      }
      const bool closed = event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ||
                          event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
      if (closed || (signals == 2 && event.event_id() > last_signal &&
                     event.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED)) {
        handled = true;
      }
    }
    if (!handled) std::this_thread::sleep_for(kPoll);
  }
  ASSERT_TRUE(handled) << "the worker never handled the two signals";

  auto description = handle.Describe();
  ASSERT_TRUE(description.ok()) << description.error();
  EXPECT_EQ(description->status, enums::WORKFLOW_EXECUTION_STATUS_RUNNING)
      << "a malformed signal closed the run";
  app::ProvisionApplicationState state = Query(handle);
  EXPECT_EQ(state.status, app::status::kAwaitingAuthorization);
  EXPECT_FALSE(state.authorization.has_value()) << "garbage counted as a decision";

  ASSERT_TRUE(Decide(handle, request, true, "eu-west-1", "dev").ok());
  auto result = handle.GetResult<app::ProvisionApplicationState>(Bounded());
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->status, app::status::kProvisioned);
  ASSERT_TRUE(result->authorization.has_value());
  EXPECT_TRUE(result->authorization->is_approved);
  EXPECT_EQ(result->authorization->region, "eu-west-1");
}

// TemporalCli is the official CLI: PROVISIO_TEMPORAL_CLI, else the one
// scripts/setup installs under PROVISIO_CACHE (default ~/.cache/provisio).
std::string TemporalCli() {
  if (const char* cli = std::getenv("PROVISIO_TEMPORAL_CLI"); cli != nullptr && *cli != '\0') {
    return cli;
  }
  if (const char* cache = std::getenv("PROVISIO_CACHE"); cache != nullptr && *cache != '\0') {
    return std::string(cache) + "/venv/bin/temporal";
  }
  const char* home = std::getenv("HOME");
  return std::string(home == nullptr ? "" : home) + "/.cache/provisio/venv/bin/temporal";
}

// Issue 7, defect 16: the worker binary replays the histories the official CLI
// exports, and reports a tampered one as non-deterministic with a non-zero exit.
TEST_F(ProvisionApplicationTest, WorkerBinaryReplaysExportedHistoryAndDetectsTampering) {
  const std::string cli = TemporalCli();
  ASSERT_TRUE(fs::exists(cli)) << "the official temporal CLI is not at " << cli
                               << " (scripts/setup installs it; or set PROVISIO_TEMPORAL_CLI)";
  app::ProvisionApplicationRequest request = NewRequest("Replayed App");
  temporal::WorkflowHandle handle = Start(request);
  ASSERT_EQ(WaitForStatus(handle, app::status::kAwaitingAuthorization).status,
            app::status::kAwaitingAuthorization);
  ASSERT_TRUE(Decide(handle, request, true, "eu-west-1", "dev").ok());
  auto result = handle.GetResult<app::ProvisionApplicationState>(Bounded());
  ASSERT_TRUE(result.ok()) << result.error();

  char directory[] = "/tmp/provision-application-replay.XXXXXX";
  ASSERT_NE(mkdtemp(directory), nullptr);
  const fs::path dir = directory;
  const fs::path history = dir / "history.json";
  app::testing::CommandResult exported = app::testing::RunCommand(
      {cli, "workflow", "show", "--address", provisio::testing::DevServerAddress(), "--namespace",
       provisio::testing::DevServerNamespace(), "--workflow-id", request.application_id, "--output",
       "json"},
      history, dir / "export.err");
  ASSERT_EQ(exported.exit_code, 0) << exported.output << ReadTextFile(dir / "export.err");
  ASSERT_NE(exported.output.find("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"), std::string::npos)
      << exported.output.substr(0, 2000);

  app::testing::CommandResult replayed =
      app::testing::RunCommand({PROVISION_APPLICATION_WORKER, "--replay", "--workflow-id",
                                request.application_id, history.string()},
                               dir / "replay.log");
  EXPECT_EQ(replayed.exit_code, 0) << replayed.output;
  EXPECT_EQ(replayed.output.rfind("OK  " + history.string(), 0), 0u) << replayed.output;

  // Tamper: the history now says the workflow scheduled an activity type that
  // the code does not schedule.
  std::string text = exported.output;
  const std::string original = "\"" + std::string(app::kProvisionActivity) + "\"";
  const std::size_t at = text.find(original);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, original.size(), "\"provisionFoundationResourcesV2\"");
  const fs::path tampered = dir / "tampered.json";
  std::ofstream(tampered) << text;
  replayed = app::testing::RunCommand({PROVISION_APPLICATION_WORKER, "--replay", "--workflow-id",
                                       request.application_id, tampered.string()},
                                      dir / "replay-tampered.log");
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_EQ(replayed.output.rfind("NONDETERMINISM  " + tampered.string() +
                                      ": [TMPRL1100] "
                                      "nondeterminism at history event ",
                                  0),
            0u)
      << replayed.output;
  EXPECT_NE(replayed.output.find("provisionFoundationResourcesV2"), std::string::npos)
      << replayed.output;

  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
