// temporal/converter/json_struct.h: declare a struct's JSON fields once; convert
// both ways; decode strictly.
//
// A workflow's inputs, results, signals, queries and updates are usually plain
// structs. TEMPORAL_JSON_STRUCT maps each member to its JSON name in one
// declaration, which both ToPayload (serialize) and FromPayload (decode) use:
//
//   namespace shop {
//   struct Address {
//     std::string city;
//     std::optional<std::string> postcode;
//   };
//   TEMPORAL_JSON_STRUCT(Address, (city, "city"), (postcode, "postcode"))
//
//   struct Order {
//     std::string id;
//     std::int64_t quantity = 0;
//     Address delivery;
//     std::vector<std::string> tags;
//   };
//   TEMPORAL_JSON_STRUCT(Order, (id, "orderId"), (quantity, "quantity"),
//                        (delivery, "delivery"), (tags, "tags"))
//   }  // namespace shop
//
//   temporal::ToPayload(order)  // {"delivery":{"city":"Oslo","postcode":null},
//                               //  "orderId":"o-1","quantity":3,"tags":[]}
//
// Write the macro at namespace scope, in the struct's own namespace (it defines
// functions found by argument-dependent lookup), after the struct. Members must
// be accessible there (public).
//
// Decoding is strict, because a payload may come from anyone who can start,
// signal or query a workflow, in any language, and a silently defaulted field
// would be taken for a real answer (an empty "isApproved" reads as a rejection).
// FromPayload<T> returns an ErrorCode::kDataConversion error that names the
// field, with its path through nested structs and arrays, when:
//   - the JSON is not an object (a string, an array, a number, null);
//   - a member that is not a std::optional is absent, or null;
//   - a value has the wrong JSON type: a string for a number, a number for a
//     bool, 2.5 for an integer, -1 or 2^40 for a std::int32_t, ...
// for example:
//   cannot decode json/plain payload into shop::Order: "delivery.city":
//   expected a string, got a number
// Members of type std::optional<U> may be absent or null (both decode to
// std::nullopt); an empty optional is written as null. Keys the struct does not
// declare are ignored, so a newer peer may add fields. Nested structs declared
// with TEMPORAL_JSON_STRUCT, std::optional, std::vector and std::map (string
// keys) of them are decoded the same way. Members of other types are decoded by
// nlohmann::json (their own adl_serializer or to_json/from_json), and an
// exception it throws is reported for that field.
//
// The macro also defines to_json/from_json for nlohmann::json, so such structs
// nest in other nlohmann-converted types; from_json throws std::invalid_argument
// with the same message when the JSON does not fit.
//
// Limits: at most 64 fields per struct; a struct cannot contain itself (a
// recursive type needs its own adl_serializer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "temporal/error.h"

/// TEMPORAL_JSON_STRUCT(Type, (member, "jsonName")...) declares the JSON fields
/// of `Type`: each `(member, "jsonName")` pair maps `Type::member` to the JSON
/// key "jsonName". See the top of this file.
#define TEMPORAL_JSON_STRUCT(Type, ...)                                                \
  [[maybe_unused]] inline constexpr auto TemporalJsonFields(                           \
      ::temporal::detail::JsonStructTag<Type>) {                                       \
    return std::make_tuple(                                                            \
        TEMPORAL_DETAIL_JSON_FOR_EACH(TEMPORAL_DETAIL_JSON_FIELD, Type, __VA_ARGS__)); \
  }                                                                                    \
  [[maybe_unused]] inline void to_json(::nlohmann::json& json, const Type& value) {    \
    json = ::temporal::detail::JsonStructToJson(value);                                \
  }                                                                                    \
  [[maybe_unused]] inline void from_json(const ::nlohmann::json& json, Type& value) {  \
    ::temporal::detail::JsonStructFromJsonOrThrow(json, value);                        \
  }

