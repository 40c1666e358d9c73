// temporal/failure.h: Temporal failures, read and raised from C++.
//
// Temporal reports what went wrong as a `temporal.api.failure.v1.Failure`: a
// message, a source SDK, a stack trace, one kind-specific info (application,
// timeout, canceled, activity, child workflow, ...) and an optional cause, which is
// another Failure. A failed activity, seen from its workflow, is an ActivityFailure
// caused by the ApplicationFailure the activity raised; a failed workflow, seen
// from the client, is the workflow's failure with the same chain below it.
//
// This header has two halves:
//
//   * `Failure` reads a failure: its kind, message, typed details and cause chain.
//     It wraps a failure proto whose payloads have already been decoded
//     (DataConverter::DecodeFailure), which the SDK does before handing one out.
//
//   * `ApplicationFailure` and `CanceledFailure` are exceptions user code throws
//     from an activity (and later workflow code) to fail with a type, details and
//     retry behaviour. Any other exception fails the attempt too, as a retryable
//     application failure whose type is the exception's C++ type name
//     (FailureFromException).
//
// Example, in an activity:
//
//   if (!quota_ok) {
//     throw temporal::ApplicationFailure("quota exceeded", "QuotaExceeded",
//                                        /*non_retryable=*/true)
//         .WithDetails(std::string("eu-west-1"), 42);
//   }
//
// and in the workflow or client that sees it:
//
//   const temporal::Failure* failure = result.error().failure();
//   if (failure != nullptr) {
//     std::optional<temporal::Failure> cause = failure->cause();
//     if (cause && cause->application_type() == "QuotaExceeded") {
//       temporal::Result<std::string> region = cause->Details<std::string>(0);
//     }
//     std::cerr << failure->ToString() << "\n";
//     // ActivityFailure(activity_type=Reserve, activity_id=1, ...): activity error
//     //   caused by ApplicationFailure(type=QuotaExceeded, non_retryable): quota exceeded
//   }
#pragma once

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/failure/v1/message.pb.h"
#include "temporal/converter/payload.h"
#include "temporal/error.h"

namespace temporal {

/// FailureKind says which kind-specific info a failure carries.
enum class FailureKind {
  kApplication,     ///< raised by user code (application_failure_info)
  kCanceled,        ///< a cancellation (canceled_failure_info)
  kTimeout,         ///< a timeout (timeout_failure_info)
  kActivity,        ///< an activity failed; the cause says why (activity_failure_info)
  kChildWorkflow,   ///< a child workflow failed; the cause says why
  kServer,          ///< raised by the server (server_failure_info)
  kTerminated,      ///< the execution was terminated (terminated_failure_info)
  kResetWorkflow,   ///< the workflow was reset (reset_workflow_failure_info)
  kNexusOperation,  ///< a Nexus operation failed; the cause says why
  kUnknown,         ///< no info, or one this SDK does not know (e.g. Nexus handler)
};

/// FailureKindName returns the kind's display name, e.g. "ActivityFailure".
const char* FailureKindName(FailureKind kind);

/// Failure is a read-only view of a decoded temporal.api.failure.v1.Failure. Cheap
/// to copy (copies share the proto); a cause shares its parent's proto.
class Failure {
 public:
  /// Failure wraps `proto`, whose payloads must already be decoded.
  explicit Failure(temporal::api::failure::v1::Failure proto);

