#include "platform/terraform_variables.h"

#include <gtest/gtest.h>

#include "platform/template_catalogue.h"

namespace provisio::api {
namespace {

TEST(TerraformVariables, ReadsTypeDescriptionDefaultAndRegexValidation) {
  const auto variables = ScanVariables(R"hcl(
variable "site_name" {
  type        = string
  description = "The site's \"name\"."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.site_name))
    error_message = "site_name must be 3 to 63 characters."
  }
}
# variable "commented" { type = number }
variable "limit" {
  type    = number
  default = 20
}
variable "flags" {
  type    = list(string)
  default = ["a", "b"]
}
)hcl");
  ASSERT_EQ(variables.size(), 3u);
  const TerraformVariable& site = variables.at("site_name");
  EXPECT_EQ(site.type, "string");
  EXPECT_EQ(site.description, "The site's \"name\".");
  EXPECT_FALSE(site.has_default);
  EXPECT_EQ(site.pattern, "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");
  EXPECT_EQ(site.pattern_message, "site_name must be 3 to 63 characters.");
  EXPECT_EQ(variables.at("limit").type, "number");
  EXPECT_EQ(variables.at("limit").default_value, nlohmann::json(20));
  EXPECT_EQ(variables.at("flags").type, "any");
  EXPECT_TRUE(variables.at("flags").has_default);
  EXPECT_FALSE(variables.at("flags").default_value);
}

TEST(TemplateCatalogue, ReadsEveryShippedTemplate) {
  TemplateCatalogue catalogue(std::filesystem::path(PROVISIO_SOURCE_DIR) / "templates");
  std::vector<std::string> broken;
  const std::vector<TemplateSpec> specs = catalogue.List(&broken);
  EXPECT_TRUE(broken.empty());
  ASSERT_GE(specs.size(), 3u);
  for (const TemplateSpec& spec : specs) {
    EXPECT_FALSE(spec.title.empty()) << spec.name;
    EXPECT_FALSE(spec.approval.roles.empty()) << spec.name;
    for (const TemplateParameter& parameter : spec.parameters)
      EXPECT_NE(parameter.type, "any")
          << spec.name << "." << parameter.name << ": variables.tf declares every parameter's type";
  }
  auto site = catalogue.Find("local-site");
  ASSERT_TRUE(site.ok()) << site.error();
  EXPECT_FALSE(TemplateCatalogue::CheckParameters(*site, {{"site_name", "docs"}}));
  EXPECT_EQ(catalogue.Find("../etc").error().code(), temporal::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace provisio::api
