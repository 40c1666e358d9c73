#include "operations/drift_schedule_create.h"

#include "temporal/client/schedule_handle.h"
#include "temporal/converter/payload.h"

namespace provisio::operations {

temporal::Status CreateDriftSchedule(const temporal::Client& client,
                                     const model::DriftScheduleInput& input) {
  temporal::ScheduleOptions options;
  options.id = "drift/" + input.stack;
  temporal::ScheduleIntervalSpec every;
  every.every = std::chrono::seconds(input.interval_seconds);
  options.schedule.spec.intervals = {every};
  options.schedule.action.workflow_id = "drift/" + input.stack;
  options.schedule.action.workflow_type = "DetectDrift";
  options.schedule.action.task_queue = input.task_queue;
  auto args = temporal::ToPayloads(input.stack);
  if (!args) return args.error();
  options.schedule.action.args = *args;
  // A check still running when the next is due makes the next one moot.
  options.schedule.policies.overlap = temporal::api::enums::v1::SCHEDULE_OVERLAP_POLICY_SKIP;
  options.schedule.state.note = "drift detection of stack " + input.stack;
  auto created = client.CreateSchedule(options);
  if (!created && created.error().code() != temporal::ErrorCode::kAlreadyExists)
    return created.error();
  return temporal::OkStatus();
}

}  // namespace provisio::operations
