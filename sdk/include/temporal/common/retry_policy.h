// temporal/common/retry_policy.h: how the server retries a workflow or an activity.
//
// Example (an activity retried every second, at most five times, never for
// validation errors):
//
//   temporal::RetryPolicy retry;
//   retry.initial_interval = std::chrono::seconds(1);
//   retry.backoff_coefficient = 1.0;
//   retry.maximum_attempts = 5;
//   retry.non_retryable_error_types = {"ValidationError"};
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "temporal/api/common/v1/message.pb.h"

namespace temporal {

/// RetryPolicy mirrors temporal.api.common.v1.RetryPolicy. Unset fields take the
/// server's defaults (1 s initial interval, coefficient 2.0, maximum interval
/// 100 x initial, unlimited attempts).
struct RetryPolicy {
  /// initial_interval is the wait before the first retry.
  std::optional<std::chrono::milliseconds> initial_interval;
  /// backoff_coefficient multiplies the interval after each retry (>= 1.0).
  std::optional<double> backoff_coefficient;
  /// maximum_interval caps the interval between retries.
  std::optional<std::chrono::milliseconds> maximum_interval;
  /// maximum_attempts counts the first attempt; 0 means unlimited, 1 means no retry.
  int maximum_attempts = 0;
  /// non_retryable_error_types lists ApplicationFailure types never retried.
  std::vector<std::string> non_retryable_error_types;

  /// ToProto returns the wire form.
  temporal::api::common::v1::RetryPolicy ToProto() const;
  /// FromProto reads the wire form.
  static RetryPolicy FromProto(const temporal::api::common::v1::RetryPolicy& proto);
};

}  // namespace temporal
