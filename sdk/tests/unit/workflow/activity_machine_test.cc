// The activity state machine (workflow/machines/activity_machine.h), driven
// through the Replayer with canned histories.
//
// The workflows check what they observed (a result, or which failure) against
// their input and fail the run when it differs. The canned histories record a
// completion, so a wrong observation fails the scenario as non-determinism at
// the last event.
//
// Rows no history can reach, so no scenario takes them: a second Cancel in
// CancelCommandCreated, CancelRequested, Canceled, CanceledBeforeSent and
// Abandoned (an activity belongs to one scope, and a scope cancels once), and
// ActivityTaskScheduled or ActivityTaskCancelRequested while Abandoned (an
// activity is abandoned only once scheduled, and abandoning sends nothing).
#include "workflow/machines/activity_machine.h"

#include <gtest/gtest.h>

#include "replay_scenario.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;
using std::chrono::seconds;

wf::ActivityOptions Options(
    wf::ActivityCancellationType cancellation = wf::ActivityCancellationType::kTryCancel) {
  wf::ActivityOptions options;
  options.start_to_close_timeout = seconds(10);
  options.cancellation_type = cancellation;
  return options;
}

wf::Future<std::string> Greeting(
    wf::ActivityCancellationType cancellation = wf::ActivityCancellationType::kTryCancel) {
  return wf::ExecuteActivity<std::string>("Greeting", Options(cancellation), std::string("ada"));
}

// OutcomeOf names how an activity's Future resolved: "completed:<result>";
// "CanceledFailure" when the workflow stopped waiting itself; else
// "ActivityFailure/<kind of the cause>".
wf::Task<std::string> OutcomeOf(wf::Future<std::string> activity) {
  try {
    co_return "completed:" + co_await activity;
  } catch (const CanceledFailure&) {
    co_return "CanceledFailure";
  } catch (const wf::FailureError& error) {
    const std::optional<Failure> cause = error.failure().cause();
    co_return std::string(FailureKindName(error.failure().kind())) + "/" +
        (cause ? FailureKindName(cause->kind()) : "none");
  }
}

void Expect(const std::string& outcome, const std::string& expected) {
  if (outcome != expected) {
    throw ApplicationFailure("observed " + outcome + ", expected " + expected, "WrongOutcome");
  }
}

// Runs activity "Greeting" and checks its outcome.
wf::Task<std::string> RunActivity(std::string expected) {
  std::string outcome = co_await OutcomeOf(Greeting());
  Expect(outcome, expected);
  co_return outcome;
}

// Schedules "Greeting" in a scope, cancels the scope once timer 1 fires, and
// checks what the activity's Future then held.
wf::Task<std::string> CancelActivityAfterTimer(std::string expected, int cancellation) {
  wf::CancellationScope scope;
  wf::Future<std::string> activity = scope.RunOperation(
      [&] { return Greeting(static_cast<wf::ActivityCancellationType>(cancellation)); });
  co_await wf::Sleep(seconds(1));
  scope.Cancel();
  std::string outcome = co_await OutcomeOf(activity);
  Expect(outcome, expected);
  co_return outcome;
}

// Abandons "Greeting" once timer 1 fires, then lingers until timer 2 fires
// while the abandoned activity's events arrive.
wf::Task<std::string> AbandonActivityAfterTimer() {
  wf::CancellationScope scope;
  wf::Future<std::string> activity =
      scope.RunOperation([] { return Greeting(wf::ActivityCancellationType::kAbandon); });
  co_await wf::Sleep(seconds(1));
  scope.Cancel();
  std::string outcome = co_await OutcomeOf(activity);
  Expect(outcome, "CanceledFailure");
  co_await wf::Sleep(seconds(1));
  co_return outcome;
}

// Schedules "Greeting" and cancels it in the same workflow task.
wf::Task<std::string> CancelActivityAtOnce() {
  wf::CancellationScope scope;
  wf::Future<std::string> activity = scope.RunOperation([] { return Greeting(); });
  scope.Cancel();
  std::string outcome = co_await OutcomeOf(activity);
  Expect(outcome, "CanceledFailure");
  co_return outcome;
}

// Runs "Greeting" in a scope and cancels the scope after the activity finished.
wf::Task<std::string> CancelAfterActivityFinished(std::string expected) {
  wf::CancellationScope scope;
  std::string outcome = co_await OutcomeOf(scope.RunOperation([] { return Greeting(); }));
  scope.Cancel();  // nothing left to cancel: no command
  Expect(outcome, expected);
  co_return outcome;
}

