// Continue-as-new with handlers against the real dev server (CONFORMANCE.md
// "continue_as_new"): a signal that arrives while the continuing task runs is
// handled before the run continues (the server refuses the completion; no
// signal is lost), and an update still in flight does not hold the run back
// (it continues as new, the update's caller gets an error instead of waiting
// forever, and the worker log warns about the abandoned handler). Every
// history is replayed afterwards.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "dev_server.h"
#include "temporal/client/client.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/workflow.h"

namespace {

namespace wf = temporal::workflow;
namespace enums = temporal::api::enums::v1;
using provisio::testing::UniqueId;
using namespace std::chrono_literals;

// Holds the continuing task until the test lets it go (once per process).
std::mutex hold_mutex;
std::condition_variable hold_changed;
bool holding = false;
bool hold_released = false;
bool held_once = false;

void HoldUntilReleased() {
  std::unique_lock lock(hold_mutex);
  if (held_once) return;
  held_once = true;
  holding = true;
  hold_changed.notify_all();
  hold_changed.wait(lock, [] { return hold_released; });
}

// Collects "add" signals; on "rollover" continues as new with what it has.
wf::Task<std::vector<std::string>> Collector(std::vector<std::string> items, bool continued) {
  bool rollover = false;
  bool finish = false;
  wf::SetSignalHandler("add", [&](std::string item) { items.push_back(item); });
  wf::SetSignalHandler("rollover", [&] { rollover = true; });
  wf::SetSignalHandler("finish", [&] { finish = true; });
  if (!continued) {
    co_await wf::WaitCondition([&] { return rollover; });
    if (!wf::IsReplaying()) HoldUntilReleased();
    wf::ContinueAsNew(items, true);
  }
  co_await wf::WaitCondition([&] { return finish; });
  co_return items;
}

// Continues as new while an update handler still waits.
wf::Task<int> ContinuesWithAnUpdateInFlight(int generation) {
  bool rollover = false;
  bool finish = false;
  wf::SetSignalHandler("rollover", [&] { rollover = true; });
  wf::SetSignalHandler("finish", [&] { finish = true; });
  wf::SetUpdateHandler("wait_forever", [&]() -> wf::Task<int> {
    co_await wf::WaitCondition([] { return false; });
    co_return 1;
  });
  if (generation == 0) {
    co_await wf::WaitCondition([&] { return rollover; });
    wf::ContinueAsNew(generation + 1);  // deliberately without AllHandlersFinished
  }
  co_await wf::WaitCondition([&] { return finish; });
  co_return generation;
}

template <typename Registry>
void RegisterWorkflows(Registry& registry) {
  registry.RegisterWorkflow("Collector", Collector)
      .RegisterWorkflow("ContinuesWithAnUpdateInFlight", ContinuesWithAnUpdateInFlight);
}

class ContinueAsNewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    temporal::ClientOptions options;
    options.target_host = provisio::testing::DevServerAddress();
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    task_queue_ = UniqueId("cpp-continue");
  }

  void TearDown() override {
    if (worker_) worker_->Shutdown();
    worker_.reset();
    temporal::Replayer replayer;
    RegisterWorkflows(replayer);
    for (const auto& [workflow_id, run_id] : runs_) {
      auto json = client_->GetHandle(workflow_id, run_id).FetchHistoryJson();
      ASSERT_TRUE(json.ok()) << json.error();
      auto history = temporal::Replayer::LoadHistoryJson(*json);
      ASSERT_TRUE(history.ok()) << history.error();
      temporal::Status replayed = replayer.ReplayHistory(*history, workflow_id);
      EXPECT_TRUE(replayed.ok()) << workflow_id << " " << run_id << ": " << replayed.error();
    }
  }

  void StartWorker() {
    temporal::WorkerOptions options;
    options.task_queue = task_queue_;
    options.deadlock_detection_timeout = 0ms;  // the held task is no deadlock
    worker_ = std::make_unique<temporal::Worker>(*client_, options);
    RegisterWorkflows(*worker_);
    ASSERT_TRUE(worker_->Start().ok());
  }

  // NextRun waits until `handle`'s run has continued and returns the new run id.
  std::string NextRun(const temporal::WorkflowHandle& handle) {
    for (int i = 0; i < 200; ++i) {
      auto latest = client_->GetHandle(handle.workflow_id()).Describe();
      EXPECT_TRUE(latest.ok()) << latest.error();
      if (latest.ok() && latest->run_id != handle.run_id()) return latest->run_id;
      std::this_thread::sleep_for(50ms);
    }
    return "";
  }

  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
  std::vector<std::pair<std::string, std::string>> runs_;
};

