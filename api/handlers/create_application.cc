// POST /api/applications: request resources from a template.
//
// The API checks what it can answer at once (the team is the user's, the
// template exists, the parameters fit it) and starts ProvisionApplication
// with the signed-in user as requester, on the provisioning task queue, with
// a fresh application id as workflow id; the workflow validates again and
// plans. Answers 201 with the id and Location.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "auth/user_directory.h"
#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "model/provision_request.h"
#include "platform/blocking.h"
#include "platform/services.h"
#include "temporal/client/client.h"

namespace provisio::api::handlers {
namespace {

struct ApprovalInput {
  static constexpr std::string_view kDescription =
      "Narrows the template's approval policy: fewer roles, more approvals (never wider).";
  std::vector<std::string> roles;
  std::int32_t count = 1;
  std::optional<bool> self_approval;
  static void Rules(json::FieldRules& rules) {
    rules["roles"] = {.pattern = "^[a-z][a-z0-9-]{0,62}$", .max_items = 16};
    rules["count"] = {.minimum = 1, .maximum = 16};
  }
};
BOOST_DESCRIBE_STRUCT(ApprovalInput, (), (roles, count, self_approval))

struct FailurePolicyInput {
  std::string on_failure;
  std::optional<std::int32_t> apply_attempts;
  static void Rules(json::FieldRules& rules) {
    rules["onFailure"] = {.description =
                              "rollback: re-apply the last good configuration; "
                              "intervene: wait for an operator.",
                          .one_of = {"rollback", "intervene"}};
    rules["applyAttempts"] = {.minimum = 1, .maximum = 10};
  }
};
BOOST_DESCRIBE_STRUCT(FailurePolicyInput, (), (on_failure, apply_attempts))

struct CreateApplicationInput {
  static constexpr std::string_view kDescription = "A request for resources from a template.";
  std::string team;
  std::string application;
  std::string template_;
  std::map<std::string, nlohmann::json> parameters;
  std::optional<ApprovalInput> approval;
  std::optional<std::vector<std::string>> approvers;
  std::optional<std::int64_t> authorization_timeout_seconds;
  std::optional<FailurePolicyInput> failure_policy;
  std::optional<std::int64_t> ttl_seconds;
  static void Rules(json::FieldRules& rules) {
    rules["team"] = {.description = "A team of yours.", .pattern = "^[a-z0-9][a-z0-9-]{0,62}$"};
    rules["application"] = {.description = "The application's name; also its stack's name.",
                            .pattern = "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"};
    rules["template"] = {.description = "The template's name (GET /api/templates).",
                         .pattern = "^[a-z0-9][a-z0-9_-]{0,62}$"};
    rules["parameters"].description =
        "The template's parameters (GET /api/templates/{name} gives their schema).";
    rules["approvers"] = {.description =
                              "The named authorizers (user ids, GET "
                              "/api/templates/{name}/authorizers lists them): only they are "
                              "asked and only they may decide. Absent: anyone holding one of the "
                              "policy's roles.",
                          .pattern = "^[a-z0-9][a-z0-9._-]{0,62}$",
                          .min_items = 1,
                          .max_items = 16};
    rules["authorizationTimeoutSeconds"] = {.minimum = 1, .maximum = 7 * 24 * 3600};
    rules["ttlSeconds"] = {.description = "The stack's time to live once provisioned.",
                           .minimum = 1};
  }
};
BOOST_DESCRIBE_STRUCT(CreateApplicationInput, (),
                      (team, application, template_, parameters, approval, approvers,
                       authorization_timeout_seconds, failure_policy, ttl_seconds))

struct ApplicationCreatedView {
  std::string id;
  std::string run_id;
  std::string location;
  static void Rules(json::FieldRules& rules) {
    rules["id"].description = "The application id (the ProvisionApplication workflow's id).";
    rules["location"].description = "Where to read (and long-poll) it.";
  }
};
BOOST_DESCRIBE_STRUCT(ApplicationCreatedView, (), (id, run_id, location))

// ApproversProblem checks the named authorizers before the workflow starts
// (it checks again when they decide): each is a user holding one of the
// policy's roles, none is the requester unless the policy allows it, none is
// named twice, and they are enough for the policy's count. Blocking.
std::optional<Problem> ApproversProblem(Services& services, const SignedInUser& requester,
                                        const TemplateSpec& spec,
                                        const CreateApplicationInput& input) {
  const auto invalid = [](const std::string& message) {
    return Problem::BadRequest("invalid-field", "approvers: " + message, "approvers");
  };
  const std::vector<std::string>& roles = input.approval && !input.approval->roles.empty()
                                              ? input.approval->roles
                                              : spec.approval.roles;
  const bool self_approval = input.approval && input.approval->self_approval
                                 ? *input.approval->self_approval
                                 : spec.approval.self_approval;
  const std::int32_t count =
      std::max<std::int32_t>(spec.approval.count, input.approval ? input.approval->count : 1);
  const std::vector<std::string>& named = *input.approvers;
  for (std::size_t i = 0; i < named.size(); ++i) {
    const std::string& id = named[i];
    if (std::find(named.begin(), named.begin() + i, id) != named.begin() + i)
      return invalid("\"" + id + "\" is named twice");
    if (id == requester.id() && !self_approval)
      return invalid("\"" + id + "\" is you, the requester, who may not decide");
    auto found =
        services.database.With([&](database::Connection& db) { return auth::FindUser(db, id); });
    if (!found)
      return Problem::Unavailable("the users could not be read (" + found.error().message() +
                                  "); try again");
    const bool may_decide = *found && !(*found)->disabled &&
                            std::any_of(roles.begin(), roles.end(), [&](const std::string& role) {
                              return std::find((*found)->roles.begin(), (*found)->roles.end(),
                                               role) != (*found)->roles.end();
                            });
    if (!may_decide)
      return invalid("\"" + id + "\" is not a user holding one of the roles " +
                     json::detail::ListNames(roles) + "; GET /api/templates/" + spec.name +
                     "/authorizers lists who may decide");
  }
  if (static_cast<std::int32_t>(named.size()) < count)
    return invalid("the policy needs " + std::to_string(count) +
                   " approvals from different people; name at least that many");
  return std::nullopt;
}

boost::asio::awaitable<Outcome<ApplicationCreatedView>> CreateApplication(
    RequestContext& context, CreateApplicationInput input) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  if (!user.InTeam(input.team)) {
    co_return Problem::Forbidden(
        "not-a-team-member",
        "you are not a member of team \"" + input.team + "\"; your teams: " +
            (user.record.teams.empty() ? "(none)" : json::detail::ListNames(user.record.teams)));
  }
  temporal::Result<TemplateSpec> spec = co_await RunBlocking(
      services.blocking, [&] { return services.templates.Find(input.template_); });
  if (!spec) {
    if (spec.error().code() == temporal::ErrorCode::kNotFound)
      co_return Problem::BadRequest(
          "invalid-field",
          "template: " + spec.error().message() + "; GET /api/templates lists them", "template");
    co_return Problem::Internal(spec.error().message());
  }
  if (auto problem = TemplateCatalogue::CheckParameters(*spec, input.parameters))
    co_return Problem::BadRequest("invalid-field", problem->ToString(), problem->path);

