// Private: the UpdateWorkflowExecutionRequest that WorkflowHandle::StartUpdate
// and Client::UpdateWithStart both send.
#pragma once

#include <string>
#include <vector>

#include "client/client_core.h"
#include "temporal/client/workflow_handle.h"

namespace temporal::detail {

/// FillUpdateRequest writes update `name` of `update_id` with `args`
/// (encoded already) for the workflow, waiting for `options.wait_for_stage`.
inline void FillUpdateRequest(
    const ClientCore& core, const std::string& workflow_id, const std::string& run_id,
    const std::string& first_execution_run_id, const UpdateOptions& options,
    const std::string& update_id, const std::string& name, std::vector<Payload> args,
    temporal::api::workflowservice::v1::UpdateWorkflowExecutionRequest* request) {
  request->set_namespace_(core.namespace_());
  request->mutable_workflow_execution()->set_workflow_id(workflow_id);
  request->mutable_workflow_execution()->set_run_id(run_id);
  request->set_first_execution_run_id(first_execution_run_id);
  request->mutable_wait_policy()->set_lifecycle_stage(options.wait_for_stage);
  request->mutable_request()->mutable_meta()->set_update_id(update_id);
  request->mutable_request()->mutable_meta()->set_identity(core.identity());
  request->mutable_request()->mutable_input()->set_name(name);
  for (Payload& payload : args)
    *request->mutable_request()->mutable_input()->mutable_args()->add_payloads() =
        std::move(payload);
}

}  // namespace temporal::detail