  /// kind returns which kind-specific info the failure carries.
  FailureKind kind() const;
  /// message returns the failure's message.
  const std::string& message() const { return proto_->message(); }
  /// stack_trace returns the stack trace the raising SDK recorded (may be empty).
  const std::string& stack_trace() const { return proto_->stack_trace(); }
  /// source returns the SDK that raised the failure, e.g. "CppSDK", "TypeScriptSDK".
  const std::string& source() const { return proto_->source(); }
  /// application_type returns the type of an application failure ("" otherwise).
  const std::string& application_type() const;
  /// non_retryable reports whether an application or server failure is marked
  /// non-retryable (false for other kinds).
  bool non_retryable() const;
  /// next_retry_delay returns the retry delay an application failure asks for.
  std::optional<std::chrono::milliseconds> next_retry_delay() const;
  /// timeout_type returns the timeout of a timeout failure
  /// (TIMEOUT_TYPE_UNSPECIFIED otherwise).
  temporal::api::enums::v1::TimeoutType timeout_type() const;
  /// activity_type returns the activity type name of an activity failure.
  const std::string& activity_type() const;
  /// activity_id returns the activity id of an activity failure.
  const std::string& activity_id() const;
  /// retry_state returns why an activity or child workflow stopped retrying
  /// (RETRY_STATE_UNSPECIFIED for other kinds).
  temporal::api::enums::v1::RetryState retry_state() const;

  /// cause returns the failure that caused this one, if any.
  std::optional<Failure> cause() const;

  /// proto returns the wrapped failure proto.
  const temporal::api::failure::v1::Failure& proto() const { return *proto_; }

  /// Details decodes detail `index` of the failure (application details, canceled
  /// details, or the last heartbeat details of a timeout or reset, by kind) with
  /// FromPayload<T>. A missing detail is an empty optional when T is a
  /// std::optional, else an ErrorCode::kOutOfRange error.
  template <typename T>
  Result<T> Details(int index = 0) const;

  /// details_count returns how many details Details can read.
  int details_count() const;

  /// ToString returns the readable cause chain, e.g.
  /// "ActivityFailure(activity_type=X, activity_id=1): activity error caused by
  /// ApplicationFailure(type=Y, non_retryable): msg".
  std::string ToString() const;

 private:
  explicit Failure(std::shared_ptr<const temporal::api::failure::v1::Failure> proto);
  const temporal::api::common::v1::Payloads* DetailsPayloads() const;
  Error MissingDetail(int index) const;

  // Points into a shared root proto (aliasing shared_ptr), so causes cost nothing.
  std::shared_ptr<const temporal::api::failure::v1::Failure> proto_;
};

/// ApplicationFailure is the exception user code throws to fail an activity (or,
/// later, a workflow) with a type, details and retry behaviour. Throwing it with
/// non_retryable = true, or with a type listed in the retry policy's
/// non_retryable_error_types, stops retries.
///
///   throw temporal::ApplicationFailure("bucket exists", "BucketExists", true)
///       .WithDetails(bucket_name);
class ApplicationFailure : public std::exception {
 public:
  /// ApplicationFailure makes a failure with `message`, an optional `type` (the
  /// name retry policies match) and whether it is retryable.
  explicit ApplicationFailure(std::string message, std::string type = "",
                              bool non_retryable = false);

  /// NonRetryable makes a failure that stops retries whatever the retry policy.
  static ApplicationFailure NonRetryable(std::string message, std::string type = "");

  /// WithDetails attaches `args` as the failure's details, converted now with
  /// ToPayloads (before codecs; the worker encodes them). If conversion fails the
  /// details are dropped and details_error() says why; the failure is still
  /// raised, with that reason appended to its message. Returns *this.
  template <typename... Args>
  ApplicationFailure& WithDetails(const Args&... args);

  /// WithNextRetryDelay asks the server to retry after `delay` instead of the
  /// retry policy's backoff. Returns *this.
  ApplicationFailure& WithNextRetryDelay(std::chrono::milliseconds delay);

  /// WithCause records the failure that caused this one. Returns *this.
  ApplicationFailure& WithCause(Failure cause);

