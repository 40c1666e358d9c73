#include "temporal/client/async_activity_handle.h"

#include "client/client_core.h"

namespace temporal {
namespace {

namespace wfs = temporal::api::workflowservice::v1;
using detail::ClientCore;

Result<temporal::api::common::v1::Payloads> Encoded(const ClientCore& core,
                                                    std::vector<Payload> payloads) {
  if (Status encoded = core.converter().EncodePayloads(&payloads); !encoded) return encoded.error();
  temporal::api::common::v1::Payloads out;
  for (Payload& payload : payloads) *out.add_payloads() = std::move(payload);
  return out;
}

template <typename Response>
Status ToStatus(const Result<Response>& response) {
  if (!response) return response.error();
  return OkStatus();
}

}  // namespace

AsyncActivityHandle::AsyncActivityHandle(std::shared_ptr<detail::ClientCore> core,
                                         std::string task_token, std::string workflow_id,
                                         std::string run_id, std::string activity_id)
    : core_(std::move(core)),
      task_token_(std::move(task_token)),
      workflow_id_(std::move(workflow_id)),
      run_id_(std::move(run_id)),
      activity_id_(std::move(activity_id)) {}

Status AsyncActivityHandle::CompletePayloads(std::vector<Payload> result) const {
  auto payloads = Encoded(*core_, std::move(result));
  if (!payloads) return payloads.error();
  if (!task_token_.empty()) {
    wfs::RespondActivityTaskCompletedRequest request;
    request.set_namespace_(core_->namespace_());
    request.set_task_token(task_token_);
    *request.mutable_result() = std::move(*payloads);
    request.set_identity(core_->identity());
    return ToStatus(core_->Call("RespondActivityTaskCompleted",
                                &ClientCore::Stub::RespondActivityTaskCompleted, request));
  }
  wfs::RespondActivityTaskCompletedByIdRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_workflow_id(workflow_id_);
  request.set_run_id(run_id_);
  request.set_activity_id(activity_id_);
  *request.mutable_result() = std::move(*payloads);
  request.set_identity(core_->identity());
  return ToStatus(core_->Call("RespondActivityTaskCompletedById",
                              &ClientCore::Stub::RespondActivityTaskCompletedById, request));
}

Status AsyncActivityHandle::Fail(const ApplicationFailure& failure) const {
  temporal::api::failure::v1::Failure proto = failure.ToProto();
  if (Status encoded = core_->converter().EncodeFailure(&proto); !encoded) return encoded;
  if (!task_token_.empty()) {
    wfs::RespondActivityTaskFailedRequest request;
    request.set_namespace_(core_->namespace_());
    request.set_task_token(task_token_);
    *request.mutable_failure() = std::move(proto);
    request.set_identity(core_->identity());
    return ToStatus(core_->Call("RespondActivityTaskFailed",
                                &ClientCore::Stub::RespondActivityTaskFailed, request));
  }
  wfs::RespondActivityTaskFailedByIdRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_workflow_id(workflow_id_);
  request.set_run_id(run_id_);
  request.set_activity_id(activity_id_);
  *request.mutable_failure() = std::move(proto);
  request.set_identity(core_->identity());
  return ToStatus(core_->Call("RespondActivityTaskFailedById",
                              &ClientCore::Stub::RespondActivityTaskFailedById, request));
}

Status AsyncActivityHandle::ReportCancellation() const {
  if (!task_token_.empty()) {
    wfs::RespondActivityTaskCanceledRequest request;
    request.set_namespace_(core_->namespace_());
    request.set_task_token(task_token_);
    request.set_identity(core_->identity());
    return ToStatus(core_->Call("RespondActivityTaskCanceled",
                                &ClientCore::Stub::RespondActivityTaskCanceled, request));
  }
  wfs::RespondActivityTaskCanceledByIdRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_workflow_id(workflow_id_);
  request.set_run_id(run_id_);
  request.set_activity_id(activity_id_);
  request.set_identity(core_->identity());
  return ToStatus(core_->Call("RespondActivityTaskCanceledById",
                              &ClientCore::Stub::RespondActivityTaskCanceledById, request));
}

Status AsyncActivityHandle::HeartbeatPayloads(std::vector<Payload> details) const {
  auto payloads = Encoded(*core_, std::move(details));
  if (!payloads) return payloads.error();
  bool cancel_requested = false;
  if (!task_token_.empty()) {
    wfs::RecordActivityTaskHeartbeatRequest request;
    request.set_namespace_(core_->namespace_());
    request.set_task_token(task_token_);
    *request.mutable_details() = std::move(*payloads);
    request.set_identity(core_->identity());
    auto response = core_->Call("RecordActivityTaskHeartbeat",
                                &ClientCore::Stub::RecordActivityTaskHeartbeat, request);
    if (!response) return response.error();
    cancel_requested = response->cancel_requested();
  } else {
    wfs::RecordActivityTaskHeartbeatByIdRequest request;
    request.set_namespace_(core_->namespace_());
    request.set_workflow_id(workflow_id_);
    request.set_run_id(run_id_);
    request.set_activity_id(activity_id_);
    *request.mutable_details() = std::move(*payloads);
    request.set_identity(core_->identity());
    auto response = core_->Call("RecordActivityTaskHeartbeatById",
                                &ClientCore::Stub::RecordActivityTaskHeartbeatById, request);
    if (!response) return response.error();
    cancel_requested = response->cancel_requested();
  }
  if (cancel_requested) return Error(ErrorCode::kCancelled, "the activity was asked to cancel");
  return OkStatus();
}

}  // namespace temporal
