// temporal/converter/payload.h: converting C++ values to and from Temporal payloads.
//
// Every value that crosses Temporal (workflow and activity arguments and results,
// signal, query and update arguments, heartbeat details, failure details) travels
// as a `temporal.api.common.v1.Payload`: a byte string plus metadata whose
// "encoding" entry says how to read the bytes. This header turns C++ values into
// payloads and back, choosing the encoding exactly as the official Temporal SDKs
// (Go, Java, TypeScript, Python, .NET) do, so a C++ worker and a worker in any other
// language read each other's payloads:
//
//   | C++ value                                              | encoding         |
//   |--------------------------------------------------------|------------------|
//   | std::nullptr_t, std::monostate, empty std::optional    | binary/null      |
//   | temporal::Bytes (std::vector<std::byte>)               | binary/plain     |
//   | any google::protobuf::Message subclass                 | json/protobuf    |
//   | anything nlohmann::json can serialize                  | json/plain       |
//
// The first matching row wins. `ToBinaryProtobufPayload` writes binary/protobuf on
// request; a `Payload` passed to `ToPayload` is passed through unchanged. Only
// temporal::Bytes is binary/plain: a std::string is a JSON string (it must be valid
// UTF-8) and a std::vector<std::uint8_t> a JSON array of numbers, so put raw bytes
// in a temporal::Bytes.
//
// Decoding checks the encoding: a payload is only ever decoded into a type that
// its encoding can represent, and a mismatch is an `ErrorCode::kDataConversion`
// error that names the encoding and the target type, never a garbage value and
// never an exception.
//
// These functions do not apply payload codecs (encryption, compression). The
// `DataConverter` (temporal/converter/data_converter.h) does, on payloads that
// these functions produced.
//
// Example:
//
//   struct Order {
//     std::string id;
//     int quantity = 0;
//   };
//   NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Order, id, quantity)
//
//   temporal::Result<temporal::Payload> payload = temporal::ToPayload(Order{"o-1", 3});
//   // payload->data() == R"({"id":"o-1","quantity":3})", encoding "json/plain"
//   temporal::Result<Order> order = temporal::FromPayload<Order>(*payload);
//
//   temporal::Result<std::vector<temporal::Payload>> args =
//       temporal::ToPayloads(std::string("o-1"), 3, std::optional<int>());
//   auto decoded = temporal::FromPayloads<std::string, int, std::optional<int>>(*args);
//   if (!decoded) return decoded.error();
//   auto [id, quantity, limit] = *std::move(decoded);
//
// Making your own types convertible
// ---------------------------------
// A struct becomes convertible (as json/plain) by declaring its fields to
// nlohmann::json next to the struct, in the struct's namespace:
//
//   NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Order, id, quantity)
//
// (NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT tolerates missing fields, which
// helps when another SDK's peer omits them; NLOHMANN_DEFINE_TYPE_INTRUSIVE reaches
// private members.) Field names become JSON keys; nlohmann::json writes object keys
// in sorted order.
//
// Customizing how a type is converted
// -----------------------------------
// For a type you cannot change, or that needs a different JSON shape, specialize
// nlohmann's serializer; ToPayload and FromPayload pick it up:
//
//   namespace nlohmann {
//   template <>
//   struct adl_serializer<std::chrono::seconds> {
//     static void to_json(json& j, const std::chrono::seconds& d) { j = d.count(); }
//     static void from_json(const json& j, std::chrono::seconds& d) {
//       d = std::chrono::seconds(j.get<std::int64_t>());
//     }
//   };
//   }  // namespace nlohmann
//
// An exception thrown by a to_json/from_json (including nlohmann's own type errors)
// is caught and returned as a kDataConversion error.
//
// Thread safety: every function here is safe to call concurrently.
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/repeated_field.h>

#include <cstddef>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

#include "temporal/api/common/v1/message.pb.h"
#include "temporal/converter/json_struct.h"
#include "temporal/error.h"