// Waits for "Greeting"; cancelling the run cancels it and ends the run cancelled.
wf::Task<std::string> GreetUntilCancelled() { co_return co_await Greeting(); }

constexpr int kTryCancel = static_cast<int>(wf::ActivityCancellationType::kTryCancel);
constexpr int kWaitCancellationCompleted =
    static_cast<int>(wf::ActivityCancellationType::kWaitCancellationCompleted);

// Started, WT 2-4, ActivityTaskScheduled 5, TimerStarted 6 (CancelActivityAfterTimer's first task).
HistoryBuilder CancelAfterTimerStart(const std::string& expected, int cancellation) {
  HistoryBuilder history;
  history.Started("CancelActivityAfterTimer", expected, cancellation)
      .WorkflowTask()
      .ActivityScheduled("1", "Greeting", std::string("ada"))
      .TimerStarted("1");
  return history;
}

// Started, WT 2-4, ActivityTaskScheduled 5, ActivityTaskStarted 6, then the
// run is cancelled (7) before the next task (8) and `outcome` is applied to
// the activity before that task starts. The cancel request the run's
// cancellation issued is withdrawn in that task, since the activity is done:
// the server records no ActivityTaskCancelRequested (it would refuse the
// request for a finished activity).
HistoryBuilder RunCancelledWhileActivityFinishes(
    const std::function<void(HistoryBuilder&)>& outcome) {
  HistoryBuilder history;
  history.Started("GreetUntilCancelled")
      .WorkflowTask()
      .ActivityScheduled("1", "Greeting", std::string("ada"))  // 5
      .ActivityStarted("1")                                    // 6
      .CancelRequested()                                       // 7: cancels the activity
      .WorkflowTaskScheduled();                                // 8
  outcome(history);                                            // 9: finishes it anyway
  history
      .WorkflowTaskStarted()         // 10
      .WorkflowTaskCompleted()       // 11
      .WorkflowExecutionCanceled();  // 12
  return history;
}

HistoryBuilder Abandoned(const std::function<void(HistoryBuilder&)>& events) {
  HistoryBuilder history;
  history.Started("AbandonActivityAfterTimer")
      .WorkflowTask()
      .ActivityScheduled("1", "Greeting", std::string("ada"))  // 5
      .TimerStarted("1")                                       // 6
      .TimerFired("1")                                         // 7
      .WorkflowTask()                                          // 8-10: abandons
      .TimerStarted("2");                                      // 11
  events(history);
  history.TimerFired("2").WorkflowTask().WorkflowExecutionCompleted(std::string("CanceledFailure"));
  return history;
}

HistoryBuilder Outcome(const std::string& expected,
                       const std::function<void(HistoryBuilder&)>& events) {
  HistoryBuilder history;
  history.Started("RunActivity", expected)
      .WorkflowTask()
      .ActivityScheduled("1", "Greeting", std::string("ada"));  // 5
  events(history);
  history.WorkflowTask().WorkflowExecutionCompleted(expected);
  return history;
}

}  // namespace