  /// what returns the message.
  const char* what() const noexcept override { return message_.c_str(); }
  /// message returns the message.
  const std::string& message() const { return message_; }
  /// type returns the failure type ("" when none was given).
  const std::string& type() const { return type_; }
  /// non_retryable reports whether the failure stops retries.
  bool non_retryable() const { return non_retryable_; }
  /// details returns the converted details.
  const std::vector<Payload>& details() const { return details_; }
  /// details_error returns why WithDetails could not convert its arguments ("" if
  /// it could).
  const std::string& details_error() const { return details_error_; }
  /// next_retry_delay returns the delay set by WithNextRetryDelay.
  const std::optional<std::chrono::milliseconds>& next_retry_delay() const {
    return next_retry_delay_;
  }
  /// cause returns the cause set by WithCause.
  const std::optional<Failure>& cause() const { return cause_; }

  /// ToProto returns the failure proto to report (payloads not yet encoded),
  /// with `source` naming this SDK.
  temporal::api::failure::v1::Failure ToProto(std::string_view source = "CppSDK") const;

 private:
  std::string message_;
  std::string type_;
  bool non_retryable_;
  std::vector<Payload> details_;
  std::string details_error_;
  std::optional<std::chrono::milliseconds> next_retry_delay_;
  std::optional<Failure> cause_;
};

/// CanceledFailure is the exception that reports a cancellation: an activity that
/// observed its cancellation throws it (with optional details) to complete as
/// canceled rather than failed.
class CanceledFailure : public std::exception {
 public:
  /// CanceledFailure makes a cancellation with `message`.
  explicit CanceledFailure(std::string message = "canceled");

  /// WithDetails attaches `args` as the cancellation's details (see
  /// ApplicationFailure::WithDetails). Returns *this.
  template <typename... Args>
  CanceledFailure& WithDetails(const Args&... args);

  /// what returns the message.
  const char* what() const noexcept override { return message_.c_str(); }
  /// message returns the message.
  const std::string& message() const { return message_; }
  /// details returns the converted details.
  const std::vector<Payload>& details() const { return details_; }
  /// details_error returns why WithDetails could not convert its arguments.
  const std::string& details_error() const { return details_error_; }

  /// ToProto returns the failure proto (canceled_failure_info) to report.
  temporal::api::failure::v1::Failure ToProto(std::string_view source = "CppSDK") const;

 private:
  std::string message_;
  std::vector<Payload> details_;
  std::string details_error_;
};

/// FailureFromException converts a caught exception to the failure to report:
/// ApplicationFailure and CanceledFailure give their ToProto; any other
/// std::exception gives a retryable application failure with type = its demangled
/// C++ type name (e.g. "std::runtime_error") and message = what(); anything else
/// (or a null pointer) gives type "UnknownException".
temporal::api::failure::v1::Failure FailureFromException(std::exception_ptr error,
                                                         std::string_view source = "CppSDK");

// ---------------------------------------------------------------------------
// Template implementations.
// ---------------------------------------------------------------------------

template <typename T>
Result<T> Failure::Details(int index) const {
  const temporal::api::common::v1::Payloads* details = DetailsPayloads();
  if (details == nullptr || index < 0 || index >= details->payloads_size()) {
    if constexpr (detail::kIsOptional<T>) {
      return T(std::nullopt);
    } else {
      return MissingDetail(index);
    }
  }
  return FromPayload<T>(details->payloads(index));
}

namespace detail {
// ConvertDetails converts WithDetails arguments for both exception types:
// on failure the details are dropped and `error` says why.
template <typename... Args>
void ConvertDetails(std::vector<Payload>* details, std::string* error, const Args&... args) {
  Result<std::vector<Payload>> payloads = ToPayloads(args...);
  if (payloads) {
    *details = std::move(*payloads);
    error->clear();
  } else {
    details->clear();
    *error = payloads.error().ToString();
  }
}
}  // namespace detail

template <typename... Args>
ApplicationFailure& ApplicationFailure::WithDetails(const Args&... args) {
  detail::ConvertDetails(&details_, &details_error_, args...);
  return *this;
}

template <typename... Args>
CanceledFailure& CanceledFailure::WithDetails(const Args&... args) {
  detail::ConvertDetails(&details_, &details_error_, args...);
  return *this;
}

}  // namespace temporal
