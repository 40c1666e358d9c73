#include "temporal/failure.h"

#include <typeinfo>
#include <utility>

namespace temporal {
namespace {

using FailureProto = temporal::api::failure::v1::Failure;

constexpr std::string_view kUnknownExceptionType = "UnknownException";

void SetDuration(std::chrono::milliseconds delay, google::protobuf::Duration* duration) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(delay);
  duration->set_seconds(seconds.count());
  duration->set_nanos(static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(delay - seconds).count()));
}

void SetPayloads(const std::vector<Payload>& payloads,
                 temporal::api::common::v1::Payloads* target) {
  for (const Payload& payload : payloads) *target->add_payloads() = payload;
}

// Appends ", name=value" (or "name=value" first) to a ToString attribute list;
// empty values are left out.
void AddAttribute(std::string* attributes, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (!attributes->empty()) *attributes += ", ";
  *attributes += name;
  *attributes += "=";
  *attributes += value;
}

void AddFlag(std::string* attributes, std::string_view flag, bool set) {
  if (!set) return;
  if (!attributes->empty()) *attributes += ", ";
  *attributes += flag;
}

std::string RetryStateName(temporal::api::enums::v1::RetryState state) {
  if (state == temporal::api::enums::v1::RETRY_STATE_UNSPECIFIED) return "";
  return temporal::api::enums::v1::RetryState_Name(state);
}

// The "Kind(attributes)" part of one link of a ToString chain.
std::string DescribeLink(const Failure& failure) {
  const FailureProto& proto = failure.proto();
  std::string attributes;
  switch (failure.kind()) {
    case FailureKind::kApplication:
      AddAttribute(&attributes, "type", failure.application_type());
      AddFlag(&attributes, "non_retryable", failure.non_retryable());
      break;
    case FailureKind::kTimeout:
      AddAttribute(&attributes, "timeout_type",
                   temporal::api::enums::v1::TimeoutType_Name(failure.timeout_type()));
      break;
    case FailureKind::kActivity:
      AddAttribute(&attributes, "activity_type", failure.activity_type());
      AddAttribute(&attributes, "activity_id", failure.activity_id());
      AddAttribute(&attributes, "retry_state", RetryStateName(failure.retry_state()));
      break;
    case FailureKind::kChildWorkflow: {
      const auto& info = proto.child_workflow_execution_failure_info();
      AddAttribute(&attributes, "workflow_type", info.workflow_type().name());
      AddAttribute(&attributes, "workflow_id", info.workflow_execution().workflow_id());
      AddAttribute(&attributes, "retry_state", RetryStateName(info.retry_state()));
      break;
    }
    case FailureKind::kServer:
      AddFlag(&attributes, "non_retryable", failure.non_retryable());
      break;
    case FailureKind::kNexusOperation: {
      const auto& info = proto.nexus_operation_execution_failure_info();
      AddAttribute(&attributes, "endpoint", info.endpoint());
      AddAttribute(&attributes, "service", info.service());
      AddAttribute(&attributes, "operation", info.operation());
      break;
    }
    case FailureKind::kCanceled:
    case FailureKind::kTerminated:
    case FailureKind::kResetWorkflow:
    case FailureKind::kUnknown:
      break;
  }
  std::string link = FailureKindName(failure.kind());
  if (!attributes.empty()) link += "(" + attributes + ")";
  if (!failure.message().empty()) link += ": " + failure.message();
  return link;
}

FailureProto ApplicationFailureProto(std::string_view source, std::string message,
                                     std::string type) {
  FailureProto proto;
  proto.set_source(std::string(source));
  proto.set_message(std::move(message));
  proto.mutable_application_failure_info()->set_type(std::move(type));
  return proto;
}

}  // namespace

