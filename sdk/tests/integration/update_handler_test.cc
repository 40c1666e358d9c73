// Update handlers of C++ workflows against the real dev server (issue 8):
// accepted updates that run activities, validator rejections that leave no
// trace (also on a speculative workflow task), deduplication by update id
// across a worker restart, failures that fail the update and not the run, an
// update whose worker restarts mid-way, a workflow task that fails during an
// update, and the completion the server refuses because a signal arrived
// while the task ran. TearDown exports every history and replays it twice:
// as is, and with validators that now reject everything (replay must not run
// them).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "dev_server.h"
#include "temporal/client/client.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/update.h"
#include "temporal/workflow/workflow.h"

namespace {

namespace wf = temporal::workflow;
namespace enums = temporal::api::enums::v1;
using provisio::testing::UniqueId;
using temporal::ErrorCode;

std::atomic<int> validator_calls{0};
std::atomic<bool> reject_everything{false};  // the "today's validator" of the replay check

wf::ActivityOptions Quick() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = std::chrono::seconds(30);
  return options;
}

// A ledger: deposits are updates that an activity audits; the validator
// refuses amounts that are not positive.
wf::Task<int> Ledger() {
  int balance = 0;
  bool closing = false;
  bool released = false;
  wf::SetSignalHandler("close", [&] { closing = true; });
  wf::SetSignalHandler("release", [&] { released = true; });
  wf::SetQueryHandler("balance", [&] { return balance; });
  wf::SetUpdateHandler(
      "deposit",
      [&](const wf::UpdateInfo& info, int amount) -> wf::Task<std::string> {
        std::string receipt = co_await wf::ExecuteActivity<std::string>("Audit", Quick(), amount);
        balance += amount;
        co_return receipt + " by " + info.identity;
      },
      [&](int amount) {
        ++validator_calls;
        if (reject_everything) throw temporal::ApplicationFailure("closed for today", "Closed");
        if (amount <= 0) {
          throw temporal::ApplicationFailure("a deposit must be positive", "InvalidAmount", true);
        }
      });
  wf::SetUpdateHandler("explode", [&]() -> int {
    throw temporal::ApplicationFailure("the handler refused", "Refused", true);
  });
  // Waits for the signal "release" mid-handler: the worker may restart here.
  wf::SetUpdateHandler(
      "held",
      [&](int amount) -> wf::Task<int> {
        co_await wf::WaitCondition([&] { return released; });
        balance += amount;
        co_return balance;
      },
      [&](int) {
        ++validator_calls;
        if (reject_everything) throw temporal::ApplicationFailure("closed for today", "Closed");
      });
  co_await wf::WaitCondition([&] { return closing && wf::AllHandlersFinished(); });
  co_return balance;
}

// The first time a predicate is re-checked in this process it throws: the
// workflow task running the update fails, and its retry succeeds.
std::atomic<bool> flaky_predicate_thrown{false};

wf::Task<std::string> FlakyDuringUpdate() {
  bool done = false;
  wf::SetUpdateHandler("flaky", [&]() -> wf::Task<std::string> {
    int checks = 0;
    co_await wf::WaitCondition([&] {
      if (++checks > 1 && !flaky_predicate_thrown.exchange(true)) {
        throw std::runtime_error("a bug that fails the workflow task once");
      }
      return checks > 1;
    });
    done = true;
    co_return std::string("survived");
  });
  co_await wf::WaitCondition([&] { return done && wf::AllHandlersFinished(); });
  co_return std::string("done");
}

// Completes as soon as "finish" arrives, but holds the completing task until
// the test lets it go (once per process), so a signal can arrive meanwhile.
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

wf::Task<std::string> CompletesWhileSignalled() {
  std::string log;
  bool finish = false;
  wf::SetSignalHandler("note", [&](std::string text) { log += text + ";"; });
  wf::SetSignalHandler("finish", [&] { finish = true; });
  wf::SetUpdateHandler("annotate", [&](std::string text) {
    log += "update:" + text + ";";
    return log;
  });
  co_await wf::WaitCondition([&] { return finish && wf::AllHandlersFinished(); });
  if (!wf::IsReplaying()) HoldUntilReleased();
  co_return log;
}

template <typename Registry>
void RegisterWorkflows(Registry& registry) {
  registry.RegisterWorkflow("Ledger", Ledger)
      .RegisterWorkflow("FlakyDuringUpdate", FlakyDuringUpdate)
      .RegisterWorkflow("CompletesWhileSignalled", CompletesWhileSignalled);
}

class UpdateHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    reject_everything = false;
    temporal::ClientOptions options;
    options.target_host = provisio::testing::DevServerAddress();
    options.identity = "teller-7";
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    task_queue_ = UniqueId("cpp-updates");
  }

  void TearDown() override {
    StopWorker();
    for (bool rejecting : {false, true}) {
      reject_everything = rejecting;
      const int calls_before = validator_calls;
      temporal::Replayer replayer;
      RegisterWorkflows(replayer);
      for (const std::string& workflow_id : started_) {
        auto json = client_->GetHandle(workflow_id).FetchHistoryJson();
        ASSERT_TRUE(json.ok()) << json.error();
        auto history = temporal::Replayer::LoadHistoryJson(*json);
        ASSERT_TRUE(history.ok()) << history.error();
        temporal::Status replayed = replayer.ReplayHistory(*history, workflow_id);
        EXPECT_TRUE(replayed.ok()) << workflow_id << (rejecting ? " (rejecting validators)" : "")
                                   << ": " << replayed.error();
      }
      EXPECT_EQ(validator_calls, calls_before) << "a validator ran on replay";
    }
    reject_everything = false;
  }

  void StartWorker(std::chrono::milliseconds deadlock_detection = std::chrono::seconds(1)) {
    temporal::WorkerOptions options;
    options.task_queue = task_queue_;
    options.deadlock_detection_timeout = deadlock_detection;
    worker_ = std::make_unique<temporal::Worker>(*client_, options);
    RegisterWorkflows(*worker_);
    worker_->RegisterActivity("Audit",
                              [](int amount) { return "audited " + std::to_string(amount); });
    ASSERT_TRUE(worker_->Start().ok());
  }
  void StopWorker() {
    if (worker_) worker_->Shutdown();
    worker_.reset();
  }

  temporal::WorkflowHandle Start(const std::string& type, const std::string& prefix) {
    temporal::StartWorkflowOptions options;
    options.id = UniqueId(prefix);
    options.task_queue = task_queue_;
    auto handle = client_->StartWorkflow(type, options);
    EXPECT_TRUE(handle.ok()) << handle.error();
    started_.push_back(handle->workflow_id());
    return std::move(*handle);
  }

  std::vector<enums::EventType> EventTypes(const temporal::WorkflowHandle& handle) {
    std::vector<enums::EventType> types;
    auto history = handle.FetchHistory();
    EXPECT_TRUE(history.ok()) << history.error();
    for (const auto& event : history->events()) types.push_back(event.event_type());
    return types;
  }
  static int Count(const std::vector<enums::EventType>& types, enums::EventType type) {
    return static_cast<int>(std::count(types.begin(), types.end(), type));
  }
  static std::ptrdiff_t IndexOf(const std::vector<enums::EventType>& types, enums::EventType type) {
    return std::find(types.begin(), types.end(), type) - types.begin();
  }

  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
  std::vector<std::string> started_;
};

TEST_F(UpdateHandlerTest, AcceptedUpdateRunsAnActivityAndAnswersWithItsResult) {
  StartWorker();
  auto handle = Start("Ledger", "ledger-basic");
  auto receipt = handle.Update<std::string>("deposit", 25);
  ASSERT_TRUE(receipt.ok()) << receipt.error();
  EXPECT_EQ(*receipt, "audited 25 by teller-7");
  auto balance = handle.Query<int>("balance");
  ASSERT_TRUE(balance.ok()) << balance.error();
  EXPECT_EQ(*balance, 25);
  ASSERT_TRUE(handle.Signal("close").ok());
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 25);
  const auto types = EventTypes(handle);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED), 1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED), 1);
  // Acceptance first, then what the handler did, then its answer.
  EXPECT_LT(IndexOf(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
            IndexOf(types, enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED));
  EXPECT_LT(IndexOf(types, enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
            IndexOf(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED));
}

TEST_F(UpdateHandlerTest, RejectionOfAnIdleRunLeavesNothingInHistory) {
  StartWorker();
  auto handle = Start("Ledger", "ledger-reject");
  // Wait until the first task is done and the run is idle.
  ASSERT_TRUE(handle.Query<int>("balance").ok());
  const auto before = EventTypes(handle);
  const int calls_before = validator_calls;
  auto rejected = handle.Update<std::string>("deposit", -5);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code(), ErrorCode::kUpdateFailed) << rejected.error();
  ASSERT_NE(rejected.error().failure(), nullptr);
  EXPECT_EQ(rejected.error().failure()->message(), "a deposit must be positive");
  EXPECT_EQ(validator_calls, calls_before + 1);
  // The speculative workflow task that carried it left no event either.
  EXPECT_EQ(EventTypes(handle), before);
  // The run goes on, and the next task replays the real history.
  auto accepted = handle.Update<std::string>("deposit", 3);
  ASSERT_TRUE(accepted.ok()) << accepted.error();
  ASSERT_TRUE(handle.Signal("close").ok());
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 3);
}

