// C++ workflows on the C++ worker against the real dev server: activities,
// timers, signals, queries, conditions, cancellation with cleanup, failures,
// continue-as-new, non-determinism detection and cache misses.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "dev_server.h"
#include "temporal/client/client.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/signal_channel.h"
#include "temporal/workflow/workflow.h"

namespace {

namespace wf = temporal::workflow;
namespace enums = temporal::api::enums::v1;
using provisio::testing::UniqueId;
using temporal::ErrorCode;

wf::ActivityOptions Quick() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = std::chrono::seconds(10);
  temporal::RetryPolicy retry;
  retry.initial_interval = std::chrono::milliseconds(100);
  retry.maximum_attempts = 3;
  options.retry_policy = retry;
  return options;
}

wf::Task<std::string> Greet(std::string name) {
  std::string greeting = co_await wf::ExecuteActivity<std::string>("Greeting", Quick(), name);
  co_return greeting + "!";
}

wf::Task<int> SleepThenCount(int milliseconds) {
  co_await wf::Sleep(std::chrono::milliseconds(milliseconds));
  co_return milliseconds;
}

wf::Task<std::vector<int>> Fanout(int count) {
  std::vector<wf::Future<int>> squares;
  for (int i = 1; i <= count; ++i)
    squares.push_back(wf::ExecuteActivity<int>("Square", Quick(), i));
  co_return co_await wf::WhenAll(std::move(squares));
}

// The reference demo's shape: wait for a decision by signal, with a deadline.
wf::Task<std::string> AwaitDecision(int timeout_ms) {
  std::optional<std::string> decision;
  int signals = 0;
  wf::SetSignalHandler("decide", [&](std::string value) {
    ++signals;
    decision = value;
  });
  wf::SetQueryHandler("state", [&]() -> std::string {
    return decision ? "decided:" + *decision : "waiting(" + std::to_string(signals) + ")";
  });
  bool decided = co_await wf::WaitCondition([&] { return decision.has_value(); },
                                            std::chrono::milliseconds(timeout_ms));
  if (!decided) throw temporal::ApplicationFailure("no decision in time", "DecisionTimeout", true);
  co_return *decision;
}

wf::Task<std::string> CleanupOnCancel(std::string resource) {
  co_await wf::ExecuteActivity<std::string>("Create", Quick(), resource);
  std::exception_ptr cancelled;
  try {
    co_await wf::Sleep(std::chrono::hours(1));
  } catch (const temporal::CanceledFailure&) {
    cancelled = std::current_exception();  // C++ cannot co_await inside a catch block
  }
  if (cancelled) {
    // Cancellation reached us: undo what we created, in a scope the
    // cancellation does not reach, then end as cancelled.
    co_await wf::CancellationScope::Detached().Run([](std::string name) -> wf::Task<void> {
      co_await wf::ExecuteActivity<std::string>("Destroy", Quick(), name);
    }(resource));
    std::rethrow_exception(cancelled);
  }
  co_return "not cancelled";
}

wf::Task<std::string> FailingActivity() {
  co_return co_await wf::ExecuteActivity<std::string>("AlwaysFails", Quick());
}

wf::Task<int> RejectInput(int value) {
  if (value < 0) throw temporal::ApplicationFailure("negative input", "InvalidInput", true);
  co_return value;
}

wf::Task<int> CountRuns(int remaining, int count) {
  if (remaining > 0) wf::ContinueAsNew(remaining - 1, count + 1);
  co_return count;
}

wf::Task<int> Buggy() {
  throw std::runtime_error("a bug in workflow code");
  co_return 0;
}

wf::Task<std::string> Deterministic() {
  const std::uint64_t before = wf::Random();
  const std::string uuid = wf::NewUuid();
  co_await wf::Sleep(std::chrono::milliseconds(10));
  // After the timer the run may be replayed (cache off): the values must hold.
  co_return std::to_string(before) + "/" + uuid + "/" + wf::Info().workflow_type;
}

