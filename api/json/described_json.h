// api/json/described_json.h: the API's JSON bodies, declared once.
//
// Every request and response body of the HTTP API is a plain struct described
// with Boost.Describe. That one declaration is used three ways:
//
//   Decode<T>   parses a request body strictly: a field the struct does not
//               declare, a missing required field, a wrong JSON type, a value
//               outside the field's rules: each is an error naming the field.
//   Encode<T>   writes a response body.
//   SchemaOf<T> writes the JSON Schema (OpenAPI 3.1) of the body: every object
//               lists its `required` fields and sets `additionalProperties: false`.
//
// so the OpenAPI document cannot drift from what the handlers accept and send.
//
//   struct AuthorizeInput {
//     std::string decision;
//     std::string plan_hash;
//     std::optional<std::string> reason;
//     static void Rules(json::FieldRules& rules) {
//       rules["decision"] = {.description = "approve or reject", .one_of = {"approve", "reject"}};
//       rules["planHash"] = {.pattern = "^[0-9a-f]{64}$"};
//     }
//   };
//   BOOST_DESCRIBE_STRUCT(AuthorizeInput, (), (decision, plan_hash, reason))
//
//   AuthorizeInput input;
//   if (std::optional<json::DecodeError> error = json::Decode(body, input))
//     ... error->path == "planHash", error->message == "must match ^[0-9a-f]{64}$"
//
// JSON names are the members' names in camelCase (plan_hash -> "planHash").
// Members of type std::optional<U> may be absent (an absent one is not written
// either); null is not accepted for them, so that a body and its schema agree.
// Supported member types: std::string, bool, signed integers, double,
// std::optional, std::vector, std::map<std::string, U>, nlohmann::json (any
// value; its schema is {}) and other described structs.
//
// The optional static `Rules(FieldRules&)` adds, per JSON name, a description
// and constraints that decoding enforces and the schema publishes; a rule that
// names no field throws std::logic_error when the type is first used. An
// optional `static constexpr std::string_view kDescription` describes the type.
#pragma once

#include <boost/describe.hpp>
#include <boost/mp11.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace provisio::api::json {

/// FieldRule documents one field and constrains its value. String rules apply
/// to a string field, or to each string of an array field.
struct FieldRule {
  std::string description;
  /// one_of lists the only strings allowed (the schema's `enum`).
  std::vector<std::string> one_of;
  /// pattern is an ECMAScript regular expression the whole string must match.
  std::string pattern;
  std::optional<std::size_t> min_length;
  std::optional<std::size_t> max_length;
  std::optional<std::int64_t> minimum;
  std::optional<std::int64_t> maximum;
  std::optional<std::size_t> min_items;
  std::optional<std::size_t> max_items;
};

/// FieldRules maps a JSON field name to its rule.
class FieldRules {
 public:
  FieldRule& operator[](const std::string& json_name) { return rules_[json_name]; }
  const FieldRule* Find(std::string_view json_name) const {
    auto it = rules_.find(std::string(json_name));
    return it == rules_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, FieldRule>& all() const { return rules_; }

 private:
  std::map<std::string, FieldRule> rules_;
};

/// DecodeError says which field of a body is wrong and why. `path` is "" for
/// the body itself, else like "approval.roles[0]" or "parameters.site_name".
struct DecodeError {
  std::string path;
  std::string message;
  /// ToString: "approval.roles[0]: must be a string, got a number".
  std::string ToString() const { return path.empty() ? message : path + ": " + message; }
};

/// JsonName is a member's JSON name: snake_case to camelCase.
std::string JsonName(std::string_view member_name);

namespace detail {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <typename T>
struct IsVector : std::false_type {};
template <typename T, typename A>
struct IsVector<std::vector<T, A>> : std::true_type {};
template <typename T>
struct IsStringMap : std::false_type {};
template <typename V, typename C, typename A>
struct IsStringMap<std::map<std::string, V, C, A>> : std::true_type {};

template <typename T>
concept Described = boost::describe::has_describe_members<T>::value;

// Path is where the decoder is: a chain on the stack, formatted only for errors.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  std::size_t index = 0;
  bool is_index = false;
};
std::string FormatPath(const Path* path);
std::string JsonTypeName(const nlohmann::json& value);
DecodeError Problem(const Path* path, std::string message);
std::optional<DecodeError> CheckString(const std::string& value, const FieldRule* rule,
                                       const Path* path);
std::optional<DecodeError> CheckInteger(const nlohmann::json& value, std::int64_t low,
                                        std::int64_t high, const FieldRule* rule, const Path* path,
                                        std::int64_t& out);
void ApplyStringRule(nlohmann::json& schema, const FieldRule* rule);
void ApplyFieldRule(nlohmann::json& schema, const FieldRule* rule);
std::string ListNames(const std::vector<std::string>& names);

template <Described T>
const std::vector<std::string>& FieldNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
        [&](auto member) { out.push_back(JsonName(member.name)); });
    return out;
  }();
  return names;
}

