// Replays every canned scenario in one process and reports how many rows of
// each state machine's transition table they took.
#include <gtest/gtest.h>

#include <iostream>

#include "replay_scenario.h"
#include "workflow/machines/activity_machine.h"
#include "workflow/machines/child_workflow_machine.h"
#include "workflow/machines/completion_machine.h"
#include "workflow/machines/external_machines.h"
#include "workflow/machines/marker_machine.h"
#include "workflow/machines/state_machine.h"
#include "workflow/machines/timer_machine.h"

namespace temporal::testing {
namespace {

using workflow::detail::TransitionCoverage;

// The rows the scenarios are written to take. Activity: all but the 7 rows no
// history can reach (listed at the top of activity_machine_test.cc).
constexpr std::size_t kTimerRowsTargeted = workflow::detail::kTimerTransitions.size();
constexpr std::size_t kActivityRowsTargeted = workflow::detail::kActivityTransitions.size() - 7;
constexpr std::size_t kCompletionRowsTargeted = workflow::detail::kCompletionTransitions.size();

TEST(TransitionCoverageTest, CannedScenariosTakeEveryReachableTransition) {
  TransitionCoverage::Enable();
  TransitionCoverage::Reset();
  std::vector<ReplayScenario> all;
  for (auto list : {TimerScenarios(), ActivityScenarios(), CompletionScenarios(),
                    NondeterminismScenarios(), ChildAndExternalScenarios()}) {
    all.insert(all.end(), list.begin(), list.end());
  }
  for (const ReplayScenario& scenario : all) {
    Status replayed = ReplayScenarioHistory(scenario);
    EXPECT_EQ(replayed.ok(), !scenario.diverges_at.has_value()) << scenario.name;
  }
  const std::size_t timer = TransitionCoverage::Covered("TimerMachine");
  const std::size_t activity = TransitionCoverage::Covered("ActivityMachine");
  const std::size_t completion = TransitionCoverage::Covered("CompletionMachine");
  const std::size_t child = TransitionCoverage::Covered("ChildWorkflowMachine");
  const std::size_t signal = TransitionCoverage::Covered("SignalExternalMachine");
  const std::size_t cancel = TransitionCoverage::Covered("CancelExternalMachine");
  const std::size_t recorded = TransitionCoverage::Covered("RecordedCommandMachine");
  std::cout << "transition coverage: ChildWorkflowMachine " << child << "/"
            << workflow::detail::kChildTransitions.size() << ", SignalExternalMachine " << signal
            << "/" << workflow::detail::kExternalTransitions.size() << ", CancelExternalMachine "
            << cancel << "/" << workflow::detail::kExternalTransitions.size()
            << ", RecordedCommandMachine " << recorded << "/"
            << workflow::detail::kRecordedTransitions.size() << std::endl;
  // Rows these scenarios take: child Created->Initiated, Initiated->Started/StartFailed,
  // Started->Completed/Failed; external Created->Initiated, Initiated->Done/Failed
  // (signal), Created->Initiated, Initiated->Done (cancel); the marker row.
  EXPECT_GE(child, 5u);
  EXPECT_GE(signal, 3u);
  EXPECT_GE(cancel, 2u);
  EXPECT_GE(recorded, 1u);
  std::cout << "transition coverage (" << all.size() << " scenarios): TimerMachine " << timer << "/"
            << workflow::detail::kTimerTransitions.size() << ", ActivityMachine " << activity << "/"
            << workflow::detail::kActivityTransitions.size() << ", CompletionMachine " << completion
            << "/" << workflow::detail::kCompletionTransitions.size() << std::endl;
  for (const auto& row : workflow::detail::kActivityTransitions) {
    if (!TransitionCoverage::Taken("ActivityMachine", static_cast<int>(row.from),
                                   static_cast<int>(row.event))) {
      std::cout << "  ActivityMachine row not taken: "
                << workflow::detail::ActivityStateName(row.from) << " -"
                << workflow::detail::ActivityEventName(row.event) << "-> "
                << workflow::detail::ActivityStateName(row.to) << std::endl;
    }
  }
  EXPECT_GE(timer, kTimerRowsTargeted);
  EXPECT_GE(activity, kActivityRowsTargeted);
  EXPECT_GE(completion, kCompletionRowsTargeted);
}

}  // namespace
}  // namespace temporal::testing
