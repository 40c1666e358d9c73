// The completion state machine (workflow/machines/completion_machine.h): the
// command that closes a run, for each way a run can end, driven through the
// Replayer with canned histories.
#include <gtest/gtest.h>

#include "replay_scenario.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;

wf::Task<std::string> Echo(std::string value) { co_return value; }

wf::Task<int> RejectNegative(int value) {
  if (value < 0) throw ApplicationFailure("negative input", "InvalidInput", true);
  co_return value;
}

wf::Task<std::string> SleepForAnHour() {
  co_await wf::Sleep(std::chrono::hours(1));
  co_return "slept";
}

wf::Task<int> CountRuns(int remaining, int count) {
  if (remaining > 0) wf::ContinueAsNew(remaining - 1, count + 1);
  co_return count;
}

wf::Task<int> ThrowUnexpected() {
  throw std::runtime_error("a bug in workflow code");
  co_return 0;
}

}  // namespace

std::vector<ReplayScenario> CompletionScenarios() {
  using B = HistoryBuilder;
  return {
      // Created -Recorded-> Recorded, for each closing command.
      Replays("returning_completes_the_run", Echo,
              B().Started("Echo", std::string("hi"))
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("hi"))),
      Replays("application_failure_fails_the_run", RejectNegative,
              B().Started("RejectNegative", -1)
                  .WorkflowTask()
                  .WorkflowExecutionFailed("negative input")),
      Replays("cancellation_ends_the_run_as_canceled", SleepForAnHour,
              B().Started("SleepForAnHour")
                  .WorkflowTask()
                  .TimerStarted("1", std::chrono::hours(1))  // 5
                  .CancelRequested()                         // 6
                  .WorkflowTask()                            // 7-9
                  .TimerCanceled("1")                        // 10
                  .WorkflowExecutionCanceled()),             // 11
      Replays("continue_as_new_ends_the_run", CountRuns,
              B().Started("CountRuns", 2, 0)
                  .WorkflowTask()
                  .WorkflowExecutionContinuedAsNew("CountRuns", 1, 1)),
      // A failed workflow task never happened as far as the run is concerned:
      // its attempt's commands are not in history and the next attempt reruns it.
      Replays("failed_workflow_task_is_retried_by_the_next_attempt", Echo,
              B().Started("Echo", std::string("hi"))
                  .WorkflowTaskScheduled()  // 2
                  .WorkflowTaskStarted()    // 3
                  .WorkflowTaskFailed()     // 4
                  .WorkflowTask()           // 5-7
                  .WorkflowExecutionCompleted(std::string("hi"))),
      // An open run: history ends while a workflow task is in flight.
      Replays("history_of_an_open_run_ends_anywhere", SleepForAnHour,
              B().Started("SleepForAnHour")
                  .WorkflowTask()
                  .TimerStarted("1", std::chrono::hours(1))
                  .Signaled("ignored")
                  .WorkflowTaskScheduled()
                  .WorkflowTaskStarted()),
      DivergesAt("history_completed_where_the_code_fails", RejectNegative,
                 B().Started("RejectNegative", -1)
                     .WorkflowTask()  // 2-4
                     .WorkflowExecutionCompleted(-1),
                 5, "where the workflow issued COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION"),
      DivergesAt("history_continued_as_new_where_the_code_completes", CountRuns,
                 B().Started("CountRuns", 0, 3)
                     .WorkflowTask()
                     .WorkflowExecutionContinuedAsNew("CountRuns", 0, 4),
                 5, "where the workflow issued COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"),
      DivergesAt("history_closed_where_the_code_still_waits", SleepForAnHour,
                 B().Started("SleepForAnHour")
                     .WorkflowTask()
                     .WorkflowExecutionCompleted(std::string("slept")),
                 5, "where the workflow issued COMMAND_TYPE_START_TIMER for timer 1"),
  };
}

INSTANTIATE_TEST_SUITE_P(CompletionMachine, ReplayScenarioTest,
                         ::testing::ValuesIn(CompletionScenarios()), ScenarioName);

TEST(CompletionMachineTest, UnexpectedExceptionIsAWorkflowTaskFailureNotNondeterminism) {
  Replayer replayer;
  replayer.RegisterWorkflow("ThrowUnexpected", ThrowUnexpected);
  Status replayed = replayer.ReplayHistory(HistoryBuilder()
                                               .Started("ThrowUnexpected")
                                               .WorkflowTaskScheduled()
                                               .WorkflowTaskStarted()
                                               .Build());
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().code(), ErrorCode::kInternal) << replayed.error();
  EXPECT_NE(replayed.error().message().find("a bug in workflow code"), std::string::npos)
      << replayed.error();
  EXPECT_NE(replayed.error().message().find("WORKFLOW_WORKER_UNHANDLED_FAILURE"), std::string::npos)
      << replayed.error();
}

}  // namespace temporal::testing
