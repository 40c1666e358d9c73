// temporal/client/workflow_options.h: options for starting a workflow.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/common/retry_policy.h"
#include "temporal/common/search_attributes.h"
#include "temporal/converter/payload.h"

namespace temporal {

/// WorkflowIdReusePolicy: may a new run reuse the id of a closed one?
using WorkflowIdReusePolicy = temporal::api::enums::v1::WorkflowIdReusePolicy;
/// WorkflowIdConflictPolicy: what happens when a run with the id is still open?
using WorkflowIdConflictPolicy = temporal::api::enums::v1::WorkflowIdConflictPolicy;

/// StartWorkflowOptions configures Client::StartWorkflow. `id` and `task_queue`
/// are required.
struct StartWorkflowOptions {
  /// id is the business identifier of the workflow (e.g. the application id).
  std::string id;
  /// task_queue is where the workflow's tasks are polled.
  std::string task_queue;
  /// execution_timeout bounds the whole chain of runs (retries, continue-as-new).
  std::optional<std::chrono::milliseconds> execution_timeout;
  /// run_timeout bounds one run.
  std::optional<std::chrono::milliseconds> run_timeout;
  /// task_timeout bounds one workflow task (server default 10 s).
  std::optional<std::chrono::milliseconds> task_timeout;
  /// id_reuse_policy; unspecified = the server default (allow duplicate).
  WorkflowIdReusePolicy id_reuse_policy =
      temporal::api::enums::v1::WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED;
  /// id_conflict_policy; unspecified = the server default (fail).
  WorkflowIdConflictPolicy id_conflict_policy =
      temporal::api::enums::v1::WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED;
  /// retry_policy, when set, makes the server retry a failed run.
  std::optional<RetryPolicy> retry_policy;
  /// cron_schedule, when set, makes the workflow a cron workflow.
  std::string cron_schedule;
  /// memo holds non-indexed values shown with the workflow (codec applied).
  std::map<std::string, Payload> memo;
  /// search_attributes are indexed for visibility queries (no codec).
  SearchAttributes search_attributes;
  /// start_delay postpones the first workflow task.
  std::optional<std::chrono::milliseconds> start_delay;
  /// request_id deduplicates retried start requests; generated when empty.
  std::string request_id;
};

}  // namespace temporal
