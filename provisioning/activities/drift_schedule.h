// provisioning/activities/drift_schedule.h: each stack's drift schedule, a
// Temporal schedule "drift/<stack>" that starts DetectDrift at the template's
// interval (workflows/stack.h). The Stack entity keeps it in step with the
// stack: created with the first good apply, deleted when it is destroyed.
#pragma once

#include "activities/activity_environment.h"
#include "model/stack.h"

namespace provisio::activities {

/// DriftScheduleId names a stack's schedule.
inline std::string DriftScheduleId(const std::string& stack) { return "drift/" + stack; }

/// EnsureDriftSchedule creates the schedule; an existing one is left as it
/// is (a retried activity, or a recovered entity).
void EnsureDriftSchedule(const ActivityEnvironment& environment,
                         const model::DriftScheduleInput& input);

/// DeleteDriftSchedule deletes the schedule; a missing one is fine.
void DeleteDriftSchedule(const ActivityEnvironment& environment,
                         const model::DriftScheduleInput& input);

}  // namespace provisio::activities
