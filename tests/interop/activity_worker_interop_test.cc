// TypeScript workflows (official SDK) call activities served by the C++
// activity worker, on a task queue of the test's own.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "interop_env.h"
#include "temporal/worker/worker.h"

namespace {

using nlohmann::json;
using provisio::testing::UniqueId;
using temporal::ActivityContext;
using temporal::ErrorCode;
namespace enums = temporal::api::enums::v1;

struct Record {
  std::string name;
  int size = 0;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE(Record, name, size)
};

// What the activities observed, for the assertions on the C++ side.
struct Observations {
  std::atomic<int> non_retryable_attempts{0};
  std::atomic<int> flaky_attempts{0};
  std::atomic<int> cancel_reason{static_cast<int>(temporal::CancellationReason::kNone)};
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  std::mutex mutex;
  std::condition_variable changed;
  std::string async_task_token;    // guarded by mutex
  std::string async_activity_id;   // guarded by mutex
  std::string async_workflow_id;   // guarded by mutex
  bool blocking_started = false;   // guarded by mutex
  bool progress_reported = false;  // guarded by mutex
  bool progress_release = false;   // guarded by mutex
};

void RegisterActivities(temporal::Worker& worker, Observations& seen) {
  worker.RegisterActivity("Concat", [](std::string a, std::string b) { return a + b; });
  worker.RegisterActivity("Add", [](int a, int b) { return a + b; });
  worker.RegisterActivity("MakeRecord", [](std::string name, int size) {
    return Record{name, size};
  });
  worker.RegisterActivity("Bytes", [] {
    return temporal::Bytes{std::byte{0xde}, std::byte{0xad}, std::byte{0xbe}, std::byte{0xef}};
  });
  worker.RegisterActivity("Nothing", [] { return std::monostate{}; });
  worker.RegisterActivity("FailNonRetryable", [&seen](std::string message) -> int {
    ++seen.non_retryable_attempts;
    throw temporal::ApplicationFailure::NonRetryable(message, "NonRetryableError")
        .WithDetails(std::string("detail"), 42);
  });
  worker.RegisterActivity("FlakyUntilThird", [&seen](ActivityContext& context) {
    ++seen.flaky_attempts;
    if (context.info().attempt < 3) {
      throw std::runtime_error("flaky on attempt " + std::to_string(context.info().attempt));
    }
    return context.info().attempt;
  });
  worker.RegisterActivity("HeartbeatThenFailOnce", [](ActivityContext& context) -> std::string {
    if (context.info().attempt == 1) {
      context.Heartbeat(std::string("progress-7"));
      throw std::runtime_error("fail after heartbeating");
    }
    return context.HeartbeatDetails<std::string>().value_or("no details on attempt " +
                                                            std::to_string(context.info().attempt));
  });
  worker.RegisterActivity("WaitForCancel", [&seen](ActivityContext& context) {
    for (int i = 0; i < 300 && !context.IsCancelled(); ++i) {
      context.Heartbeat(std::string("waiting"));
      context.WaitForCancellation(std::chrono::milliseconds(100));
    }
    seen.cancel_reason = static_cast<int>(context.cancellation_reason());
    context.ThrowIfCancelled();
    return std::string("never cancelled");
  });
  worker.RegisterActivity("StopHeartbeating", [](ActivityContext& context) {
    context.Heartbeat(std::string("last words"));
    context.WaitForCancellation(std::chrono::seconds(4));
    return std::string("too late");
  });
  worker.RegisterActivity("CompleteLater", [&seen](ActivityContext& context) {
    {
      std::lock_guard lock(seen.mutex);
      seen.async_task_token = context.info().task_token;
      seen.async_activity_id = context.info().activity_id;
      seen.async_workflow_id = context.info().workflow_id;
    }
    seen.changed.notify_all();
    context.CompleteAsync();
  });
  worker.RegisterActivity("Sleepy", [&seen](int milliseconds) {
    int now = ++seen.running;
    int previous = seen.max_running.load();
    while (now > previous && !seen.max_running.compare_exchange_weak(previous, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
    --seen.running;
    return milliseconds;
  });
  // Attempt 1 fails; attempt 2 heartbeats "hb-0", then a burst hb-1..hb-49
  // inside the throttle window, then waits for the test to release it.
  worker.RegisterActivity("ReportProgress", [&seen](ActivityContext& context) -> std::string {
    if (context.info().attempt == 1) throw std::runtime_error("the first attempt fails");
    context.Heartbeat(std::string("hb-0"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (int i = 1; i < 50; ++i) context.Heartbeat("hb-" + std::to_string(i));
    std::unique_lock lock(seen.mutex);
    seen.progress_reported = true;
    seen.changed.notify_all();
    seen.changed.wait_for(lock, std::chrono::seconds(30), [&] { return seen.progress_release; });
    return "released";
  });
  worker.RegisterActivity("BlockUntilCancelled", [&seen](ActivityContext& context) {
    {
      std::lock_guard lock(seen.mutex);
      seen.blocking_started = true;
    }
    seen.changed.notify_all();
    context.WaitForCancellation(std::chrono::seconds(60));
    seen.cancel_reason = static_cast<int>(context.cancellation_reason());
    context.ThrowIfCancelled();
    return std::string("finished without cancellation");
  });
}

class ActivityWorkerInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_INTEROP_WORKER();
    auto client = temporal::Client::Connect(provisio::testing::InteropClientOptions());
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    StartWorker({});
  }
  void TearDown() override {
    if (worker_) worker_->Shutdown();
  }

  // StartWorker replaces the worker with one on a fresh task queue; `client`
  // (default: the test's) decides its data converter.
  void StartWorker(temporal::WorkerOptions options, const temporal::Client* client = nullptr) {
    if (worker_) worker_->Shutdown();
    task_queue_ = UniqueId("cpp-activities");
    options.task_queue = task_queue_;
    worker_ = std::make_unique<temporal::Worker>(client != nullptr ? *client : *client_, options);
    RegisterActivities(*worker_, seen_);
    ASSERT_TRUE(worker_->Start().ok());
  }

  // Starts TypeScript workflow `type` with the C++ task queue as first argument.
  template <typename... Args>
  temporal::WorkflowHandle StartTypeScript(const std::string& type, const Args&... args) {
    temporal::StartWorkflowOptions options;
    options.id = UniqueId(type);
    options.task_queue = provisio::testing::TypeScriptTaskQueue();
    options.execution_timeout = std::chrono::minutes(2);
    auto handle = client_->StartWorkflow(type, options, task_queue_, args...);
    EXPECT_TRUE(handle.ok()) << handle.error();
    return *handle;
  }

  json Run(const std::string& type) {
    auto result = StartTypeScript(type).GetResult<json>();
    EXPECT_TRUE(result.ok()) << result.error();
    return result.ok() ? *result : json();
  }

  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
  Observations seen_;
};

TEST_F(ActivityWorkerInteropTest, ResultsOfSeveralTypesReachTypeScriptIntact) {
  json result = Run("callCppActivities");
  EXPECT_EQ(result, json::parse(R"({"concat": "ab", "add": 5, "record": {"name": "db", "size": 3},
                                    "bytesHex": "deadbeef", "nothingIsUndefined": true})"));
}

TEST_F(ActivityWorkerInteropTest, NonRetryableApplicationFailureIsNotRetried) {
  json result = Run("cppNonRetryable");
  EXPECT_EQ(result["causeType"], "NonRetryableError");
  EXPECT_EQ(result["causeMessage"], "boom");
  EXPECT_EQ(result["nonRetryable"], true);
  EXPECT_EQ(result["details"], json::parse(R"(["detail", 42])"));
  EXPECT_EQ(seen_.non_retryable_attempts.load(), 1);  // the retry policy allowed 5
}

TEST_F(ActivityWorkerInteropTest, RetriedFailureSucceedsOnTheThirdAttempt) {
  json result = Run("cppRetryUntilThird");
  EXPECT_EQ(result, 3);
  EXPECT_EQ(seen_.flaky_attempts.load(), 3);
}

TEST_F(ActivityWorkerInteropTest, HeartbeatDetailsSurviveARetry) {
  EXPECT_EQ(Run("cppHeartbeatDetailsSurviveRetry"), "progress-7");
}

TEST_F(ActivityWorkerInteropTest, CancelledActivitySeesItThroughHeartbeatAndReportsCanceled) {
  auto handle = StartTypeScript("cppCancelActivity");
  auto result = handle.GetResult<json>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ((*result)["cancelled"], true);
  EXPECT_EQ((*result)["failureName"], "ActivityFailure");
  EXPECT_EQ((*result)["causeName"], "CancelledFailure");
  EXPECT_EQ(seen_.cancel_reason.load(), static_cast<int>(temporal::CancellationReason::kRequested));
  auto history = handle.FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  bool canceled_event = false;
  for (const auto& event : history->events()) {
    canceled_event |= event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED;
  }
  EXPECT_TRUE(canceled_event) << "the C++ worker must answer RespondActivityTaskCanceled";
}

TEST_F(ActivityWorkerInteropTest, ActivityThatStopsHeartbeatingTimesOutWithItsLastDetails) {
  json result = Run("cppHeartbeatTimeout");
  EXPECT_EQ(result["timeoutType"], "HEARTBEAT");
  EXPECT_EQ(result["lastHeartbeatDetails"], "last words");
}

TEST_F(ActivityWorkerInteropTest, UnknownActivityTypeFailsNamingTheRegisteredTypes) {
  json result = Run("cppUnknownActivity");
  EXPECT_EQ(result["causeType"], "NotFoundError");
  const std::string message = result["causeMessage"];
  EXPECT_NE(message.find("NoSuchActivity"), std::string::npos) << message;
  EXPECT_NE(message.find("Concat"), std::string::npos) << message;
  // The worker keeps serving after the unknown type.
  EXPECT_EQ(Run("cppRetryUntilThird"), 3);
}

TEST_F(ActivityWorkerInteropTest, UndecodableArgumentsFailWithADataConversionError) {
  auto handle =
      StartTypeScript("runCppActivity", std::string("Add"), json::array({"not a number", 1}));
  auto result = handle.GetResult<json>();
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().code(), ErrorCode::kWorkflowFailed) << result.error();
  // The TypeScript workflow rethrows the ActivityFailure; its cause is ours.
  EXPECT_EQ(result.error().failure()->kind(), temporal::FailureKind::kActivity);
  auto root = result.error().failure()->cause();
  ASSERT_TRUE(root.has_value()) << result.error().failure()->ToString();
  EXPECT_EQ(root->application_type(), "DataConversionError");
  EXPECT_TRUE(root->non_retryable());
  EXPECT_NE(root->message().find("json/plain"), std::string::npos) << root->message();
}

TEST_F(ActivityWorkerInteropTest, AsyncCompletionByTaskToken) {
  auto handle = StartTypeScript("runCppActivity", std::string("CompleteLater"), json::array());
  std::string token;
  {
    std::unique_lock lock(seen_.mutex);
    ASSERT_TRUE(seen_.changed.wait_for(lock, std::chrono::seconds(30),
                                       [&] { return !seen_.async_task_token.empty(); }));
    token = seen_.async_task_token;
  }
  auto activity = client_->GetAsyncActivityHandle(token);
  ASSERT_TRUE(activity.Heartbeat(std::string("halfway")).ok());
  ASSERT_TRUE(activity.Complete(std::string("finished by token")).ok());
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "finished by token");
}

TEST_F(ActivityWorkerInteropTest, AsyncCompletionByWorkflowAndActivityId) {
  auto handle = StartTypeScript("runCppActivity", std::string("CompleteLater"), json::array());
  std::string workflow_id, activity_id;
  {
    std::unique_lock lock(seen_.mutex);
    ASSERT_TRUE(seen_.changed.wait_for(lock, std::chrono::seconds(30),
                                       [&] { return !seen_.async_activity_id.empty(); }));
    workflow_id = seen_.async_workflow_id;
    activity_id = seen_.async_activity_id;
  }
  EXPECT_EQ(workflow_id, handle.workflow_id());
  auto activity = client_->GetAsyncActivityHandle(workflow_id, "", activity_id);
  ASSERT_TRUE(
      activity.Fail(temporal::ApplicationFailure("rejected by operator", "OperatorRejected", true))
          .ok());
  auto result = handle.GetResult<std::string>();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kWorkflowFailed);
  auto root = result.error().failure()->cause();
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->application_type(), "OperatorRejected");
}

