// The non-template half of temporal/converter/payload.h: building payloads, reading
// their encoding, and the error messages every decode path shares.
#include "temporal/converter/payload.h"

#include <cxxabi.h>
#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace temporal {
namespace {

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

void SetEncoding(Payload* payload, std::string_view encoding) {
  (*payload->mutable_metadata())[std::string(kMetadataEncoding)] = std::string(encoding);
}

// WireMessageName is the name other SDKs know a message by. Our codegen renames
// the packages temporal.api.namespace.v1 and temporal.api.export.v1 (a trailing
// underscore, for the C++ keyword clash; see docs/architecture.md), which must
// not leak into payload metadata.
std::string WireMessageName(const google::protobuf::Descriptor* descriptor) {
  std::string name = descriptor->full_name();
  for (const char* renamed : {"temporal.api.namespace_.", "temporal.api.export_."}) {
    const std::string prefix(renamed);
    if (name.rfind(prefix, 0) == 0) {
      name = prefix.substr(0, prefix.size() - 2) + "." + name.substr(prefix.size());
    }
  }
  return name;
}

void SetMessageType(Payload* payload, const google::protobuf::Message& message) {
  (*payload->mutable_metadata())[std::string(kMetadataMessageType)] =
      WireMessageName(message.GetDescriptor());
}

}  // namespace

Result<Payload> ToBinaryProtobufPayload(const google::protobuf::Message& message) {
  Payload payload;
  SetEncoding(&payload, kEncodingProtobuf);
  SetMessageType(&payload, message);
  // SerializeToString fails only for proto2 messages with missing required fields.
  if (!message.SerializeToString(payload.mutable_data())) {
    return Error(ErrorCode::kDataConversion, "cannot serialize protobuf message " +
                                                 message.GetDescriptor()->full_name() +
                                                 ": missing required fields");
  }
  return payload;
}

