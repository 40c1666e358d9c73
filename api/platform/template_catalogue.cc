#include "platform/template_catalogue.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "platform/terraform_variables.h"

namespace provisio::api {
namespace {

using temporal::Error;
using temporal::ErrorCode;

std::string Text(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

temporal::Result<TemplateSpec> Load(const std::filesystem::path& directory,
                                    const std::string& name) {
  const std::filesystem::path file = directory / name / "template.yaml";
  TemplateSpec spec;
  spec.name = name;
  try {
    const YAML::Node root = YAML::LoadFile(file.string());
    spec.title = Text(root, "title");
    spec.description = Text(root, "description");
    while (!spec.description.empty() && spec.description.back() == '\n')
      spec.description.pop_back();
    const std::map<std::string, TerraformVariable> variables =
        ScanVariables(ReadFile(directory / name / "variables.tf"));
    if (const YAML::Node parameters = root["parameters"]; parameters && parameters.IsMap()) {
      for (const auto& entry : parameters) {
        TemplateParameter parameter;
        parameter.name = entry.first.as<std::string>();
        parameter.label = Text(entry.second, "label");
        parameter.help = Text(entry.second, "help");
        if (std::string widget = Text(entry.second, "widget"); !widget.empty())
          parameter.widget = widget;
        parameter.placeholder = Text(entry.second, "placeholder");
        if (auto variable = variables.find(parameter.name); variable != variables.end()) {
          parameter.type = variable->second.type;
          parameter.required = !variable->second.has_default;
          parameter.default_value = variable->second.default_value;
          parameter.pattern = variable->second.pattern;
          parameter.pattern_message = variable->second.pattern_message;
          if (parameter.help.empty()) parameter.help = variable->second.description;
        }
        spec.parameters.push_back(std::move(parameter));
      }
    }
    if (const YAML::Node approval = root["approval"]) {
      if (approval["roles"])
        for (const auto& role : approval["roles"])
          spec.approval.roles.push_back(role.as<std::string>());
      if (approval["count"]) spec.approval.count = approval["count"].as<int>();
      if (approval["self_approval"])
        spec.approval.self_approval = approval["self_approval"].as<bool>();
      spec.approval.timeout = Text(approval, "timeout");
    }
    if (const YAML::Node stateful = root["stateful"]; stateful && stateful.IsSequence())
      for (const auto& address : stateful) spec.stateful.push_back(address.as<std::string>());
    spec.drift_check_interval = Text(root, "drift_check_interval");
    spec.ttl = Text(root, "ttl");
    if (const YAML::Node placement = root["placement"]) {
      for (auto [list, names] :
           {std::pair{"regions", &spec.regions}, std::pair{"profiles", &spec.profiles}}) {
        if (const YAML::Node listed = placement[list]; listed && listed.IsSequence()) {
          names->emplace();
          for (const auto& entry : listed) names->value().push_back(entry.as<std::string>());
        }
      }
    }
  } catch (const YAML::Exception& error) {
    return Error(ErrorCode::kInternal,
                 "the catalogue's " + file.string() + " does not read: " + error.what());
  }
  return spec;
}

}  // namespace

bool IsTemplateName(const std::string& name) {
  static const std::regex kName(R"(^[a-z0-9][a-z0-9_-]{0,62}$)");
  return std::regex_match(name, kName);
}

std::vector<TemplateSpec> TemplateCatalogue::List(std::vector<std::string>* broken) const {
  std::vector<TemplateSpec> specs;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, error)) {
    const std::string name = entry.path().filename().string();
    if (!IsTemplateName(name) || !std::filesystem::exists(entry.path() / "template.yaml")) continue;
    auto spec = Load(directory_, name);
    if (spec) {
      specs.push_back(std::move(*spec));
    } else {
      spdlog::warn("templates: {}", spec.error().message());
      if (broken != nullptr) broken->push_back(name);
    }
  }
  std::sort(specs.begin(), specs.end(),
            [](const TemplateSpec& a, const TemplateSpec& b) { return a.name < b.name; });
  return specs;
}

temporal::Result<TemplateSpec> TemplateCatalogue::Find(const std::string& name) const {
  if (!IsTemplateName(name) || !std::filesystem::exists(directory_ / name / "template.yaml"))
    return Error(ErrorCode::kNotFound, "there is no template \"" + name + "\" in the catalogue");
  return Load(directory_, name);
}

nlohmann::json TemplateCatalogue::ParameterSchema(const TemplateSpec& spec) {
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const TemplateParameter& parameter : spec.parameters) {
    nlohmann::json property = nlohmann::json::object();
    if (parameter.type == "string") property["type"] = "string";
    if (parameter.type == "number") property["type"] = "number";
    if (parameter.type == "bool") property["type"] = "boolean";
    if (parameter.type == "any") property["type"] = nlohmann::json{"string", "number", "boolean"};
    if (!parameter.label.empty()) property["title"] = parameter.label;
    if (!parameter.help.empty()) property["description"] = parameter.help;
    if (!parameter.pattern.empty()) property["pattern"] = parameter.pattern;
    if (parameter.default_value) property["default"] = *parameter.default_value;
    properties[parameter.name] = std::move(property);
    if (parameter.required) required.push_back(parameter.name);
  }
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

std::optional<json::DecodeError> TemplateCatalogue::CheckParameters(
    const TemplateSpec& spec, const std::map<std::string, nlohmann::json>& parameters) {
  for (const auto& [name, value] : parameters) {
    const auto declared =
        std::find_if(spec.parameters.begin(), spec.parameters.end(),
                     [&](const TemplateParameter& parameter) { return parameter.name == name; });
    const std::string path = "parameters." + name;
    if (declared == spec.parameters.end()) {
      std::string names;
      for (const TemplateParameter& parameter : spec.parameters)
        names += (names.empty() ? "" : ", ") + parameter.name;
      return json::DecodeError{path, "template \"" + spec.name +
                                         "\" has no such parameter; its parameters are " +
                                         (names.empty() ? "(none)" : names)};
    }
    const std::string& type = declared->type;
    if (type == "string" && !value.is_string())
      return json::DecodeError{path, "must be a string, got " + json::detail::JsonTypeName(value)};
    if (type == "number" && !value.is_number())
      return json::DecodeError{path, "must be a number, got " + json::detail::JsonTypeName(value)};
    if (type == "bool" && !value.is_boolean())
      return json::DecodeError{path, "must be a boolean, got " + json::detail::JsonTypeName(value)};
    if (!value.is_string() && !value.is_number() && !value.is_boolean())
      return json::DecodeError{path, "must be a string, a number or a boolean"};
    if (!declared->pattern.empty() && value.is_string()) {
      try {
        if (!std::regex_search(value.get<std::string>(), std::regex(declared->pattern)))
          return json::DecodeError{path, declared->pattern_message.empty()
                                             ? "must match " + declared->pattern
                                             : declared->pattern_message};
      } catch (const std::regex_error&) {
        // A pattern RE2 reads but ECMAScript does not: OpenTofu checks it at plan.
      }
    }
  }
  for (const TemplateParameter& parameter : spec.parameters)
    if (parameter.required && parameters.count(parameter.name) == 0)
      return json::DecodeError{"parameters." + parameter.name,
                               "is required by template \"" + spec.name + "\""};
  return std::nullopt;
}

}  // namespace provisio::api
