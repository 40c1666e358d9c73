#include "temporal/client/client.h"

#include "client/client_core.h"
#include "client/update_request.h"
#include "common/proto_time.h"
#include "common/uuid.h"

namespace temporal {
namespace {

namespace wfs = temporal::api::workflowservice::v1;
using detail::ClientCore;

std::string RandomRequestId() { return detail::RandomUuidV4(); }

// Fills the fields StartWorkflowExecution and SignalWithStartWorkflowExecution share.
template <typename Request>
Status FillStart(const ClientCore& core, const std::string& workflow_type,
                 const StartWorkflowOptions& options, std::vector<Payload> args, Request* request) {
  if (options.id.empty())
    return Error(ErrorCode::kInvalidArgument, "StartWorkflowOptions::id is empty");
  if (options.task_queue.empty()) {
    return Error(ErrorCode::kInvalidArgument, "StartWorkflowOptions::task_queue is empty");
  }
  if (workflow_type.empty()) return Error(ErrorCode::kInvalidArgument, "workflow type is empty");
  request->set_namespace_(core.namespace_());
  request->set_workflow_id(options.id);
  request->mutable_workflow_type()->set_name(workflow_type);
  request->mutable_task_queue()->set_name(options.task_queue);
  request->mutable_task_queue()->set_kind(temporal::api::enums::v1::TASK_QUEUE_KIND_NORMAL);
  if (Status encoded = core.converter().EncodePayloads(&args); !encoded) return encoded;
  for (Payload& payload : args) *request->mutable_input()->add_payloads() = std::move(payload);
  if (options.execution_timeout) {
    detail::SetDuration(request->mutable_workflow_execution_timeout(), *options.execution_timeout);
  }
  if (options.run_timeout)
    detail::SetDuration(request->mutable_workflow_run_timeout(), *options.run_timeout);
  if (options.task_timeout)
    detail::SetDuration(request->mutable_workflow_task_timeout(), *options.task_timeout);
  request->set_identity(core.identity());
  request->set_request_id(options.request_id.empty() ? RandomRequestId() : options.request_id);
  request->set_workflow_id_reuse_policy(options.id_reuse_policy);
  request->set_workflow_id_conflict_policy(options.id_conflict_policy);
  if (options.retry_policy) *request->mutable_retry_policy() = options.retry_policy->ToProto();
  request->set_cron_schedule(options.cron_schedule);
  if (!options.memo.empty()) {
    std::vector<Payload> values;
    std::vector<std::string> keys;
    for (const auto& [key, value] : options.memo) {
      keys.push_back(key);
      values.push_back(value);
    }
    if (Status encoded = core.converter().EncodePayloads(&values); !encoded) return encoded;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      (*request->mutable_memo()->mutable_fields())[keys[i]] = std::move(values[i]);
    }
  }
  if (options.search_attributes.size() > 0) {
    *request->mutable_search_attributes() = options.search_attributes.ToProto();
  }
  if (options.start_delay)
    detail::SetDuration(request->mutable_workflow_start_delay(), *options.start_delay);
  return OkStatus();
}

}  // namespace

Client::Client(std::shared_ptr<detail::ClientCore> core) : core_(std::move(core)) {}

Result<Client> Client::Connect(ClientOptions options) {
  Result<std::shared_ptr<ClientCore>> core = ClientCore::Open(std::move(options));
  if (!core) return core.error();
  return Client(std::move(*core));
}

const ServerInfo& Client::server_info() const { return core_->server_info(); }
const ClientOptions& Client::options() const { return core_->options(); }

Result<WorkflowHandle> Client::StartWorkflowPayloads(const std::string& workflow_type,
                                                     const StartWorkflowOptions& options,
                                                     std::vector<Payload> args) const {
  wfs::StartWorkflowExecutionRequest request;
  if (Status filled = FillStart(*core_, workflow_type, options, std::move(args), &request);
      !filled) {
    return filled.error();
  }
  auto response =
      core_->Call("StartWorkflowExecution", &ClientCore::Stub::StartWorkflowExecution, request);
  if (!response) return response.error();
  return WorkflowHandle(core_, options.id, response->run_id(), response->run_id(),
                        /*pinned=*/false);
}

Result<WorkflowHandle> Client::SignalWithStart(const std::string& workflow_type,
                                               const StartWorkflowOptions& options,
                                               const std::string& signal_name,
                                               std::vector<Payload> signal_args,
                                               std::vector<Payload> workflow_args) const {
  wfs::SignalWithStartWorkflowExecutionRequest request;
  if (Status filled = FillStart(*core_, workflow_type, options, std::move(workflow_args), &request);
      !filled) {
    return filled.error();
  }
  if (signal_name.empty()) return Error(ErrorCode::kInvalidArgument, "signal name is empty");
  request.set_signal_name(signal_name);
  if (Status encoded = core_->converter().EncodePayloads(&signal_args); !encoded)
    return encoded.error();
  for (Payload& payload : signal_args)
    *request.mutable_signal_input()->add_payloads() = std::move(payload);
  auto response = core_->Call("SignalWithStartWorkflowExecution",
                              &ClientCore::Stub::SignalWithStartWorkflowExecution, request);
  if (!response) return response.error();
  // The run may be one that was already open, so the handle is bound to it
  // but GetResult follows later runs as usual.
  return WorkflowHandle(core_, options.id, response->run_id(), "", /*pinned=*/false);
}