namespace temporal {

/// Payload is the unit of data Temporal stores and moves: bytes plus metadata.
using Payload = temporal::api::common::v1::Payload;

/// Bytes is an opaque byte string. It converts to a binary/plain payload whose data
/// is exactly these bytes.
using Bytes = std::vector<std::byte>;

/// kMetadataEncoding is the payload metadata key that names the payload's encoding.
inline constexpr std::string_view kMetadataEncoding = "encoding";
/// kMetadataMessageType is the payload metadata key that names the full protobuf
/// message type (e.g. "temporal.api.common.v1.WorkflowType") of a json/protobuf or
/// binary/protobuf payload.
inline constexpr std::string_view kMetadataMessageType = "messageType";

/// kEncodingNull marks "no value" (nullptr, std::monostate, empty std::optional);
/// its data is empty.
inline constexpr std::string_view kEncodingNull = "binary/null";
/// kEncodingRaw marks opaque bytes (temporal::Bytes); the data is the bytes.
inline constexpr std::string_view kEncodingRaw = "binary/plain";
/// kEncodingJson marks a JSON document (UTF-8, compact) written by nlohmann::json.
inline constexpr std::string_view kEncodingJson = "json/plain";
/// kEncodingProtobufJson marks a protobuf message in proto3 JSON form.
inline constexpr std::string_view kEncodingProtobufJson = "json/protobuf";
/// kEncodingProtobuf marks a protobuf message in binary wire form.
inline constexpr std::string_view kEncodingProtobuf = "binary/protobuf";

/// ToPayload converts `value` to a payload, choosing the encoding as the table at
/// the top of this file says. Fails with kDataConversion when serialization fails
/// (e.g. a string that is not valid UTF-8, or a throwing to_json). A type that fits
/// no row does not compile.
template <typename T>
Result<Payload> ToPayload(const T& value);

/// ToBinaryProtobufPayload converts `message` to a binary/protobuf payload (metadata
/// messageType = the message's full name). Use it when a peer expects binary
/// protobuf; ToPayload writes json/protobuf, as the official SDKs do by default.
Result<Payload> ToBinaryProtobufPayload(const google::protobuf::Message& message);

/// FromPayload decodes `payload` into a T, checking its encoding:
///   - binary/null decodes into an empty std::optional<U>, std::monostate,
///     std::nullptr_t, or a null nlohmann::json;
///   - binary/plain decodes into temporal::Bytes;
///   - json/protobuf and binary/protobuf decode into the protobuf message type T;
///     when the payload names its messageType, it must be T's full name;
///   - json/plain decodes into any T that nlohmann::json can deserialize (and into
///     std::optional<U> of such a U; a JSON `null` gives an empty optional);
///   - T = Payload returns the payload unchanged.
/// Anything else (missing or unknown encoding, an encoding T cannot hold,
/// malformed data) fails with kDataConversion, e.g. "cannot decode payload with
/// encoding 'binary/plain' into std::string".
template <typename T>
Result<T> FromPayload(const Payload& payload);

/// ToPayloads converts each argument with ToPayload, in order: the payload list for
/// a call with several arguments. Fails on the first argument that does not convert
/// ("argument 1: ...").
template <typename... Args>
Result<std::vector<Payload>> ToPayloads(const Args&... args);

/// FromPayloads decodes the first sizeof...(Args) payloads into a tuple, each with
/// FromPayload. A missing payload is an error unless its argument type is a
/// std::optional (then it is empty); payloads beyond the last argument are ignored,
/// as the official SDKs do, so a workflow can drop trailing parameters.
template <typename... Args>
Result<std::tuple<Args...>> FromPayloads(
    const google::protobuf::RepeatedPtrField<Payload>& payloads);

/// FromPayloads decodes a std::vector of payloads; see the overload above.
template <typename... Args>
Result<std::tuple<Args...>> FromPayloads(const std::vector<Payload>& payloads);

/// TypeName returns a readable name of T for error messages: "std::string",
/// "temporal::Bytes", "nlohmann::json", "std::optional<int>", otherwise the
/// demangled C++ name (e.g. "temporal::api::common::v1::WorkflowType").
template <typename T>
std::string TypeName();

// ---------------------------------------------------------------------------
// Implementation details below: not part of the API, may change without notice.
// ---------------------------------------------------------------------------
namespace detail {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <typename T>
inline constexpr bool kIsOptional = IsOptional<T>::value;

template <typename T>
struct IsVector : std::false_type {};
template <typename T, typename Allocator>
struct IsVector<std::vector<T, Allocator>> : std::true_type {};

template <typename T>
inline constexpr bool kIsNullType =
    std::is_same_v<T, std::nullptr_t> || std::is_same_v<T, std::monostate>;

template <typename T>
inline constexpr bool kIsProtoMessage = std::is_base_of_v<google::protobuf::Message, T>;

template <typename T>
inline constexpr bool kAlwaysFalse = false;

template <typename T>
concept JsonSerializable = requires(const T& value) {
  nlohmann::json(value);
};

template <typename T>
concept JsonDeserializable = requires(const nlohmann::json& json) {
  json.template get<T>();
};

// Lazily computed target type name: errors are rare, names cost allocations.
using TypeNameFunction = std::string (*)();

std::string DemangledTypeName(const std::type_info& type);
Payload NullPayload();
Payload BytesToPayload(const Bytes& bytes);
Result<Payload> JsonToPayload(const nlohmann::json& json);
Result<Payload> ProtoToJsonPayload(const google::protobuf::Message& message);
Error ToPayloadError(TypeNameFunction type_name, std::string_view what);
std::string_view PayloadEncoding(const Payload& payload);
bool IsNullPayload(const Payload& payload);
Error EncodingMismatch(const Payload& payload, TypeNameFunction type_name);
Error JsonDecodeError(TypeNameFunction type_name, std::string_view what);
Result<Bytes> BytesFromPayload(const Payload& payload, TypeNameFunction type_name);
Result<nlohmann::json> JsonFromPayload(const Payload& payload, TypeNameFunction type_name);
Status ProtoFromPayload(const Payload& payload, google::protobuf::Message* message,
                        TypeNameFunction type_name);
Error ArgumentError(std::size_t index, const Error& error);
Error MissingArgument(std::size_t index, std::size_t available, TypeNameFunction type_name);

template <typename T>
Result<T> DecodePayload(const Payload& payload, TypeNameFunction type_name) {
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T>,
                "FromPayload<T>: T must be a plain value type");
  if constexpr (std::is_same_v<T, Payload>) {
    return payload;
  } else if constexpr (kIsOptional<T>) {
    if (IsNullPayload(payload)) return T(std::nullopt);
    Result<typename T::value_type> inner =
        DecodePayload<typename T::value_type>(payload, type_name);
    if (!inner) return inner.error();
    return T(std::move(*inner));
  } else if constexpr (kIsNullType<T>) {
    if (IsNullPayload(payload)) return T{};
    return EncodingMismatch(payload, type_name);
  } else if constexpr (std::is_same_v<T, Bytes>) {
    return BytesFromPayload(payload, type_name);
  } else if constexpr (kIsProtoMessage<T>) {
    T message;
    Status status = ProtoFromPayload(payload, &message, type_name);
    if (!status) return status.error();
    return message;
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    if (PayloadEncoding(payload) == kEncodingNull) return nlohmann::json(nullptr);
    return JsonFromPayload(payload, type_name);
  } else if constexpr (kDecodesStrictly<T>) {
    // Structs declared with TEMPORAL_JSON_STRUCT (and containers of them):
    // strict, and the error names the field (json_struct.h).
    Result<nlohmann::json> json = JsonFromPayload(payload, type_name);
    if (!json) return json.error();
    T value{};
    if (JsonDecodeResult failure = DecodeJsonValue(*json, value, nullptr)) {
      return JsonDecodeError(type_name, failure->ToString());
    }
    return value;
  } else if constexpr (JsonDeserializable<T>) {
    Result<nlohmann::json> json = JsonFromPayload(payload, type_name);
    if (!json) return json.error();
    try {
      return json->template get<T>();
    } catch (const std::exception& error) {
      return JsonDecodeError(type_name, error.what());
    }
  } else {
    static_assert(kAlwaysFalse<T>,
                  "FromPayload<T>: T is not convertible; make it deserializable by "
                  "nlohmann::json (see temporal/converter/payload.h)");
  }
}

template <std::size_t Index, typename T, typename Container>
void DecodeArgumentInto(const Container& payloads, std::optional<T>* slot,
                        std::optional<Error>* error) {
  if (*error) return;
  const std::size_t available = static_cast<std::size_t>(payloads.size());
  if (Index >= available) {
    if constexpr (kIsOptional<T>) {
      slot->emplace(std::nullopt);
    } else {
      error->emplace(MissingArgument(Index, available, &TypeName<T>));
    }
    return;
  }
  Result<T> value = FromPayload<T>(payloads[static_cast<int>(Index)]);
  if (value) {
    slot->emplace(std::move(*value));
  } else {
    error->emplace(ArgumentError(Index, value.error()));
  }
}

template <typename... Args, typename Container, std::size_t... Index>
Result<std::tuple<Args...>> DecodeArguments(const Container& payloads,
                                            std::index_sequence<Index...>) {
  std::tuple<std::optional<Args>...> values;
  std::optional<Error> error;
  (DecodeArgumentInto<Index, Args>(payloads, &std::get<Index>(values), &error), ...);
  if (error) return *std::move(error);
  return std::tuple<Args...>(std::move(*std::get<Index>(values))...);
}

}  // namespace detail

