#include "temporal/client/workflow_handle.h"

#include <google/protobuf/util/json_util.h>

#include <random>

#include "client/client_core.h"
#include "client/update_request.h"
#include "common/proto_time.h"
#include "common/random.h"

namespace temporal {
namespace {

namespace wfs = temporal::api::workflowservice::v1;
namespace enums = temporal::api::enums::v1;
using detail::ClientCore;

// Long polls (history wait, update poll) use the official SDKs' ~70 s deadline;
// the server answers empty shortly before it.
constexpr std::chrono::milliseconds kLongPollTimeout{70000};

std::string RandomId() {
  std::mt19937_64& rng = detail::ThreadRandom();
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buffer;
}

Result<std::vector<Payload>> DecodedPayloads(const ClientCore& core,
                                             const temporal::api::common::v1::Payloads& payloads) {
  std::vector<Payload> out(payloads.payloads().begin(), payloads.payloads().end());
  if (Status decoded = core.converter().DecodePayloads(&out); !decoded) return decoded.error();
  return out;
}

Result<Failure> DecodedFailure(const ClientCore& core,
                               temporal::api::failure::v1::Failure failure) {
  if (Status decoded = core.converter().DecodeFailure(&failure); !decoded) return decoded.error();
  return Failure(std::move(failure));
}

Error FailureError(const ClientCore& core, ErrorCode code, const std::string& what,
                   const temporal::api::failure::v1::Failure& proto) {
  Result<Failure> failure = DecodedFailure(core, proto);
  if (!failure)
    return Error(failure.error().code(),
                 what + " (its failure could not be decoded: " + failure.error().message() + ")");
  return Error(code, what + ": " + failure->message(), *failure);
}

void SetExecution(temporal::api::common::v1::WorkflowExecution* execution,
                  const std::string& workflow_id, const std::string& run_id) {
  execution->set_workflow_id(workflow_id);
  execution->set_run_id(run_id);
}

Result<std::vector<Payload>> OutcomePayloads(const ClientCore& core,
                                             const temporal::api::update::v1::Outcome& outcome,
                                             const std::string& update_id) {
  if (outcome.has_failure()) {
    return FailureError(core, ErrorCode::kUpdateFailed, "update " + update_id + " failed",
                        outcome.failure());
  }
  return DecodedPayloads(core, outcome.success());
}

}  // namespace

WorkflowHandle::WorkflowHandle(std::shared_ptr<detail::ClientCore> core, std::string workflow_id,
                               std::string run_id, std::string first_execution_run_id, bool pinned)
    : core_(std::move(core)),
      workflow_id_(std::move(workflow_id)),
      run_id_(std::move(run_id)),
      // A handle from Start/SignalWithStart follows the chain: its calls go to
      // the latest run (guarded by first_execution_run_id where the API has
      // it), as in the official SDKs. GetHandle(id, run) pins the run.
      target_run_id_(pinned ? run_id_ : std::string()),
      first_execution_run_id_(std::move(first_execution_run_id)) {}

Result<std::vector<Payload>> WorkflowHandle::GetResultPayloads(
    const GetResultOptions& options) const {
  const auto deadline = options.timeout
                            ? std::optional(std::chrono::steady_clock::now() + *options.timeout)
                            : std::nullopt;
  std::string run_id = run_id_;
  std::string page_token;
  while (true) {
    std::chrono::milliseconds attempt_timeout = kLongPollTimeout;
    if (deadline) {
      auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (remaining.count() <= 0) {
        return Error(ErrorCode::kDeadlineExceeded,
                     "workflow " + workflow_id_ + " did not close within the timeout");
      }
      attempt_timeout = std::min(attempt_timeout, remaining);
    }
    wfs::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(core_->namespace_());
    SetExecution(request.mutable_execution(), workflow_id_, run_id);
    request.set_wait_new_event(true);
    request.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
    request.set_skip_archival(true);
    request.set_next_page_token(page_token);
    detail::CallOptions call;
    call.timeout = attempt_timeout;
    auto response = core_->Call("GetWorkflowExecutionHistory",
                                &ClientCore::Stub::GetWorkflowExecutionHistory, request, call);
    if (!response) {
      // An expired long poll is normal: ask again until our own deadline.
      if (response.error().code() == ErrorCode::kDeadlineExceeded) continue;
      return response.error();
    }
    if (response->history().events_size() == 0) {
      page_token = response->next_page_token();
      continue;
    }
    page_token.clear();
    const temporal::api::history::v1::HistoryEvent& event = response->history().events(0);
    switch (event.event_type()) {
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
        const auto& attributes = event.workflow_execution_completed_event_attributes();
        if (options.follow_runs && !attributes.new_execution_run_id().empty()) {  // cron
          run_id = attributes.new_execution_run_id();
          continue;
        }
        return DecodedPayloads(*core_, attributes.result());
      }
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: {
        const auto& attributes = event.workflow_execution_failed_event_attributes();
        if (options.follow_runs && !attributes.new_execution_run_id().empty()) {  // retry
          run_id = attributes.new_execution_run_id();
          continue;
        }
        return FailureError(*core_, ErrorCode::kWorkflowFailed,
                            "workflow " + workflow_id_ + " failed", attributes.failure());
      }
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        return Error(ErrorCode::kWorkflowCanceled, "workflow " + workflow_id_ + " was canceled");
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: {
        const auto& attributes = event.workflow_execution_terminated_event_attributes();
        return Error(ErrorCode::kWorkflowTerminated,
                     "workflow " + workflow_id_ + " was terminated: " + attributes.reason());
      }
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: {
        const auto& attributes = event.workflow_execution_timed_out_event_attributes();
        if (options.follow_runs && !attributes.new_execution_run_id().empty()) {
          run_id = attributes.new_execution_run_id();
          continue;
        }
        return Error(ErrorCode::kWorkflowTimedOut, "workflow " + workflow_id_ + " timed out");
      }
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: {
        const auto& attributes = event.workflow_execution_continued_as_new_event_attributes();
        if (options.follow_runs) {
          run_id = attributes.new_execution_run_id();
          continue;
        }
        return Error(ErrorCode::kWorkflowContinuedAsNew, "workflow " + workflow_id_ +
                                                             " continued as new with run id " +
                                                             attributes.new_execution_run_id());
      }
      default:
        return Error(ErrorCode::kInternal,
                     "unexpected close event type " + enums::EventType_Name(event.event_type()));
    }
  }
}