// Version 1 starts a timer before waiting; version 2 (a "deployment" that
// changed the code) runs an activity instead: replaying v1's history with v2
// must be reported as non-determinism.
wf::Task<std::string> ChangingV1() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  co_await wf::Sleep(std::chrono::milliseconds(1));
  co_await wf::WaitCondition([&] { return go; });
  co_return "v1";
}
wf::Task<std::string> ChangingV2() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  co_await wf::ExecuteActivity<std::string>("Greeting", Quick(), std::string("v2"));
  co_await wf::WaitCondition([&] { return go; });
  co_return "v2";
}

wf::Task<std::string> RecordsASideEffect() {
  // std::random_device is exactly what workflow code must not call directly.
  const unsigned value = wf::SideEffect([] { return std::random_device{}(); });
  co_await wf::Sleep(std::chrono::milliseconds(10));
  co_return std::to_string(value);
}

// Before the patch: greet "old", then wait. After: new runs greet "new".
wf::Task<std::string> PatchedV1() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  std::string greeting =
      co_await wf::ExecuteActivity<std::string>("Greeting", Quick(), std::string("old"));
  co_await wf::WaitCondition([&] { return go; });
  co_return greeting;
}
wf::Task<std::string> PatchedV2() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  std::string greeting;
  if (wf::Patched("greet-new")) {
    greeting = co_await wf::ExecuteActivity<std::string>("Greeting", Quick(), std::string("new"));
  } else {
    greeting = co_await wf::ExecuteActivity<std::string>("Greeting", Quick(), std::string("old"));
  }
  co_await wf::WaitCondition([&] { return go; });
  co_return greeting;
}

wf::Task<std::string> UpsertsStatus(std::string team) {
  temporal::SearchAttributes attributes;
  attributes.SetKeyword("ProvisioStatus", "provisioning").SetKeyword("ProvisioTeam", team);
  wf::UpsertSearchAttributes(attributes);
  wf::UpsertMemo({{"owner", *temporal::ToPayload(std::string("alice"))}});
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  co_await wf::WaitCondition([&] { return go; });
  co_return "done";
}

wf::Task<std::string> ParentOfGreet(std::string name) {
  wf::ChildWorkflowOptions options;  // named: see docs/determinism.md on temporaries in co_await
  std::string greeting = co_await wf::ExecuteChildWorkflow<std::string>("Greet", options, name);
  co_return greeting;
}

wf::Task<std::string> ParentOfFailingChild() {
  wf::ChildWorkflowOptions options;
  try {
    co_await wf::ExecuteChildWorkflow<int>("RejectInput", options, -1);
  } catch (const wf::FailureError& error) {
    const auto cause = error.failure().cause();
    co_return std::string(temporal::FailureKindName(error.failure().kind())) + "/" +
        (cause ? cause->application_type() : "no cause");
  }
  co_return "child did not fail";
}

wf::Task<std::string> ParentSignalsChild(std::string decision) {
  wf::ChildWorkflowOptions options;
  options.workflow_id = wf::Info().workflow_id + "-child";
  auto child = wf::StartChildWorkflow<std::string>("AwaitDecision", options, 60000);
  co_await child.started;
  co_await child.Signal("decide", decision);
  co_return co_await child.result;
}

wf::Task<std::string> ParentWaitsOnLongChild() {
  wf::ChildWorkflowOptions options;
  options.workflow_id = wf::Info().workflow_id + "-child";
  co_return std::to_string(
      co_await wf::ExecuteChildWorkflow<int>("SleepThenCount", options, 3600000));
}

wf::Task<std::string> SignalsAnotherWorkflow(std::string target, std::string decision) {
  co_await wf::SignalExternalWorkflow(target, "", "decide", decision);
  co_return "sent";
}

// Sums the values of signal "add" until "finish"; values sent before the
// workflow started its first task (signal-with-start) are not lost.
wf::Task<int> SumsSignals() {
  auto numbers = wf::GetSignalChannel<int>("add");
  bool finished = false;
  wf::SetSignalHandler("finish", [&] { finished = true; });
  int total = co_await numbers.Receive();  // at least one value
  while (true) {
    co_await wf::WaitCondition([&] { return finished || numbers.size() > 0; });
    while (auto more = numbers.TryReceive()) total += *more;
    if (finished) break;
  }
  co_return total;
}

