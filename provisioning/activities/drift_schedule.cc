#include "activities/drift_schedule.h"

#include <stdexcept>

#include "temporal/client/schedule_handle.h"
#include "temporal/converter/payload.h"

namespace provisio::activities {

void EnsureDriftSchedule(const ActivityEnvironment& environment,
                         const model::DriftScheduleInput& input) {
  temporal::ScheduleOptions options;
  options.id = DriftScheduleId(input.stack);
  temporal::ScheduleIntervalSpec every;
  every.every = std::chrono::seconds(input.interval_seconds);
  options.schedule.spec.intervals = {every};
  options.schedule.action.workflow_id = "drift/" + input.stack;
  options.schedule.action.workflow_type = "DetectDrift";
  options.schedule.action.task_queue = input.task_queue;
  auto args = temporal::ToPayloads(input.stack);
  if (!args) throw std::runtime_error("drift schedule arguments: " + args.error().message());
  options.schedule.action.args = *args;
  // A check still running when the next is due makes the next one moot.
  options.schedule.policies.overlap = temporal::api::enums::v1::SCHEDULE_OVERLAP_POLICY_SKIP;
  options.schedule.state.note = "drift detection of stack " + input.stack;
  auto created = environment.client->CreateSchedule(options);
  if (!created && created.error().code() != temporal::ErrorCode::kAlreadyExists)
    throw std::runtime_error("creating schedule " + options.id + ": " + created.error().message());
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
