// Private: conversions between std::chrono and google.protobuf Duration/Timestamp.
#pragma once

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <optional>

namespace temporal::detail {

inline void SetDuration(google::protobuf::Duration* out, std::chrono::milliseconds value) {
  out->set_seconds(value.count() / 1000);
  out->set_nanos(static_cast<int>((value.count() % 1000) * 1000000));
}

inline std::chrono::milliseconds ToMilliseconds(const google::protobuf::Duration& value) {
  return std::chrono::milliseconds(value.seconds() * 1000 + value.nanos() / 1000000);
}

inline std::chrono::system_clock::time_point ToTimePoint(const google::protobuf::Timestamp& value) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(value.seconds()) + std::chrono::nanoseconds(value.nanos())));
}

/// OptionalTime returns nullopt for an unset timestamp field.
template <typename Message>
std::optional<std::chrono::system_clock::time_point> OptionalTime(bool has, const Message& value) {
  if (!has) return std::nullopt;
  return ToTimePoint(value);
}

inline void SetTimestamp(google::protobuf::Timestamp* out,
                         std::chrono::system_clock::time_point value) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(value.time_since_epoch());
  out->set_seconds(since_epoch.count() / 1000000000);
  out->set_nanos(static_cast<int>(since_epoch.count() % 1000000000));
}

}  // namespace temporal::detail
