// RpcStatusBytes: a serialized google.rpc.Status, written field by field.
//
// A gRPC server attaches typed error details (Temporal's QueryFailedFailure,
// NotFoundFailure, ...) as the serialized google.rpc.Status it passes as the
// third argument of grpc::Status. google/rpc/status.proto is not among the
// generated Temporal API protos, so, like sdk/src/client/grpc_error.cc which
// reads it, this writes the three fields by hand:
//
//   message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3;
//   }
//
// Example:
//
//   google::protobuf::Any detail;
//   detail.PackFrom(query_failed);
//   grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "query failed",
//                       RpcStatusBytes(grpc::StatusCode::INVALID_ARGUMENT, "query failed",
//                       {detail}));
#pragma once

#include <google/protobuf/any.pb.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>
#include <vector>

namespace temporal::test {

/// RpcStatusBytes serializes google.rpc.Status{code, message, details}.
inline std::string RpcStatusBytes(grpc::StatusCode code, const std::string& message,
                                  const std::vector<google::protobuf::Any>& details) {
  constexpr std::uint32_t kVarint = 0;
  constexpr std::uint32_t kLengthDelimited = 2;
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream output(&stream);
    output.WriteTag((1u << 3) | kVarint);
    output.WriteVarint32(static_cast<std::uint32_t>(code));
    output.WriteTag((2u << 3) | kLengthDelimited);
    output.WriteVarint32(static_cast<std::uint32_t>(message.size()));
    output.WriteString(message);
    for (const google::protobuf::Any& detail : details) {
      const std::string serialized = detail.SerializeAsString();
      output.WriteTag((3u << 3) | kLengthDelimited);
      output.WriteVarint32(static_cast<std::uint32_t>(serialized.size()));
      output.WriteString(serialized);
    }
  }  // CodedOutputStream flushes into `bytes` when destroyed.
  return bytes;
}

}  // namespace temporal::test