Status WorkflowHandle::SignalPayloads(const std::string& name, std::vector<Payload> args) const {
  if (name.empty()) return Error(ErrorCode::kInvalidArgument, "signal name is empty");
  if (Status encoded = core_->converter().EncodePayloads(&args); !encoded) return encoded;
  wfs::SignalWorkflowExecutionRequest request;
  request.set_namespace_(core_->namespace_());
  SetExecution(request.mutable_workflow_execution(), workflow_id_, target_run_id_);
  request.set_signal_name(name);
  for (Payload& payload : args) *request.mutable_input()->add_payloads() = std::move(payload);
  request.set_identity(core_->identity());
  request.set_request_id(RandomId());
  auto response =
      core_->Call("SignalWorkflowExecution", &ClientCore::Stub::SignalWorkflowExecution, request);
  if (!response) return response.error();
  return OkStatus();
}

Result<std::vector<Payload>> WorkflowHandle::QueryPayloads(const std::string& name,
                                                           std::vector<Payload> args,
                                                           QueryRejectCondition condition) const {
  if (name.empty()) return Error(ErrorCode::kInvalidArgument, "query name is empty");
  if (Status encoded = core_->converter().EncodePayloads(&args); !encoded) return encoded.error();
  wfs::QueryWorkflowRequest request;
  request.set_namespace_(core_->namespace_());
  SetExecution(request.mutable_execution(), workflow_id_, target_run_id_);
  request.mutable_query()->set_query_type(name);
  for (Payload& payload : args)
    *request.mutable_query()->mutable_query_args()->add_payloads() = std::move(payload);
  request.set_query_reject_condition(condition);
  auto response = core_->Call("QueryWorkflow", &ClientCore::Stub::QueryWorkflow, request);
  if (!response) {
    if (response.error().code() == ErrorCode::kQueryFailed &&
        response.error().failure() != nullptr) {
      // Decode the failure's encoded attributes and payloads with our codec.
      return FailureError(*core_, ErrorCode::kQueryFailed, "query " + name + " failed",
                          response.error().failure()->proto());
    }
    return response.error();
  }
  if (response->has_query_rejected()) {
    return Error(ErrorCode::kQueryRejected,
                 "query " + name + " rejected: workflow status is " +
                     enums::WorkflowExecutionStatus_Name(response->query_rejected().status()));
  }
  return DecodedPayloads(*core_, response->query_result());
}

