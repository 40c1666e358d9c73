#include "activities/drift_schedule.h"

#include <stdexcept>

#include "operations/drift_schedule_create.h"
#include "temporal/client/schedule_handle.h"

namespace provisio::activities {

void EnsureDriftSchedule(const ActivityEnvironment& environment,
                         const model::DriftScheduleInput& input) {
  const temporal::Status created = operations::CreateDriftSchedule(*environment.client, input);
  if (!created)
    throw std::runtime_error("creating schedule " + DriftScheduleId(input.stack) + ": " +
                             created.error().message());
}

void DeleteDriftSchedule(const ActivityEnvironment& environment,
                         const model::DriftScheduleInput& input) {
  const temporal::Status deleted =
      environment.client->GetScheduleHandle(DriftScheduleId(input.stack)).Delete();
  if (!deleted && deleted.error().code() != temporal::ErrorCode::kNotFound)
    throw std::runtime_error("deleting schedule " + DriftScheduleId(input.stack) + ": " +
                             deleted.error().message());
}

}  // namespace provisio::activities
