// temporal/version.h: what this SDK calls itself on the wire.
#pragma once

namespace temporal {

/// kSdkName is sent as gRPC metadata `client-name` and recorded in
/// workflow task completions' sdk_metadata.
inline constexpr const char kSdkName[] = "temporal-cpp";
/// kSdkVersion is sent as gRPC metadata `client-version`.
inline constexpr const char kSdkVersion[] = "0.1.0";

}  // namespace temporal