Result<UpdateHandle> WorkflowHandle::StartUpdatePayloads(const UpdateOptions& options,
                                                         const std::string& name,
                                                         std::vector<Payload> args) const {
  if (name.empty()) return Error(ErrorCode::kInvalidArgument, "update name is empty");
  if (options.wait_for_stage != enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED &&
      options.wait_for_stage != enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED) {
    return Error(ErrorCode::kInvalidArgument,
                 "UpdateOptions::wait_for_stage must be ACCEPTED or COMPLETED");
  }
  if (Status encoded = core_->converter().EncodePayloads(&args); !encoded) return encoded.error();
  const std::string update_id = options.update_id.empty() ? RandomId() : options.update_id;
  wfs::UpdateWorkflowExecutionRequest request;
  detail::FillUpdateRequest(*core_, workflow_id_, target_run_id_, first_execution_run_id_, options,
                            update_id, name, std::move(args), &request);

  // The server may answer before the stage is reached (its own long-poll
  // limit); asking again with the same update id is deduplicated.
  while (true) {
    detail::CallOptions call;
    call.timeout = kLongPollTimeout;
    auto response = core_->Call("UpdateWorkflowExecution",
                                &ClientCore::Stub::UpdateWorkflowExecution, request, call);
    if (!response) {
      if (response.error().code() == ErrorCode::kDeadlineExceeded) continue;
      return response.error();
    }
    if (response->has_outcome()) {
      if (response->outcome().has_failure()) {
        return FailureError(*core_, ErrorCode::kUpdateFailed,
                            "update " + name + " (" + update_id + ") failed",
                            response->outcome().failure());
      }
      return UpdateHandle(core_, workflow_id_, run_id_, update_id, response->outcome());
    }
    if (response->stage() >= enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED &&
        response->stage() >= options.wait_for_stage) {
      return UpdateHandle(core_, workflow_id_, response->update_ref().workflow_execution().run_id(),
                          update_id, std::nullopt);
    }
  }
}

UpdateHandle WorkflowHandle::GetUpdateHandle(const std::string& update_id) const {
  return UpdateHandle(core_, workflow_id_, run_id_, update_id, std::nullopt);
}

UpdateHandle::UpdateHandle(std::shared_ptr<detail::ClientCore> core, std::string workflow_id,
                           std::string run_id, std::string update_id,
                           std::optional<temporal::api::update::v1::Outcome> outcome)
    : core_(std::move(core)),
      workflow_id_(std::move(workflow_id)),
      run_id_(std::move(run_id)),
      update_id_(std::move(update_id)),
      outcome_(std::move(outcome)) {}

