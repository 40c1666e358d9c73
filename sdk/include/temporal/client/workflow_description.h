// temporal/client/workflow_description.h: what describe and list return.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/workflow/v1/message.pb.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"
#include "temporal/common/search_attributes.h"
#include "temporal/converter/payload.h"
#include "temporal/failure.h"

namespace temporal {

using Time = std::chrono::system_clock::time_point;
/// WorkflowExecutionStatus: RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED, ...
using WorkflowExecutionStatus = temporal::api::enums::v1::WorkflowExecutionStatus;
/// PendingActivityState: SCHEDULED, STARTED, CANCEL_REQUESTED, ...
using PendingActivityState = temporal::api::enums::v1::PendingActivityState;

/// PendingActivity is an activity that has been scheduled and not closed.
struct PendingActivity {
  std::string activity_id;
  std::string activity_type;
  PendingActivityState state{};
  /// attempt is the current attempt, starting at 1.
  int attempt = 0;
  int maximum_attempts = 0;
  std::optional<Time> scheduled_time;
  std::optional<Time> last_started_time;
  std::optional<Time> last_heartbeat_time;
  /// heartbeat_details are the last heartbeat's details, decoded by the codec.
  std::vector<Payload> heartbeat_details;
  /// last_failure is the failure of the previous attempt, if any.
  std::optional<Failure> last_failure;
  std::string last_worker_identity;
};

/// WorkflowExecutionSummary is one row of a list, or the head of a describe.
struct WorkflowExecutionSummary {
  std::string workflow_id;
  std::string run_id;
  std::string workflow_type;
  std::string task_queue;
  WorkflowExecutionStatus status{};
  std::optional<Time> start_time;
  std::optional<Time> close_time;
  std::int64_t history_length = 0;
  SearchAttributes search_attributes;
  /// memo values, decoded by the codec.
  std::map<std::string, Payload> memo;

  static WorkflowExecutionSummary FromProto(
      const temporal::api::workflow::v1::WorkflowExecutionInfo& info);
};

/// WorkflowDescription is what WorkflowHandle::Describe returns.
struct WorkflowDescription : WorkflowExecutionSummary {
  std::vector<PendingActivity> pending_activities;
  /// raw is the server's full response (payloads inside are still encoded).
  temporal::api::workflowservice::v1::DescribeWorkflowExecutionResponse raw;
};

}  // namespace temporal