const char* FailureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kApplication:
      return "ApplicationFailure";
    case FailureKind::kCanceled:
      return "CanceledFailure";
    case FailureKind::kTimeout:
      return "TimeoutFailure";
    case FailureKind::kActivity:
      return "ActivityFailure";
    case FailureKind::kChildWorkflow:
      return "ChildWorkflowFailure";
    case FailureKind::kServer:
      return "ServerFailure";
    case FailureKind::kTerminated:
      return "TerminatedFailure";
    case FailureKind::kResetWorkflow:
      return "ResetWorkflowFailure";
    case FailureKind::kNexusOperation:
      return "NexusOperationFailure";
    case FailureKind::kUnknown:
      return "Failure";
  }
  return "Failure";
}

// ---------------------------------------------------------------------------
// Failure
// ---------------------------------------------------------------------------

Failure::Failure(FailureProto proto)
    : proto_(std::make_shared<const FailureProto>(std::move(proto))) {}

Failure::Failure(std::shared_ptr<const FailureProto> proto) : proto_(std::move(proto)) {}

FailureKind Failure::kind() const {
  switch (proto_->failure_info_case()) {
    case FailureProto::kApplicationFailureInfo:
      return FailureKind::kApplication;
    case FailureProto::kTimeoutFailureInfo:
      return FailureKind::kTimeout;
    case FailureProto::kCanceledFailureInfo:
      return FailureKind::kCanceled;
    case FailureProto::kTerminatedFailureInfo:
      return FailureKind::kTerminated;
    case FailureProto::kServerFailureInfo:
      return FailureKind::kServer;
    case FailureProto::kResetWorkflowFailureInfo:
      return FailureKind::kResetWorkflow;
    case FailureProto::kActivityFailureInfo:
      return FailureKind::kActivity;
    case FailureProto::kChildWorkflowExecutionFailureInfo:
      return FailureKind::kChildWorkflow;
    case FailureProto::kNexusOperationExecutionFailureInfo:
      return FailureKind::kNexusOperation;
    // A Nexus handler failure only travels inside Nexus operation failures; this
    // SDK does not run Nexus handlers yet.
    case FailureProto::kNexusHandlerFailureInfo:
    case FailureProto::FAILURE_INFO_NOT_SET:
      return FailureKind::kUnknown;
  }
  return FailureKind::kUnknown;
}

const std::string& Failure::application_type() const {
  return proto_->application_failure_info().type();
}

bool Failure::non_retryable() const {
  if (proto_->has_application_failure_info()) {
    return proto_->application_failure_info().non_retryable();
  }
  if (proto_->has_server_failure_info()) return proto_->server_failure_info().non_retryable();
  return false;
}

std::optional<std::chrono::milliseconds> Failure::next_retry_delay() const {
  if (!proto_->has_application_failure_info() ||
      !proto_->application_failure_info().has_next_retry_delay()) {
    return std::nullopt;
  }
  const google::protobuf::Duration& delay = proto_->application_failure_info().next_retry_delay();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::seconds(delay.seconds()) + std::chrono::nanoseconds(delay.nanos()));
}

temporal::api::enums::v1::TimeoutType Failure::timeout_type() const {
  return proto_->timeout_failure_info().timeout_type();
}

const std::string& Failure::activity_type() const {
  return proto_->activity_failure_info().activity_type().name();
}

const std::string& Failure::activity_id() const {
  return proto_->activity_failure_info().activity_id();
}

temporal::api::enums::v1::RetryState Failure::retry_state() const {
  if (proto_->has_activity_failure_info()) return proto_->activity_failure_info().retry_state();
  if (proto_->has_child_workflow_execution_failure_info()) {
    return proto_->child_workflow_execution_failure_info().retry_state();
  }
  return temporal::api::enums::v1::RETRY_STATE_UNSPECIFIED;
}

std::optional<Failure> Failure::cause() const {
  if (!proto_->has_cause()) return std::nullopt;
  // Aliasing constructor: the cause keeps the root proto alive and points into it.
  return Failure(std::shared_ptr<const FailureProto>(proto_, &proto_->cause()));
}

