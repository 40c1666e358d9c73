// provisioning/workflows/activity_options.h: how the platform's workflows
// call activities: the platform's own (database, webhook) and the OpenTofu
// runner's, on its task queue.
#pragma once

#include <chrono>

#include "temporal/workflow/local_activity.h"
#include "temporal/workflow/workflow.h"

namespace provisio::workflows {

/// kRunnerTaskQueue is the OpenTofu runner's (workers/opentofu).
inline constexpr char kRunnerTaskQueue[] = "iac-opentofu";

/// PlatformActivity: short database and notification work, retried until it
/// succeeds (the database may be back on the next attempt).
temporal::workflow::ActivityOptions PlatformActivity();

/// RunnerActivity: the runner's plan/apply/drift/destroy/outputs, `attempts`
/// tries; the runner heartbeats, so a dead runner is noticed within the
/// heartbeat timeout (a minute unless SetRunnerHeartbeatTimeout changed it).
temporal::workflow::ActivityOptions RunnerActivity(int attempts = 5);

/// SetRunnerHeartbeatTimeout sets how long a runner activity may go without a
/// heartbeat before Temporal retries it (default 60 s). provisio-worker sets it
/// once at start, before polling, from PROVISIO_RUNNER_HEARTBEAT_TIMEOUT_SECONDS
/// (the crash drills use 5 s so that a killed runner is noticed quickly).
/// Replay compares commands by kind and activity type, never by timeout, so a
/// change does not break running workflows.
void SetRunnerHeartbeatTimeout(std::chrono::seconds timeout);

/// LookupActivity: the local activities that read the catalogue and teams.
temporal::workflow::LocalActivityOptions LookupActivity();

}  // namespace provisio::workflows
