#include "temporal/error.h"

#include "temporal/failure.h"

namespace temporal {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "OK";
    case ErrorCode::kCancelled:
      return "CANCELLED";
    case ErrorCode::kUnknown:
      return "UNKNOWN";
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case ErrorCode::kNotFound:
      return "NOT_FOUND";
    case ErrorCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case ErrorCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case ErrorCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case ErrorCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case ErrorCode::kAborted:
      return "ABORTED";
    case ErrorCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case ErrorCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case ErrorCode::kInternal:
      return "INTERNAL";
    case ErrorCode::kUnavailable:
      return "UNAVAILABLE";
    case ErrorCode::kDataLoss:
      return "DATA_LOSS";
    case ErrorCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    case ErrorCode::kDataConversion:
      return "DATA_CONVERSION";
    case ErrorCode::kCodec:
      return "CODEC";
    case ErrorCode::kWorkflowFailed:
      return "WORKFLOW_FAILED";
    case ErrorCode::kWorkflowCanceled:
      return "WORKFLOW_CANCELED";
    case ErrorCode::kWorkflowTerminated:
      return "WORKFLOW_TERMINATED";
    case ErrorCode::kWorkflowTimedOut:
      return "WORKFLOW_TIMED_OUT";
    case ErrorCode::kWorkflowContinuedAsNew:
      return "WORKFLOW_CONTINUED_AS_NEW";
    case ErrorCode::kUpdateFailed:
      return "UPDATE_FAILED";
    case ErrorCode::kQueryFailed:
      return "QUERY_FAILED";
    case ErrorCode::kQueryRejected:
      return "QUERY_REJECTED";
    case ErrorCode::kNondeterminism:
      return "NONDETERMINISM";
  }
  return "UNKNOWN";
}

Error::Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
Error::Error(ErrorCode code, std::string message, Failure failure)
    : code_(code),
      message_(std::move(message)),
      failure_(std::make_shared<const Failure>(std::move(failure))) {}
Error::Error(const Error&) = default;
Error::Error(Error&&) noexcept = default;
Error& Error::operator=(const Error&) = default;
Error& Error::operator=(Error&&) noexcept = default;
Error::~Error() = default;

const Failure* Error::failure() const { return failure_.get(); }

std::string Error::ToString() const { return std::string(ErrorCodeName(code_)) + ": " + message_; }

std::ostream& operator<<(std::ostream& out, const Error& error) { return out << error.ToString(); }

}  // namespace temporal
