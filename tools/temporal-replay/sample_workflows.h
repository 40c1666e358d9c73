// The SDK's sample workflows, compiled into temporal-replay.
//
// They have the shapes of the workflows in
// sdk/tests/integration/workflow_worker_test.cc, and the golden histories in
// sdk/testdata/histories/ were recorded by running exactly this code on a
// C++ worker against a Temporal dev server. Your own replay binary registers
// your workflows instead (see temporal/worker/replay_cli.h).
#pragma once

#include <string>
#include <vector>

#include "temporal/worker/replayer.h"
#include "temporal/workflow/workflow.h"

namespace temporal::samples {

/// Quick is the activity options every sample uses (10 s, 3 attempts).
workflow::ActivityOptions Quick();
/// Greet runs activity "Greeting" with `name` and appends "!".
workflow::Task<std::string> Greet(std::string name);
/// SleepThenCount sleeps `milliseconds` on a durable timer and returns it.
workflow::Task<int> SleepThenCount(int milliseconds);
/// Fanout runs activity "Square" for 1..count in parallel and returns the squares.
workflow::Task<std::vector<int>> Fanout(int count);
/// AwaitDecision waits up to `timeout_ms` for signal "decide" (query "state").
workflow::Task<std::string> AwaitDecision(int timeout_ms);
/// CleanupOnCancel creates `resource`, sleeps, and destroys it again when cancelled.
workflow::Task<std::string> CleanupOnCancel(std::string resource);
/// FailingActivity runs activity "AlwaysFails" and so fails.
workflow::Task<std::string> FailingActivity();
/// CountRuns continues as new `remaining` times, counting the runs.
workflow::Task<int> CountRuns(int remaining, int count);

/// RegisterSampleWorkflows registers all of the above under their names.
void RegisterSampleWorkflows(Replayer& replayer);

}  // namespace temporal::samples
