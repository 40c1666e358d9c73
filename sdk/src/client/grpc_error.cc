// Mapping gRPC statuses to temporal::Error, reading Temporal's typed error
// details from the google.rpc.Status the server attaches.
#include <google/protobuf/any.pb.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <vector>

#include "client/client_core.h"
#include "temporal/api/errordetails/v1/message.pb.h"

namespace temporal::detail {
namespace {

// ReadStatusDetails parses the `details` (field 3, repeated google.protobuf.Any)
// of a serialized google.rpc.Status. google/rpc/status.proto is not part of the
// Temporal API package, and reading one repeated field by hand is simpler than
// generating it.
std::vector<google::protobuf::Any> ReadStatusDetails(const std::string& serialized) {
  std::vector<google::protobuf::Any> details;
  google::protobuf::io::CodedInputStream input(
      reinterpret_cast<const std::uint8_t*>(serialized.data()),
      static_cast<int>(serialized.size()));
  while (std::uint32_t tag = input.ReadTag()) {
    if (tag == ((3u << 3) | 2u)) {  // field 3, length-delimited
      std::uint32_t length = 0;
      if (!input.ReadVarint32(&length)) break;
      std::string bytes;
      if (!input.ReadString(&bytes, static_cast<int>(length))) break;
      google::protobuf::Any any;
      if (any.ParseFromString(bytes)) details.push_back(std::move(any));
    } else if (!google::protobuf::internal::WireFormatLite::SkipField(&input, tag)) {
      break;
    }
  }
  return details;
}

}  // namespace

bool IsTransient(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
      return true;
    default:
      return false;
  }
}

namespace {
// gRPC's own wording, in C++ ("Sent message larger than max (5000123 vs.
// 4194304)") and in Go, the server's ("grpc: received message larger than
// max ..."; "... after decompression larger than max ...").
bool SaysMessageTooLarge(const std::string& message) {
  return message.find("larger than max") != std::string::npos;
}
}  // namespace

bool IsMessageTooLarge(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
         SaysMessageTooLarge(status.error_message());
}

bool IsMessageTooLarge(const Error& error) {
  return error.code() == ErrorCode::kResourceExhausted && SaysMessageTooLarge(error.message());
}

Error ErrorFromGrpcStatus(const grpc::Status& status, const char* rpc_name) {
  auto code = static_cast<ErrorCode>(static_cast<int>(status.error_code()));
  std::string message = std::string(rpc_name) + ": " + status.error_message();
  for (const google::protobuf::Any& detail : ReadStatusDetails(status.error_details())) {
    temporal::api::errordetails::v1::QueryFailedFailure query_failed;
    if (detail.UnpackTo(&query_failed)) {
      if (query_failed.has_failure()) {
        return Error(ErrorCode::kQueryFailed, message, Failure(query_failed.failure()));
      }
      return Error(ErrorCode::kQueryFailed, message);
    }
  }
  return Error(code, std::move(message));
}

}  // namespace temporal::detail
