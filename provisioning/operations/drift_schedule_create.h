// provisioning/operations/drift_schedule_create.h: creating a stack's drift
// schedule ("drift/<stack>", DetectDrift at the template's interval), shared
// by the entity's EnsureDriftSchedule activity and `provisio stack recover`.
#pragma once

#include "model/stack.h"
#include "temporal/client/client.h"

namespace provisio::operations {

/// CreateDriftSchedule creates the schedule; one that exists already is left
/// as it is (a retried activity, a recovery run twice).
temporal::Status CreateDriftSchedule(const temporal::Client& client,
                                     const model::DriftScheduleInput& input);

}  // namespace provisio::operations