Result<std::vector<Payload>> UpdateHandle::GetResultPayloads() const {
  if (outcome_) return OutcomePayloads(*core_, *outcome_, update_id_);
  wfs::PollWorkflowExecutionUpdateRequest request;
  request.set_namespace_(core_->namespace_());
  SetExecution(request.mutable_update_ref()->mutable_workflow_execution(), workflow_id_, run_id_);
  request.mutable_update_ref()->set_update_id(update_id_);
  request.set_identity(core_->identity());
  request.mutable_wait_policy()->set_lifecycle_stage(
      enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
  while (true) {
    detail::CallOptions call;
    call.timeout = kLongPollTimeout;
    auto response = core_->Call("PollWorkflowExecutionUpdate",
                                &ClientCore::Stub::PollWorkflowExecutionUpdate, request, call);
    if (!response) {
      if (response.error().code() == ErrorCode::kDeadlineExceeded) continue;
      return response.error();
    }
    if (response->has_outcome()) return OutcomePayloads(*core_, response->outcome(), update_id_);
  }
}

Status WorkflowHandle::Cancel(const std::string& reason) const {
  wfs::RequestCancelWorkflowExecutionRequest request;
  request.set_namespace_(core_->namespace_());
  SetExecution(request.mutable_workflow_execution(), workflow_id_, target_run_id_);
  request.set_identity(core_->identity());
  request.set_request_id(RandomId());
  request.set_first_execution_run_id(first_execution_run_id_);
  request.set_reason(reason);
  auto response = core_->Call("RequestCancelWorkflowExecution",
                              &ClientCore::Stub::RequestCancelWorkflowExecution, request);
  if (!response) return response.error();
  return OkStatus();
}

Status WorkflowHandle::Terminate(const std::string& reason) const {
  wfs::TerminateWorkflowExecutionRequest request;
  request.set_namespace_(core_->namespace_());
  SetExecution(request.mutable_workflow_execution(), workflow_id_, target_run_id_);
  request.set_reason(reason);
  request.set_identity(core_->identity());
  request.set_first_execution_run_id(first_execution_run_id_);
  auto response = core_->Call("TerminateWorkflowExecution",
                              &ClientCore::Stub::TerminateWorkflowExecution, request);
  if (!response) return response.error();
  return OkStatus();
}

Result<WorkflowDescription> WorkflowHandle::Describe() const {
  wfs::DescribeWorkflowExecutionRequest request;
  request.set_namespace_(core_->namespace_());
  SetExecution(request.mutable_execution(), workflow_id_, target_run_id_);
  auto response = core_->Call("DescribeWorkflowExecution",
                              &ClientCore::Stub::DescribeWorkflowExecution, request);
  if (!response) return response.error();
  WorkflowDescription description;
  static_cast<WorkflowExecutionSummary&>(description) =
      WorkflowExecutionSummary::FromProto(response->workflow_execution_info());
  for (auto& [key, value] : description.memo) {
    std::vector<Payload> one{value};
    if (Status decoded = core_->converter().DecodePayloads(&one); !decoded) return decoded.error();
    value = std::move(one.front());
  }
  for (const auto& pending : response->pending_activities()) {
    PendingActivity activity;
    activity.activity_id = pending.activity_id();
    activity.activity_type = pending.activity_type().name();
    activity.state = pending.state();
    activity.attempt = pending.attempt();
    activity.maximum_attempts = pending.maximum_attempts();
    activity.scheduled_time =
        detail::OptionalTime(pending.has_scheduled_time(), pending.scheduled_time());
    activity.last_started_time =
        detail::OptionalTime(pending.has_last_started_time(), pending.last_started_time());
    activity.last_heartbeat_time =
        detail::OptionalTime(pending.has_last_heartbeat_time(), pending.last_heartbeat_time());
    activity.last_worker_identity = pending.last_worker_identity();
    auto details = DecodedPayloads(*core_, pending.heartbeat_details());
    if (!details) return details.error();
    activity.heartbeat_details = std::move(*details);
    if (pending.has_last_failure()) {
      auto failure = DecodedFailure(*core_, pending.last_failure());
      if (!failure) return failure.error();
      activity.last_failure = std::move(*failure);
    }
    description.pending_activities.push_back(std::move(activity));
  }
  description.raw = std::move(*response);
  return description;
}

Result<temporal::api::history::v1::History> WorkflowHandle::FetchHistory() const {
  temporal::api::history::v1::History history;
  std::string page_token;
  do {
    wfs::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(core_->namespace_());
    SetExecution(request.mutable_execution(), workflow_id_, run_id_);
    request.set_next_page_token(page_token);
    auto response = core_->Call("GetWorkflowExecutionHistory",
                                &ClientCore::Stub::GetWorkflowExecutionHistory, request);
    if (!response) return response.error();
    for (auto& event : *response->mutable_history()->mutable_events())
      *history.add_events() = std::move(event);
    page_token = response->next_page_token();
  } while (!page_token.empty());
  return history;
}

Result<std::string> WorkflowHandle::FetchHistoryJson() const {
  Result<temporal::api::history::v1::History> history = FetchHistory();
  if (!history) return history.error();
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  auto status = google::protobuf::util::MessageToJsonString(*history, &json, print);
  if (!status.ok()) return Error(ErrorCode::kInternal, "history to JSON: " + status.ToString());
  return json;
}

}  // namespace temporal