TEST_F(ContinueAsNewTest, ASignalArrivingWhileTheRunContinuesIsHandledAndCarriedOver) {
  {
    std::lock_guard lock(hold_mutex);
    holding = hold_released = held_once = false;
  }
  StartWorker();
  temporal::StartWorkflowOptions options;
  options.id = UniqueId("collector");
  options.task_queue = task_queue_;
  auto handle = client_->StartWorkflow("Collector", options, std::vector<std::string>{}, false);
  ASSERT_TRUE(handle.ok()) << handle.error();
  runs_.emplace_back(handle->workflow_id(), handle->run_id());
  ASSERT_TRUE(handle->Signal("add", std::string("early")).ok());
  ASSERT_TRUE(handle->Signal("rollover").ok());
  {
    std::unique_lock lock(hold_mutex);
    ASSERT_TRUE(hold_changed.wait_for(lock, 30s, [] { return holding; }))
        << "the continuing task never ran";
  }
  // The continuing task runs; this signal reaches the server meanwhile.
  ASSERT_TRUE(handle->Signal("add", std::string("late")).ok());
  {
    std::lock_guard lock(hold_mutex);
    hold_released = true;
  }
  hold_changed.notify_all();
  const std::string next = NextRun(*handle);
  ASSERT_FALSE(next.empty()) << "the run did not continue as new";
  runs_.emplace_back(handle->workflow_id(), next);
  auto next_handle = client_->GetHandle(handle->workflow_id(), next);
  ASSERT_TRUE(next_handle.Signal("finish").ok());
  auto result = next_handle.GetResult<std::vector<std::string>>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, (std::vector<std::string>{"early", "late"}));
  // The server refused the first continue-as-new because of the late signal.
  auto history = handle->FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  int refused = 0;
  for (const auto& event : history->events()) {
    if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_FAILED &&
        event.workflow_task_failed_event_attributes().cause() ==
            enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND)
      ++refused;
  }
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(history->events(history->events_size() - 1).event_type(),
            enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
}

TEST_F(ContinueAsNewTest, AnUpdateInFlightDoesNotHoldTheRunBack) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  StartWorker();
  temporal::StartWorkflowOptions options;
  options.id = UniqueId("update-in-flight");
  options.task_queue = task_queue_;
  auto handle = client_->StartWorkflow("ContinuesWithAnUpdateInFlight", options, 0);
  ASSERT_TRUE(handle.ok()) << handle.error();
  runs_.emplace_back(handle->workflow_id(), handle->run_id());
  auto update = handle->StartUpdate(temporal::UpdateOptions{}, "wait_forever");
  ASSERT_TRUE(update.ok()) << update.error();  // accepted: its handler waits
  auto outcome = std::async(std::launch::async, [&] { return update->GetResult<int>(); });
  ASSERT_TRUE(handle->Signal("rollover").ok());
  const std::string next = NextRun(*handle);
  ASSERT_FALSE(next.empty()) << "the update in flight held the run back";
  runs_.emplace_back(handle->workflow_id(), next);
  // The caller learns the update will not complete, rather than waiting forever.
  ASSERT_EQ(outcome.wait_for(30s), std::future_status::ready);
  auto result = outcome.get();
  EXPECT_FALSE(result.ok()) << "an update whose run continued as new returned " << *result;
  auto next_handle = client_->GetHandle(handle->workflow_id(), next);
  ASSERT_TRUE(next_handle.Signal("finish").ok());
  auto generation = next_handle.GetResult<int>();
  ASSERT_TRUE(generation.ok()) << generation.error();
  EXPECT_EQ(*generation, 1);
  worker_->Shutdown();
  spdlog::set_default_logger(previous);
  EXPECT_NE(log.str().find("continues as new while 1 signal or update handler(s) still run"),
            std::string::npos)
      << log.str();
}

}  // namespace
