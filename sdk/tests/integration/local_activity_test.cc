// Local activities of C++ workflows against the real dev server (issue 8,
// item 2; CONFORMANCE.md "local_activity"): serial and concurrent calls, local
// retries, a backoff longer than the local threshold that becomes a durable
// timer, non-retryable failures, start-to-close and schedule-to-close
// timeouts, the three cancellation types, local activities that outlive the
// workflow task (force_create_new_workflow_task), a cache miss that replays
// the markers without running anything again, and a worker that stops
// mid-activity. TearDown exports every history and replays it: no activity
// function may run during replay.
#include "temporal/workflow/local_activity.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "dev_server.h"
#include "temporal/activity/activity_context.h"
#include "temporal/client/client.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/workflow.h"

namespace {

namespace wf = temporal::workflow;
namespace enums = temporal::api::enums::v1;
using provisio::testing::UniqueId;
using namespace std::chrono_literals;

// Every activity function counts its runs: replay must not add any.
std::atomic<int> runs{0};
// Concurrency seen by SlowEcho.
std::atomic<int> running_now{0};
std::atomic<int> running_max{0};
// Attempts per workflow id for the flaky activities.
std::mutex attempts_mutex;
std::map<std::string, int> attempts_by_workflow;
// What cancellable activities saw.
std::atomic<bool> activity_started{false};
std::atomic<bool> saw_stop_token{false};

int NextAttempt(const std::string& workflow_id) {
  std::lock_guard lock(attempts_mutex);
  return ++attempts_by_workflow[workflow_id];
}

wf::LocalActivityOptions Quick() {
  wf::LocalActivityOptions options;
  options.start_to_close_timeout = 10s;
  return options;
}

wf::Task<int> SerialLocal(int count) {
  int total = 0;
  for (int i = 1; i <= count; ++i)
    total += co_await wf::ExecuteLocalActivity<int>("Double", Quick(), i);
  co_return total;
}

wf::Task<std::vector<std::string>> ConcurrentLocal(int count) {
  std::vector<wf::Future<std::string>> calls;
  for (int i = 0; i < count; ++i)
    calls.push_back(
        wf::ExecuteLocalActivity<std::string>("SlowEcho", Quick(), "call-" + std::to_string(i)));
  co_return co_await wf::WhenAll(std::move(calls));
}

wf::Task<int> RetriedLocally() {
  wf::LocalActivityOptions options = Quick();
  temporal::RetryPolicy retry;
  retry.initial_interval = 50ms;
  retry.backoff_coefficient = 1.0;
  options.retry_policy = retry;
  co_return co_await wf::ExecuteLocalActivity<int>("FailsTwice", options);
}

wf::Task<int> RetriedAfterDurableTimers() {
  wf::LocalActivityOptions options = Quick();
  temporal::RetryPolicy retry;
  retry.initial_interval = 1s;
  retry.backoff_coefficient = 1.0;
  options.retry_policy = retry;
  options.local_retry_threshold = 200ms;  // every backoff is longer: a timer
  co_return co_await wf::ExecuteLocalActivity<int>("FailsTwice", options);
}

// Returns "<cause type>|<retry state>|<cause message>" of the failure.
std::string Describe(const wf::FailureError& error) {
  const auto cause = error.failure().cause();
  std::string type = !cause                               ? "none"
                     : !cause->application_type().empty() ? cause->application_type()
                     : cause->timeout_type() != enums::TIMEOUT_TYPE_UNSPECIFIED
                         ? enums::TimeoutType_Name(cause->timeout_type())
                         : "other";
  return type + "|" + enums::RetryState_Name(error.failure().retry_state());
}

wf::Task<std::string> NonRetryableLocal() {
  try {
    co_await wf::ExecuteLocalActivity<int>("RefusesForGood", Quick());
    co_return std::string("unexpected success");
  } catch (const wf::FailureError& error) {
    co_return Describe(error);
  }
}

wf::Task<std::string> TimesOutLocal(bool schedule_to_close) {
  wf::LocalActivityOptions options;
  temporal::RetryPolicy retry;
  retry.initial_interval = 50ms;
  retry.maximum_attempts = 2;
  options.retry_policy = retry;
  if (schedule_to_close) {
    options.schedule_to_close_timeout = 600ms;
    options.start_to_close_timeout = 5s;
  } else {
    options.start_to_close_timeout = 300ms;
  }
  try {
    co_await wf::ExecuteLocalActivity<std::string>("Sleeps", options, 3000);
    co_return std::string("unexpected success");
  } catch (const wf::FailureError& error) {
    co_return Describe(error);
  }
}

// Runs one long local activity with the given cancellation type; the client
// cancels the run while it runs. Returns what the call gave.
wf::Task<std::string> CancelledLocal(int type) {
  wf::LocalActivityOptions options;
  options.start_to_close_timeout = 30s;
  options.cancellation_type = static_cast<wf::ActivityCancellationType>(type);
  try {
    std::string result = co_await wf::ExecuteLocalActivity<std::string>("WaitsForCancel", options);
    co_return "completed: " + result;
  } catch (const temporal::CanceledFailure&) {
    co_return std::string("cancelled");
  }
}

// Local activities each longer than 80% of the (2 s) workflow task timeout.
wf::Task<int> SlowLocals(int count) {
  int done = 0;
  for (int i = 0; i < count; ++i)
    done += co_await wf::ExecuteLocalActivity<int>("Sleeps", Quick(), 2500) > 0 ? 1 : 0;
  co_return done;
}

// One local activity, then a signal, then another.
wf::Task<int> LocalThenSignal() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  int first = co_await wf::ExecuteLocalActivity<int>("Double", Quick(), 20);
  co_await wf::WaitCondition([&] { return go; });
  int second = co_await wf::ExecuteLocalActivity<int>("Double", Quick(), 1);
  co_return first + second;
}