// Starts a heartbeating activity in a scope, cancels the scope after 1 s and
// reports what the workflow saw, per cancellation type.
wf::Task<std::string> CancelsAnActivity(int type) {
  wf::ActivityOptions options;
  options.start_to_close_timeout = std::chrono::seconds(60);
  options.heartbeat_timeout = std::chrono::seconds(2);
  options.cancellation_type = static_cast<wf::ActivityCancellationType>(type);
  wf::CancellationScope scope;
  wf::Future<std::string> activity = scope.RunOperation(
      [&] { return wf::ExecuteActivity<std::string>("WaitsForCancel", options); });
  co_await wf::Sleep(std::chrono::seconds(1));
  scope.Cancel();
  std::string outcome;
  try {
    outcome = co_await activity;
  } catch (const temporal::CanceledFailure&) {
    outcome = "canceled-at-once";
  } catch (const wf::FailureError& error) {
    outcome = std::string("failure:") + temporal::FailureKindName(error.failure().kind()) + "/" +
              (error.failure().cause() ? temporal::FailureKindName(error.failure().cause()->kind())
                                       : "none");
  }
  co_return outcome;
}

// The same registrations serve the worker and the replayer that checks every
// test's history afterwards.
template <typename Registry>
void RegisterWorkflows(Registry& registry, bool v2) {
  registry.RegisterWorkflow("Greet", Greet)
      .RegisterWorkflow("SleepThenCount", SleepThenCount)
      .RegisterWorkflow("Fanout", Fanout)
      .RegisterWorkflow("AwaitDecision", AwaitDecision)
      .RegisterWorkflow("CleanupOnCancel", CleanupOnCancel)
      .RegisterWorkflow("FailingActivity", FailingActivity)
      .RegisterWorkflow("RejectInput", RejectInput)
      .RegisterWorkflow("CountRuns", CountRuns)
      .RegisterWorkflow("Buggy", Buggy)
      .RegisterWorkflow("Deterministic", Deterministic)
      .RegisterWorkflow("Changing", v2 ? ChangingV2 : ChangingV1)
      .RegisterWorkflow("Patched", v2 ? PatchedV2 : PatchedV1)
      .RegisterWorkflow("RecordsASideEffect", RecordsASideEffect)
      .RegisterWorkflow("UpsertsStatus", UpsertsStatus)
      .RegisterWorkflow("ParentOfGreet", ParentOfGreet)
      .RegisterWorkflow("ParentOfFailingChild", ParentOfFailingChild)
      .RegisterWorkflow("ParentSignalsChild", ParentSignalsChild)
      .RegisterWorkflow("ParentWaitsOnLongChild", ParentWaitsOnLongChild)
      .RegisterWorkflow("SignalsAnotherWorkflow", SignalsAnotherWorkflow)
      .RegisterWorkflow("SumsSignals", SumsSignals)
      .RegisterWorkflow("CancelsAnActivity", CancelsAnActivity);
}

class WorkflowWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    temporal::ClientOptions options;
    options.target_host = provisio::testing::DevServerAddress();
    options.identity = "workflow-worker-test";
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    task_queue_ = UniqueId("cpp-workflows");
  }
  // Every history a test produced is exported as JSON, loaded back and
  // replayed against the workflow code: replay must agree with what ran.
  void TearDown() override {
    if (worker_) worker_->Shutdown();
    temporal::Replayer replayer;
    RegisterWorkflows(replayer, v2_);
    for (const auto& handle : started_) {
      auto json = client_->GetHandle(handle.workflow_id(), handle.run_id()).FetchHistoryJson();
      ASSERT_TRUE(json.ok()) << json.error();
      auto history = temporal::Replayer::LoadHistoryJson(*json);
      ASSERT_TRUE(history.ok()) << history.error();
      temporal::Status replayed = replayer.ReplayHistory(*history, handle.workflow_id());
      if (expect_nondeterministic_.count(handle.workflow_id()) != 0) {
        ASSERT_FALSE(replayed.ok())
            << handle.workflow_id() << " replayed although its code changed";
        EXPECT_EQ(replayed.error().code(), ErrorCode::kNondeterminism) << replayed.error();
      } else {
        EXPECT_TRUE(replayed.ok()) << handle.workflow_id() << ": " << replayed.error();
      }
    }
  }

  void StartWorker(int max_cached = 1000, bool v2 = false) {
    if (worker_) worker_->Shutdown();
    v2_ = v2;
    temporal::WorkerOptions options;
    options.task_queue = task_queue_;
    options.max_cached_workflows = max_cached;
    worker_ = std::make_unique<temporal::Worker>(*client_, options);
    RegisterWorkflows(*worker_, v2);
    worker_->RegisterActivity("Greeting", [](std::string name) { return "hello " + name; })
        .RegisterActivity("Square", [](int x) { return x * x; })
        .RegisterActivity("Create",
                          [this](std::string name) {
                            created_ += 1;
                            return name;
                          })
        .RegisterActivity("Destroy",
                          [this](std::string name) {
                            destroyed_ += 1;
                            return name;
                          })
        .RegisterActivity("WaitsForCancel",
                          [](temporal::ActivityContext& context) {
                            for (int i = 0; i < 300 && !context.IsCancelled(); ++i) {
                              context.Heartbeat(i);
                              context.WaitForCancellation(std::chrono::milliseconds(100));
                            }
                            context.ThrowIfCancelled();
                            return std::string("finished");
                          })
        .RegisterActivity("AlwaysFails", []() -> std::string {
          throw temporal::ApplicationFailure("quota exceeded", "QuotaExceeded", true);
        });
    ASSERT_TRUE(worker_->Start().ok());
  }

  template <typename... Args>
  temporal::WorkflowHandle Start(const std::string& type, const Args&... args) {
    temporal::StartWorkflowOptions options;
    options.id = UniqueId(type);
    options.task_queue = task_queue_;
    options.execution_timeout = std::chrono::minutes(2);
    auto handle = client_->StartWorkflow(type, options, args...);
    EXPECT_TRUE(handle.ok()) << handle.error();
    started_.push_back(*handle);
    return *handle;
  }

  static std::vector<enums::EventType> EventTypes(const temporal::WorkflowHandle& handle) {
    std::vector<enums::EventType> types;
    auto history = handle.FetchHistory();
    EXPECT_TRUE(history.ok()) << history.error();
    if (history.ok()) {
      for (const auto& event : history->events()) types.push_back(event.event_type());
    }
    return types;
  }
  static int Count(const std::vector<enums::EventType>& types, enums::EventType type) {
    return static_cast<int>(std::count(types.begin(), types.end(), type));
  }

  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
  bool v2_ = false;
  std::vector<temporal::WorkflowHandle> started_;
  std::set<std::string> expect_nondeterministic_;  // workflow ids whose code changed on purpose
  std::atomic<int> created_{0};
  std::atomic<int> destroyed_{0};
};

TEST_F(WorkflowWorkerTest, WorkflowCallsAnActivityAndReturnsItsResult) {
  StartWorker();
  auto handle = Start("Greet", std::string("provisio"));
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "hello provisio!");
  auto types = EventTypes(handle);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), 1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED), 1);
  EXPECT_EQ(types.back(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
}

TEST_F(WorkflowWorkerTest, DurableTimerFires) {
  StartWorker();
  auto handle = Start("SleepThenCount", 300);
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 300);
  auto types = EventTypes(handle);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_TIMER_STARTED), 1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_TIMER_FIRED), 1);
}

