// POST /api/applications/{id}/intervene: an operator decides what a request
// whose apply failed for good does next (NEEDS_INTERVENTION): exactly one of
// retry, exclude, rollback or abort (docs/provisioning.md, "When the apply
// cannot go on").
//
// Operators and admins only (403 otherwise). The API checks the request
// waits for an operator and that planHash is the failed plan (409), signs
// the decision like an authorizer's (signed_update.h) and sends the
// Intervene update; the validator checks again and its refusal comes back
// as 403 (who) or 409 (the request's state), with its message.
#include <spdlog/spdlog.h>

#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "handlers/signed_update.h"
#include "platform/blocking.h"

namespace provisio::api::handlers {
namespace {

struct InterveneInput {
  static constexpr std::string_view kDescription =
      "An operator's choice for a failed apply (GET the application: state.intervention).";
  std::string decision;
  std::string plan_hash;
  std::optional<std::string> resource;
  std::optional<std::string> reason;
  static void Rules(json::FieldRules& rules) {
    rules["decision"] = {.description =
                             "retry: plan afresh and apply; exclude: leave the failed "
                             "resource out; rollback: the last good configuration; "
                             "abort: stop (FAILED), the stack as the apply left it.",
                         .one_of = {"retry", "exclude", "rollback", "abort"}};
    rules["planHash"] = {.description = "The failed plan: the state's planHash.",
                         .pattern = "^[0-9a-f]{64}$"};
    rules["resource"] = {.description =
                             "exclude: the resource to leave out (default: the one "
                             "that failed).",
                         .pattern = "^[A-Za-z0-9_.\\[\\]\"-]{1,300}$"};
    rules["reason"] = {
        .description = "Why; audited.", .pattern = "^[^\\n\\r]*$", .max_length = 1000};
  }
};
BOOST_DESCRIBE_STRUCT(InterveneInput, (), (decision, plan_hash, resource, reason))

struct InterventionResultView {
  std::string id;
  std::string decision;
  std::string plan_hash;
  std::string result;
  static void Rules(json::FieldRules& rules) {
    rules["result"].description = "The workflow's answer: \"recorded\".";
  }
};
BOOST_DESCRIBE_STRUCT(InterventionResultView, (), (id, decision, plan_hash, result))

boost::asio::awaitable<Outcome<InterventionResultView>> InterveneApplication(
    RequestContext& context, InterveneInput input) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const std::string id = context.path.at("id");
  if (!IsApplicationId(id)) co_return NotVisible(id);
  if (!user.SeesEverything())
    co_return Problem::Forbidden("not-an-operator",
                                 "interventions need the role operator or admin; you hold " +
                                     json::detail::ListNames(user.record.roles));
  auto loaded = co_await RunBlocking(services.blocking, [&] { return LoadState(services, id); });
  if (!loaded) co_return StateProblem(id, loaded.error());
  const model::RequestState& state = loaded->state;
  if (state.status != "NEEDS_INTERVENTION")
    co_return Problem::Conflict("the request is " + state.status + ", not waiting for an operator");
  if (state.plan_hash.value_or("") != input.plan_hash)
    co_return Problem::Conflict("plan " + input.plan_hash + " is not the failed plan " +
                                state.plan_hash.value_or("(none)"));

  model::SignedDecision decision = NewDecision(services, user, id, input.decision, input.plan_hash);
  decision.resource = input.resource;
  decision.reason = input.reason;
  const std::string update_id =
      "intervene/" + user.id() + "/" + input.plan_hash + "/" + input.decision;
  auto answer = co_await RunBlocking(
      services.blocking, [&] { return SignAndSend(services, decision, "Intervene", update_id); });
  if (!answer)
    co_return UpdateProblem(context, answer.error(), "intervention-refused", NotVisible(id));
  spdlog::info("{} intervened on {}: {}", user.id(), id, input.decision);
  co_return InterventionResultView{id, input.decision, input.plan_hash, *answer};
}

}  // namespace

Endpoint InterveneApplicationEndpoint() {
  return MakeEndpoint<&InterveneApplication>({
      .operation_id = "interveneApplication",
      .summary = "An operator's retry, exclude, rollback or abort",
      .description =
          "Operators and admins only (403). The request must wait for an operator "
          "(NEEDS_INTERVENTION) and planHash be the failed plan (409). Signed like a decision "
          "and sent as the Intervene update; the workflow's refusals carry its message (403 "
          "who, 409 state).",
      .tag = "applications",
      .path_parameters = {{"id", "The application id."}},
      .problems = {403, 404, 409, 503},
  });
}

}  // namespace provisio::api::handlers
