#include "openapi_conformance.h"

#include <cmath>
#include <regex>

namespace provisio_api_test {
namespace {

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool HasType(const nlohmann::json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    return value.is_number_float() && std::floor(value.get<double>()) == value.get<double>();
  }
  return false;
}

void Check(const nlohmann::json& document, const nlohmann::json& schema,
           const nlohmann::json& value, const std::string& where,
           std::vector<std::string>& problems) {
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) problems.push_back(where + ": no value is allowed here");
    return;
  }
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    const std::string prefix = "#/components/schemas/";
    if (ref.rfind(prefix, 0) != 0 ||
        !document["components"]["schemas"].contains(ref.substr(prefix.size()))) {
      problems.push_back(where + ": unresolvable $ref " + ref);
      return;
    }
    Check(document, document["components"]["schemas"][ref.substr(prefix.size())], value, where,
          problems);
    return;
  }
  if (schema.contains("type")) {
    const nlohmann::json& type = schema["type"];
    bool matches = false;
    if (type.is_string()) matches = HasType(value, type);
    for (const auto& option : type.is_array() ? type : nlohmann::json::array())
      matches = matches || HasType(value, option);
    if (!matches) {
      problems.push_back(where + ": expected type " + type.dump() + ", got " + value.dump());
      return;
    }
  }
  if (schema.contains("enum")) {
    bool listed = false;
    for (const auto& option : schema["enum"]) listed = listed || option == value;
    if (!listed)
      problems.push_back(where + ": " + value.dump() + " is not in " + schema["enum"].dump());
  }
  if (value.is_string()) {
    const std::string text = value;
    if (schema.contains("pattern") &&
        !std::regex_search(text, std::regex(schema["pattern"].get<std::string>())))
      problems.push_back(where + ": \"" + text + "\" does not match " + schema["pattern"].dump());
    if (schema.contains("minLength") && text.size() < schema["minLength"].get<std::size_t>())
      problems.push_back(where + ": shorter than minLength");
    if (schema.contains("maxLength") && text.size() > schema["maxLength"].get<std::size_t>())
      problems.push_back(where + ": longer than maxLength");
  }
  if (value.is_number()) {
    if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
      problems.push_back(where + ": below minimum");
    if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>())
      problems.push_back(where + ": above maximum");
  }
  if (value.is_object()) {
    const nlohmann::json properties = schema.value("properties", nlohmann::json::object());
    for (const auto& name : schema.value("required", nlohmann::json::array()))
      if (!value.contains(name.get<std::string>()))
        problems.push_back(where + ": required \"" + name.get<std::string>() + "\" is missing");
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string here = where + "." + it.key();
      if (properties.contains(it.key())) {
        Check(document, properties[it.key()], it.value(), here, problems);
      } else if (schema.contains("additionalProperties")) {
        Check(document, schema["additionalProperties"], it.value(), here, problems);
      }
    }
  }
  if (value.is_array()) {
    if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<std::size_t>())
      problems.push_back(where + ": more than maxItems");
    if (schema.contains("items"))
      for (std::size_t i = 0; i < value.size(); ++i)
        Check(document, schema["items"], value[i], where + "[" + std::to_string(i) + "]", problems);
  }
}

void Strictness(const nlohmann::json& schema, const std::string& where,
                std::vector<std::string>& problems) {
  if (schema.is_object()) {
    if (schema.value("type", nlohmann::json()) == "object") {
      if (schema.contains("properties")) {
        if (!schema.contains("required") || !schema["required"].is_array())
          problems.push_back(where + ": an object schema without `required`");
        if (schema.value("additionalProperties", nlohmann::json(true)) != false)
          problems.push_back(where + ": an object schema without additionalProperties: false");
      } else if (!schema.contains("additionalProperties")) {
        problems.push_back(where + ": an object schema without properties or additionalProperties");
      }
    }
    for (auto it = schema.begin(); it != schema.end(); ++it)
      Strictness(it.value(), where + "/" + it.key(), problems);
  } else if (schema.is_array()) {
    for (std::size_t i = 0; i < schema.size(); ++i)
      Strictness(schema[i], where + "/" + std::to_string(i), problems);
  }
}

}  // namespace

std::vector<std::string> CheckValue(const nlohmann::json& document, const nlohmann::json& schema,
                                    const nlohmann::json& value, const std::string& where) {
  std::vector<std::string> problems;
  Check(document, schema, value, where, problems);
  return problems;
}

std::string FindOperationPath(const nlohmann::json& document, const std::string& path) {
  const std::vector<std::string> segments = Segments(path);
  for (auto it = document["paths"].begin(); it != document["paths"].end(); ++it) {
    const std::vector<std::string> pattern = Segments(it.key());
    if (pattern.size() != segments.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < pattern.size() && matches; ++i)
      matches = (pattern[i].front() == '{' && !segments[i].empty()) || pattern[i] == segments[i];
    if (matches) return it.key();
  }
  return "";
}

std::vector<std::string> CheckReply(const nlohmann::json& document, const std::string& method,
                                    const std::string& target, const Reply& reply) {
  std::vector<std::string> problems;
  const std::string path = target.substr(0, target.find('?'));
  const std::string template_path = FindOperationPath(document, path);
  std::string lower = method;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string content_type =
      reply.Header("content-type").substr(0, reply.Header("content-type").find(';'));
  nlohmann::json response;
  // A CORS preflight the router answers for the Temporal Web UI is the
  // browser's protocol, not an operation of the API: 204 and no body.
  if (lower == "options" && reply.status == 204 &&
      !reply.Header("access-control-allow-origin").empty()) {
    if (!reply.body.empty()) problems.push_back("a CORS preflight answer has a body");
    return problems;
  }
  if (template_path.empty() || !document["paths"][template_path].contains(lower)) {
    // Not an operation: the router's 404 or 405, as a problem.
    if (reply.status != 404 && reply.status != 405)
      problems.push_back("no operation, yet status " + std::to_string(reply.status));
    response = {
        {"content",
         {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
  } else {
    const nlohmann::json& responses = document["paths"][template_path][lower]["responses"];
    const std::string status = std::to_string(reply.status);
    if (responses.contains(status)) {
      response = responses[status];
    } else if (responses.contains("default") && reply.status >= 400) {
      response = responses["default"];
    } else {
      problems.push_back("status " + status + " is not documented");
      return problems;
    }
  }
  if (!response.contains("content")) {
    if (!reply.body.empty()) problems.push_back("a body where the document says none");
    return problems;
  }
  if (!response["content"].contains(content_type)) {
    problems.push_back("content type \"" + content_type + "\" is not documented for this status");
    return problems;
  }
  if (content_type.rfind("text/", 0) == 0) {
    // Text (GET /metrics): a string schema, nothing more to check.
    if (response["content"][content_type]["schema"].value("type", "") != "string")
      problems.push_back("a text answer whose schema is not a string");
    return problems;
  }
  const nlohmann::json body = reply.Json();
  if (body.is_discarded()) {
    problems.push_back("the body is not JSON");
    return problems;
  }
  for (std::string& problem :
       CheckValue(document, response["content"][content_type]["schema"], body))
    problems.push_back(std::move(problem));
  return problems;
}

std::vector<std::string> StrictnessProblems(const nlohmann::json& document) {
  std::vector<std::string> problems;
  Strictness(document["paths"], "#/paths", problems);
  Strictness(document["components"]["schemas"], "#/components/schemas", problems);
  return problems;
}

}  // namespace provisio_api_test
