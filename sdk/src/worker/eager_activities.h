// Private: eager activity execution, the activity worker's side as the
// workflow worker sees it.
//
// When a workflow task's completion schedules an activity on this worker's
// own task queue, and the activity worker has a free slot and the activity's
// type, the workflow worker reserves that slot and sets
// request_eager_execution on the command. The server may then hand the
// activity task back in RespondWorkflowTaskCompletedResponse.activity_tasks
// instead of matching it to a poller: one PollActivityTaskQueue round trip
// (and its thread hand-offs) less per activity. The official SDKs do the same
// (the Go SDK's eager activity executor; sdk-core's eager activity
// reservations), at most three per workflow task.
//
// Every reserved slot is given back exactly once: by RunEager for a task the
// server returned, or by ReleaseEagerSlots for one it did not (it matched the
// activity to a poller instead, or the completion failed).
#pragma once

#include <string>

#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace temporal::detail {

class EagerActivities {
 public:
  virtual ~EagerActivities() = default;

  /// TryReserveEagerSlot takes one activity slot for an activity of type
  /// `activity_type` that the completion being built schedules; false when
  /// the worker does not run that type, has no free slot, or is shutting
  /// down (the activity then goes through matching as usual).
  virtual bool TryReserveEagerSlot(const std::string& activity_type) = 0;
  /// ReleaseEagerSlots gives back `count` reserved slots that no task came
  /// for.
  virtual void ReleaseEagerSlots(int count) = 0;
  /// RunEager executes an activity task the server returned with the
  /// completion, in a slot reserved for it, exactly as a polled one.
  virtual void RunEager(temporal::api::workflowservice::v1::PollActivityTaskQueueResponse task) = 0;
};

}  // namespace temporal::detail
