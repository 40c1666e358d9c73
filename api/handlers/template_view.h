// api/handlers/template_view.h: the catalogue as GET /api/templates and
// GET /api/templates/{name} show it.
#pragma once

#include <boost/describe.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "json/described_json.h"
#include "platform/template_catalogue.h"

namespace provisio::api::handlers {

struct TemplateSummaryView {
  std::string name;
  std::string title;
  std::string description;
};
BOOST_DESCRIBE_STRUCT(TemplateSummaryView, (), (name, title, description))

struct TemplateParameterView {
  std::string name;
  std::string label;
  std::string help;
  std::string widget;
  std::optional<std::string> placeholder;
  std::string type;
  bool required = true;
  std::optional<nlohmann::json> default_value;
  std::optional<std::string> pattern;
  static void Rules(json::FieldRules& rules) {
    rules["widget"].description = "The form's input: text, number, team, ...";
    rules["type"] = {.description = "The variable's type in variables.tf.",
                     .one_of = {"string", "number", "bool", "any"}};
    rules["defaultValue"].description = "The value used when the request leaves it out.";
    rules["pattern"].description = "A regular expression the value must match.";
  }
};
BOOST_DESCRIBE_STRUCT(TemplateParameterView, (),
                      (name, label, help, widget, placeholder, type, required, default_value,
                       pattern))

struct TemplateApprovalView {
  std::vector<std::string> roles;
  std::int32_t count = 1;
  bool self_approval = false;
  std::optional<std::string> timeout;
  static void Rules(json::FieldRules& rules) {
    rules["roles"].description = "Holders of any of these roles may decide.";
    rules["count"].description = "Approvals needed, from distinct people.";
    rules["timeout"].description = "How long a request waits for decisions (like 2h).";
  }
};
BOOST_DESCRIBE_STRUCT(TemplateApprovalView, (), (roles, count, self_approval, timeout))

struct TemplatePlacementView {
  std::optional<std::vector<std::string>> regions;
  std::optional<std::vector<std::string>> profiles;
  static void Rules(json::FieldRules& rules) {
    rules["regions"].description = "The regions an authorizer may choose; absent: any.";
    rules["profiles"].description = "The profiles an authorizer may choose; absent: any.";
  }
};
BOOST_DESCRIBE_STRUCT(TemplatePlacementView, (), (regions, profiles))

struct TemplateView {
  static constexpr std::string_view kDescription =
      "A template of the catalogue: its parameters, approval policy and parameter schema.";
  std::string name;
  std::string title;
  std::string description;
  std::vector<TemplateParameterView> parameters;
  TemplateApprovalView approval;
  std::vector<std::string> stateful;
  std::optional<std::string> drift_check_interval;
  std::optional<std::string> ttl;
  std::optional<TemplatePlacementView> placement;
  nlohmann::json parameter_schema;
  static void Rules(json::FieldRules& rules) {
    rules["stateful"].description =
        "Resource addresses whose delete or replace needs confirmStatefulChanges.";
    rules["ttl"].description = "The longest time to live a request may ask for (like 168h).";
    rules["parameterSchema"].description =
        "The JSON Schema of a request's `parameters` for this template.";
  }
};
BOOST_DESCRIBE_STRUCT(TemplateView, (),
                      (name, title, description, parameters, approval, stateful,
                       drift_check_interval, ttl, placement, parameter_schema))

/// MakeTemplateView shows `spec`.
TemplateView MakeTemplateView(const TemplateSpec& spec);

}  // namespace provisio::api::handlers
