// The timer state machine (workflow/machines/timer_machine.h), driven through
// the Replayer with canned histories. Each scenario names the table rows it
// takes; together they take all nine.
#include "workflow/machines/timer_machine.h"

#include <gtest/gtest.h>

#include "replay_scenario.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;
using std::chrono::hours;
using std::chrono::seconds;

wf::Task<int> SleepOnce(int duration_seconds) {
  co_await wf::Sleep(seconds(duration_seconds));
  co_return duration_seconds;
}

// Starts a timer in a scope and cancels the scope in the same workflow task.
wf::Task<std::string> CancelTimerAtOnce() {
  wf::CancellationScope scope;
  wf::Future<void> timer = scope.RunOperation([] { return wf::Sleep(hours(1)); });
  scope.Cancel();
  bool cancelled = false;
  try {
    co_await timer;
  } catch (const CanceledFailure&) {
    cancelled = true;
  }
  if (!cancelled) throw ApplicationFailure("the timer was not cancelled");
  co_return "cancelled";
}

// Waits for signal "go" for at most `timeout_seconds` (a condition with a timer).
wf::Task<std::string> WaitForGo(int timeout_seconds) {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  const bool signalled = co_await wf::WaitCondition([&] { return go; }, seconds(timeout_seconds));
  co_return signalled ? "go" : "timeout";
}

// Cancels the scope of a timer that has already fired.
// The predicate of a WaitCondition with a deadline wins (its timer is
// cancelled), then the scope around it is cancelled, which cancels the timer
// again: a no-op.
wf::Task<std::string> WaitWinsThenScopeCancels() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  wf::CancellationScope scope;
  wf::Future<bool> waited =
      scope.RunOperation([&] { return wf::WaitCondition([&] { return go; }, seconds(30)); });
  const bool held = co_await waited;
  scope.Cancel();
  co_return held ? "held" : "timed out";
}

wf::Task<std::string> CancelAfterFired() {
  wf::CancellationScope scope;
  co_await scope.RunOperation([] { return wf::Sleep(seconds(1)); });
  scope.Cancel();  // nothing left to cancel: no command
  co_return "fired";
}

// Waits for "go" (cancelling the condition's timer), then until the run is cancelled.
wf::Task<std::string> WaitForGoThenForCancellation() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  co_await wf::WaitCondition([&] { return go; }, seconds(60));
  co_await wf::WaitCondition([] { return false; });
  co_return "unreachable";
}

// A condition met in the task that created it: its timer is never sent. Then
// waits until the run is cancelled.
wf::Task<std::string> ConditionMetAtOnceThenWaitForCancellation() {
  bool ready = false;
  wf::Future<bool> waited = wf::WaitCondition([&] { return ready; }, seconds(60));
  ready = true;
  co_await waited;
  co_await wf::WaitCondition([] { return false; });
  co_return "unreachable";
}

// Sleeps; a cancelled run catches the cancellation and completes.
wf::Task<std::string> SleepUnlessCancelled() {
  try {
    co_await wf::Sleep(seconds(60));
  } catch (const CanceledFailure&) {
    co_return "cancelled";
  }
  co_return "slept";
}

}  // namespace

