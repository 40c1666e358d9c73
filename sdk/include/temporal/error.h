// temporal/error.h: errors as values for the C++ Temporal SDK.
//
// Every SDK call that can fail where failure is expected (a network call, a
// decode, a lookup) returns `temporal::Result<T>`: either a value or a
// `temporal::Error`. Exceptions are used only across the user-facing workflow
// and activity boundary, where Temporal semantics need them (an activity throws
// `temporal::ApplicationFailure` to fail its attempt).
//
// Example:
//
//   temporal::Result<temporal::Client> client = temporal::Client::Connect(options);
//   if (!client) {
//     std::cerr << client.error().ToString() << "\n";   // "UNAVAILABLE: ..."
//     return 1;
//   }
//   client->Signal(...);
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <variant>

namespace temporal {

/// ErrorCode classifies an Error. The first block mirrors gRPC status codes (a
/// server or transport error keeps its gRPC code); the second block names
/// Temporal outcomes that are not transport errors.
enum class ErrorCode {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,

  /// A payload could not be converted to or from the requested type (unknown
  /// encoding, malformed JSON, wrong protobuf message type).
  kDataConversion = 100,
  /// A payload codec failed (wrong key, authentication tag mismatch, corrupt data).
  kCodec = 101,
  /// The workflow closed as failed; Error::failure() holds the cause chain.
  kWorkflowFailed = 110,
  /// The workflow closed as canceled.
  kWorkflowCanceled = 111,
  /// The workflow was terminated.
  kWorkflowTerminated = 112,
  /// The workflow timed out (execution or run timeout).
  kWorkflowTimedOut = 113,
  /// The workflow continued as new and the caller asked not to follow runs.
  kWorkflowContinuedAsNew = 114,
  /// An update failed: its validator rejected it, or its handler failed. As in
  /// the official SDKs the two look the same to a client; failure() says why.
  kUpdateFailed = 115,
  /// A query failed inside the workflow, or the query type is unknown.
  kQueryFailed = 116,
  /// A query was rejected by its reject condition (workflow not open, ...).
  kQueryRejected = 117,
  /// Workflow code diverged from its history. Never mixed with SDK bugs.
  kNondeterminism = 120,
};

/// ErrorCodeName returns the stable upper-case name of `code`, e.g. "NOT_FOUND".
const char* ErrorCodeName(ErrorCode code);

class Failure;  // temporal/failure.h

/// Error is a failed result: a code, a human-readable message and, for errors
/// that carry a Temporal failure (workflow failed, update failed, ...), that
/// failure. Cheap to copy.
class Error {
 public:
  Error(ErrorCode code, std::string message);
  Error(ErrorCode code, std::string message, Failure failure);
  Error(const Error&);
  Error(Error&&) noexcept;
  Error& operator=(const Error&);
  Error& operator=(Error&&) noexcept;
  ~Error();

  /// code returns the error's classification.
  ErrorCode code() const { return code_; }
  /// message returns what went wrong, for people.
  const std::string& message() const { return message_; }
  /// failure returns the Temporal failure behind this error, if it has one.
  const Failure* failure() const;
  /// ToString returns "CODE_NAME: message".
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::shared_ptr<const Failure> failure_;
};

std::ostream& operator<<(std::ostream& out, const Error& error);

/// Result<T> holds either a T or an Error. Test it with `if (result)` or
/// `ok()`, then read `*result` / `result->member` or `error()`. Reading the value
/// of a failed result (or the error of a successful one) is a programming error
/// and asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

/// Status is a Result with no value: success, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

/// OkStatus returns a successful Status.
inline Status OkStatus() { return Status(); }

}  // namespace temporal