TEST_F(UpdateHandlerTest, ARepeatedUpdateIdGetsTheFirstOutcomeAlsoAfterAWorkerRestart) {
  StartWorker();
  auto handle = Start("Ledger", "ledger-dedup");
  temporal::UpdateOptions options;
  options.update_id = "deposit-once";
  options.wait_for_stage = enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  auto first = handle.StartUpdate(options, "deposit", 10);
  ASSERT_TRUE(first.ok()) << first.error();
  auto first_receipt = first->GetResult<std::string>();
  ASSERT_TRUE(first_receipt.ok()) << first_receipt.error();
  EXPECT_EQ(*first_receipt, "audited 10 by teller-7");
  // Same id, other arguments: the first outcome, not a second deposit.
  auto again = handle.StartUpdate(options, "deposit", 99);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(*again->GetResult<std::string>(), "audited 10 by teller-7");
  // A new worker has none of the run in its cache.
  StopWorker();
  StartWorker();
  auto after_restart = handle.StartUpdate(options, "deposit", 42);
  ASSERT_TRUE(after_restart.ok()) << after_restart.error();
  EXPECT_EQ(*after_restart->GetResult<std::string>(), "audited 10 by teller-7");
  EXPECT_EQ(*handle.Query<int>("balance"), 10);
  ASSERT_TRUE(handle.Signal("close").ok());
  EXPECT_EQ(*handle.GetResult<int>(), 10);
  const auto types = EventTypes(handle);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED), 1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), 1);
}

TEST_F(UpdateHandlerTest, AFailingHandlerFailsTheUpdateAndTheRunGoesOn) {
  StartWorker();
  auto handle = Start("Ledger", "ledger-explode");
  auto failed = handle.Update<int>("explode");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kUpdateFailed) << failed.error();
  ASSERT_NE(failed.error().failure(), nullptr);
  EXPECT_EQ(failed.error().failure()->message(), "the handler refused");
  EXPECT_EQ(failed.error().failure()->application_type(), "Refused");
  auto deposit = handle.Update<std::string>("deposit", 4);
  ASSERT_TRUE(deposit.ok()) << deposit.error();
  ASSERT_TRUE(handle.Signal("close").ok());
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 4);
  const auto types = EventTypes(handle);
  // A failed update is accepted and completed (with its failure) in history.
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED), 2);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_WORKFLOW_TASK_FAILED), 0);
}

TEST_F(UpdateHandlerTest, AnUpdateWhoseWorkerRestartsMidwayCompletesOnTheNextWorker) {
  StartWorker();
  auto handle = Start("Ledger", "ledger-restart");
  temporal::UpdateOptions options;
  options.update_id = "held-1";
  auto accepted = handle.StartUpdate(options, "held", 7);  // returns at ACCEPTED
  ASSERT_TRUE(accepted.ok()) << accepted.error();
  const int calls_after_acceptance = validator_calls;
  StopWorker();
  ASSERT_TRUE(handle.Signal("release").ok());
  StartWorker();  // no cache: the run is replayed, the update re-delivered from history
  auto balance = accepted->GetResult<int>();
  ASSERT_TRUE(balance.ok()) << balance.error();
  EXPECT_EQ(*balance, 7);
  EXPECT_EQ(validator_calls, calls_after_acceptance) << "the validator ran again on replay";
  ASSERT_TRUE(handle.Signal("close").ok());
  EXPECT_EQ(*handle.GetResult<int>(), 7);
}

TEST_F(UpdateHandlerTest, AWorkflowTaskThatFailsDuringAnUpdateIsRetriedAndTheUpdateCompletesOnce) {
  flaky_predicate_thrown = false;
  StartWorker();
  auto handle = Start("FlakyDuringUpdate", "flaky-update");
  auto answer = handle.Update<std::string>("flaky");
  ASSERT_TRUE(answer.ok()) << answer.error();
  EXPECT_EQ(*answer, "survived");
  EXPECT_TRUE(flaky_predicate_thrown);
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "done");
  const auto types = EventTypes(handle);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_WORKFLOW_TASK_FAILED), 1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED), 1);
  EXPECT_EQ(Count(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED), 1);
}