TEST_F(ActivityWorkerInteropTest, ConcurrentActivitiesAreBoundedByTheWorkerLimit) {
  temporal::WorkerOptions options;
  options.max_concurrent_activities = 2;
  StartWorker(options);
  std::vector<temporal::WorkflowHandle> handles;
  for (int i = 0; i < 4; ++i) {
    handles.push_back(
        StartTypeScript("runCppActivity", std::string("Sleepy"), json::array({1000})));
  }
  for (auto& handle : handles) {
    auto result = handle.GetResult<int>();
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(*result, 1000);
  }
  EXPECT_EQ(seen_.max_running.load(), 2);
}

TEST_F(ActivityWorkerInteropTest, ShutdownLetsARunningActivityFinishWithinTheGracePeriod) {
  auto handle = StartTypeScript("runCppActivity", std::string("Sleepy"), json::array({1500}));
  // Wait until the activity runs, then shut down while it does.
  for (int i = 0; i < 300 && seen_.running.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(seen_.running.load(), 1);
  worker_->Shutdown();
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 1500);
}

TEST_F(ActivityWorkerInteropTest, ShutdownCancelsActivitiesStillRunningAfterTheGracePeriod) {
  temporal::WorkerOptions options;
  options.graceful_shutdown_timeout = std::chrono::milliseconds(300);
  StartWorker(options);
  auto handle =
      StartTypeScript("runCppActivity", std::string("BlockUntilCancelled"), json::array());
  {
    std::unique_lock lock(seen_.mutex);
    ASSERT_TRUE(seen_.changed.wait_for(lock, std::chrono::seconds(30),
                                       [&] { return seen_.blocking_started; }));
  }
  worker_->Shutdown();
  EXPECT_EQ(seen_.cancel_reason.load(),
            static_cast<int>(temporal::CancellationReason::kWorkerShutdown));
  auto result = handle.GetResult<std::string>();
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().code(), ErrorCode::kWorkflowFailed) << result.error();
  auto root = result.error().failure()->cause();
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->application_type(), "WorkerShutdown");
  EXPECT_FALSE(root->non_retryable());
}