// SerialLocal as a later deployment changed it, for the replay checks.
wf::Task<int> SerialLocalWithAnotherType(int count) {
  int total = 0;
  for (int i = 1; i <= count; ++i)
    total += co_await wf::ExecuteLocalActivity<int>("Triple", Quick(), i);
  co_return total;
}
wf::Task<int> SerialLocalWithOneCallLess(int count) {
  int total = 0;
  for (int i = 1; i < count; ++i)
    total += co_await wf::ExecuteLocalActivity<int>("Double", Quick(), i);
  co_return total;
}

template <typename Registry>
void RegisterWorkflows(Registry& registry) {
  registry.RegisterWorkflow("SerialLocal", SerialLocal)
      .RegisterWorkflow("ConcurrentLocal", ConcurrentLocal)
      .RegisterWorkflow("RetriedLocally", RetriedLocally)
      .RegisterWorkflow("RetriedAfterDurableTimers", RetriedAfterDurableTimers)
      .RegisterWorkflow("NonRetryableLocal", NonRetryableLocal)
      .RegisterWorkflow("TimesOutLocal", TimesOutLocal)
      .RegisterWorkflow("CancelledLocal", CancelledLocal)
      .RegisterWorkflow("SlowLocals", SlowLocals)
      .RegisterWorkflow("LocalThenSignal", LocalThenSignal);
}

