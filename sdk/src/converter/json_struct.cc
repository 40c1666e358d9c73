#include "temporal/converter/json_struct.h"

#include <cmath>
#include <string>
#include <vector>

namespace temporal::detail {
namespace {

// A JSON key is written plainly when it reads unambiguously in a dotted path.
bool IsPlainKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (c == '.' || c == '[' || c == ']' || c == '"') return false;
  }
  return true;
}

// IsIntegralNumber tells whether a JSON number stands for an integer: integers
// do, and so do floats with no fractional part (JavaScript peers
// have only doubles, and some encoders write 3 as 3.0).
bool IsIntegralNumber(const nlohmann::json& json) {
  if (json.is_number_integer()) return true;
  if (!json.is_number_float()) return false;
  const double value = json.get<double>();
  return std::isfinite(value) && std::trunc(value) == value;
}

std::string NumberText(const nlohmann::json& json) { return json.dump(); }

}  // namespace

std::string FormatJsonPath(const JsonPath* path) {
  std::vector<const JsonPath*> segments;
  for (const JsonPath* segment = path; segment != nullptr; segment = segment->parent) {
    segments.push_back(segment);
  }
  std::string text;
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    const JsonPath& segment = **it;
    if (segment.is_index) {
      text += "[" + std::to_string(segment.index) + "]";
    } else if (IsPlainKey(segment.key)) {
      if (!text.empty()) text += ".";
      text += segment.key;
    } else {
      text += "[" + nlohmann::json(std::string(segment.key)).dump() + "]";
    }
  }
  return text;
}

std::string JsonDecodeFailure::ToString() const {
  if (path.empty()) return problem;
  return "\"" + path + "\": " + problem;
}

std::string JsonTypeName(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "a JSON object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "a number";
    case nlohmann::json::value_t::binary:
      return "binary data";
    case nlohmann::json::value_t::discarded:
      return "invalid JSON";
  }
  return "an unknown JSON value";
}

JsonDecodeFailure WrongJsonType(const JsonPath* path, std::string_view expected,
                                const nlohmann::json& got) {
  return {FormatJsonPath(path), "expected " + std::string(expected) + ", got " + JsonTypeName(got)};
}

JsonDecodeFailure MissingJsonField(const JsonPath* path) {
  return {FormatJsonPath(path), "required field is missing"};
}

JsonDecodeFailure JsonFieldProblem(const JsonPath* path, std::string_view problem) {
  return {FormatJsonPath(path), std::string(problem)};
}

std::optional<JsonDecodeFailure> CheckJsonSigned(const JsonPath* path, const nlohmann::json& json,
                                                 std::int64_t min, std::int64_t max) {
  if (!json.is_number()) return WrongJsonType(path, "an integer", json);
  if (!IsIntegralNumber(json)) {
    return JsonFieldProblem(path, "expected an integer, got " + NumberText(json));
  }
  bool in_range = false;
  if (json.is_number_unsigned()) {
    in_range = json.get<std::uint64_t>() <= static_cast<std::uint64_t>(max);
  } else if (json.is_number_integer()) {
    const std::int64_t value = json.get<std::int64_t>();
    in_range = value >= min && value <= max;
  } else {
    const double value = json.get<double>();
    // Doubles at the int64 edges round; compare against the exact bounds as doubles.
    in_range = value >= static_cast<double>(min) && value < -static_cast<double>(min) &&
               value <= static_cast<double>(max);
  }
  if (!in_range) {
    return JsonFieldProblem(path, NumberText(json) + " is out of range [" + std::to_string(min) +
                                      ", " + std::to_string(max) + "]");
  }
  return std::nullopt;
}

std::optional<JsonDecodeFailure> CheckJsonUnsigned(const JsonPath* path, const nlohmann::json& json,
                                                   std::uint64_t max) {
  if (!json.is_number()) return WrongJsonType(path, "an integer", json);
  if (!IsIntegralNumber(json)) {
    return JsonFieldProblem(path, "expected an integer, got " + NumberText(json));
  }
  bool in_range = false;
  if (json.is_number_unsigned()) {
    in_range = json.get<std::uint64_t>() <= max;
  } else if (json.is_number_integer()) {
    const std::int64_t value = json.get<std::int64_t>();
    in_range = value >= 0 && static_cast<std::uint64_t>(value) <= max;
  } else {
    const double value = json.get<double>();
    // 2^64 as a double is exactly representable; every double below it fits.
    in_range = value >= 0 && value < 18446744073709551616.0 && value <= static_cast<double>(max);
  }
  if (!in_range) {
    return JsonFieldProblem(path,
                            NumberText(json) + " is out of range [0, " + std::to_string(max) + "]");
  }
  return std::nullopt;
}

}  // namespace temporal::detail
