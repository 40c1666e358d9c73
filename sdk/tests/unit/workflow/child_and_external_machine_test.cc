// Canned-history scenarios for the child-workflow, external signal/cancel and
// recorded-command (marker) machines; see replay_scenario.h.
#include <gtest/gtest.h>

#include "replay_scenario.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;

wf::ChildWorkflowOptions ChildOne() {
  wf::ChildWorkflowOptions options;
  options.workflow_id = "child-1";
  return options;
}

wf::Task<std::string> RunsAChild() {
  wf::ChildWorkflowOptions options = ChildOne();
  std::string result =
      co_await wf::ExecuteChildWorkflow<std::string>("Greet", options, std::string("x"));
  co_return result;
}

wf::Task<std::string> CatchesChildFailure() {
  wf::ChildWorkflowOptions options = ChildOne();
  std::string outcome;
  try {
    co_await wf::ExecuteChildWorkflow<std::string>("Greet", options, std::string("x"));
  } catch (const wf::FailureError& error) {
    outcome = error.failure().cause() ? error.failure().cause()->application_type() : "no cause";
  } catch (const ApplicationFailure& error) {
    outcome = error.type();
  }
  co_return outcome;
}

wf::Task<std::string> SignalsOther() {
  std::string outcome = "delivered";
  try {
    co_await wf::SignalExternalWorkflow("other", "", "poke", 1);
  } catch (const ApplicationFailure& error) {
    outcome = error.type();
  }
  co_return outcome;
}

wf::Task<int> CancelsOther() {
  co_await wf::CancelExternalWorkflow("other");
  co_return 0;
}

wf::Task<int> RecordsSideEffect() {
  co_return wf::SideEffect([] { return 42; });
}

wf::Task<std::string> PatchedGreeting() {
  co_return wf::Patched("p1") ? std::string("new") : std::string("old");
}

}  // namespace

std::vector<ReplayScenario> ChildAndExternalScenarios() {
  return {
      // Child: Created -> Initiated -> Started -> Completed
      Replays("child_workflow_completes", RunsAChild,
              HistoryBuilder()
                  .Started("RunsAChild")
                  .WorkflowTask()
                  .ChildInitiated("child-1", "Greet")  // 5
                  .ChildStarted("child-1")             // 6
                  .WorkflowTask()
                  .ChildCompleted("child-1", std::string("hello x"))
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("hello x"))),
      // Child: Started -> Failed, surfaced as ChildWorkflowFailure caused by the child's failure
      Replays("child_workflow_failure_reaches_the_parent", CatchesChildFailure,
              HistoryBuilder()
                  .Started("CatchesChildFailure")
                  .WorkflowTask()
                  .ChildInitiated("child-1", "Greet")
                  .ChildStarted("child-1")
                  .WorkflowTask()
                  .ChildFailed("child-1", "Boom")
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("Boom"))),
      // Child: Initiated -> StartFailed
      Replays("child_workflow_start_fails_when_the_id_is_taken", CatchesChildFailure,
              HistoryBuilder()
                  .Started("CatchesChildFailure")
                  .WorkflowTask()
                  .ChildInitiated("child-1", "Greet")
                  .ChildStartFailed("child-1")
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("WorkflowExecutionAlreadyStarted"))),
      // A different child type in history is non-determinism
      DivergesAt("child_workflow_of_another_type_diverges", RunsAChild,
                 HistoryBuilder()
                     .Started("RunsAChild")
                     .WorkflowTask()
                     .ChildInitiated("child-1", "NotGreet"),
                 5, "(type Greet)"),
      // SignalExternal: Created -> Initiated -> Done / Failed
      Replays("external_signal_is_delivered", SignalsOther,
              HistoryBuilder()
                  .Started("SignalsOther")
                  .WorkflowTask()
                  .SignalExternalInitiated("other", "poke")
                  .ExternalSignaled()
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("delivered"))),
      Replays("external_signal_to_a_missing_workflow_fails", SignalsOther,
              HistoryBuilder()
                  .Started("SignalsOther")
                  .WorkflowTask()
                  .SignalExternalInitiated("other", "poke")
                  .SignalExternalFailed()
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("ExternalWorkflowNotFound"))),
      // CancelExternal: Created -> Initiated -> Done
      Replays("external_cancel_is_delivered", CancelsOther,
              HistoryBuilder()
                  .Started("CancelsOther")
                  .WorkflowTask()
                  .CancelExternalInitiated("other")
                  .ExternalCancelRequested()
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(0)),
      // Markers: a side effect's recorded value and a patch
      Replays("side_effect_marker_replays", RecordsSideEffect,
              HistoryBuilder()
                  .Started("RecordsSideEffect")
                  .WorkflowTask()
                  .Marker("SideEffect", "1", 42)
                  .WorkflowExecutionCompleted(42)),
      Replays("patch_marker_replays", PatchedGreeting,
              HistoryBuilder()
                  .Started("PatchedGreeting")
                  .WorkflowTask()
                  .Marker("core_patch", "\"p1\"", std::monostate{})
                  .WorkflowExecutionCompleted(std::string("new"))),
      // A history without the patch marker replays down the old branch
      Replays("missing_patch_marker_takes_the_old_branch", PatchedGreeting,
              HistoryBuilder()
                  .Started("PatchedGreeting")
                  .WorkflowTask()
                  .WorkflowExecutionCompleted(std::string("old"))),
  };
}

INSTANTIATE_TEST_SUITE_P(ChildAndExternal, ReplayScenarioTest,
                         ::testing::ValuesIn(ChildAndExternalScenarios()), ScenarioName);

TEST(ChildAndExternalMachineTest, ScenariosTakeTheRowsTheyTarget) {
  // Child: Created->Initiated, Initiated->Started/StartFailed, Started->Completed/Failed.
  EXPECT_GE(CoverageOf(ChildAndExternalScenarios(), "ChildWorkflowMachine"), 5u);
  // Signal external: Created->Initiated, Initiated->Done/Failed; cancel external:
  // ->Initiated->Done.
  EXPECT_GE(CoverageOf(ChildAndExternalScenarios(), "SignalExternalMachine"), 3u);
  EXPECT_GE(CoverageOf(ChildAndExternalScenarios(), "CancelExternalMachine"), 2u);
  EXPECT_EQ(CoverageOf(ChildAndExternalScenarios(), "RecordedCommandMachine"), 1u);
}

}  // namespace temporal::testing
