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

#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "handlers/signed_update.h"
#include "platform/blocking.h"

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

boost::asio::awaitable<Outcome<AuthorizeResultView>> AuthorizeApplication(RequestContext& context,
                                                                          AuthorizeInput input) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const std::string id = context.path.at("id");
  if (!IsApplicationId(id)) co_return NotVisible(id);

  temporal::Result<LoadedState> loaded =
      co_await RunBlocking(services.blocking, [&] { return LoadState(services, id); });
  if (!loaded) co_return StateProblem(id, loaded.error());
  const model::RequestState& state = loaded->state;
  if (!MayRead(user, MakeStateView(state))) co_return NotVisible(id);
  if (std::optional<Problem> refused = DeciderProblem(user, state)) co_return *refused;
  if (state.plan_hash.value_or("") != input.plan_hash)
    co_return Problem::Conflict("plan " + input.plan_hash + " is not the current plan " +
                                state.plan_hash.value_or("(none)") +
                                "; read the application again and decide on its plan");

  model::SignedDecision decision = NewDecision(services, user, id, input.decision, input.plan_hash);
  decision.region = input.region;
  decision.profile = input.profile;
  decision.reason = input.reason;
  decision.confirm_stateful_changes = input.confirm_stateful_changes;
  // The same person's same decision on the same plan is one update: a
  // retried POST gets the first one's outcome.
  const std::string update_id =
      "authorize/" + user.id() + "/" + input.plan_hash + "/" + input.decision;
  temporal::Result<std::string> answer = co_await RunBlocking(
      services.blocking, [&] { return SignAndSend(services, decision, "Authorize", update_id); });
  if (!answer) co_return UpdateProblem(context, answer.error(), "decision-refused", NotVisible(id));
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
