// ReplayScenario: one canned history, the workflow code it is replayed
// against, and the expected verdict (replays, or diverges at an event).
//
// Each machine's test file lists its scenarios (TimerScenarios() in
// timer_machine_test.cc, ...) and instantiates ReplayScenarioTest over them,
// so every scenario is its own test case named after the behaviour it shows.
// transition_coverage_test.cc replays all of them again in one process to
// count the state-machine transitions they take (CTest runs each test case in
// a process of its own, so coverage cannot be summed across test cases).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "history_builder.h"
#include "temporal/worker/replayer.h"
#include "workflow/machines/state_machine.h"

namespace temporal::testing {

struct ReplayScenario {
  /// name says the behaviour, in snake_case; it is the test case's name.
  std::string name;
  /// workflow is registered under the workflow type of the history's first event.
  Replayer::WorkflowFunction workflow;
  temporal::api::history::v1::History history;
  /// diverges_at is the history event id of the expected non-determinism
  /// (nullopt: the history must replay).
  std::optional<std::int64_t> diverges_at;
  /// message_contains must appear in the non-determinism message.
  std::string message_contains;
};

/// Replays names a scenario whose history the workflow must replay without error.
template <typename F>
ReplayScenario Replays(std::string name, F workflow, const HistoryBuilder& history) {
  return {std::move(name), temporal::detail::WrapWorkflow(std::move(workflow)), history.Build(),
          std::nullopt, ""};
}

/// DivergesAt names a scenario that must fail with kNondeterminism at `event_id`.
template <typename F>
ReplayScenario DivergesAt(std::string name, F workflow, const HistoryBuilder& history,
                          std::int64_t event_id, std::string message_contains) {
  return {std::move(name), temporal::detail::WrapWorkflow(std::move(workflow)), history.Build(),
          event_id, std::move(message_contains)};
}

/// ReplayScenarioHistory replays `scenario` with a fresh Replayer.
inline Status ReplayScenarioHistory(const ReplayScenario& scenario) {
  Replayer replayer;
  replayer.RegisterWorkflowFunction(scenario.history.events(0)
                                        .workflow_execution_started_event_attributes()
                                        .workflow_type()
                                        .name(),
                                    scenario.workflow);
  return replayer.ReplayHistory(scenario.history);
}

/// CoverageOf replays `scenarios` from a clean slate and returns how many rows
/// of `machine`'s transition table they took (each file asserts its own target).
inline std::size_t CoverageOf(const std::vector<ReplayScenario>& scenarios,
                              const std::string& machine) {
  workflow::detail::TransitionCoverage::Enable();
  workflow::detail::TransitionCoverage::Reset();
  for (const ReplayScenario& scenario : scenarios) (void)ReplayScenarioHistory(scenario);
  return workflow::detail::TransitionCoverage::Covered(machine);
}

/// The scenario lists, one per test file.
std::vector<ReplayScenario> TimerScenarios();
std::vector<ReplayScenario> ActivityScenarios();
std::vector<ReplayScenario> CompletionScenarios();
std::vector<ReplayScenario> NondeterminismScenarios();
std::vector<ReplayScenario> ChildAndExternalScenarios();

/// ReplayScenarioTest runs one scenario (TEST_P in replay_scenario_test.cc).
class ReplayScenarioTest : public ::testing::TestWithParam<ReplayScenario> {};

/// ScenarioName makes the test case name.
inline std::string ScenarioName(const ::testing::TestParamInfo<ReplayScenario>& info) {
  return info.param.name;
}

// Keeps gtest from dumping the history's bytes when a test fails.
inline void PrintTo(const ReplayScenario& scenario, std::ostream* out) { *out << scenario.name; }

}  // namespace temporal::testing