const temporal::api::common::v1::Payloads* Failure::DetailsPayloads() const {
  switch (proto_->failure_info_case()) {
    case FailureProto::kApplicationFailureInfo:
      return &proto_->application_failure_info().details();
    case FailureProto::kCanceledFailureInfo:
      return &proto_->canceled_failure_info().details();
    case FailureProto::kTimeoutFailureInfo:
      return &proto_->timeout_failure_info().last_heartbeat_details();
    case FailureProto::kResetWorkflowFailureInfo:
      return &proto_->reset_workflow_failure_info().last_heartbeat_details();
    default:
      return nullptr;
  }
}

int Failure::details_count() const {
  const temporal::api::common::v1::Payloads* details = DetailsPayloads();
  return details == nullptr ? 0 : details->payloads_size();
}

Error Failure::MissingDetail(int index) const {
  return Error(ErrorCode::kOutOfRange, std::string(FailureKindName(kind())) + " has no detail " +
                                           std::to_string(index) + " (it has " +
                                           std::to_string(details_count()) + ")");
}

std::string Failure::ToString() const {
  std::string text = DescribeLink(*this);
  for (std::optional<Failure> link = cause(); link; link = link->cause()) {
    text += " caused by " + DescribeLink(*link);
  }
  return text;
}

// ---------------------------------------------------------------------------
// ApplicationFailure, CanceledFailure
// ---------------------------------------------------------------------------

ApplicationFailure::ApplicationFailure(std::string message, std::string type, bool non_retryable)
    : message_(std::move(message)), type_(std::move(type)), non_retryable_(non_retryable) {}

ApplicationFailure ApplicationFailure::NonRetryable(std::string message, std::string type) {
  return ApplicationFailure(std::move(message), std::move(type), /*non_retryable=*/true);
}

ApplicationFailure& ApplicationFailure::WithNextRetryDelay(std::chrono::milliseconds delay) {
  next_retry_delay_ = delay;
  return *this;
}

ApplicationFailure& ApplicationFailure::WithCause(Failure cause) {
  cause_ = std::move(cause);
  return *this;
}

FailureProto ApplicationFailure::ToProto(std::string_view source) const {
  std::string message = message_;
  if (!details_error_.empty()) message += " [details not converted: " + details_error_ + "]";
  FailureProto proto = ApplicationFailureProto(source, std::move(message), type_);
  auto* info = proto.mutable_application_failure_info();
  info->set_non_retryable(non_retryable_);
  if (!details_.empty()) SetPayloads(details_, info->mutable_details());
  if (next_retry_delay_) SetDuration(*next_retry_delay_, info->mutable_next_retry_delay());
  if (cause_) *proto.mutable_cause() = cause_->proto();
  return proto;
}

CanceledFailure::CanceledFailure(std::string message) : message_(std::move(message)) {}

FailureProto CanceledFailure::ToProto(std::string_view source) const {
  FailureProto proto;
  proto.set_source(std::string(source));
  std::string message = message_;
  if (!details_error_.empty()) message += " [details not converted: " + details_error_ + "]";
  proto.set_message(std::move(message));
  auto* info = proto.mutable_canceled_failure_info();
  if (!details_.empty()) SetPayloads(details_, info->mutable_details());
  return proto;
}

FailureProto FailureFromException(std::exception_ptr error, std::string_view source) {
  if (error == nullptr) {
    return ApplicationFailureProto(source, "no exception", std::string(kUnknownExceptionType));
  }
  try {
    std::rethrow_exception(error);
  } catch (const ApplicationFailure& failure) {
    return failure.ToProto(source);
  } catch (const CanceledFailure& failure) {
    return failure.ToProto(source);
  } catch (const std::exception& exception) {
    // typeid of a polymorphic reference names the dynamic type, e.g. std::out_of_range.
    return ApplicationFailureProto(source, exception.what(),
                                   detail::DemangledTypeName(typeid(exception)));
  } catch (...) {
    return ApplicationFailureProto(source, "unknown exception (not derived from std::exception)",
                                   std::string(kUnknownExceptionType));
  }
}

}  // namespace temporal
