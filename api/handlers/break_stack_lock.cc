// POST /api/stacks/{name}/break-lock: an admin releases a stack's lock
// (a holder that will never finish), so the next request gets its turn. The
// decision names the holder's plan (so a lock that changed hands meanwhile is
// not broken by mistake), is signed like an authorizer's and sent as the
// entity's BreakLock update, which checks again and audits the break.
#include <spdlog/spdlog.h>

#include "handlers/handlers.h"
#include "handlers/signed_update.h"
#include "handlers/stack_reader.h"
#include "platform/blocking.h"

namespace provisio::api::handlers {
namespace {

struct BreakLockInput {
  std::string plan_hash;
  std::optional<std::string> reason;
  static void Rules(json::FieldRules& rules) {
    rules["planHash"] = {.description = "The holder's plan: GET the stack's holder.planHash.",
                         .pattern = "^[0-9a-f]{64}$"};
    rules["reason"] = {
        .description = "Why; audited.", .pattern = "^[^\\n\\r]*$", .max_length = 1000};
  }
};
BOOST_DESCRIBE_STRUCT(BreakLockInput, (), (plan_hash, reason))

struct LockBrokenView {
  std::string stack;
  std::string released_request;
  std::string plan_hash;
  std::string result;
};
BOOST_DESCRIBE_STRUCT(LockBrokenView, (), (stack, released_request, plan_hash, result))

boost::asio::awaitable<Outcome<LockBrokenView>> BreakStackLock(RequestContext& context,
                                                               BreakLockInput input) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const std::string name = context.path.at("name");
  if (!IsStackName(name))
    co_return Problem::NotFound("there is no stack " + name + " that you may see");
  if (!user.HasRole("admin"))
    co_return Problem::Forbidden("not-an-admin",
                                 "breaking a stack's lock needs the role admin; you hold " +
                                     json::detail::ListNames(user.record.roles));
  auto state = co_await RunBlocking(services.blocking, [&] { return ReadStack(services, name); });
  if (!state) {
    if (state.error().code() == temporal::ErrorCode::kNotFound)
      co_return Problem::NotFound("there is no stack " + name);
    co_return Problem::Unavailable("the stack's entity did not answer; try again");
  }
  if (!state->holder) co_return Problem::Conflict("stack " + name + " is not locked");
  if (state->holder->plan_hash != input.plan_hash)
    co_return Problem::Conflict("the lock is held for plan " + state->holder->plan_hash + " (" +
                                state->holder->request_id + "), not " + input.plan_hash);

  model::SignedDecision decision =
      NewDecision(services, user, "stack/" + name, "break-lock", input.plan_hash);
  decision.reason = input.reason;
  const std::string update_id = "break-lock/" + user.id() + "/" + input.plan_hash;
  auto answer = co_await RunBlocking(
      services.blocking, [&] { return SignAndSend(services, decision, "BreakLock", update_id); });
  if (!answer)
    co_return UpdateProblem(context, answer.error(), "lock-break-refused",
                            Problem::NotFound("there is no stack " + name));
  spdlog::warn("{} broke the lock of stack {} held by {}", user.id(), name,
               state->holder->request_id);
  co_return LockBrokenView{name, state->holder->request_id, input.plan_hash, *answer};
}

}  // namespace

Endpoint BreakStackLockEndpoint() {
  return MakeEndpoint<&BreakStackLock>({
      .operation_id = "breakStackLock",
      .summary = "An admin breaks a stack's lock",
      .description =
          "Admins only (403). planHash must be the holder's plan (409 otherwise, or when the "
          "stack is not locked). Signed and sent as the entity's BreakLock update, which "
          "releases the holder at once, gives the next request its turn and audits the break.",
      .tag = "stacks",
      .path_parameters = {{"name", "The stack's name."}},
      .problems = {403, 404, 409, 503},
  });
}

}  // namespace provisio::api::handlers