void RegisterActivities(temporal::Worker& worker) {
  worker.RegisterActivity("Double", [](int value) {
    ++runs;
    return value * 2;
  });
  worker.RegisterActivity("SlowEcho", [](std::string text) {
    ++runs;
    const int now = ++running_now;
    int seen = running_max.load();
    while (now > seen && !running_max.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(300ms);
    --running_now;
    return text;
  });
  worker.RegisterActivity("FailsTwice", [](temporal::ActivityContext& context) {
    ++runs;
    const int attempt = NextAttempt(context.info().workflow_id);
    EXPECT_EQ(attempt, context.info().attempt);
    EXPECT_TRUE(context.info().is_local);
    if (attempt < 3) throw temporal::ApplicationFailure("not yet", "NotYet");
    return attempt;
  });
  worker.RegisterActivity("RefusesForGood", [](temporal::ActivityContext& context) -> int {
    ++runs;
    NextAttempt(context.info().workflow_id);
    throw temporal::ApplicationFailure("never", "Refused", /*non_retryable=*/true);
  });
  worker.RegisterActivity("Sleeps", [](temporal::ActivityContext& context, int millis) {
    ++runs;
    NextAttempt(context.info().workflow_id);
    // Honours its stop token, as activities should.
    if (context.WaitForCancellation(std::chrono::milliseconds(millis))) context.ThrowIfCancelled();
    return millis;
  });
  worker.RegisterActivity("WaitsForCancel", [](temporal::ActivityContext& context) {
    ++runs;
    activity_started = true;
    if (!context.WaitForCancellation(10s)) return std::string("never cancelled");
    saw_stop_token = true;
    std::this_thread::sleep_for(200ms);  // cleans up
    return std::string("cleaned up");
  });
}

class LocalActivityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    temporal::ClientOptions options;
    options.target_host = provisio::testing::DevServerAddress();
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    task_queue_ = UniqueId("cpp-local");
    activity_started = false;
    saw_stop_token = false;
  }

  void TearDown() override {
    StopWorker();
    const int runs_before = runs;
    temporal::Replayer replayer;
    RegisterWorkflows(replayer);
    for (const std::string& workflow_id : started_) {
      auto json = client_->GetHandle(workflow_id).FetchHistoryJson();
      ASSERT_TRUE(json.ok()) << json.error();
      auto history = temporal::Replayer::LoadHistoryJson(*json);
      ASSERT_TRUE(history.ok()) << history.error();
      temporal::Status replayed = replayer.ReplayHistory(*history, workflow_id);
      EXPECT_TRUE(replayed.ok()) << workflow_id << ": " << replayed.error();
    }
    EXPECT_EQ(runs, runs_before) << "an activity function ran during replay";
  }

  void StartWorker() {
    temporal::WorkerOptions options;
    options.task_queue = task_queue_;
    options.shutdown_cancel_wait = 2s;
    worker_ = std::make_unique<temporal::Worker>(*client_, options);
    RegisterWorkflows(*worker_);
    RegisterActivities(*worker_);
    ASSERT_TRUE(worker_->Start().ok());
  }
  void StopWorker() {
    if (worker_) worker_->Shutdown();
    worker_.reset();
  }

  template <typename... Args>
  temporal::WorkflowHandle Start(const std::string& type,
                                 std::optional<std::chrono::milliseconds> task_timeout,
                                 const Args&... args) {
    temporal::StartWorkflowOptions options;
    options.id = UniqueId(type);
    options.task_queue = task_queue_;
    options.task_timeout = task_timeout;
    auto handle = client_->StartWorkflow(type, options, args...);
    EXPECT_TRUE(handle.ok()) << handle.error();
    started_.push_back(handle->workflow_id());
    return std::move(*handle);
  }

  struct Counts {
    int markers = 0;
    int activities_scheduled = 0;
    int timers = 0;
    int tasks_completed = 0;
    int tasks_failed = 0;
    int tasks_timed_out = 0;
  };
  Counts CountEvents(const temporal::WorkflowHandle& handle) {
    Counts counts;
    auto history = handle.FetchHistory();
    EXPECT_TRUE(history.ok()) << history.error();
    for (const auto& event : history->events()) {
      switch (event.event_type()) {
        case enums::EVENT_TYPE_MARKER_RECORDED:
          if (event.marker_recorded_event_attributes().marker_name() == "core_local_activity")
            ++counts.markers;
          break;
        case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
          ++counts.activities_scheduled;
          break;
        case enums::EVENT_TYPE_TIMER_STARTED:
          ++counts.timers;
          break;
        case enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
          ++counts.tasks_completed;
          break;
        case enums::EVENT_TYPE_WORKFLOW_TASK_FAILED:
          ++counts.tasks_failed;
          break;
        case enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
          ++counts.tasks_timed_out;
          break;
        default:
          break;
      }
    }
    return counts;
  }

  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
  std::vector<std::string> started_;
};

TEST_F(LocalActivityTest, SerialLocalActivitiesAreRecordedAsMarkersAndNeverScheduledOnTheServer) {
  StartWorker();
  const int runs_before = runs;
  auto handle = Start("SerialLocal", std::nullopt, 5);
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 2 * (1 + 2 + 3 + 4 + 5));
  EXPECT_EQ(runs - runs_before, 5);
  const Counts counts = CountEvents(handle);
  EXPECT_EQ(counts.markers, 5);
  EXPECT_EQ(counts.activities_scheduled, 0);
  // All five ran inside the first workflow task.
  EXPECT_EQ(counts.tasks_completed, 1);
}