  if (input.approvers) {
    std::optional<Problem> problem = co_await RunBlocking(
        services.blocking, [&] { return ApproversProblem(services, user, *spec, input); });
    if (problem) co_return *problem;
  }

  model::ProvisionRequest request;
  request.requester = user.id();
  request.team = input.team;
  request.application = input.application;
  request.template_name = input.template_;
  request.parameters = input.parameters;
  if (input.approval)
    request.approval = model::ApprovalPolicy{input.approval->roles, input.approval->count,
                                             input.approval->self_approval.value_or(false)};
  request.approvers = input.approvers;
  request.authorization_timeout_seconds = input.authorization_timeout_seconds;
  if (input.failure_policy)
    request.failure_policy = model::FailurePolicy{input.failure_policy->on_failure,
                                                  input.failure_policy->apply_attempts};
  request.ttl_seconds = input.ttl_seconds;

  // With an Idempotency-Key, the id is derived from the user, the key and
  // the application: a retried POST names the same workflow, which Temporal
  // refuses to start twice (REJECT_DUPLICATE), and gets the first answer.
  const std::string idempotency_key(context.request["Idempotency-Key"]);
  if (idempotency_key.size() > 200 || std::any_of(idempotency_key.begin(), idempotency_key.end(),
                                                  [](char c) { return c < 0x21 || c > 0x7e; }))
    co_return Problem::BadRequest(
        "invalid-field", "Idempotency-Key: 1 to 200 visible ASCII characters", "Idempotency-Key");
  temporal::StartWorkflowOptions options;
  options.id = idempotency_key.empty()
                   ? NewApplicationId(input.application)
                   : IdempotentApplicationId(input.application, user.id(), idempotency_key);
  options.task_queue = services.config.task_queue;
  // An application id names one request for good.
  options.id_reuse_policy = temporal::api::enums::v1::WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE;
  temporal::Result<temporal::WorkflowHandle> started = co_await RunBlocking(services.blocking, [&] {
    return services.temporal.StartWorkflow("ProvisionApplication", options, request);
  });
  if (!started && !idempotency_key.empty() &&
      started.error().code() == temporal::ErrorCode::kAlreadyExists) {
    // The same key again: the request it started, as the first POST answered.
    auto first = co_await RunBlocking(
        services.blocking, [&] { return services.temporal.GetHandle(options.id).Describe(); });
    if (first && first->search_attributes.GetKeyword("ProvisioRequestedBy").value_or(user.id()) ==
                     user.id()) {
      const std::string location = "/api/applications/" + options.id;
      context.headers.emplace_back("Location", location);
      co_return ApplicationCreatedView{options.id, first->run_id, location};
    }
  }
  if (!started) {
    if (started.error().code() == temporal::ErrorCode::kAlreadyExists)
      co_return Problem::Conflict("application id " + options.id + " is taken; send it again");
    spdlog::error("request {}: starting {}: {}", context.info.request_id, options.id,
                  started.error().ToString());
    co_return Problem::Unavailable("Temporal did not start the request (" +
                                   started.error().message() + "); try again");
  }
  const std::string location = "/api/applications/" + options.id;
  context.headers.emplace_back("Location", location);
  co_return ApplicationCreatedView{options.id, started->run_id(), location};
}

}  // namespace

Endpoint CreateApplicationEndpoint() {
  return MakeEndpoint<&CreateApplication>({
      .operation_id = "createApplication",
      .summary = "Request resources",
      .description =
          "Starts a ProvisionApplication workflow for the signed-in user (the requester) on one "
          "of their teams. It validates, plans and waits for the authorizers; GET the Location "
          "to follow it. With an Idempotency-Key header (1 to 200 visible ASCII characters), "
          "a POST repeated with the same key and application answers with the request the "
          "first one started instead of starting another.",
      .tag = "applications",
      .success_status = 201,
      .success_description = "Started; Location names the application.",
      .problems = {403, 409, 503},
  });
}

}  // namespace provisio::api::handlers
