#include "temporal/common/retry_policy.h"

#include "common/proto_time.h"

namespace temporal {

temporal::api::common::v1::RetryPolicy RetryPolicy::ToProto() const {
  temporal::api::common::v1::RetryPolicy proto;
  if (initial_interval) detail::SetDuration(proto.mutable_initial_interval(), *initial_interval);
  if (backoff_coefficient) proto.set_backoff_coefficient(*backoff_coefficient);
  if (maximum_interval) detail::SetDuration(proto.mutable_maximum_interval(), *maximum_interval);
  proto.set_maximum_attempts(maximum_attempts);
  for (const std::string& type : non_retryable_error_types)
    proto.add_non_retryable_error_types(type);
  return proto;
}

RetryPolicy RetryPolicy::FromProto(const temporal::api::common::v1::RetryPolicy& proto) {
  RetryPolicy policy;
  if (proto.has_initial_interval())
    policy.initial_interval = detail::ToMilliseconds(proto.initial_interval());
  if (proto.backoff_coefficient() != 0) policy.backoff_coefficient = proto.backoff_coefficient();
  if (proto.has_maximum_interval())
    policy.maximum_interval = detail::ToMilliseconds(proto.maximum_interval());
  policy.maximum_attempts = proto.maximum_attempts();
  policy.non_retryable_error_types.assign(proto.non_retryable_error_types().begin(),
                                          proto.non_retryable_error_types().end());
  return policy;
}

}  // namespace temporal