TEST_F(LocalActivityTest, ReplayingAfterTheLocalActivitiesChangedIsNonDeterministic) {
  StartWorker();
  auto handle = Start("SerialLocal", std::nullopt, 3);
  ASSERT_TRUE(handle.GetResult<int>().ok());
  auto json = handle.FetchHistoryJson();
  ASSERT_TRUE(json.ok()) << json.error();
  auto history = temporal::Replayer::LoadHistoryJson(*json);
  ASSERT_TRUE(history.ok()) << history.error();
  const int runs_before = runs;
  {
    temporal::Replayer replayer;
    replayer.RegisterWorkflow("SerialLocal", SerialLocalWithAnotherType);
    temporal::Status replayed = replayer.ReplayHistory(*history, handle.workflow_id());
    ASSERT_FALSE(replayed.ok()) << "a changed local activity type replayed";
    EXPECT_NE(
        replayed.error().message().find("of type Double where the workflow ran local activity"),
        std::string::npos)
        << replayed.error();
  }
  {
    temporal::Replayer replayer;
    replayer.RegisterWorkflow("SerialLocal", SerialLocalWithOneCallLess);
    temporal::Status replayed = replayer.ReplayHistory(*history, handle.workflow_id());
    ASSERT_FALSE(replayed.ok()) << "a removed local activity replayed";
    EXPECT_NE(replayed.error().message().find("MARKER_RECORDED"), std::string::npos)
        << replayed.error();
  }
  EXPECT_EQ(runs, runs_before);
}

TEST_F(LocalActivityTest, ConcurrentLocalActivitiesRunTogether) {
  running_max = 0;
  StartWorker();
  auto handle = Start("ConcurrentLocal", std::nullopt, 4);
  auto result = handle.GetResult<std::vector<std::string>>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, (std::vector<std::string>{"call-0", "call-1", "call-2", "call-3"}));
  EXPECT_GE(running_max.load(), 2) << "the local activities ran one after the other";
  EXPECT_EQ(CountEvents(handle).markers, 4);
}

TEST_F(LocalActivityTest, ShortBackoffsAreRetriedInTheWorkerWithOneMarker) {
  StartWorker();
  auto handle = Start("RetriedLocally", std::nullopt);
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 3);
  const Counts counts = CountEvents(handle);
  EXPECT_EQ(counts.markers, 1);
  EXPECT_EQ(counts.timers, 0);
}

TEST_F(LocalActivityTest, ABackoffLongerThanTheLocalThresholdBecomesADurableTimer) {
  StartWorker();
  auto handle = Start("RetriedAfterDurableTimers", std::nullopt);
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 3);
  const Counts counts = CountEvents(handle);
  // Two failed attempts, each a marker with its backoff and then a timer; the
  // third attempt's marker holds the result.
  EXPECT_EQ(counts.markers, 3);
  EXPECT_EQ(counts.timers, 2);
}

TEST_F(LocalActivityTest, ANonRetryableFailureEndsTheCallAfterOneAttempt) {
  StartWorker();
  auto handle = Start("NonRetryableLocal", std::nullopt);
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "Refused|RETRY_STATE_NON_RETRYABLE_FAILURE");
  std::lock_guard lock(attempts_mutex);
  EXPECT_EQ(attempts_by_workflow[handle.workflow_id()], 1);
}

TEST_F(LocalActivityTest, StartToCloseTimeoutFailsEachAttemptUntilTheRetriesRunOut) {
  StartWorker();
  auto handle = Start("TimesOutLocal", std::nullopt, false);
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "TIMEOUT_TYPE_START_TO_CLOSE|RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED");
  std::lock_guard lock(attempts_mutex);
  EXPECT_EQ(attempts_by_workflow[handle.workflow_id()], 2);
}