TEST_F(WorkflowWorkerTest, FanoutSchedulesAllActivitiesInOneWorkflowTask) {
  StartWorker();
  auto handle = Start("Fanout", 5);
  auto result = handle.GetResult<std::vector<int>>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, (std::vector<int>{1, 4, 9, 16, 25}));
  // All five were scheduled by the first workflow task, before any completed.
  auto history = handle.FetchHistory();
  ASSERT_TRUE(history.ok());
  int scheduled_before_first_completion = 0;
  for (const auto& event : history->events()) {
    if (event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED) break;
    scheduled_before_first_completion +=
        event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
  }
  EXPECT_EQ(scheduled_before_first_completion, 5);
}

TEST_F(WorkflowWorkerTest, SignalAndQueryDriveAWaitCondition) {
  StartWorker();
  auto handle = Start("AwaitDecision", 60000);
  // The query is answered once the workflow has run its first task.
  temporal::Result<std::string> state = std::string();
  for (int i = 0; i < 100; ++i) {
    state = handle.Query<std::string>("state");
    if (state.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(*state, "waiting(0)");
  ASSERT_TRUE(handle.Signal("decide", std::string("eu-west-1")).ok());
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "eu-west-1");
  // The deadline timer was cancelled when the condition held.
  auto types = EventTypes(handle);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_TIMER_STARTED), 1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_TIMER_CANCELED), 1);
  auto unknown = handle.Query<std::string>("nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kQueryFailed);
  EXPECT_NE(unknown.error().message().find("state"), std::string::npos) << unknown.error();
}

TEST_F(WorkflowWorkerTest, SignalsSentBeforeTheHandlerExistsAreBuffered) {
  StartWorker();
  temporal::StartWorkflowOptions options;
  options.id = UniqueId("sws");
  options.task_queue = task_queue_;
  auto handle = client_->SignalWithStart("AwaitDecision", options, "decide",
                                         *temporal::ToPayloads(std::string("early")),
                                         *temporal::ToPayloads(60000));
  ASSERT_TRUE(handle.ok()) << handle.error();
  auto result = handle->GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "early");
}

TEST_F(WorkflowWorkerTest, WaitConditionTimesOutAndTheWorkflowFailsTyped) {
  StartWorker();
  auto handle = Start("AwaitDecision", 200);
  auto result = handle.GetResult<std::string>();
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().code(), ErrorCode::kWorkflowFailed) << result.error();
  EXPECT_EQ(result.error().failure()->application_type(), "DecisionTimeout");
  EXPECT_TRUE(result.error().failure()->non_retryable());
}

TEST_F(WorkflowWorkerTest, CancellationRunsCleanupInADetachedScopeAndEndsCanceled) {
  StartWorker();
  auto handle = Start("CleanupOnCancel", std::string("bucket-1"));
  for (int i = 0; i < 100 && created_.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(created_.load(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the timer start
  ASSERT_TRUE(handle.Cancel("user asked").ok());
  auto result = handle.GetResult<std::string>();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kWorkflowCanceled) << result.error();
  EXPECT_EQ(destroyed_.load(), 1);
  auto types = EventTypes(handle);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_TIMER_CANCELED), 1);
  EXPECT_EQ(types.back(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
}

TEST_F(WorkflowWorkerTest, ActivityFailureFailsTheWorkflowWithTheCauseChain) {
  StartWorker();
  auto result = Start("FailingActivity").GetResult<std::string>();
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().code(), ErrorCode::kWorkflowFailed) << result.error();
  const temporal::Failure* failure = result.error().failure();
  EXPECT_EQ(failure->kind(), temporal::FailureKind::kActivity);
  ASSERT_TRUE(failure->cause().has_value());
  EXPECT_EQ(failure->cause()->application_type(), "QuotaExceeded");
  EXPECT_EQ(failure->cause()->message(), "quota exceeded");
}

TEST_F(WorkflowWorkerTest, ApplicationFailureThrownByTheWorkflowFailsIt) {
  StartWorker();
  auto result = Start("RejectInput", -1).GetResult<int>();
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().code(), ErrorCode::kWorkflowFailed) << result.error();
  EXPECT_EQ(result.error().failure()->application_type(), "InvalidInput");
  EXPECT_EQ(Start("RejectInput", 5).GetResult<int>().value(), 5);
}

