// Private: what the workflow instance and the worker exchange about local
// activities. The instance asks for attempts to be run (LocalActivityRequest)
// and for running ones to be cancelled; the worker's executor answers each
// request with exactly one LocalActivityOutcome, which the instance records as
// a marker (docs/determinism.md, "Local activities").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/failure/v1/message.pb.h"
#include "temporal/converter/payload.h"
#include "temporal/workflow/local_activity.h"

namespace temporal::workflow::detail {

/// kLocalActivityMarkerName names the marker a local activity's outcome is
/// recorded under. Never change it: histories hold it.
inline constexpr const char kLocalActivityMarkerName[] = "core_local_activity";
/// kLocalActivityResultKey holds the result payloads in the marker's details.
inline constexpr const char kLocalActivityResultKey[] = "result";

/// LocalActivityRequest asks the worker to run one scheduling of a local
/// activity: from `attempt` on, until it succeeds, fails for good, needs a
/// backoff longer than the local retry threshold, or is cancelled.
struct LocalActivityRequest {
  /// seq identifies this scheduling within the run (a backoff timer ends one
  /// scheduling; the next attempt is a new scheduling with a new seq).
  int seq = 0;
  std::string activity_id;
  std::string activity_type;
  /// arguments are plain (never encoded: they never leave the process).
  std::vector<Payload> arguments;
  int attempt = 1;
  /// original_schedule_time is when the first scheduling was made: the
  /// schedule-to-close timeout counts from it.
  std::chrono::system_clock::time_point original_schedule_time;
  LocalActivityOptions options;
};

/// LocalActivityOutcome is how one scheduling ended.
struct LocalActivityOutcome {
  enum class Status { kCompleted, kFailed, kCanceled, kBackoff };
  int seq = 0;
  Status status = Status::kCompleted;
  /// result holds the function's return payloads when kCompleted (plain).
  std::vector<Payload> result;
  /// failure is set unless kCompleted: the ActivityFailure the workflow sees,
  /// its cause the reason (an application failure, a timeout, a cancellation).
  std::optional<temporal::api::failure::v1::Failure> failure;
  /// attempt is the last attempt run; with kBackoff the next one is attempt + 1.
  int attempt = 1;
  /// backoff is the wait before the next attempt (kBackoff only).
  std::chrono::milliseconds backoff{0};
  std::chrono::system_clock::time_point original_schedule_time;
  std::chrono::system_clock::time_point complete_time;
};

/// LocalActivityFailure builds the ActivityFailure a local activity's caller
/// sees, with `cause` as its cause (defined with the machine).
temporal::api::failure::v1::Failure LocalActivityFailure(
    const LocalActivityRequest& request, temporal::api::failure::v1::Failure cause,
    temporal::api::enums::v1::RetryState retry_state);

}  // namespace temporal::workflow::detail