TEST_F(LocalActivityTest, ScheduleToCloseTimeoutEndsTheCallWithoutRetry) {
  StartWorker();
  auto handle = Start("TimesOutLocal", std::nullopt, true);
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "TIMEOUT_TYPE_SCHEDULE_TO_CLOSE|RETRY_STATE_TIMEOUT");
  std::lock_guard lock(attempts_mutex);
  EXPECT_EQ(attempts_by_workflow[handle.workflow_id()], 1);
}

TEST_F(LocalActivityTest, ManySlowLocalActivitiesKeepTheWorkflowTaskAliveAndComplete) {
  StartWorker();
  // A 2 s task timeout: each 2.5 s activity outlives 80% of it (1.6 s).
  auto handle = Start("SlowLocals", 2s, 3);
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 3);
  const Counts counts = CountEvents(handle);
  EXPECT_EQ(counts.markers, 3);
  EXPECT_EQ(counts.tasks_timed_out, 0);
  EXPECT_EQ(counts.tasks_failed, 0);
  // At least one forced task per activity besides the final one.
  EXPECT_GE(counts.tasks_completed, 4);
}

class LocalActivityCancellationTest : public LocalActivityTest,
                                      public ::testing::WithParamInterface<int> {};

TEST_P(LocalActivityCancellationTest, CancellingTheRunCancelsTheLocalActivityAsItsTypeSays) {
  const auto type = static_cast<wf::ActivityCancellationType>(GetParam());
  StartWorker();
  // A short task timeout: the cancel request arrives with the next forced task.
  auto handle = Start("CancelledLocal", 2s, GetParam());
  for (int i = 0; i < 200 && !activity_started; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(activity_started);
  ASSERT_TRUE(handle.Cancel("stop").ok());
  auto result = handle.GetResult<std::string>();
  if (type == wf::ActivityCancellationType::kWaitCancellationCompleted) {
    // The call waited for the function, whose return is its outcome.
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(*result, "completed: cleaned up");
    EXPECT_TRUE(saw_stop_token);
  } else {
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(*result, "cancelled");
    if (type == wf::ActivityCancellationType::kTryCancel) {
      for (int i = 0; i < 100 && !saw_stop_token; ++i) std::this_thread::sleep_for(20ms);
      EXPECT_TRUE(saw_stop_token) << "try-cancel did not reach the running function";
    } else {
      EXPECT_FALSE(saw_stop_token) << "abandon must not disturb the running function";
    }
  }
  EXPECT_EQ(CountEvents(handle).markers, 1);
}

INSTANTIATE_TEST_SUITE_P(
    Types, LocalActivityCancellationTest,
    ::testing::Values(static_cast<int>(wf::ActivityCancellationType::kTryCancel),
                      static_cast<int>(wf::ActivityCancellationType::kWaitCancellationCompleted),
                      static_cast<int>(wf::ActivityCancellationType::kAbandon)));

TEST_F(LocalActivityTest, ANewWorkerReplaysTheMarkersWithoutRunningTheActivityAgain) {
  StartWorker();
  auto handle = Start("LocalThenSignal", std::nullopt);
  // Wait until the first local activity's marker is in history.
  for (int i = 0; i < 200 && CountEvents(handle).markers < 1; ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(CountEvents(handle).markers, 1);
  StopWorker();
  const int runs_before = runs;
  StartWorker();  // empty cache: the whole history is replayed
  ASSERT_TRUE(handle.Signal("go").ok());
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(runs - runs_before, 1) << "only the second local activity may run";
}

TEST_F(LocalActivityTest, AWorkerStoppedMidActivityLeavesItToTheNextWorkerToRunAgain) {
  StartWorker();
  auto handle = Start("SlowLocals", 2s, 1);
  std::string workflow_id = handle.workflow_id();
  const auto attempts = [&] {
    std::lock_guard lock(attempts_mutex);
    return attempts_by_workflow[workflow_id];
  };
  for (int i = 0; i < 200 && attempts() < 1; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(attempts(), 1);
  StopWorker();  // cancels the running attempt; its outcome is never recorded
  StartWorker();
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 1);
  EXPECT_EQ(attempts(), 2) << "the next worker runs the activity again";
  EXPECT_EQ(CountEvents(handle).markers, 1);
}

}  // namespace
