// Non-determinism detection: workflow code that no longer issues the commands
// its history records. Each case must fail with kNondeterminism, a message
// starting with "[TMPRL1100]", and the id of the event where code and history
// part ways.
#include <gtest/gtest.h>

#include "replay_scenario.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;
using std::chrono::seconds;

wf::ActivityOptions Options() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = seconds(10);
  return options;
}

wf::Task<int> SleepOnce(int duration_seconds) {
  co_await wf::Sleep(seconds(duration_seconds));
  co_return duration_seconds;
}

wf::Task<std::string> Greet(std::string name) {
  std::string greeting = co_await wf::ExecuteActivity<std::string>("Greeting", Options(), name);
  co_return greeting + "!";
}

// The same as Greet, with an explicit activity id.
wf::Task<std::string> GreetWithId(std::string name) {
  wf::ActivityOptions options = Options();
  options.activity_id = "greeting";
  co_return co_await wf::ExecuteActivity<std::string>("Greeting", options, name);
}

// A new version of SleepOnce that also starts an activity in its first task.
wf::Task<int> SleepAndGreet(int duration_seconds) {
  wf::Future<void> timer = wf::Sleep(seconds(duration_seconds));
  wf::Future<std::string> greeting =
      wf::ExecuteActivity<std::string>("Greeting", Options(), std::string("ada"));
  co_await timer;
  co_await greeting;
  co_return duration_seconds;
}

// SleepOnce's first task as history records it: Started 1, WT 2-4.
HistoryBuilder SleepOnceStart(const std::string& type = "SleepOnce") {
  HistoryBuilder history;
  history.Started(type, 1).WorkflowTask();
  return history;
}

HistoryBuilder GreetStart(const std::string& type = "Greet") {
  HistoryBuilder history;
  history.Started(type, std::string("ada")).WorkflowTask();
  return history;
}

}  // namespace

std::vector<ReplayScenario> NondeterminismScenarios() {
  return {
      DivergesAt("command_event_of_another_type", SleepOnce,
                 SleepOnceStart().ActivityScheduled("1", "Greeting", std::string("ada")), 5,
                 "history has EVENT_TYPE_ACTIVITY_TASK_SCHEDULED where the workflow issued "
                 "COMMAND_TYPE_START_TIMER for timer 1"),
      DivergesAt("activity_of_another_type", Greet,
                 GreetStart().ActivityScheduled("1", "Farewell", std::string("ada")), 5,
                 "history scheduled activity 1 (type Farewell) where the workflow scheduled "
                 "activity 1 (type Greeting)"),
      DivergesAt("activity_with_another_id", GreetWithId,
                 GreetStart("GreetWithId").ActivityScheduled("1", "Greeting", std::string("ada")),
                 5, "where the workflow scheduled activity greeting (type Greeting)"),
      DivergesAt("timer_with_another_id", SleepOnce, SleepOnceStart().TimerStarted("7"), 5,
                 "history started timer 7 where the workflow started timer 1"),
      DivergesAt("history_with_an_extra_command", SleepOnce,
                 SleepOnceStart().TimerStarted("1").TimerStarted("2"), 6,
                 "history has EVENT_TYPE_TIMER_STARTED but the workflow issued no matching "
                 "command"),
      DivergesAt("history_with_an_extra_command_before_the_close", SleepOnce,
                 SleepOnceStart()
                     .TimerStarted("1")
                     .TimerFired("1")
                     .WorkflowTask()                                          // 7-9
                     .ActivityScheduled("1", "Greeting", std::string("ada"))  // 10
                     .WorkflowExecutionCompleted(1),
                 10, "where the workflow issued COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"),
      // The code's extra command shows when the next workflow task starts (8)...
      DivergesAt("code_with_an_extra_command", SleepAndGreet,
                 SleepOnceStart("SleepAndGreet")
                     .TimerStarted("1")  // 5
                     .TimerFired("1")    // 6
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted(),  // 8
                 8,
                 "the workflow issued COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK for activity 1 (type "
                 "Greeting), which history does not record"),
      // ... or, when history ends, at the completed task that should have recorded it (4).
      DivergesAt("code_with_an_extra_command_in_the_last_recorded_task", SleepAndGreet,
                 SleepOnceStart("SleepAndGreet").TimerStarted("1"), 4,
                 "the workflow issued COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK for activity 1 (type "
                 "Greeting), which history does not record"),
      DivergesAt(
          "activity_result_for_an_unknown_scheduled_id", Greet,
          GreetStart()
              .ActivityScheduled("1", "Greeting", std::string("ada"))  // 5
              .ActivityStarted("1")                                    // 6
              .ActivityCompleted("1", std::string("hello"))            // 7
              .Edit([](HistoryBuilder::HistoryEvent& event) {
                event.mutable_activity_task_completed_event_attributes()->set_scheduled_event_id(
                    42);
              }),
          7,
          "EVENT_TYPE_ACTIVITY_TASK_COMPLETED for scheduled event 42, which the "
          "workflow never scheduled"),
      DivergesAt("timer_fired_that_the_workflow_never_started", SleepOnce,
                 SleepOnceStart().TimerStarted("1").TimerFired("1").Edit(
                     [](HistoryBuilder::HistoryEvent& event) {
                       event.mutable_timer_fired_event_attributes()->set_timer_id("9");
                     }),
                 6, "timer 9 fired, which the workflow never started"),
  };
}

INSTANTIATE_TEST_SUITE_P(Nondeterminism, ReplayScenarioTest,
                         ::testing::ValuesIn(NondeterminismScenarios()), ScenarioName);

TEST(ReplayNondeterminismTest, EveryScenarioHereIsReportedAsNondeterminismAtItsEvent) {
  for (const ReplayScenario& scenario : NondeterminismScenarios()) {
    if (!scenario.diverges_at) continue;  // the control cases that must replay
    Status replayed = ReplayScenarioHistory(scenario);
    ASSERT_FALSE(replayed.ok()) << scenario.name;
    EXPECT_EQ(replayed.error().code(), ErrorCode::kNondeterminism) << scenario.name;
    EXPECT_NE(replayed.error().message().find("[TMPRL1100]"), std::string::npos) << scenario.name;
    EXPECT_NE(replayed.error().message().find(std::to_string(*scenario.diverges_at)),
              std::string::npos)
        << scenario.name << ": " << replayed.error().message();
  }
}

}  // namespace temporal::testing