template <Described T>
const FieldRules& RulesOf() {
  static const FieldRules rules = [] {
    FieldRules declared;
    if constexpr (requires { T::Rules(declared); }) T::Rules(declared);
    const std::vector<std::string>& names = FieldNames<T>();
    for (const auto& [name, rule] : declared.all()) {
      bool known = false;
      for (const std::string& field : names) known = known || field == name;
      if (!known) throw std::logic_error("a field rule names \"" + name + "\", not a field");
    }
    return declared;
  }();
  return rules;
}

template <typename T>
std::optional<DecodeError> DecodeValue(const nlohmann::json& value, T& out, const Path* path,
                                       const FieldRule* rule);

template <Described T>
std::optional<DecodeError> DecodeStruct(const nlohmann::json& value, T& out, const Path* path) {
  if (!value.is_object()) return Problem(path, "must be a JSON object, got " + JsonTypeName(value));
  const std::vector<std::string>& names = FieldNames<T>();
  for (auto it = value.begin(); it != value.end(); ++it) {
    bool known = false;
    for (const std::string& name : names) known = known || name == it.key();
    if (!known) {
      const Path here{path, it.key()};
      return Problem(&here, "is not a field here; the fields are " + ListNames(names));
    }
  }
  const FieldRules& rules = RulesOf<T>();
  std::optional<DecodeError> failure;
  std::size_t index = 0;
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
      [&](auto member) {
        const std::string& name = names[index++];
        if (failure) return;
        const Path here{path, name};
        using Member = std::remove_cvref_t<decltype(out.*member.pointer)>;
        auto found = value.find(name);
        if (found == value.end()) {
          if constexpr (IsOptional<Member>::value) {
            (out.*member.pointer).reset();
          } else {
            failure = Problem(&here, "is required");
          }
          return;
        }
        failure = DecodeValue(*found, out.*member.pointer, &here, rules.Find(name));
      });
  return failure;
}

template <typename T>
std::optional<DecodeError> DecodeValue(const nlohmann::json& value, T& out, const Path* path,
                                       const FieldRule* rule) {
  if constexpr (std::is_same_v<T, nlohmann::json>) {
    out = value;
    return std::nullopt;
  } else if constexpr (Described<T>) {
    return DecodeStruct(value, out, path);
  } else if constexpr (IsOptional<T>::value) {
    typename T::value_type inner{};
    if (auto failure = DecodeValue(value, inner, path, rule)) return failure;
    out = std::move(inner);
    return std::nullopt;
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!value.is_string()) return Problem(path, "must be a string, got " + JsonTypeName(value));
    out = value.template get<std::string>();
    return CheckString(out, rule, path);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!value.is_boolean()) return Problem(path, "must be a boolean, got " + JsonTypeName(value));
    out = value.template get<bool>();
    return std::nullopt;
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    std::int64_t number = 0;
    if (auto failure = CheckInteger(value, std::numeric_limits<T>::min(),
                                    std::numeric_limits<T>::max(), rule, path, number))
      return failure;
    out = static_cast<T>(number);
    return std::nullopt;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!value.is_number()) return Problem(path, "must be a number, got " + JsonTypeName(value));
    out = value.template get<T>();
    return std::nullopt;
  } else if constexpr (IsVector<T>::value) {
    if (!value.is_array()) return Problem(path, "must be an array, got " + JsonTypeName(value));
    if (rule != nullptr && rule->min_items && value.size() < *rule->min_items)
      return Problem(path, "must have at least " + std::to_string(*rule->min_items) + " items");
    if (rule != nullptr && rule->max_items && value.size() > *rule->max_items)
      return Problem(path, "must have at most " + std::to_string(*rule->max_items) + " items");
    T items;
    items.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
      const Path here{path, {}, i, true};
      typename T::value_type item{};
      if (auto failure = DecodeValue(value[i], item, &here, rule)) return failure;
      items.push_back(std::move(item));
    }
    out = std::move(items);
    return std::nullopt;
  } else if constexpr (IsStringMap<T>::value) {
    if (!value.is_object())
      return Problem(path, "must be a JSON object, got " + JsonTypeName(value));
    T entries;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const Path here{path, it.key()};
      typename T::mapped_type entry{};
      if (auto failure = DecodeValue(it.value(), entry, &here, nullptr)) return failure;
      entries.emplace(it.key(), std::move(entry));
    }
    out = std::move(entries);
    return std::nullopt;
  } else {
    static_assert(sizeof(T) == 0, "described_json.h: unsupported member type");
  }
}

