// api/platform/terraform_variables.h: what a template's variables.tf says
// about each variable, as far as the catalogue's parameter schema needs it.
//
// Not an HCL parser: it reads the shapes our templates use (and `provisio
// template validate` checks): `variable "NAME" { ... }` blocks with
// `type = string|number|bool`, `description = "..."`, `default = <literal>`,
// and validation blocks whose condition is
// `can(regex("PATTERN", var.NAME))`, whose pattern (RE2, in the common subset
// with ECMAScript for our templates) becomes the schema's `pattern`. Anything
// else in a block is skipped; a variable whose type it cannot read is "any".
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace provisio::api {

/// TerraformVariable is one variable block's facts.
struct TerraformVariable {
  /// type is "string", "number", "bool" or "any".
  std::string type = "any";
  std::string description;
  bool has_default = false;
  /// default_value is the default when it is a plain literal.
  std::optional<nlohmann::json> default_value;
  /// pattern and pattern_message come from a can(regex(...)) validation.
  std::string pattern;
  std::string pattern_message;
};

/// ScanVariables reads the variable blocks of a variables.tf text.
std::map<std::string, TerraformVariable> ScanVariables(const std::string& text);

}  // namespace provisio::api