namespace detail {

std::string DemangledTypeName(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
  if (status != 0 || demangled == nullptr) return type.name();
  return demangled.get();
}

Payload NullPayload() {
  Payload payload;
  SetEncoding(&payload, kEncodingNull);
  return payload;
}

Payload BytesToPayload(const Bytes& bytes) {
  Payload payload;
  SetEncoding(&payload, kEncodingRaw);
  // std::byte and char have the same size and char may alias anything.
  payload.set_data(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return payload;
}

Result<Payload> JsonToPayload(const nlohmann::json& json) {
  Payload payload;
  SetEncoding(&payload, kEncodingJson);
  try {
    // Compact, UTF-8 (not \u-escaped), as JSON.stringify and Go's json.Marshal write.
    payload.set_data(json.dump());
  } catch (const nlohmann::json::exception& error) {
    // dump() throws type_error 316 on a string that is not valid UTF-8.
    return Error(ErrorCode::kDataConversion,
                 std::string("cannot encode value as json/plain: ") + error.what());
  }
  return payload;
}

Result<Payload> ProtoToJsonPayload(const google::protobuf::Message& message) {
  Payload payload;
  SetEncoding(&payload, kEncodingProtobufJson);
  SetMessageType(&payload, message);
  // Default options are proto3 JSON as Go's protojson and the TypeScript SDK write
  // it: lowerCamelCase field names, default values omitted.
  google::protobuf::util::JsonPrintOptions options;
  auto status =
      google::protobuf::util::MessageToJsonString(message, payload.mutable_data(), options);
  if (!status.ok()) {
    return Error(ErrorCode::kDataConversion, "cannot encode protobuf message " +
                                                 message.GetDescriptor()->full_name() +
                                                 " as json/protobuf: " + status.ToString());
  }
  return payload;
}

Error ToPayloadError(TypeNameFunction type_name, std::string_view what) {
  return Error(ErrorCode::kDataConversion,
               "cannot convert " + type_name() + " to a payload: " + std::string(what));
}

std::string_view PayloadEncoding(const Payload& payload) {
  auto it = payload.metadata().find(std::string(kMetadataEncoding));
  if (it == payload.metadata().end()) return {};
  return it->second;
}

bool IsNullPayload(const Payload& payload) {
  std::string_view encoding = PayloadEncoding(payload);
  if (encoding == kEncodingNull) return true;
  // A JSON null (TypeScript's and Python's None/null) also means "no value".
  return encoding == kEncodingJson && payload.data() == "null";
}

Error EncodingMismatch(const Payload& payload, TypeNameFunction type_name) {
  auto it = payload.metadata().find(std::string(kMetadataEncoding));
  if (it == payload.metadata().end()) {
    return Error(ErrorCode::kDataConversion,
                 "cannot decode payload without 'encoding' metadata into " + type_name());
  }
  return Error(ErrorCode::kDataConversion, "cannot decode payload with encoding " +
                                               Quoted(it->second) + " into " + type_name());
}

Error JsonDecodeError(TypeNameFunction type_name, std::string_view what) {
  return Error(ErrorCode::kDataConversion,
               "cannot decode json/plain payload into " + type_name() + ": " + std::string(what));
}

Result<Bytes> BytesFromPayload(const Payload& payload, TypeNameFunction type_name) {
  if (PayloadEncoding(payload) != kEncodingRaw) return EncodingMismatch(payload, type_name);
  const std::string& data = payload.data();
  const auto* begin = reinterpret_cast<const std::byte*>(data.data());
  return Bytes(begin, begin + data.size());
}

Result<nlohmann::json> JsonFromPayload(const Payload& payload, TypeNameFunction type_name) {
  if (PayloadEncoding(payload) != kEncodingJson) return EncodingMismatch(payload, type_name);
  // parse() without exceptions: a discarded (invalid) document is an error value.
  nlohmann::json json = nlohmann::json::parse(payload.data(), /*cb=*/nullptr,
                                              /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return JsonDecodeError(type_name, "malformed JSON");
  }
  return json;
}

Status ProtoFromPayload(const Payload& payload, google::protobuf::Message* message,
                        TypeNameFunction type_name) {
  std::string_view encoding = PayloadEncoding(payload);
  if (encoding != kEncodingProtobufJson && encoding != kEncodingProtobuf) {
    return EncodingMismatch(payload, type_name);
  }
  const std::string expected_type = WireMessageName(message->GetDescriptor());
  auto it = payload.metadata().find(std::string(kMetadataMessageType));
  if (it != payload.metadata().end() && it->second != expected_type) {
    return Error(ErrorCode::kDataConversion, "cannot decode " + std::string(encoding) +
                                                 " payload of message type " + Quoted(it->second) +
                                                 " into " + type_name() + " (message type " +
                                                 Quoted(expected_type) + ")");
  }
  if (encoding == kEncodingProtobuf) {
    if (!message->ParseFromString(payload.data())) {
      return Error(ErrorCode::kDataConversion, "cannot decode binary/protobuf payload into " +
                                                   type_name() + ": malformed protobuf data");
    }
    return OkStatus();
  }
  // Unknown fields are an error, as in Go's ProtoJSONPayloadConverter by default.
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(payload.data(), message, options);
  if (!status.ok()) {
    return Error(ErrorCode::kDataConversion, "cannot decode json/protobuf payload into " +
                                                 type_name() + ": " + status.ToString());
  }
  return OkStatus();
}

Error ArgumentError(std::size_t index, const Error& error) {
  return Error(error.code(), "argument " + std::to_string(index) + ": " + error.message());
}

Error MissingArgument(std::size_t index, std::size_t available, TypeNameFunction type_name) {
  return Error(ErrorCode::kDataConversion, "argument " + std::to_string(index) + ": missing (" +
                                               type_name() + " expected, " +
                                               std::to_string(available) + " payload" +
                                               (available == 1 ? "" : "s") + " given)");
}

}  // namespace detail
}  // namespace temporal