std::vector<ReplayScenario> ActivityScenarios() {
  using B = HistoryBuilder;
  return {
      // Created -Scheduled-> Scheduled -Started-> Started -Completed-> Completed
      Replays("activity_result_reaches_the_workflow", RunActivity,
              Outcome("completed:hello ada",
                      [](B& h) {
                        h.ActivityStarted("1").ActivityCompleted("1", std::string("hello ada"));
                      })),
      // Scheduled -Completed-> Completed
      Replays("activity_completed_without_a_started_event", RunActivity,
              Outcome("completed:hello ada",
                      [](B& h) { h.ActivityCompleted("1", std::string("hello ada")); })),
      // Started -Failed-> Failed
      Replays("activity_failure_reaches_the_workflow_as_activity_failure", RunActivity,
              Outcome("ActivityFailure/ApplicationFailure",
                      [](B& h) { h.ActivityStarted("1").ActivityFailed("1"); })),
      // Scheduled -Failed-> Failed
      Replays("activity_failed_without_a_started_event", RunActivity,
              Outcome("ActivityFailure/ApplicationFailure", [](B& h) { h.ActivityFailed("1"); })),
      // Started -TimedOut-> TimedOut
      Replays("activity_start_to_close_timeout_reaches_the_workflow", RunActivity,
              Outcome("ActivityFailure/TimeoutFailure",
                      [](B& h) { h.ActivityStarted("1").ActivityTimedOut("1"); })),
      // Scheduled -TimedOut-> TimedOut
      Replays(
          "activity_schedule_to_start_timeout_reaches_the_workflow", RunActivity,
          Outcome("ActivityFailure/TimeoutFailure",
                  [](B& h) { h.ActivityTimedOut("1", enums::TIMEOUT_TYPE_SCHEDULE_TO_START); })),
      // Created -Cancel-> CanceledBeforeSent
      Replays("activity_cancelled_in_the_task_that_scheduled_it_never_reaches_history",
              CancelActivityAtOnce,
              B().Started("CancelActivityAtOnce")
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("CanceledFailure"))),
      // Scheduled -Cancel-> CancelCommandCreated -CancelRequested-> CancelRequested
      //   -Canceled-> Canceled; TryCancel resolves at once
      Replays("try_cancel_of_an_activity_not_yet_started", CancelActivityAfterTimer,
              CancelAfterTimerStart("CanceledFailure", kTryCancel)
                  .TimerFired("1")               // 7
                  .WorkflowTask()                // 8-10
                  .ActivityCancelRequested("1")  // 11
                  .ActivityCanceled("1")         // 12: the server cancels at once
                  .WorkflowExecutionCompleted(std::string("CanceledFailure"))),
      // Started -Cancel-> CancelCommandCreated; WaitCancellationCompleted waits
      // for ActivityTaskCanceled
      Replays("wait_cancellation_completed_waits_for_the_activity_to_accept",
              CancelActivityAfterTimer,
              CancelAfterTimerStart("ActivityFailure/CanceledFailure", kWaitCancellationCompleted)
                  .ActivityStarted("1")          // 7
                  .TimerFired("1")               // 8
                  .WorkflowTask()                // 9-11
                  .ActivityCancelRequested("1")  // 12
                  .ActivityCanceled("1")         // 13
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("ActivityFailure/CanceledFailure"))),
      // CancelCommandCreated -Started-> CancelCommandCreated: the run's
      // cancellation and the activity's start arrive in one activation.
      Replays("activity_started_in_the_task_that_cancels_it", GreetUntilCancelled,
              HistoryBuilder()
                  .Started("GreetUntilCancelled")
                  .WorkflowTask()
                  .ActivityScheduled("1", "Greeting", std::string("ada"))  // 5
                  .CancelRequested()                                       // 6
                  .WorkflowTaskScheduled()                                 // 7
                  .ActivityStarted("1")                                    // 8
                  .WorkflowTaskStarted()                                   // 9
                  .WorkflowTaskCompleted()                                 // 10
                  .ActivityCancelRequested("1")                            // 11
                  .WorkflowExecutionCanceled()),                           // 12
      // An ActivityTaskStarted recorded between a task's completion and its
      // command events is applied with the next task (after the cancel
      // request's event): CancelRequested -Started-> CancelRequested.
      Replays("activity_started_while_the_cancel_request_was_on_its_way", CancelActivityAfterTimer,
              CancelAfterTimerStart("ActivityFailure/CanceledFailure", kWaitCancellationCompleted)
                  .TimerFired("1")               // 7
                  .WorkflowTaskScheduled()       // 8
                  .WorkflowTaskStarted()         // 9
                  .WorkflowTaskCompleted()       // 10
                  .ActivityStarted("1")          // 11
                  .ActivityCancelRequested("1")  // 12
                  .ActivityCanceled("1")         // 13
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("ActivityFailure/CanceledFailure"))),
      // CancelRequested -Started-> CancelRequested
      Replays("activity_started_after_the_cancel_request_was_recorded", CancelActivityAfterTimer,
              CancelAfterTimerStart("ActivityFailure/CanceledFailure", kWaitCancellationCompleted)
                  .TimerFired("1")
                  .WorkflowTask()
                  .ActivityCancelRequested("1")  // 11
                  .ActivityStarted("1")          // 12
                  .ActivityCanceled("1")         // 13
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("ActivityFailure/CanceledFailure"))),
      // CancelRequested -Completed-> Completed
      Replays("activity_completing_despite_the_cancel_request_delivers_its_result",
              CancelActivityAfterTimer,
              CancelAfterTimerStart("completed:hello ada", kWaitCancellationCompleted)
                  .ActivityStarted("1")
                  .TimerFired("1")
                  .WorkflowTask()
                  .ActivityCancelRequested("1")
                  .ActivityCompleted("1", std::string("hello ada"))
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("completed:hello ada"))),
      // CancelRequested -Failed-> Failed
      Replays(
          "activity_failing_despite_the_cancel_request_delivers_its_failure",
          CancelActivityAfterTimer,
          CancelAfterTimerStart("ActivityFailure/ApplicationFailure", kWaitCancellationCompleted)
              .ActivityStarted("1")
              .TimerFired("1")
              .WorkflowTask()
              .ActivityCancelRequested("1")
              .ActivityFailed("1")
              .WorkflowTask()
              .WorkflowExecutionCompleted(std::string("ActivityFailure/ApplicationFailure"))),
      // CancelRequested -TimedOut-> TimedOut
      Replays("activity_timing_out_despite_the_cancel_request_delivers_the_timeout",
              CancelActivityAfterTimer,
              CancelAfterTimerStart("ActivityFailure/TimeoutFailure", kWaitCancellationCompleted)
                  .ActivityStarted("1")
                  .TimerFired("1")
                  .WorkflowTask()
                  .ActivityCancelRequested("1")
                  .ActivityTimedOut("1")
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("ActivityFailure/TimeoutFailure"))),
      // Started -Cancel-> CancelCommandCreated -Completed-> Completed (the
      // cancel request is withdrawn: the history has none)
      Replays("run_cancelled_while_the_activity_completes", GreetUntilCancelled,
              RunCancelledWhileActivityFinishes(
                  [](B& h) { h.ActivityCompleted("1", std::string("hello ada")); })),
      // CancelCommandCreated -Failed-> Failed (the cancel request is withdrawn)
      Replays("run_cancelled_while_the_activity_fails", GreetUntilCancelled,
              RunCancelledWhileActivityFinishes([](B& h) { h.ActivityFailed("1"); })),
      // CancelCommandCreated -TimedOut-> TimedOut (the cancel request is withdrawn)
      Replays("run_cancelled_while_the_activity_times_out", GreetUntilCancelled,
              RunCancelledWhileActivityFinishes([](B& h) { h.ActivityTimedOut("1"); })),
      // Completed -Cancel-> Completed
      Replays("cancelling_a_completed_activity_issues_nothing", CancelAfterActivityFinished,
              B().Started("CancelAfterActivityFinished", std::string("completed:hi"))
                  .WorkflowTask()
                  .ActivityScheduled("1", "Greeting", std::string("ada"))
                  .ActivityStarted("1")
                  .ActivityCompleted("1", std::string("hi"))
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("completed:hi"))),
      // Failed -Cancel-> Failed
      Replays("cancelling_a_failed_activity_issues_nothing", CancelAfterActivityFinished,
              B().Started("CancelAfterActivityFinished",
                          std::string("ActivityFailure/ApplicationFailure"))
                  .WorkflowTask()
                  .ActivityScheduled("1", "Greeting", std::string("ada"))
                  .ActivityFailed("1")
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("ActivityFailure/ApplicationFailure"))),
      // TimedOut -Cancel-> TimedOut
      Replays(
          "cancelling_a_timed_out_activity_issues_nothing", CancelAfterActivityFinished,
          B().Started("CancelAfterActivityFinished", std::string("ActivityFailure/TimeoutFailure"))
              .WorkflowTask()
              .ActivityScheduled("1", "Greeting", std::string("ada"))
              .ActivityTimedOut("1")
              .WorkflowTask()
              .WorkflowExecutionCompleted(std::string("ActivityFailure/TimeoutFailure"))),
      // Abandoned -Started/Completed-> Abandoned
      Replays("abandoned_activity_ignores_its_start_and_result", AbandonActivityAfterTimer,
              Abandoned([](B& h) {
                h.ActivityStarted("1").ActivityCompleted("1", std::string("late"));
              })),
      // Abandoned -Failed-> Abandoned
      Replays("abandoned_activity_ignores_its_failure", AbandonActivityAfterTimer,
              Abandoned([](B& h) { h.ActivityFailed("1"); })),
      // Abandoned -TimedOut-> Abandoned
      Replays("abandoned_activity_ignores_its_timeout", AbandonActivityAfterTimer,
              Abandoned([](B& h) { h.ActivityTimedOut("1"); })),
      // Abandoned -Canceled-> Abandoned
      Replays("abandoned_activity_ignores_its_cancellation", AbandonActivityAfterTimer,
              Abandoned([](B& h) { h.ActivityCanceled("1"); })),
  };
}

INSTANTIATE_TEST_SUITE_P(ActivityMachine, ReplayScenarioTest,
                         ::testing::ValuesIn(ActivityScenarios()), ScenarioName);

TEST(ActivityMachineTest, ScenariosTakeEveryReachableRowOfTheActivityTable) {
  // 7 rows cannot be reached by any history (listed at the top of this file).
  EXPECT_GE(CoverageOf(ActivityScenarios(), "ActivityMachine"),
            workflow::detail::kActivityTransitions.size() - 7);
}

}  // namespace temporal::testing
