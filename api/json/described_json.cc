#include "json/described_json.h"

#include <regex>

namespace provisio::api::json {

std::string JsonName(std::string_view member_name) {
  std::string name;
  name.reserve(member_name.size());
  bool upper_next = false;
  for (char c : member_name) {
    if (c == '_') {
      upper_next = !name.empty();
      continue;
    }
    name += upper_next && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper_next = false;
  }
  return name;
}

namespace detail {

std::string FormatPath(const Path* path) {
  if (path == nullptr) return "";
  std::string parent = FormatPath(path->parent);
  if (path->is_index) return parent + "[" + std::to_string(path->index) + "]";
  return parent.empty() ? std::string(path->key) : parent + "." + std::string(path->key);
}

std::string JsonTypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

DecodeError Problem(const Path* path, std::string message) {
  return DecodeError{FormatPath(path), std::move(message)};
}

std::string ListNames(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  return list.empty() ? "(none)" : list;
}

std::optional<DecodeError> CheckString(const std::string& value, const FieldRule* rule,
                                       const Path* path) {
  if (rule == nullptr) return std::nullopt;
  if (!rule->one_of.empty()) {
    bool allowed = false;
    for (const std::string& option : rule->one_of) allowed = allowed || option == value;
    if (!allowed) {
      std::string options;
      for (const std::string& option : rule->one_of)
        options += (options.empty() ? "\"" : ", \"") + option + "\"";
      return Problem(path, "must be one of " + options + ", not \"" + value + "\"");
    }
  }
  if (rule->min_length && value.size() < *rule->min_length)
    return Problem(path, "must be at least " + std::to_string(*rule->min_length) + " characters");
  if (rule->max_length && value.size() > *rule->max_length)
    return Problem(path, "must be at most " + std::to_string(*rule->max_length) + " characters");
  if (!rule->pattern.empty()) {
    // Compiled per check: rules are few and bodies small; a cache is not worth its lock.
    const std::regex pattern(rule->pattern, std::regex::ECMAScript);
    if (!std::regex_search(value, pattern)) return Problem(path, "must match " + rule->pattern);
  }
  return std::nullopt;
}

std::optional<DecodeError> CheckInteger(const nlohmann::json& value, std::int64_t low,
                                        std::int64_t high, const FieldRule* rule, const Path* path,
                                        std::int64_t& out) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(high))
      return Problem(path, "must be at most " + std::to_string(high));
    out = static_cast<std::int64_t>(number);
  } else if (value.is_number_integer()) {
    out = value.get<std::int64_t>();
  } else if (value.is_number_float()) {
    const double number = value.get<double>();
    // JSON Schema's integer is a mathematical one: 3.0 is an integer, 3.5 is not.
    if (number != static_cast<double>(static_cast<std::int64_t>(number)) || number > 9.0e15 ||
        number < -9.0e15)
      return Problem(path, "must be an integer, got a number with a fraction or out of range");
    out = static_cast<std::int64_t>(number);
  } else {
    return Problem(path, "must be an integer, got " + JsonTypeName(value));
  }
  if (out < low) return Problem(path, "must be at least " + std::to_string(low));
  if (out > high) return Problem(path, "must be at most " + std::to_string(high));
  if (rule != nullptr && rule->minimum && out < *rule->minimum)
    return Problem(path, "must be at least " + std::to_string(*rule->minimum));
  if (rule != nullptr && rule->maximum && out > *rule->maximum)
    return Problem(path, "must be at most " + std::to_string(*rule->maximum));
  return std::nullopt;
}

void ApplyStringRule(nlohmann::json& schema, const FieldRule* rule) {
  if (rule == nullptr) return;
  if (!rule->one_of.empty()) schema["enum"] = rule->one_of;
  if (!rule->pattern.empty()) schema["pattern"] = rule->pattern;
  if (rule->min_length) schema["minLength"] = *rule->min_length;
  if (rule->max_length) schema["maxLength"] = *rule->max_length;
}

void ApplyFieldRule(nlohmann::json& schema, const FieldRule* rule) {
  if (rule == nullptr) return;
  if (!rule->description.empty()) schema["description"] = rule->description;
  const std::string type = schema.value("type", "");
  if (type == "integer") {
    if (rule->minimum) schema["minimum"] = *rule->minimum;
    if (rule->maximum) schema["maximum"] = *rule->maximum;
  }
  if (type == "array" && rule->min_items) schema["minItems"] = *rule->min_items;
  if (type == "array" && rule->max_items) schema["maxItems"] = *rule->max_items;
}

}  // namespace detail
}  // namespace provisio::api::json
