// Worker capacity and operations against the real dev server (issue 8 item 5):
// an unknown namespace fails Start with a clear error, Shutdown is bounded
// even when an activity ignores its cancellation, and the worker reports its
// slots, latencies, cache and failures through WorkerOptions::metrics.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "dev_server.h"
#include "temporal/client/client.h"
#include "temporal/client/task_queue_pollers.h"
#include "temporal/worker/metrics.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/workflow.h"

namespace {

namespace wf = temporal::workflow;
using provisio::testing::UniqueId;
using temporal::ErrorCode;

// RecordingMetrics keeps the last value of every gauge, the sum of every
// counter and the number of observations of every duration, by name and labels.
class RecordingMetrics : public temporal::MetricsHandler {
 public:
  void AddCounter(std::string_view name, const temporal::MetricLabels& labels,
                  std::uint64_t delta) override {
    std::lock_guard lock(mutex_);
    counters_[Key(name, labels)] += delta;
  }
  void SetGauge(std::string_view name, const temporal::MetricLabels& labels,
                double value) override {
    std::lock_guard lock(mutex_);
    gauges_[Key(name, labels)] = value;
  }
  void RecordDuration(std::string_view name, const temporal::MetricLabels& labels,
                      std::chrono::nanoseconds value) override {
    std::lock_guard lock(mutex_);
    ++durations_[Key(name, labels)];
    if (value.count() < 0) ++negative_durations_;
  }

  std::uint64_t counter(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = counters_.find(key);
    return it == counters_.end() ? 0 : it->second;
  }
  std::optional<double> gauge(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = gauges_.find(key);
    if (it == gauges_.end()) return std::nullopt;
    return it->second;
  }
  int durations(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = durations_.find(key);
    return it == durations_.end() ? 0 : it->second;
  }
  int negative_durations() const {
    std::lock_guard lock(mutex_);
    return negative_durations_;
  }

  /// Key renders `name{k="v",...}` as the Prometheus text format would.
  static std::string Key(std::string_view name, const temporal::MetricLabels& labels) {
    std::string key(name);
    key += "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
      key += (i ? "," : "") + labels[i].first + "=\"" + labels[i].second + "\"";
    }
    return key + "}";
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> counters_;
  std::map<std::string, double> gauges_;
  std::map<std::string, int> durations_;
  int negative_durations_ = 0;
};

wf::ActivityOptions Patient() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = std::chrono::seconds(60);
  options.retry_policy = temporal::RetryPolicy{};
  options.retry_policy->maximum_attempts = 1;
  return options;
}

wf::Task<std::string> GreetsAfterASecond(std::string name) {
  std::string greeting = co_await wf::ExecuteActivity<std::string>("Greet", Patient(), name);
  co_await wf::Sleep(std::chrono::seconds(1));
  co_return greeting;
}

std::atomic<bool> failed_once{false};
wf::Task<int> FailsItsFirstTask() {
  if (!failed_once.exchange(true)) throw std::runtime_error("a bug, fixed by the retry");
  co_return 7;
}

// Greets on the worker's own queue, then on the queue named `there`.
wf::Task<std::string> GreetsHereAndThere(std::string there) {
  std::string here =
      co_await wf::ExecuteActivity<std::string>("Greet", Patient(), std::string("here"));
  wf::ActivityOptions elsewhere = Patient();
  elsewhere.task_queue = there;
  std::string other =
      co_await wf::ExecuteActivity<std::string>("Greet", elsewhere, std::string("there"));
  co_return here + ", " + other;
}

wf::Task<void> RunsAStubbornActivity() {
  co_await wf::ExecuteActivity<void>("Stubborn", Patient());
}

temporal::Client Connect(const std::string& namespace_ = provisio::testing::DevServerNamespace()) {
  temporal::ClientOptions options;
  options.target_host = provisio::testing::DevServerAddress();
  options.namespace_ = namespace_;
  options.identity = "worker-capacity-test";
  auto client = temporal::Client::Connect(options);
  EXPECT_TRUE(client.ok()) << client.error();
  return std::move(*client);
}