namespace temporal {

namespace detail {
// JsonStructTag<T> carries T to TemporalJsonFields without a T value; as a
// template argument, T's namespace is searched by argument-dependent lookup.
template <typename T>
struct JsonStructTag {};
}  // namespace detail

/// JsonStruct is satisfied by the types declared with TEMPORAL_JSON_STRUCT.
template <typename T>
concept JsonStruct = requires {
  TemporalJsonFields(std::declval<detail::JsonStructTag<T>>());
};

// ---------------------------------------------------------------------------
// Implementation details below: not part of the API, may change without notice.
// ---------------------------------------------------------------------------
namespace detail {

// JsonField is one (JSON key, member pointer) pair of a TEMPORAL_JSON_STRUCT.
template <typename Class, typename Member>
struct JsonField {
  std::string_view name;
  Member Class::*member;
};

template <typename Class, typename Member>
constexpr JsonField<Class, Member> MakeJsonField(std::string_view name, Member Class::*member) {
  return {name, member};
}

// The preprocessor loop behind TEMPORAL_JSON_STRUCT: applies `macro(Type, pair)`
// to each pair, comma-separated. Each TEMPORAL_DETAIL_JSON_EXPAND level rescans
// its argument four times; three levels deep, that is 64 rescans, one per field.
#define TEMPORAL_DETAIL_JSON_PARENS ()
#define TEMPORAL_DETAIL_JSON_EXPAND(...)                     \
  TEMPORAL_DETAIL_JSON_EXPAND2(TEMPORAL_DETAIL_JSON_EXPAND2( \
      TEMPORAL_DETAIL_JSON_EXPAND2(TEMPORAL_DETAIL_JSON_EXPAND2(__VA_ARGS__))))
#define TEMPORAL_DETAIL_JSON_EXPAND2(...)                    \
  TEMPORAL_DETAIL_JSON_EXPAND1(TEMPORAL_DETAIL_JSON_EXPAND1( \
      TEMPORAL_DETAIL_JSON_EXPAND1(TEMPORAL_DETAIL_JSON_EXPAND1(__VA_ARGS__))))
#define TEMPORAL_DETAIL_JSON_EXPAND1(...)                    \
  TEMPORAL_DETAIL_JSON_EXPAND0(TEMPORAL_DETAIL_JSON_EXPAND0( \
      TEMPORAL_DETAIL_JSON_EXPAND0(TEMPORAL_DETAIL_JSON_EXPAND0(__VA_ARGS__))))
#define TEMPORAL_DETAIL_JSON_EXPAND0(...) __VA_ARGS__
#define TEMPORAL_DETAIL_JSON_FOR_EACH(macro, Type, ...) \
  __VA_OPT__(                                           \
      TEMPORAL_DETAIL_JSON_EXPAND(TEMPORAL_DETAIL_JSON_FOR_EACH_STEP(macro, Type, __VA_ARGS__)))
#define TEMPORAL_DETAIL_JSON_FOR_EACH_STEP(macro, Type, pair, ...) \
  macro(Type, pair) __VA_OPT__(                                    \
      , TEMPORAL_DETAIL_JSON_FOR_EACH_AGAIN TEMPORAL_DETAIL_JSON_PARENS(macro, Type, __VA_ARGS__))
#define TEMPORAL_DETAIL_JSON_FOR_EACH_AGAIN() TEMPORAL_DETAIL_JSON_FOR_EACH_STEP
// (member, "name") -> MakeJsonField("name", &Type::member)
#define TEMPORAL_DETAIL_JSON_FIELD(Type, pair) \
  TEMPORAL_DETAIL_JSON_FIELD_OF(Type, TEMPORAL_DETAIL_JSON_UNPAREN pair)
#define TEMPORAL_DETAIL_JSON_UNPAREN(...) __VA_ARGS__
#define TEMPORAL_DETAIL_JSON_FIELD_OF(...) TEMPORAL_DETAIL_JSON_FIELD_OF_(__VA_ARGS__)
#define TEMPORAL_DETAIL_JSON_FIELD_OF_(Type, member, name) \
  ::temporal::detail::MakeJsonField(name, &Type::member)

template <JsonStruct T>
constexpr auto JsonFieldsOf() {
  return TemporalJsonFields(JsonStructTag<T>{});
}

template <typename T>
struct IsStdOptional : std::false_type {};
template <typename T>
struct IsStdOptional<std::optional<T>> : std::true_type {};
template <typename T>
struct IsStdVector : std::false_type {};
template <typename T, typename Allocator>
struct IsStdVector<std::vector<T, Allocator>> : std::true_type {};
template <typename T>
struct IsStringMap : std::false_type {};
template <typename V, typename Compare, typename Allocator>
struct IsStringMap<std::map<std::string, V, Compare, Allocator>> : std::true_type {};

// kDecodesStrictly<T>: FromPayload<T> goes through DecodeJsonValue below (a
// declared struct, or a container of one) rather than nlohmann's get<T>().
template <typename T>
struct DecodesStrictly : std::bool_constant<JsonStruct<T>> {};
template <typename T>
struct DecodesStrictly<std::optional<T>> : DecodesStrictly<T> {};
template <typename T, typename Allocator>
struct DecodesStrictly<std::vector<T, Allocator>> : DecodesStrictly<T> {};
template <typename V, typename Compare, typename Allocator>
struct DecodesStrictly<std::map<std::string, V, Compare, Allocator>> : DecodesStrictly<V> {};
template <typename T>
inline constexpr bool kDecodesStrictly = DecodesStrictly<T>::value;

// JsonPath is where the decoder is, as a chain of segments on the stack: the
// path is only formatted when there is an error to report.
struct JsonPath {
  const JsonPath* parent = nullptr;
  std::string_view key;   // a member's JSON name or a map key, when !is_index
  std::size_t index = 0;  // an array index, when is_index
  bool is_index = false;
};

/// JsonDecodeFailure is a field that does not fit: its path ("" for the
/// document itself, else e.g. "delivery.city" or "items[2].sku") and what is wrong.
struct JsonDecodeFailure {
  std::string path;
  std::string problem;
  /// ToString: "\"delivery.city\": expected a string, got a number", or just the
  /// problem for the document itself.
  std::string ToString() const;
};

std::string FormatJsonPath(const JsonPath* path);
// JsonTypeName: "a string", "a number", "null", ... as the errors say them.
std::string JsonTypeName(const nlohmann::json& json);
JsonDecodeFailure WrongJsonType(const JsonPath* path, std::string_view expected,
                                const nlohmann::json& got);
JsonDecodeFailure MissingJsonField(const JsonPath* path);
JsonDecodeFailure JsonFieldProblem(const JsonPath* path, std::string_view problem);
// Integer checks, out of line: is `json` an integral number within [min, max]?
std::optional<JsonDecodeFailure> CheckJsonSigned(const JsonPath* path, const nlohmann::json& json,
                                                 std::int64_t min, std::int64_t max);
std::optional<JsonDecodeFailure> CheckJsonUnsigned(const JsonPath* path, const nlohmann::json& json,
                                                   std::uint64_t max);

using JsonDecodeResult = std::optional<JsonDecodeFailure>;  // nullopt = decoded

template <typename T>
JsonDecodeResult DecodeJsonValue(const nlohmann::json& json, T& out, const JsonPath* path);

template <typename Class, typename Member>
JsonDecodeResult DecodeJsonField(const nlohmann::json& object, Class& out,
                                 const JsonField<Class, Member>& field, const JsonPath* parent) {
  const JsonPath here{parent, field.name};
  auto it = object.find(field.name);
  if (it == object.end()) {
    if constexpr (IsStdOptional<Member>::value) {
      (out.*field.member).reset();
      return std::nullopt;
    } else {
      return MissingJsonField(&here);
    }
  }
  return DecodeJsonValue(*it, out.*field.member, &here);
}

template <JsonStruct T>
JsonDecodeResult DecodeJsonStruct(const nlohmann::json& json, T& out, const JsonPath* path) {
  if (!json.is_object()) return WrongJsonType(path, "a JSON object", json);
  JsonDecodeResult failure;
  std::apply(
      [&](const auto&... field) {
        // Stops at the first failure: one precise error beats a list of knock-on ones.
        ((failure = failure ? failure : DecodeJsonField(json, out, field, path)), ...);
      },
      JsonFieldsOf<T>());
  return failure;
}

template <typename T>
JsonDecodeResult DecodeJsonValue(const nlohmann::json& json, T& out, const JsonPath* path) {
  if constexpr (std::is_same_v<T, nlohmann::json>) {
    out = json;
    return std::nullopt;
  } else if constexpr (JsonStruct<T>) {
    return DecodeJsonStruct(json, out, path);
  } else if constexpr (IsStdOptional<T>::value) {
    if (json.is_null()) {
      out.reset();
      return std::nullopt;
    }
    typename T::value_type value{};
    if (JsonDecodeResult failure = DecodeJsonValue(json, value, path)) return failure;
    out = std::move(value);
    return std::nullopt;
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!json.is_string()) return WrongJsonType(path, "a string", json);
    out = json.template get_ref<const std::string&>();
    return std::nullopt;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!json.is_boolean()) return WrongJsonType(path, "a boolean", json);
    out = json.template get<bool>();
    return std::nullopt;
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    if (JsonDecodeResult failure = CheckJsonSigned(path, json, std::numeric_limits<T>::min(),
                                                   std::numeric_limits<T>::max())) {
      return failure;
    }
    out = static_cast<T>(json.is_number_float()
                             ? static_cast<std::int64_t>(json.template get<double>())
                             : json.template get<std::int64_t>());
    return std::nullopt;
  } else if constexpr (std::is_integral_v<T>) {
    if (JsonDecodeResult failure = CheckJsonUnsigned(path, json, std::numeric_limits<T>::max())) {
      return failure;
    }
    out = static_cast<T>(json.is_number_float()
                             ? static_cast<std::uint64_t>(json.template get<double>())
                             : json.template get<std::uint64_t>());
    return std::nullopt;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!json.is_number()) return WrongJsonType(path, "a number", json);
    out = json.template get<T>();
    return std::nullopt;
  } else if constexpr (IsStdVector<T>::value) {
    if (!json.is_array()) return WrongJsonType(path, "an array", json);
    T values;
    values.reserve(json.size());
    for (std::size_t i = 0; i < json.size(); ++i) {
      const JsonPath element{path, {}, i, true};
      typename T::value_type value{};
      if (JsonDecodeResult failure = DecodeJsonValue(json[i], value, &element)) return failure;
      values.push_back(std::move(value));
    }
    out = std::move(values);
    return std::nullopt;
  } else if constexpr (IsStringMap<T>::value) {
    if (!json.is_object()) return WrongJsonType(path, "a JSON object", json);
    T values;
    for (auto it = json.begin(); it != json.end(); ++it) {
      const JsonPath entry{path, it.key()};
      typename T::mapped_type value{};
      if (JsonDecodeResult failure = DecodeJsonValue(it.value(), value, &entry)) return failure;
      values.emplace(it.key(), std::move(value));
    }
    out = std::move(values);
    return std::nullopt;
  } else {
    // A type with its own nlohmann conversion: its errors are exceptions.
    try {
      json.get_to(out);
      return std::nullopt;
    } catch (const std::exception& error) {
      return JsonFieldProblem(path, error.what());
    }
  }
}

