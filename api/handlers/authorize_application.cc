// POST /api/applications/{id}/authorize: an authorizer approves or rejects
// the current plan.
//
// The API checks the decision itself first (the request awaits
// authorization; the user holds one of the policy's roles and is not the
// requester unless the policy allows it: else 403; the plan is the current
// one: else 409), then signs it as approval/approval_signature.h does, with
// the key the provisioning worker verifies with, and sends the Authorize
// update. The update's validator checks everything again; its refusal comes
// back as 403 (who may decide) or 409 (the request's state), with its message.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "approval/approval_signature.h"
#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "platform/blocking.h"
#include "temporal/failure.h"

namespace provisio::api::handlers {
namespace {

struct AuthorizeInput {
  static constexpr std::string_view kDescription =
      "A decision on the request's current plan (GET the application for its planHash).";
  std::string decision;
  std::string plan_hash;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::optional<std::string> reason;
  std::optional<bool> confirm_stateful_changes;
  static void Rules(json::FieldRules& rules) {
    rules["decision"] = {.one_of = {"approve", "reject"}};
    rules["planHash"] = {.description = "The plan decided on: the state's planHash.",
                         .pattern = "^[0-9a-f]{64}$"};
    rules["region"] = {.description = "The region the plan was made for (when it names one).",
                       .pattern = "^[a-z0-9-]{1,64}$"};
    rules["profile"] = {.description = "The profile the plan was made for (when it names one).",
                        .pattern = "^[A-Za-z0-9._-]{1,64}$"};
    rules["reason"] = {.description = "Why; shown to the requester and audited.",
                       .pattern = "^[^\\n\\r]*$",
                       .max_length = 1000};
    rules["confirmStatefulChanges"].description =
        "Must be true to approve a plan that deletes or replaces a stateful resource.";
  }
};
BOOST_DESCRIBE_STRUCT(AuthorizeInput, (),
                      (decision, plan_hash, region, profile, reason, confirm_stateful_changes))

struct AuthorizeResultView {
  std::string id;
  std::string decision;
  std::string plan_hash;
  std::string result;
  static void Rules(json::FieldRules& rules) {
    rules["result"].description = "The workflow's answer: \"recorded\".";
  }
};
BOOST_DESCRIBE_STRUCT(AuthorizeResultView, (), (id, decision, plan_hash, result))

// The validator's refusals that are about who decides, not about the
// request's state (provisioning/workflows/request_authorization.cc).
bool IsAboutWhoDecides(const std::string& message) {
  for (const char* phrase : {"may not decide", "holds none of the roles",
                             "not signed by the platform", "signed for request", "has expired"})
    if (message.find(phrase) != std::string::npos) return true;
  return false;
}

std::string RefusalMessage(const temporal::Error& error) {
  // The validator's ApplicationFailure message, not the wrapper's.
  if (const temporal::Failure* failure = error.failure()) {
    if (!failure->message().empty()) return failure->message();
  }
  return error.message();
}

boost::asio::awaitable<Outcome<AuthorizeResultView>> AuthorizeApplication(RequestContext& context,
                                                                          AuthorizeInput input) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const std::string id = context.path.at("id");
  if (!IsApplicationId(id)) co_return NotVisible(id);

  temporal::Result<LoadedState> loaded =
      co_await RunBlocking(services.blocking, [&] { return LoadState(services, id); });
  if (!loaded) {
    if (loaded.error().code() == temporal::ErrorCode::kNotFound) co_return NotVisible(id);
    co_return Problem::Unavailable("the application's state could not be read (" +
                                   loaded.error().message() + "); try again");
  }
  const model::RequestState& state = loaded->state;
  if (!MayRead(user, MakeStateView(state))) co_return NotVisible(id);
  if (state.status != "AWAITING_AUTHORIZATION")
    co_return Problem::Conflict("the request is " + state.status + ", not awaiting authorization");
  const model::ApprovalPolicy policy = state.policy.value_or(model::ApprovalPolicy{});
  if (user.id() == state.requester && !policy.self_approval)
    co_return Problem::Forbidden("not-an-authorizer",
                                 "you requested this and may not decide on it");
  const bool in_role = std::any_of(policy.roles.begin(), policy.roles.end(),
                                   [&](const std::string& role) { return user.HasRole(role); });
  if (!in_role) {
    co_return Problem::Forbidden("not-an-authorizer",
                                 "deciding on this request needs one of the roles " +
                                     json::detail::ListNames(policy.roles) + "; you hold " +
                                     json::detail::ListNames(user.record.roles));
  }
  if (state.plan_hash.value_or("") != input.plan_hash)
    co_return Problem::Conflict("plan " + input.plan_hash + " is not the current plan " +
                                state.plan_hash.value_or("(none)") +
                                "; read the application again and decide on its plan");

  model::SignedDecision decision;
  decision.workflow_id = id;
  decision.user = user.id();
  decision.roles = user.record.roles;
  decision.decision = input.decision;
  decision.plan_hash = input.plan_hash;
  decision.region = input.region;
  decision.profile = input.profile;
  decision.reason = input.reason;
  decision.confirm_stateful_changes = input.confirm_stateful_changes;
  decision.expires_at_unix =
      std::chrono::duration_cast<std::chrono::seconds>(
          (std::chrono::system_clock::now() + services.config.decision_lifetime).time_since_epoch())
          .count();
  approval::Sign(decision, services.config.approval_key);

  temporal::UpdateOptions options;
  // The same person's same decision on the same plan is one update: a
  // retried POST gets the first one's outcome.
  options.update_id = "authorize/" + user.id() + "/" + input.plan_hash + "/" + input.decision;
  options.wait_for_stage =
      temporal::api::enums::v1::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  temporal::Result<std::string> answer =
      co_await RunBlocking(services.blocking, [&]() -> temporal::Result<std::string> {
        auto handle = services.temporal.GetHandle(id).StartUpdate(options, "Authorize", decision);
        if (!handle) return handle.error();
        return handle->GetResult<std::string>();
      });
  if (!answer) {
    const temporal::Error& error = answer.error();
    if (error.code() == temporal::ErrorCode::kUpdateFailed) {
      const std::string message = RefusalMessage(error);
      if (IsAboutWhoDecides(message))
        co_return Problem::Forbidden("decision-refused", "the workflow refused: " + message);
      co_return Problem::Conflict("the workflow refused: " + message);
    }
    if (error.code() == temporal::ErrorCode::kNotFound) co_return NotVisible(id);
    spdlog::error("request {}: Authorize {}: {}", context.info.request_id, id, error.ToString());
    co_return Problem::Unavailable("Temporal did not deliver the decision (" + error.message() +
                                   "); try again");
  }
  spdlog::info("{} {}s plan {} of {}", user.id(), input.decision, input.plan_hash, id);
  co_return AuthorizeResultView{id, input.decision, input.plan_hash, *answer};
}

}  // namespace

Endpoint AuthorizeApplicationEndpoint() {
  return MakeEndpoint<&AuthorizeApplication>({
      .operation_id = "authorizeApplication",
      .summary = "Approve or reject",
      .description =
          "Signs the decision with the platform's approval key (HMAC-SHA256, "
          "approval/approval_signature.h) for the signed-in user and their roles, and sends the "
          "workflow's Authorize update. 403: the user may not decide (requester, no policy "
          "role); 409: the request is not awaiting authorization, or the plan is not the "
          "current one; the workflow's own refusals carry its message.",
      .tag = "applications",
      .path_parameters = {{"id", "The application id."}},
      .problems = {403, 404, 409, 503},
  });
}

}  // namespace provisio::api::handlers