TEST_F(WorkflowWorkerTest, ContinueAsNewStartsNewRunsThatGetResultFollows) {
  StartWorker();
  auto handle = Start("CountRuns", 3, 0);
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 3);
  auto first = EventTypes(handle);
  EXPECT_EQ(first.back(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
}

TEST_F(WorkflowWorkerTest, UnexpectedExceptionFailsTheWorkflowTaskNotTheWorkflow) {
  StartWorker();
  auto handle = Start("Buggy");
  bool task_failed = false;
  for (int i = 0; i < 100 && !task_failed; ++i) {
    auto types = EventTypes(handle);
    task_failed = Count(types, enums::EVENT_TYPE_WORKFLOW_TASK_FAILED) > 0;
    if (!task_failed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(task_failed);
  auto history = handle.FetchHistory();
  for (const auto& event : history->events()) {
    if (event.event_type() != enums::EVENT_TYPE_WORKFLOW_TASK_FAILED) continue;
    const auto& attributes = event.workflow_task_failed_event_attributes();
    EXPECT_EQ(attributes.cause(),
              enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
    EXPECT_NE(attributes.failure().message().find("a bug in workflow code"), std::string::npos);
  }
  auto description = handle.Describe();
  ASSERT_TRUE(description.ok());
  EXPECT_EQ(description->status, enums::WORKFLOW_EXECUTION_STATUS_RUNNING);
  EXPECT_TRUE(handle.Terminate().ok());
}

TEST_F(WorkflowWorkerTest, RandomAndUuidAreStableAcrossReplayWithoutCache) {
  StartWorker(/*max_cached=*/1);
  // Interleave two runs so each evicts the other and every task replays.
  auto a = Start("Deterministic");
  auto b = Start("Deterministic");
  auto ra = a.GetResult<std::string>();
  auto rb = b.GetResult<std::string>();
  ASSERT_TRUE(ra.ok()) << ra.error();
  ASSERT_TRUE(rb.ok()) << rb.error();
  EXPECT_NE(*ra, *rb);  // seeded per run
  EXPECT_NE(ra->find("/Deterministic"), std::string::npos);
  for (const auto& handle : {a, b}) {
    auto types = EventTypes(handle);
    EXPECT_EQ(Count(types, enums::EVENT_TYPE_WORKFLOW_TASK_FAILED), 0);
  }
}

TEST_F(WorkflowWorkerTest, ChangedWorkflowCodeIsReportedAsNonDeterminism) {
  StartWorker();
  auto handle = Start("Changing");
  // Wait until v1 has started its timer and is waiting for the signal.
  for (int i = 0; i < 100; ++i) {
    auto types = EventTypes(handle);
    if (Count(types, enums::EVENT_TYPE_TIMER_FIRED) > 0 &&
        types.back() == enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  StartWorker(1000, /*v2=*/true);  // a new worker: empty cache, changed code
  expect_nondeterministic_.insert(handle.workflow_id());
  ASSERT_TRUE(handle.Signal("go").ok());
  bool found = false;
  for (int i = 0; i < 150 && !found; ++i) {
    auto history = handle.FetchHistory();
    ASSERT_TRUE(history.ok());
    for (const auto& event : history->events()) {
      if (event.event_type() != enums::EVENT_TYPE_WORKFLOW_TASK_FAILED) continue;
      const auto& attributes = event.workflow_task_failed_event_attributes();
      EXPECT_EQ(attributes.cause(), enums::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
      EXPECT_NE(attributes.failure().message().find("[TMPRL1100]"), std::string::npos)
          << attributes.failure().message();
      found = true;
    }
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(found) << "no NON_DETERMINISTIC_ERROR workflow task failure recorded";
  auto description = handle.Describe();
  ASSERT_TRUE(description.ok());
  EXPECT_EQ(description->status,
            enums::WORKFLOW_EXECUTION_STATUS_RUNNING);  // never silently corrupted
  EXPECT_TRUE(handle.Terminate().ok());
}

TEST_F(WorkflowWorkerTest, SideEffectIsRecordedOnceAndReplayedFromHistory) {
  StartWorker(/*max_cached=*/1);
  auto a = Start("RecordsASideEffect");
  auto b = Start("RecordsASideEffect");  // evicts a: a's second task replays
  auto ra = a.GetResult<std::string>();
  ASSERT_TRUE(ra.ok()) << ra.error();
  ASSERT_TRUE(b.GetResult<std::string>().ok());
  auto history = a.FetchHistory();
  ASSERT_TRUE(history.ok());
  int markers = 0;
  for (const auto& event : history->events()) {
    if (event.event_type() != enums::EVENT_TYPE_MARKER_RECORDED) continue;
    ++markers;
    const auto& details = event.marker_recorded_event_attributes().details();
    EXPECT_EQ(details.at("data").payloads(0).data(), *ra);  // the result is the recorded value
  }
  EXPECT_EQ(markers, 1);
  EXPECT_EQ(Count(EventTypes(a), enums::EVENT_TYPE_WORKFLOW_TASK_FAILED), 0);
}

TEST_F(WorkflowWorkerTest, PatchedKeepsOldRunsOnTheOldPathAndSendsNewRunsDownTheNewOne) {
  StartWorker();
  auto old_run = Start("Patched");
  for (int i = 0; i < 100; ++i) {  // until v1 has run its activity and waits
    auto types = EventTypes(old_run);
    if (Count(types, enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 1 &&
        types.back() == enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  StartWorker(1000, /*v2=*/true);
  ASSERT_TRUE(old_run.Signal("go").ok());
  auto old_result = old_run.GetResult<std::string>();
  ASSERT_TRUE(old_result.ok()) << old_result.error();
  EXPECT_EQ(*old_result, "hello old");
  EXPECT_EQ(Count(EventTypes(old_run), enums::EVENT_TYPE_WORKFLOW_TASK_FAILED), 0);

  auto new_run = Start("Patched");
  ASSERT_TRUE(new_run.Signal("go").ok());
  auto new_result = new_run.GetResult<std::string>();
  ASSERT_TRUE(new_result.ok()) << new_result.error();
  EXPECT_EQ(*new_result, "hello new");
  auto history = new_run.FetchHistory();
  ASSERT_TRUE(history.ok());
  int patch_markers = 0;
  for (const auto& event : history->events()) {
    patch_markers += event.event_type() == enums::EVENT_TYPE_MARKER_RECORDED &&
                     event.marker_recorded_event_attributes().marker_name() == "core_patch";
  }
  EXPECT_EQ(patch_markers, 1);
}

TEST_F(WorkflowWorkerTest, UpsertedSearchAttributesAndMemoAreVisible) {
  StartWorker();
  const std::string team = UniqueId("team");
  auto handle = Start("UpsertsStatus", team);
  const std::string query = "ProvisioTeam = '" + team + "' AND ProvisioStatus = 'provisioning'";
  temporal::Result<std::int64_t> count = std::int64_t{0};
  for (int i = 0; i < 100; ++i) {
    count = client_->CountWorkflows(query);
    ASSERT_TRUE(count.ok()) << count.error();
    if (*count == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(*count, 1);
  auto description = handle.Describe();
  ASSERT_TRUE(description.ok());
  ASSERT_EQ(description->memo.count("owner"), 1u);
  EXPECT_EQ(temporal::FromPayload<std::string>(description->memo.at("owner")).value(), "alice");
  ASSERT_TRUE(handle.Signal("go").ok());
  temporal::GetResultOptions bounded;
  bounded.timeout = std::chrono::seconds(30);
  auto result = handle.GetResult<std::string>(bounded);
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "done");
}

TEST_F(WorkflowWorkerTest, ChildWorkflowResultReachesTheParent) {
  StartWorker();
  auto handle = Start("ParentOfGreet", std::string("child"));
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "hello child!");
  auto types = EventTypes(handle);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED), 1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED), 1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED), 1);
}

TEST_F(WorkflowWorkerTest, ChildFailureArrivesAsChildWorkflowFailureWithItsCause) {
  StartWorker();
  auto result = Start("ParentOfFailingChild").GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "ChildWorkflowFailure/InvalidInput");
}

TEST_F(WorkflowWorkerTest, ParentSignalsItsChild) {
  StartWorker();
  auto result = Start("ParentSignalsChild", std::string("us-east-2")).GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "us-east-2");
}

TEST_F(WorkflowWorkerTest, CancellingTheParentCancelsItsChild) {
  StartWorker();
  auto parent = Start("ParentWaitsOnLongChild");
  auto child = client_->GetHandle(parent.workflow_id() + "-child");
  bool child_running = false;
  for (int i = 0; i < 100 && !child_running; ++i) {
    auto description = child.Describe();
    child_running = description.ok() && description->history_length >= 5;  // its timer started
    if (!child_running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(child_running);
  ASSERT_TRUE(parent.Cancel().ok());
  auto result = parent.GetResult<std::string>();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kWorkflowCanceled) << result.error();
  auto child_result = child.GetResult<int>();
  ASSERT_FALSE(child_result.ok());
  EXPECT_EQ(child_result.error().code(), ErrorCode::kWorkflowCanceled) << child_result.error();
  auto types = EventTypes(parent);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED),
            1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED), 1);
}

TEST_F(WorkflowWorkerTest, WorkflowSignalsAnExternalWorkflow) {
  StartWorker();
  auto target = Start("AwaitDecision", 60000);
  auto sender = Start("SignalsAnotherWorkflow", target.workflow_id(), std::string("ap-south-1"));
  auto sent = sender.GetResult<std::string>();
  ASSERT_TRUE(sent.ok()) << sent.error();
  EXPECT_EQ(*sent, "sent");
  auto result = target.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "ap-south-1");
  auto types = EventTypes(sender);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED), 1);
}

