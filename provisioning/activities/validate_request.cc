#include "activities/validate_request.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>
#include <set>

#include "temporal/failure.h"
#include "workflows/placement.h"

namespace provisio::activities {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw temporal::ApplicationFailure(message, "InvalidRequest", /*non_retryable=*/true);
}

// "90s", "2m", "1h": the durations template.yaml uses.
std::int64_t Seconds(const std::string& text, const std::string& field) {
  static const std::regex kDuration(R"(^(\d+)(s|m|h|d)$)");
  std::smatch match;
  if (!std::regex_match(text, match, kDuration))
    Invalid(field + ": \"" + text + "\" is not like 90s, 2m, 1h or 7d");
  const std::int64_t value = std::stoll(match[1].str());
  return match[2] == "s"   ? value
         : match[2] == "m" ? value * 60
         : match[2] == "h" ? value * 3600
                           : value * 86400;
}

}  // namespace

model::ValidatedRequest ValidateRequest(const ActivityEnvironment& environment,
                                        const model::ProvisionRequest& request) {
  static const std::regex kTemplateName(R"(^[a-z0-9][a-z0-9_-]{0,62}$)");
  static const std::regex kApplication(R"(^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$)");
  static const std::regex kUser(R"(^[a-z0-9][a-z0-9._-]{0,62}$)");
  if (!std::regex_match(request.template_name, kTemplateName))
    Invalid("template: \"" + request.template_name + "\" is not a template name");
  if (!std::regex_match(request.application, kApplication))
    Invalid("application: \"" + request.application +
            "\" must be 3 to 63 lowercase letters, digits or hyphens");
  if (!std::regex_match(request.requester, kUser))
    Invalid("requester: \"" + request.requester + "\" is not a user id");
  const auto file = environment.templates_dir / request.template_name / "template.yaml";
  if (!std::filesystem::exists(file))
    Invalid("template: there is no template \"" + request.template_name + "\" in the catalogue");
  YAML::Node spec;
  try {
    spec = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& error) {
    // The catalogue is broken, not the request: retryable once it is fixed.
    throw std::runtime_error("template " + request.template_name +
                             ": template.yaml does not parse: " + error.what());
  }

  const YAML::Node declared = spec["parameters"];
  for (const auto& [name, value] : request.parameters) {
    if (name.rfind("provisio_", 0) == 0)
      Invalid("parameters." + name + ": set by the platform, not by a request");
    if (!declared || !declared[name])
      Invalid("parameters." + name + ": template \"" + request.template_name +
              "\" has no such parameter");
    if (!value.is_string() && !value.is_number() && !value.is_boolean())
      Invalid("parameters." + name + ": must be a string, a number or a boolean");
  }

  model::ValidatedRequest validated;
  validated.stack = request.application;
  const YAML::Node approval = spec["approval"];
  if (!approval || !approval["roles"] || approval["roles"].size() == 0)
    throw std::runtime_error("template " + request.template_name + " has no approval policy");
  for (const auto& role : approval["roles"])
    validated.policy.roles.push_back(role.as<std::string>());
  validated.policy.count = approval["count"] ? approval["count"].as<int>() : 1;
  validated.policy.self_approval =
      approval["self_approval"] ? approval["self_approval"].as<bool>() : false;
  if (approval["timeout"])
    validated.authorization_timeout_seconds =
        Seconds(approval["timeout"].as<std::string>(), "template approval.timeout");

  if (request.approval) {
    // Narrowing only: fewer roles, more approvals, never self-approval where
    // the template forbids it.
    const model::ApprovalPolicy& narrower = *request.approval;
    if (narrower.roles.empty()) Invalid("approval.roles: name at least one role");
    for (const std::string& role : narrower.roles) {
      if (std::find(validated.policy.roles.begin(), validated.policy.roles.end(), role) ==
          validated.policy.roles.end())
        Invalid("approval.roles: \"" + role + "\" is not one of the template's roles");
    }
    if (narrower.count < validated.policy.count)
      Invalid("approval.count: " + std::to_string(narrower.count) +
              " is fewer than the template's " + std::to_string(validated.policy.count));
    if (narrower.self_approval && !validated.policy.self_approval)
      Invalid("approval.selfApproval: the template does not allow it");
    validated.policy = narrower;
  }
  if (request.approvers) {
    // Named authorizers: who they are is checked when they decide (the
    // signed decision carries their roles); here, that the names can make up
    // the policy's count at all.
    const std::vector<std::string>& named = *request.approvers;
    if (named.empty() || named.size() > 16) Invalid("approvers: name 1 to 16 authorizers");
    std::set<std::string> seen;
    for (const std::string& user : named) {
      if (!std::regex_match(user, kUser)) Invalid("approvers: \"" + user + "\" is not a user id");
      if (!seen.insert(user).second) Invalid("approvers: \"" + user + "\" is named twice");
      if (user == request.requester && !validated.policy.self_approval)
        Invalid("approvers: \"" + user + "\" is the requester, who may not decide");
    }
    if (static_cast<std::int64_t>(named.size()) < validated.policy.count)
      Invalid("approvers: the policy needs " + std::to_string(validated.policy.count) +
              " approvals; name at least that many authorizers");
  }
  if (request.authorization_timeout_seconds) {
    const std::int64_t seconds = *request.authorization_timeout_seconds;
    if (seconds < 1 || seconds > 7 * 24 * 3600)
      Invalid("authorizationTimeoutSeconds: must be between 1 and 604800");
    validated.authorization_timeout_seconds = seconds;
  }
  if (request.failure_policy) {
    const model::FailurePolicy& policy = *request.failure_policy;
    if (policy.on_failure != "rollback" && policy.on_failure != "intervene")
      Invalid("failurePolicy.onFailure: \"" + policy.on_failure +
              "\" is not \"rollback\" or \"intervene\"");
    if (policy.apply_attempts && (*policy.apply_attempts < 1 || *policy.apply_attempts > 10))
      Invalid("failurePolicy.applyAttempts: must be between 1 and 10");
  }
  static const std::regex kRegion(R"(^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$)");
  if (request.region && !std::regex_match(*request.region, kRegion))
    Invalid("region: \"" + *request.region + "\" is not a region name");
  if (request.regions) {
    if (request.regions->empty() || request.regions->size() > 10)
      Invalid("regions: name 1 to 10 regions");
    if (request.region) Invalid("regions: give either region or regions, not both");
    std::set<std::string> seen;
    for (const std::string& region : *request.regions) {
      if (!std::regex_match(region, kRegion))
        Invalid("regions: \"" + region + "\" is not a region name");
      if (!seen.insert(region).second) Invalid("regions: \"" + region + "\" is named twice");
      if (request.application.size() + 1 + region.size() > 63)
        Invalid("regions: the stack \"" + request.application + "-" + region +
                "\" would be longer than 63 characters");
    }
  }
  // The regions and profiles the template allows (template.yaml
  // `placement: {regions: [...], profiles: [...]}`); none declared: any.
  if (const YAML::Node placement = spec["placement"]) {
    model::Placement allowed;
    for (const char* list : {"regions", "profiles"}) {
      if (!placement[list]) continue;
      if (!placement[list].IsSequence())
        throw std::runtime_error("template " + request.template_name + ": placement." + list +
                                 " is not a list");
      std::vector<std::string> names;
      for (const auto& name : placement[list]) names.push_back(name.as<std::string>());
      (std::string(list) == "regions" ? allowed.regions : allowed.profiles) = std::move(names);
    }
    validated.placement = std::move(allowed);
  }
  if (auto problem = workflows::PlacementProblem(validated.placement, request.region, std::nullopt))
    Invalid("region: " + *problem);
  if (request.regions)
    for (const std::string& region : *request.regions)
      if (auto problem = workflows::PlacementProblem(validated.placement, region, std::nullopt))
        Invalid("regions: " + *problem);
  validated.drift_interval_seconds =
      spec["drift_check_interval"]
          ? Seconds(spec["drift_check_interval"].as<std::string>(), "template drift_check_interval")
          : 3600;
  if (request.ttl_seconds) {
    // The template's ttl is the longest a request may ask for.
    const std::int64_t longest =
        spec["ttl"] ? Seconds(spec["ttl"].as<std::string>(), "template ttl") : 30 * 24 * 3600;
    if (*request.ttl_seconds < 1 || *request.ttl_seconds > longest)
      Invalid("ttlSeconds: must be between 1 and " + std::to_string(longest) +
              " (the template's longest)");
    validated.ttl_seconds = request.ttl_seconds;
  }
  if (spec["stateful"])
    for (const auto& address : spec["stateful"])
      validated.stateful.push_back(address.as<std::string>());
  return validated;
}

}  // namespace provisio::activities