TEST_F(ActivityWorkerInteropTest, DescribeShowsAttemptLastFailureAndThrottledHeartbeatDetails) {
  auto handle = StartTypeScript("runCppActivity", std::string("ReportProgress"), json::array(),
                                json{{"heartbeatTimeout", "10s"}, {"maximumAttempts", 2}});
  {
    std::unique_lock lock(seen_.mutex);
    ASSERT_TRUE(seen_.changed.wait_for(lock, std::chrono::seconds(30),
                                       [&] { return seen_.progress_reported; }));
  }
  auto description = handle.Describe();
  {
    std::lock_guard lock(seen_.mutex);
    seen_.progress_release = true;
  }
  seen_.changed.notify_all();
  ASSERT_TRUE(description.ok()) << description.error();
  ASSERT_EQ(description->pending_activities.size(), 1u);
  const temporal::PendingActivity& pending = description->pending_activities.front();
  EXPECT_EQ(pending.activity_type, "ReportProgress");
  EXPECT_EQ(pending.attempt, 2);
  EXPECT_EQ(pending.maximum_attempts, 2);
  ASSERT_TRUE(pending.last_failure.has_value());
  EXPECT_NE(pending.last_failure->message().find("the first attempt fails"), std::string::npos);
  EXPECT_EQ(pending.last_failure->application_type(), "std::runtime_error");
  EXPECT_TRUE(pending.scheduled_time.has_value());
  EXPECT_TRUE(pending.last_started_time.has_value());
  EXPECT_TRUE(pending.last_heartbeat_time.has_value());
  // With a 10 s heartbeat timeout the throttle is 8 s: the burst after "hb-0"
  // must not have reached the server yet.
  ASSERT_EQ(pending.heartbeat_details.size(), 1u);
  EXPECT_EQ(temporal::FromPayload<std::string>(pending.heartbeat_details[0]).value(), "hb-0");
  EXPECT_EQ(pending.last_worker_identity, "cpp-interop-test");

  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "released");
}

TEST_F(ActivityWorkerInteropTest,
       EncodedCommonAttributesHideTheMessageAtRestAndTypeScriptRestoresIt) {
  auto options = provisio::testing::InteropClientOptions();
  options.data_converter.SetEncodeCommonAttributes(true);
  auto encoding_client = temporal::Client::Connect(options);
  ASSERT_TRUE(encoding_client.ok()) << encoding_client.error();
  StartWorker({}, &*encoding_client);

  auto handle = StartTypeScript("cppNonRetryable");
  auto result = handle.GetResult<json>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ((*result)["causeMessage"], "boom");  // restored by the TypeScript SDK
  EXPECT_EQ((*result)["causeType"], "NonRetryableError");

  auto history = handle.FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  bool found = false;
  for (const auto& event : history->events()) {
    if (event.event_type() != enums::EVENT_TYPE_ACTIVITY_TASK_FAILED) continue;
    const auto& failure = event.activity_task_failed_event_attributes().failure();
    EXPECT_EQ(failure.message(), "Encoded failure");
    EXPECT_TRUE(failure.has_encoded_attributes());
    EXPECT_EQ(json::parse(failure.encoded_attributes().data())["message"], "boom");
    found = true;
  }
  EXPECT_TRUE(found);
}

}  // namespace