TEST_F(UpdateHandlerTest, ACompletionTheServerRefusesForANewSignalIsRetriedWithTheSignal) {
  {
    std::lock_guard lock(hold_mutex);
    holding = hold_released = held_once = false;
  }
  StartWorker(std::chrono::milliseconds(0));  // the held task must not count as a deadlock
  auto handle = Start("CompletesWhileSignalled", "completion-refused");
  ASSERT_TRUE(handle.Signal("note", std::string("first")).ok());
  ASSERT_TRUE(handle.Signal("finish").ok());
  {
    std::unique_lock lock(hold_mutex);
    ASSERT_TRUE(hold_changed.wait_for(lock, std::chrono::seconds(30), [] { return holding; }))
        << "the completing task never ran";
  }
  // The completing task runs; this signal reaches the server meanwhile.
  ASSERT_TRUE(handle.Signal("note", std::string("late")).ok());
  {
    std::lock_guard lock(hold_mutex);
    hold_released = true;
  }
  hold_changed.notify_all();
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "first;late;");
  auto history = handle.FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  int refused = 0;
  for (const auto& event : history->events()) {
    if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_FAILED &&
        event.workflow_task_failed_event_attributes().cause() ==
            enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND) {
      ++refused;
    }
  }
  EXPECT_EQ(refused, 1) << "the server did not refuse the completion";
}

TEST_F(UpdateHandlerTest, SignalAndUpdateInTheTaskThatCompletesAreHandledBeforeIt) {
  // No worker yet: the signal, the update and the first task arrive together.
  auto handle = Start("CompletesWhileSignalled", "same-task");
  {
    std::lock_guard lock(hold_mutex);
    holding = hold_released = false;
    held_once = true;  // do not hold this run
  }
  ASSERT_TRUE(handle.Signal("note", std::string("n")).ok());
  auto update = std::async(
      std::launch::async, [&] { return handle.Update<std::string>("annotate", std::string("u")); });
  // The update must reach the server before the finishing signal; it waits
  // there (no worker) for as long as the client's update call allows.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_TRUE(handle.Signal("finish").ok());
  StartWorker();
  auto answer = update.get();
  ASSERT_TRUE(answer.ok()) << answer.error();
  EXPECT_EQ(*answer, "n;update:u;");
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "n;update:u;");
  const auto types = EventTypes(handle);
  EXPECT_LT(IndexOf(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED),
            IndexOf(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED));
}

}  // namespace

namespace {

TEST_F(UpdateHandlerTest, UpdateWithStartStartsTheRunWhoseFirstTaskAcceptsTheUpdate) {
  StartWorker();
  temporal::StartWorkflowOptions options;
  options.id = UniqueId("ledger-update-with-start");
  options.task_queue = task_queue_;
  options.id_conflict_policy = enums::WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING;
  started_.push_back(options.id);
  temporal::UpdateOptions update;
  update.wait_for_stage = enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  auto first =
      client_->UpdateWithStart("Ledger", options, {}, update, "deposit", *temporal::ToPayloads(12));
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_TRUE(first->started);
  EXPECT_EQ(*first->update.GetResult<std::string>(), "audited 12 by teller-7");
  // The same call again finds the run open: no new run, a second deposit.
  auto second =
      client_->UpdateWithStart("Ledger", options, {}, update, "deposit", *temporal::ToPayloads(3));
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_FALSE(second->started);
  EXPECT_EQ(second->workflow.run_id(), first->workflow.run_id());
  EXPECT_EQ(*second->update.GetResult<std::string>(), "audited 3 by teller-7");
  auto rejected =
      client_->UpdateWithStart("Ledger", options, {}, update, "deposit", *temporal::ToPayloads(-1));
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code(), ErrorCode::kUpdateFailed) << rejected.error();
  // Without a conflict policy the request is refused before any call.
  temporal::StartWorkflowOptions no_policy = options;
  no_policy.id_conflict_policy = enums::WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED;
  auto refused = client_->UpdateWithStart("Ledger", no_policy, {}, update, "deposit",
                                          *temporal::ToPayloads(1));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);

  auto handle = client_->GetHandle(options.id);
  ASSERT_TRUE(handle.Signal("close").ok());
  EXPECT_EQ(*handle.GetResult<int>(), 15);
  // The first workflow task accepted the update: nothing else ran before it.
  const auto types = EventTypes(handle);
  const auto accepted = IndexOf(types, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  EXPECT_EQ(IndexOf(types, enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED), accepted - 1);
}

}  // namespace