template <JsonStruct T>
nlohmann::json JsonStructToJson(const T& value);

template <typename T>
nlohmann::json JsonValueToJson(const T& value) {
  if constexpr (JsonStruct<T>) {
    return JsonStructToJson(value);
  } else if constexpr (IsStdOptional<T>::value) {
    return value ? JsonValueToJson(*value) : nlohmann::json(nullptr);
  } else if constexpr (IsStdVector<T>::value) {
    nlohmann::json array = nlohmann::json::array();
    // bool(element): std::vector<bool> yields proxies, not bools.
    for (const auto& element : value) {
      if constexpr (std::is_same_v<typename T::value_type, bool>) {
        array.push_back(static_cast<bool>(element));
      } else {
        array.push_back(JsonValueToJson(element));
      }
    }
    return array;
  } else if constexpr (IsStringMap<T>::value) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, element] : value) object[key] = JsonValueToJson(element);
    return object;
  } else {
    return nlohmann::json(value);
  }
}

template <JsonStruct T>
nlohmann::json JsonStructToJson(const T& value) {
  nlohmann::json object = nlohmann::json::object();
  std::apply(
      [&](const auto&... field) {
        ((object[std::string(field.name)] = JsonValueToJson(value.*field.member)), ...);
      },
      JsonFieldsOf<T>());
  return object;
}

template <JsonStruct T>
void JsonStructFromJsonOrThrow(const nlohmann::json& json, T& value) {
  if (JsonDecodeResult failure = DecodeJsonStruct(json, value, nullptr)) {
    throw std::invalid_argument(failure->ToString());
  }
}

}  // namespace detail
}  // namespace temporal