template <typename T>
nlohmann::json EncodeValue(const T& value) {
  if constexpr (std::is_same_v<T, nlohmann::json>) {
    return value;
  } else if constexpr (Described<T>) {
    nlohmann::json object = nlohmann::json::object();
    const std::vector<std::string>& names = FieldNames<T>();
    std::size_t index = 0;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
        [&](auto member) {
          const std::string& name = names[index++];
          const auto& field = value.*member.pointer;
          using Member = std::remove_cvref_t<decltype(field)>;
          if constexpr (IsOptional<Member>::value) {
            if (field) object[name] = EncodeValue(*field);
          } else {
            object[name] = EncodeValue(field);
          }
        });
    return object;
  } else if constexpr (IsVector<T>::value) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& item : value) array.push_back(EncodeValue(item));
    return array;
  } else if constexpr (IsStringMap<T>::value) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, item] : value) object[key] = EncodeValue(item);
    return object;
  } else {
    return nlohmann::json(value);
  }
}

template <typename T>
nlohmann::json SchemaOfValue(const FieldRule* rule) {
  nlohmann::json schema;
  if constexpr (std::is_same_v<T, nlohmann::json>) {
    schema = nlohmann::json::object();
  } else if constexpr (Described<T>) {
    schema = {{"type", "object"}};
    if constexpr (requires { T::kDescription; })
      schema["description"] = std::string(T::kDescription);
    nlohmann::json properties = nlohmann::json::object();
    nlohmann::json required = nlohmann::json::array();
    const std::vector<std::string>& names = FieldNames<T>();
    const FieldRules& rules = RulesOf<T>();
    std::size_t index = 0;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
        [&](auto member) {
          const std::string& name = names[index++];
          using Member = std::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
          if constexpr (IsOptional<Member>::value) {
            properties[name] = SchemaOfValue<typename Member::value_type>(rules.Find(name));
          } else {
            properties[name] = SchemaOfValue<Member>(rules.Find(name));
            required.push_back(name);
          }
        });
    schema["properties"] = std::move(properties);
    schema["required"] = std::move(required);
    schema["additionalProperties"] = false;
  } else if constexpr (std::is_same_v<T, std::string>) {
    schema = {{"type", "string"}};
    ApplyStringRule(schema, rule);
  } else if constexpr (std::is_same_v<T, bool>) {
    schema = {{"type", "boolean"}};
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    schema = {{"type", "integer"}};
    if constexpr (sizeof(T) <= 4)
      schema["format"] = "int32";
    else
      schema["format"] = "int64";
  } else if constexpr (std::is_floating_point_v<T>) {
    schema = {{"type", "number"}};
  } else if constexpr (IsVector<T>::value) {
    nlohmann::json items = SchemaOfValue<typename T::value_type>(nullptr);
    if constexpr (std::is_same_v<typename T::value_type, std::string>) ApplyStringRule(items, rule);
    schema = {{"type", "array"}, {"items", std::move(items)}};
  } else if constexpr (IsStringMap<T>::value) {
    schema = {{"type", "object"},
              {"additionalProperties", SchemaOfValue<typename T::mapped_type>(nullptr)}};
  }
  ApplyFieldRule(schema, rule);
  return schema;
}

}  // namespace detail

/// Decode fills `out` from `body`; nullopt on success, else the first field
/// that does not fit (one precise error beats a list of knock-on ones).
template <detail::Described T>
std::optional<DecodeError> Decode(const nlohmann::json& body, T& out) {
  return detail::DecodeStruct(body, out, nullptr);
}

/// Encode writes `value` as JSON (absent optionals are left out).
template <typename T>
nlohmann::json Encode(const T& value) {
  return detail::EncodeValue(value);
}

/// SchemaOf is the JSON Schema of T (OpenAPI 3.1 / JSON Schema 2020-12).
template <typename T>
nlohmann::json SchemaOf() {
  return detail::SchemaOfValue<T>(nullptr);
}

}  // namespace provisio::api::json
