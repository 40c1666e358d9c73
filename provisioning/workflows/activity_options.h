// provisioning/workflows/activity_options.h: how the platform's workflows
// call activities: the platform's own (database, webhook) and the OpenTofu
// runner's, on its task queue.
#pragma once

#include "temporal/workflow/local_activity.h"
#include "temporal/workflow/workflow.h"

namespace provisio::workflows {

/// kRunnerTaskQueue is the OpenTofu runner's (workers/opentofu).
inline constexpr char kRunnerTaskQueue[] = "iac-opentofu";

/// PlatformActivity: short database and notification work, retried until it
/// succeeds (the database may be back on the next attempt).
temporal::workflow::ActivityOptions PlatformActivity();

/// RunnerActivity: the runner's plan/apply/drift/destroy/outputs, `attempts`
/// tries; the runner heartbeats, so a dead runner is noticed within a minute.
temporal::workflow::ActivityOptions RunnerActivity(int attempts = 5);

/// LookupActivity: the local activities that read the catalogue and teams.
temporal::workflow::LocalActivityOptions LookupActivity();

}  // namespace provisio::workflows
