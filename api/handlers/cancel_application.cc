// POST /api/applications/{id}/cancel: its requester (or an operator or
// admin) cancels a request that has not ended.
//
// Temporal's workflow cancellation: the workflow stops waiting, destroys what
// it applied (in a detached scope, audited "destroy") and ends CANCELLED. The
// API audits who asked ("cancel", with the reason), since the cancellation
// itself carries no identity the workflow could trust.
#include <spdlog/spdlog.h>

#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "platform/blocking.h"
#include "temporal/client/client.h"

namespace provisio::api::handlers {
namespace {

struct CancelInput {
  std::optional<std::string> reason;
  static void Rules(json::FieldRules& rules) {
    rules["reason"] = {
        .description = "Why; audited.", .pattern = "^[^\\n\\r]*$", .max_length = 1000};
  }
};
BOOST_DESCRIBE_STRUCT(CancelInput, (), (reason))

struct CancelView {
  std::string id;
  std::string result;
  static void Rules(json::FieldRules& rules) {
    rules["result"] = {.description =
                           "The cancellation was asked for; follow the request until "
                           "it is CANCELLED.",
                       .one_of = {"cancel-requested"}};
  }
};
BOOST_DESCRIBE_STRUCT(CancelView, (), (id, result))

boost::asio::awaitable<Outcome<CancelView>> CancelApplication(RequestContext& context,
                                                              CancelInput input) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const std::string id = context.path.at("id");
  if (!IsApplicationId(id)) co_return NotVisible(id);
  auto loaded = co_await RunBlocking(services.blocking, [&] { return LoadState(services, id); });
  if (!loaded) co_return StateProblem(id, loaded.error());
  const model::RequestState& state = loaded->state;
  if (!MayRead(user, MakeStateView(state))) co_return NotVisible(id);
  if (user.id() != state.requester && !user.SeesEverything())
    co_return Problem::Forbidden("not-the-requester",
                                 "only its requester (" + state.requester +
                                     "), an operator or an admin may cancel this request");
  if (IsFinished(state.status) || loaded->source != "workflow")
    co_return Problem::Conflict(
        "the request is " + state.status + "; there is nothing to cancel" +
        (IsFinished(state.status) ? "" : " (its workflow does not answer)"));

  temporal::Status audited = co_await RunBlocking(services.blocking, [&] {
    return AuditFromApi(services, user.id(), "cancel", id, std::nullopt, input.reason,
                        nlohmann::json{{"status", state.status}});
  });
  if (!audited) co_return Problem::Unavailable("the audit trail could not be written; try again");
  temporal::Status cancelled = co_await RunBlocking(services.blocking, [&] {
    return services.temporal.GetHandle(id).Cancel(
        input.reason.value_or("cancelled by " + user.id()));
  });
  if (!cancelled) {
    if (cancelled.error().code() == temporal::ErrorCode::kNotFound)
      co_return Problem::Conflict("the request has ended; there is nothing to cancel");
    spdlog::error("request {}: cancelling {}: {}", context.info.request_id, id,
                  cancelled.error().ToString());
    co_return Problem::Unavailable("Temporal did not take the cancellation (" +
                                   cancelled.error().message() + "); try again");
  }
  spdlog::info("{} cancelled {}", user.id(), id);
  co_return CancelView{id, "cancel-requested"};
}

}  // namespace

Endpoint CancelApplicationEndpoint() {
  return MakeEndpoint<&CancelApplication>({
      .operation_id = "cancelApplication",
      .summary = "Cancel a request",
      .description =
          "Its requester, an operator or an admin (403 otherwise) cancels a request that has not "
          "ended (409 otherwise): the workflow destroys what it applied and ends CANCELLED. "
          "Audited (\"cancel\", with the reason).",
      .tag = "applications",
      .success_status = 202,
      .success_description = "Cancellation asked for.",
      .path_parameters = {{"id", "The application id."}},
      .problems = {403, 404, 409, 503},
  });
}

}  // namespace provisio::api::handlers