std::vector<ReplayScenario> TimerScenarios() {
  return {
      // Created -TimerStarted-> Started -TimerFired-> Fired
      Replays("timer_fires_after_replay", SleepOnce,
              HistoryBuilder()
                  .Started("SleepOnce", 1)  // 1
                  .WorkflowTask()           // 2-4
                  .TimerStarted("1")        // 5
                  .TimerFired("1")          // 6
                  .WorkflowTask()           // 7-9
                  .WorkflowExecutionCompleted(1)),
      // Created -Cancel-> CanceledBeforeSent: no TimerStarted in history
      Replays("timer_cancelled_in_the_task_that_started_it_never_reaches_history",
              CancelTimerAtOnce,
              HistoryBuilder()
                  .Started("CancelTimerAtOnce")
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("cancelled"))),
      // Started -Cancel-> CancelCommandCreated -TimerCanceled-> Canceled
      Replays("timer_cancelled_after_it_started_records_timer_canceled", WaitForGo,
              HistoryBuilder()
                  .Started("WaitForGo", 60)
                  .WorkflowTask()
                  .TimerStarted("1", seconds(60))  // 5
                  .Signaled("go")                  // 6
                  .WorkflowTask()                  // 7-9
                  .TimerCanceled("1")              // 10
                  .WorkflowExecutionCompleted(std::string("go"))),
      Replays("condition_timer_fires_when_no_signal_comes", WaitForGo,
              HistoryBuilder()
                  .Started("WaitForGo", 1)
                  .WorkflowTask()
                  .TimerStarted("1")
                  .TimerFired("1")
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("timeout"))),
      // Fired -Cancel-> Fired
      Replays("cancelling_a_fired_timer_issues_nothing", CancelAfterFired,
              HistoryBuilder()
                  .Started("CancelAfterFired")
                  .WorkflowTask()
                  .TimerStarted("1")
                  .TimerFired("1")
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("fired"))),
      // Canceled -Cancel-> Canceled (the run's cancellation reaches a timer
      // its condition already cancelled)
      Replays("run_cancellation_ignores_a_timer_already_canceled", WaitForGoThenForCancellation,
              HistoryBuilder()
                  .Started("WaitForGoThenForCancellation")
                  .WorkflowTask()
                  .TimerStarted("1", seconds(60))  // 5
                  .Signaled("go")                  // 6
                  .WorkflowTask()                  // 7-9
                  .TimerCanceled("1")              // 10
                  .CancelRequested()               // 11
                  .WorkflowTask()                  // 12-14
                  .WorkflowExecutionCanceled()),   // 15
      // CanceledBeforeSent -Cancel-> CanceledBeforeSent
      Replays("run_cancellation_ignores_a_timer_cancelled_before_it_was_sent",
              ConditionMetAtOnceThenWaitForCancellation,
              HistoryBuilder()
                  .Started("ConditionMetAtOnceThenWaitForCancellation")
                  .WorkflowTask()     // 2-4: no command
                  .CancelRequested()  // 5
                  .WorkflowTask()     // 6-8
                  .WorkflowExecutionCanceled()),
      // Started -Cancel-> CancelCommandCreated, through the run's cancellation
      Replays("run_cancellation_cancels_a_running_timer", SleepUnlessCancelled,
              HistoryBuilder()
                  .Started("SleepUnlessCancelled")
                  .WorkflowTask()
                  .TimerStarted("1", seconds(60))  // 5
                  .CancelRequested()               // 6
                  .WorkflowTask()                  // 7-9
                  .TimerCanceled("1")              // 10
                  .WorkflowExecutionCompleted(std::string("cancelled"))),
      // CancelCommandCreated -TimerFired-> Fired: the run is cancelled and the
      // timer fires in the same batch of events; the unsent CancelTimer is dropped.
      Replays("timer_fires_while_its_cancel_is_unsent", SleepUnlessCancelled,
              HistoryBuilder()
                  .Started("SleepUnlessCancelled")
                  .WorkflowTask()
                  .TimerStarted("1", seconds(60))  // 5
                  .CancelRequested()               // 6
                  .WorkflowTaskScheduled()         // 7
                  .TimerFired("1")                 // 8
                  .WorkflowTaskStarted()           // 9
                  .WorkflowTaskCompleted()         // 10
                  .WorkflowExecutionCompleted(std::string("cancelled"))),
      // CancelCommandCreated -Cancel-> CancelCommandCreated: cancelled twice
      // in one task (issue 7, defect 2); one CancelTimer reaches history.
      Replays("timer_cancelled_twice_sends_one_cancel", WaitWinsThenScopeCancels,
              HistoryBuilder()
                  .Started("WaitWinsThenScopeCancels")
                  .WorkflowTask()
                  .TimerStarted("1", seconds(30))  // 5
                  .Signaled("go")                  // 6
                  .WorkflowTask()                  // 7-9
                  .TimerCanceled("1")              // 10
                  .WorkflowExecutionCompleted(std::string("held"))),
  };
}

INSTANTIATE_TEST_SUITE_P(TimerMachine, ReplayScenarioTest, ::testing::ValuesIn(TimerScenarios()),
                         ScenarioName);

TEST(TimerMachineTest, ScenariosTakeEveryRowOfTheTimerTable) {
  EXPECT_EQ(CoverageOf(TimerScenarios(), "TimerMachine"),
            workflow::detail::kTimerTransitions.size());
}

}  // namespace temporal::testing