TEST_F(WorkflowWorkerTest, SignalChannelDeliversValuesInOrderIncludingEarlyOnes) {
  StartWorker();
  temporal::StartWorkflowOptions options;
  options.id = UniqueId("channel");
  options.task_queue = task_queue_;
  auto handle =
      client_->SignalWithStart("SumsSignals", options, "add", *temporal::ToPayloads(1), {});
  ASSERT_TRUE(handle.ok()) << handle.error();
  started_.push_back(*handle);
  ASSERT_TRUE(handle->Signal("add", 10).ok());
  ASSERT_TRUE(handle->Signal("add", 100).ok());
  ASSERT_TRUE(handle->Signal("finish").ok());
  auto result = handle->GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 111);
}

TEST_F(WorkflowWorkerTest, ActivityCancellationTypesBehaveAsSpecified) {
  StartWorker();
  struct Case {
    wf::ActivityCancellationType type;
    std::string outcome;
    int cancel_requested_events;
    int canceled_events;
  };
  const std::vector<Case> cases = {
      {wf::ActivityCancellationType::kTryCancel, "canceled-at-once", 1, -1},
      {wf::ActivityCancellationType::kWaitCancellationCompleted,
       "failure:ActivityFailure/CanceledFailure", 1, 1},
      {wf::ActivityCancellationType::kAbandon, "canceled-at-once", 0, 0},
  };
  for (const Case& c : cases) {
    auto handle = Start("CancelsAnActivity", static_cast<int>(c.type));
    auto result = handle.GetResult<std::string>();
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(*result, c.outcome) << static_cast<int>(c.type);
    auto types = EventTypes(handle);
    EXPECT_EQ(Count(types, enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED),
              c.cancel_requested_events)
        << static_cast<int>(c.type);
    // TRY_CANCEL does not wait, so whether ActivityTaskCanceled lands before the
    // workflow completes is not fixed; the other two are.
    if (c.canceled_events >= 0) {
      EXPECT_EQ(Count(types, enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED), c.canceled_events)
          << static_cast<int>(c.type);
    }
  }
}

}  // namespace