template <typename T>
std::string TypeName() {
  if constexpr (std::is_same_v<T, std::string>) {
    return "std::string";
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return "std::string_view";
  } else if constexpr (std::is_same_v<T, Bytes>) {
    return "temporal::Bytes";
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    return "nlohmann::json";
  } else if constexpr (std::is_same_v<T, Payload>) {
    return "temporal::Payload";
  } else if constexpr (std::is_same_v<T, std::nullptr_t>) {
    return "std::nullptr_t";
  } else if constexpr (std::is_same_v<T, std::monostate>) {
    return "std::monostate";
  } else if constexpr (detail::kIsOptional<T>) {
    return "std::optional<" + TypeName<typename T::value_type>() + ">";
  } else if constexpr (detail::IsVector<T>::value) {
    return "std::vector<" + TypeName<typename T::value_type>() + ">";
  } else {
    return detail::DemangledTypeName(typeid(T));
  }
}

template <typename T>
Result<Payload> ToPayload(const T& value) {
  if constexpr (std::is_same_v<T, Payload>) {
    return value;
  } else if constexpr (detail::kIsOptional<T>) {
    if (!value.has_value()) return detail::NullPayload();
    return ToPayload(*value);
  } else if constexpr (detail::kIsNullType<T>) {
    return detail::NullPayload();
  } else if constexpr (std::is_same_v<T, Bytes>) {
    return detail::BytesToPayload(value);
  } else if constexpr (detail::kIsProtoMessage<T>) {
    return detail::ProtoToJsonPayload(value);
  } else if constexpr (detail::JsonSerializable<T>) {
    try {
      return detail::JsonToPayload(nlohmann::json(value));
    } catch (const std::exception& error) {
      return detail::ToPayloadError(&TypeName<T>, error.what());
    }
  } else {
    static_assert(detail::kAlwaysFalse<T>,
                  "ToPayload<T>: T is not convertible; make it serializable by "
                  "nlohmann::json (see temporal/converter/payload.h)");
  }
}

template <typename T>
Result<T> FromPayload(const Payload& payload) {
  return detail::DecodePayload<T>(payload, &TypeName<T>);
}

template <typename... Args>
Result<std::vector<Payload>> ToPayloads(const Args&... args) {
  std::vector<Payload> payloads;
  payloads.reserve(sizeof...(Args));
  std::optional<Error> error;
  [[maybe_unused]] auto add = [&payloads, &error](const auto& arg) {
    if (error) return;
    Result<Payload> payload = ToPayload(arg);
    if (payload) {
      payloads.push_back(std::move(*payload));
    } else {
      error.emplace(detail::ArgumentError(payloads.size(), payload.error()));
    }
  };
  (add(args), ...);
  if (error) return *std::move(error);
  return payloads;
}

template <typename... Args>
Result<std::tuple<Args...>> FromPayloads(
    const google::protobuf::RepeatedPtrField<Payload>& payloads) {
  return detail::DecodeArguments<Args...>(payloads, std::index_sequence_for<Args...>{});
}

template <typename... Args>
Result<std::tuple<Args...>> FromPayloads(const std::vector<Payload>& payloads) {
  return detail::DecodeArguments<Args...>(payloads, std::index_sequence_for<Args...>{});
}

}  // namespace temporal