Result<UpdateWithStartResult> Client::UpdateWithStart(const std::string& workflow_type,
                                                      const StartWorkflowOptions& options,
                                                      std::vector<Payload> workflow_args,
                                                      const UpdateOptions& update_options,
                                                      const std::string& update_name,
                                                      std::vector<Payload> update_args) const {
  if (options.id_conflict_policy ==
      temporal::api::enums::v1::WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED) {
    return Error(ErrorCode::kInvalidArgument,
                 "UpdateWithStart: set StartWorkflowOptions::id_conflict_policy (USE_EXISTING "
                 "to update a running workflow, FAIL to refuse one)");
  }
  if (update_name.empty()) return Error(ErrorCode::kInvalidArgument, "update name is empty");
  if (update_options.wait_for_stage !=
          temporal::api::enums::v1::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED &&
      update_options.wait_for_stage !=
          temporal::api::enums::v1::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED) {
    return Error(ErrorCode::kInvalidArgument,
                 "UpdateOptions::wait_for_stage must be ACCEPTED or COMPLETED");
  }
  wfs::ExecuteMultiOperationRequest request;
  request.set_namespace_(core_->namespace_());
  auto* start = request.add_operations()->mutable_start_workflow();
  if (Status filled = FillStart(*core_, workflow_type, options, std::move(workflow_args), start);
      !filled) {
    return filled.error();
  }
  if (Status encoded = core_->converter().EncodePayloads(&update_args); !encoded)
    return encoded.error();
  const std::string update_id =
      update_options.update_id.empty() ? RandomRequestId() : update_options.update_id;
  // The update names the workflow by id only: the run is the one the start
  // operation finds or creates.
  detail::FillUpdateRequest(*core_, options.id, "", "", update_options, update_id, update_name,
                            std::move(update_args),
                            request.add_operations()->mutable_update_workflow());
  detail::CallOptions call;
  call.timeout = std::chrono::seconds(70);
  auto response =
      core_->Call("ExecuteMultiOperation", &ClientCore::Stub::ExecuteMultiOperation, request, call);
  if (!response) return response.error();
  if (response->responses_size() != 2 || !response->responses(0).has_start_workflow() ||
      !response->responses(1).has_update_workflow()) {
    return Error(ErrorCode::kInternal,
                 "ExecuteMultiOperation answered without a start and an update response");
  }
  const auto& started = response->responses(0).start_workflow();
  const auto& updated = response->responses(1).update_workflow();
  std::optional<temporal::api::update::v1::Outcome> outcome;
  if (updated.has_outcome()) outcome = updated.outcome();
  UpdateHandle update(core_, options.id, started.run_id(), update_id, outcome);
  if (outcome && outcome->has_failure()) return update.GetResultPayloads().error();
  return UpdateWithStartResult{
      WorkflowHandle(core_, options.id, started.run_id(), "", /*pinned=*/false), std::move(update),
      started.started()};
}

WorkflowHandle Client::GetHandle(const std::string& workflow_id, const std::string& run_id) const {
  return WorkflowHandle(core_, workflow_id, run_id, "", /*pinned=*/true);
}

Result<ListPage> Client::ListWorkflowsPage(const std::string& query, const std::string& page_token,
                                           int page_size) const {
  wfs::ListWorkflowExecutionsRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_query(query);
  request.set_page_size(page_size);
  request.set_next_page_token(page_token);
  auto response =
      core_->Call("ListWorkflowExecutions", &ClientCore::Stub::ListWorkflowExecutions, request);
  if (!response) return response.error();
  ListPage page;
  for (const auto& info : response->executions()) {
    WorkflowExecutionSummary summary = WorkflowExecutionSummary::FromProto(info);
    std::vector<std::string> keys;
    std::vector<Payload> values;
    for (auto& [key, value] : summary.memo) {
      keys.push_back(key);
      values.push_back(value);
    }
    if (Status decoded = core_->converter().DecodePayloads(&values); !decoded)
      return decoded.error();
    for (std::size_t i = 0; i < keys.size(); ++i) summary.memo[keys[i]] = std::move(values[i]);
    page.executions.push_back(std::move(summary));
  }
  page.next_page_token = response->next_page_token();
  return page;
}

Result<std::vector<WorkflowExecutionSummary>> Client::ListWorkflows(
    const std::string& query) const {
  std::vector<WorkflowExecutionSummary> all;
  std::string token;
  do {
    Result<ListPage> page = ListWorkflowsPage(query, token);
    if (!page) return page.error();
    for (auto& summary : page->executions) all.push_back(std::move(summary));
    token = page->next_page_token;
  } while (!token.empty());
  return all;
}

Result<std::int64_t> Client::CountWorkflows(const std::string& query) const {
  wfs::CountWorkflowExecutionsRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_query(query);
  auto response =
      core_->Call("CountWorkflowExecutions", &ClientCore::Stub::CountWorkflowExecutions, request);
  if (!response) return response.error();
  return response->count();
}

AsyncActivityHandle Client::GetAsyncActivityHandle(const std::string& task_token) const {
  return AsyncActivityHandle(core_, task_token, "", "", "");
}

AsyncActivityHandle Client::GetAsyncActivityHandle(const std::string& workflow_id,
                                                   const std::string& run_id,
                                                   const std::string& activity_id) const {
  return AsyncActivityHandle(core_, "", workflow_id, run_id, activity_id);
}

}  // namespace temporal
