// api/platform/template_catalogue.h: the catalogue of templates
// (templates/*/template.yaml with variables.tf), as the API shows it and
// checks requests against it.
//
// Read from disk at every call (a few small files): a template edited or
// added shows at once, as the provisioning worker, which reads the same
// files when it validates a request, sees it.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "json/described_json.h"
#include "temporal/error.h"

namespace provisio::api {

/// TemplateParameter is one parameter a requester sets.
struct TemplateParameter {
  std::string name;
  std::string label;
  std::string help;
  /// widget is the UI's input: "text", "number", "team", ...
  std::string widget = "text";
  std::string placeholder;
  /// type is variables.tf's: "string", "number", "bool" or "any".
  std::string type = "any";
  bool required = true;
  std::optional<nlohmann::json> default_value;
  std::string pattern;
  std::string pattern_message;
};

/// TemplateApproval is the template's approval policy.
struct TemplateApproval {
  std::vector<std::string> roles;
  int count = 1;
  bool self_approval = false;
  std::string timeout;  // "" = the platform's default (120 s)
};

/// TemplateSpec is one template.
struct TemplateSpec {
  std::string name;
  std::string title;
  std::string description;
  std::vector<TemplateParameter> parameters;  // in template.yaml's order
  TemplateApproval approval;
  std::vector<std::string> stateful;
  std::string drift_check_interval;
  std::string ttl;
  /// regions, profiles: template.yaml's `placement`, what an authorizer may
  /// choose (the workflow refuses others); nullopt = any.
  std::optional<std::vector<std::string>> regions;
  std::optional<std::vector<std::string>> profiles;
};

class TemplateCatalogue {
 public:
  explicit TemplateCatalogue(std::filesystem::path directory) : directory_(std::move(directory)) {}

  /// List reads every template, sorted by name. A template that does not
  /// read is left out and named in `broken`.
  std::vector<TemplateSpec> List(std::vector<std::string>* broken = nullptr) const;
  /// Find reads one: kNotFound when there is none by that name, kInternal
  /// naming the file when it does not read.
  temporal::Result<TemplateSpec> Find(const std::string& name) const;

  /// ParameterSchema is the JSON Schema of a request's `parameters` for `spec`.
  static nlohmann::json ParameterSchema(const TemplateSpec& spec);
  /// CheckParameters finds the first parameter that does not fit `spec`
  /// (unknown, missing, wrong type, not matching the template's pattern);
  /// the error's path is "parameters.NAME".
  static std::optional<json::DecodeError> CheckParameters(
      const TemplateSpec& spec, const std::map<std::string, nlohmann::json>& parameters);

 private:
  std::filesystem::path directory_;
};

/// IsTemplateName: the names the provisioning worker accepts.
bool IsTemplateName(const std::string& name);

}  // namespace provisio::api