TEST(WorkerCapacityTest, AnUnknownNamespaceFailsStartNamingIt) {
  REQUIRE_DEV_SERVER();
  temporal::Client client = Connect("no-such-namespace-for-provisio");
  temporal::WorkerOptions options;
  options.task_queue = UniqueId("cpp-capacity");
  temporal::Worker worker(client, options);
  worker.RegisterWorkflow("GreetsAfterASecond", GreetsAfterASecond);
  temporal::Status started = worker.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code(), ErrorCode::kNotFound) << started.error();
  EXPECT_NE(started.error().message().find("no-such-namespace-for-provisio"), std::string::npos)
      << started.error();
}

// Readiness checks ask whether anyone serves a queue: DescribeTaskQueue lists
// the worker, with its identity, for workflow and activity tasks separately.
TEST(WorkerCapacityTest, DescribeTaskQueuePollersListsTheWorkerThatPolls) {
  REQUIRE_DEV_SERVER();
  temporal::Client client = Connect();
  const std::string queue = UniqueId("cpp-pollers");
  auto before =
      temporal::DescribeTaskQueuePollers(client, queue, temporal::TaskQueueKind::kWorkflow);
  ASSERT_TRUE(before.ok()) << before.error();
  EXPECT_TRUE(before->empty()) << "nobody polled " << queue << " yet";

  temporal::WorkerOptions options;
  options.task_queue = queue;
  options.identity = "pollers-test-worker";
  temporal::Worker worker(client, options);
  worker.RegisterWorkflow("GreetsAfterASecond", GreetsAfterASecond);
  worker.RegisterActivity("Stubborn", [] {});
  ASSERT_TRUE(worker.Start().ok());
  // The server records a poller when its poll arrives: wait for that.
  std::vector<temporal::TaskQueuePoller> workflow_pollers, activity_pollers;
  const auto deadline = provisio::testing::Deadline(30);
  while (std::chrono::system_clock::now() < deadline &&
         (workflow_pollers.empty() || activity_pollers.empty())) {
    auto workflow =
        temporal::DescribeTaskQueuePollers(client, queue, temporal::TaskQueueKind::kWorkflow);
    auto activity =
        temporal::DescribeTaskQueuePollers(client, queue, temporal::TaskQueueKind::kActivity);
    ASSERT_TRUE(workflow.ok() && activity.ok());
    workflow_pollers = *workflow;
    activity_pollers = *activity;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  worker.Shutdown();
  ASSERT_EQ(workflow_pollers.size(), 1u);
  EXPECT_EQ(workflow_pollers[0].identity, "pollers-test-worker");
  EXPECT_GT(workflow_pollers[0].last_access,
            std::chrono::system_clock::now() - std::chrono::minutes(5));
  ASSERT_EQ(activity_pollers.size(), 1u);
  EXPECT_EQ(activity_pollers[0].identity, "pollers-test-worker");
}

TEST(WorkerCapacityTest, ShutdownIsBoundedWhenAnActivityIgnoresItsCancellation) {
  REQUIRE_DEV_SERVER();
  temporal::Client client = Connect();
  auto metrics = std::make_shared<RecordingMetrics>();
  std::mutex mutex;
  std::condition_variable changed;
  bool started = false, released = false;
  std::atomic<bool> finished{false};

  temporal::WorkerOptions options;
  options.task_queue = UniqueId("cpp-capacity");
  options.graceful_shutdown_timeout = std::chrono::milliseconds(100);
  options.shutdown_cancel_wait = std::chrono::milliseconds(300);
  options.metrics = metrics;
  auto worker = std::make_unique<temporal::Worker>(client, options);
  worker->RegisterWorkflow("RunsAStubbornActivity", RunsAStubbornActivity);
  worker->RegisterActivity("Stubborn", [&] {
    std::unique_lock lock(mutex);
    started = true;
    changed.notify_all();
    changed.wait(lock, [&] { return released; });  // never looks at its cancellation
    finished = true;
  });
  ASSERT_TRUE(worker->Start().ok());
  temporal::StartWorkflowOptions start;
  start.id = UniqueId("stubborn");
  start.task_queue = options.task_queue;
  auto handle = client.StartWorkflow("RunsAStubbornActivity", start);
  ASSERT_TRUE(handle.ok()) << handle.error();
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return started; }));
  }

  worker->Shutdown();
  EXPECT_FALSE(finished) << "Shutdown returned only after the activity did";
  worker.reset();  // the abandoned activity keeps what it needs alive
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  changed.notify_all();
  const std::string used = RecordingMetrics::Key(
      "temporal_worker_task_slots_used",
      {{"worker_type", "ActivityWorker"}, {"task_queue", options.task_queue}});
  // The abandoned thread still answers the server and gives its slot back.
  for (int i = 0; i < 300 && !(finished && metrics->gauge(used) == 0.0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(finished);
  EXPECT_EQ(metrics->gauge(used), 0.0);
  EXPECT_TRUE(handle->Terminate("test over").ok());
}

TEST(WorkerCapacityTest, MetricsReportSlotsLatenciesTheCacheAndTaskFailures) {
  REQUIRE_DEV_SERVER();
  temporal::Client client = Connect();
  auto metrics = std::make_shared<RecordingMetrics>();
  temporal::WorkerOptions options;
  options.task_queue = UniqueId("cpp-capacity");
  options.metrics = metrics;
  options.max_concurrent_workflow_tasks = 7;
  options.max_concurrent_activities = 5;
  temporal::Worker worker(client, options);
  worker.RegisterWorkflow("GreetsAfterASecond", GreetsAfterASecond)
      .RegisterWorkflow("FailsItsFirstTask", FailsItsFirstTask);
  worker.RegisterActivity("Greet", [](std::string name) { return "hello " + name; });
  failed_once = false;
  ASSERT_TRUE(worker.Start().ok());

  temporal::StartWorkflowOptions start;
  start.task_queue = options.task_queue;
  start.id = UniqueId("metrics-greet");
  auto greet = client.StartWorkflow("GreetsAfterASecond", start, std::string("ops"));
  start.id = UniqueId("metrics-fails");
  auto fails = client.StartWorkflow("FailsItsFirstTask", start);
  ASSERT_TRUE(greet.ok() && fails.ok());
  EXPECT_EQ(*greet->GetResult<std::string>(), "hello ops");
  EXPECT_EQ(*fails->GetResult<int>(), 7);
  worker.Shutdown();

  const std::string& queue = options.task_queue;
  using M = RecordingMetrics;
  for (const char* type : {"WorkflowWorker", "ActivityWorker"}) {
    const temporal::MetricLabels labels{{"worker_type", type}, {"task_queue", queue}};
    auto used = metrics->gauge(M::Key("temporal_worker_task_slots_used", labels));
    auto available = metrics->gauge(M::Key("temporal_worker_task_slots_available", labels));
    ASSERT_TRUE(used && available) << type;
    EXPECT_EQ(*used + *available, std::string(type) == "WorkflowWorker" ? 7 : 5) << type;
  }
  EXPECT_GE(
      metrics->durations(M::Key("temporal_workflow_task_schedule_to_start_latency",
                                {{"task_queue", queue}, {"workflow_type", "GreetsAfterASecond"}})),
      3);  // start, activity result, timer
  EXPECT_EQ(metrics->durations(M::Key("temporal_activity_schedule_to_start_latency",
                                      {{"task_queue", queue}, {"activity_type", "Greet"}})),
            1);
  EXPECT_GE(
      metrics->durations(M::Key("temporal_long_request_latency",
                                {{"operation", "PollWorkflowTaskQueue"}, {"task_queue", queue}})),
      3);
  EXPECT_GE(
      metrics->durations(M::Key("temporal_long_request_latency",
                                {{"operation", "PollActivityTaskQueue"}, {"task_queue", queue}})),
      1);
  EXPECT_EQ(metrics->negative_durations(), 0);
  // The greeting's later tasks continue its cached run; first tasks miss.
  EXPECT_GE(metrics->counter(M::Key("temporal_sticky_cache_hit", {{"task_queue", queue}})), 2u);
  EXPECT_GE(metrics->counter(M::Key("temporal_sticky_cache_miss", {{"task_queue", queue}})), 2u);
  EXPECT_TRUE(metrics->gauge(M::Key("temporal_sticky_cache_size", {{"task_queue", queue}})));
  EXPECT_EQ(metrics->counter(M::Key("temporal_workflow_task_execution_failed",
                                    {{"task_queue", queue},
                                     {"workflow_type", "FailsItsFirstTask"},
                                     {"failure_reason", "WorkflowError"}})),
            1u);
}

// Eager activity execution (worker/eager_activities.h): an activity on the
// worker's own queue comes back with the workflow task's completion, one on
// another queue goes to that queue's worker, and every reserved slot is given
// back. With disable_eager_activities every activity is polled.
TEST(WorkerCapacityTest, AnActivityOnTheWorkersOwnQueueRunsEagerlyAndReturnsItsSlot) {
  REQUIRE_DEV_SERVER();
  temporal::Client client = Connect();
  using M = RecordingMetrics;
  const std::string there = UniqueId("cpp-eager-there");
  temporal::WorkerOptions there_options;
  there_options.task_queue = there;
  temporal::Worker there_worker(client, there_options);
  there_worker.RegisterActivity("Greet", [](std::string name) { return "hi " + name; });
  ASSERT_TRUE(there_worker.Start().ok());

  for (const bool disabled : {false, true}) {
    SCOPED_TRACE(disabled ? "eager activities disabled" : "eager activities on");
    auto metrics = std::make_shared<RecordingMetrics>();
    temporal::WorkerOptions options;
    options.task_queue = UniqueId("cpp-eager");
    options.metrics = metrics;
    options.disable_eager_activities = disabled;
    temporal::Worker worker(client, options);
    worker.RegisterWorkflow("GreetsHereAndThere", GreetsHereAndThere);
    worker.RegisterActivity("Greet", [](std::string name) { return "hello " + name; });
    ASSERT_TRUE(worker.Start().ok());

    temporal::StartWorkflowOptions start;
    start.task_queue = options.task_queue;
    start.id = UniqueId("eager-greet");
    auto run = client.StartWorkflow("GreetsHereAndThere", start, there);
    ASSERT_TRUE(run.ok()) << run.error();
    auto result = run->GetResult<std::string>();
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(*result, "hello here, hi there");
    // Eager or polled, the history is the same kind: it replays.
    auto json = run->FetchHistoryJson();
    ASSERT_TRUE(json.ok()) << json.error();
    auto history = temporal::Replayer::LoadHistoryJson(*json);
    ASSERT_TRUE(history.ok()) << history.error();
    temporal::Replayer replayer;
    replayer.RegisterWorkflow("GreetsHereAndThere", GreetsHereAndThere);
    temporal::Status replayed = replayer.ReplayHistory(*history, start.id);
    EXPECT_TRUE(replayed.ok()) << replayed.error();

    const std::string eager_key =
        M::Key("temporal_activity_eager_started",
               {{"task_queue", options.task_queue}, {"activity_type", "Greet"}});
    EXPECT_EQ(metrics->counter(eager_key), disabled ? 0u : 1u);
    // Both ways the attempt was picked up once, and only the pollers hold
    // activity slots once it is done: no reservation leaked.
    EXPECT_EQ(metrics->durations(
                  M::Key("temporal_activity_schedule_to_start_latency",
                         {{"task_queue", options.task_queue}, {"activity_type", "Greet"}})),
              1);
    const std::string used_key =
        M::Key("temporal_worker_task_slots_used",
               {{"worker_type", "ActivityWorker"}, {"task_queue", options.task_queue}});
    std::optional<double> used;
    for (int i = 0; i < 50; ++i) {
      used = metrics->gauge(used_key);
      if (used == options.activity_pollers) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(used, options.activity_pollers);
    worker.Shutdown();
  }
  there_worker.Shutdown();
}

}  // namespace
