// POST /api/applications/{id}/destroy: a member of the request's team asks
// to destroy the stack a provisioned request made: a new request with
// `destroy: true` (docs/provisioning.md, "Destroying a stack").
//
// The new request is planned with `tofu plan -destroy` from the stack's last
// good configuration (its template, parameters and region, from the Stack
// entity's GetStack), approved like any change, applied in the stack's turn,
// and ends DESTROYED. The signed-in user is its requester.
#include <spdlog/spdlog.h>

#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "model/stack.h"
#include "platform/blocking.h"
#include "temporal/client/client.h"

namespace provisio::api::handlers {
namespace {

struct DestroyInput {
  static constexpr std::string_view kDescription = "A request to destroy the request's stack.";
  std::optional<std::int64_t> authorization_timeout_seconds;
  static void Rules(json::FieldRules& rules) {
    rules["authorizationTimeoutSeconds"] = {.minimum = 1, .maximum = 7 * 24 * 3600};
  }
};
BOOST_DESCRIBE_STRUCT(DestroyInput, (), (authorization_timeout_seconds))

struct DestroyRequestedView {
  std::string id;
  std::string run_id;
  std::string location;
  std::string stack;
  static void Rules(json::FieldRules& rules) {
    rules["id"].description = "The destroy request's application id.";
    rules["location"].description = "Where to follow it.";
  }
};
BOOST_DESCRIBE_STRUCT(DestroyRequestedView, (), (id, run_id, location, stack))

struct StackFacts {
  std::string stack;
  model::StackState state;
};

// ReadStack finds the stack a provisioned request made and its entity's state.
temporal::Result<StackFacts> ReadStack(Services& services, const std::string& id) {
  auto result = ReadResult(services, id);
  if (!result) return result.error();
  if (result->stack.empty())
    return temporal::Error(temporal::ErrorCode::kFailedPrecondition,
                           "the request made no stack of its own (a request over several regions: "
                           "destroy each region's request)");
  auto state =
      services.temporal.GetHandle("stack/" + result->stack).Query<model::StackState>("GetStack");
  if (!state) return state.error();
  return StackFacts{result->stack, std::move(*state)};
}

boost::asio::awaitable<Outcome<DestroyRequestedView>> DestroyApplication(RequestContext& context,
                                                                         DestroyInput input) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const std::string id = context.path.at("id");
  if (!IsApplicationId(id)) co_return NotVisible(id);
  auto loaded = co_await RunBlocking(services.blocking, [&] { return LoadState(services, id); });
  if (!loaded) co_return StateProblem(id, loaded.error());
  const model::RequestState& state = loaded->state;
  if (!MayRead(user, MakeStateView(state))) co_return NotVisible(id);
  if (!user.InTeam(state.team))
    co_return Problem::Forbidden("not-a-team-member", "destroying needs a member of team \"" +
                                                          state.team +
                                                          "\": the destroy request is that team's");
  if (state.status != "PROVISIONED")
    co_return Problem::Conflict("the request is " + state.status +
                                "; only a provisioned request's stack can be destroyed");

  auto stack = co_await RunBlocking(services.blocking, [&] { return ReadStack(services, id); });
  if (!stack) {
    const auto code = stack.error().code();
    if (code == temporal::ErrorCode::kFailedPrecondition ||
        code == temporal::ErrorCode::kNotFound || code == temporal::ErrorCode::kQueryFailed)
      co_return Problem::Conflict("the request's stack cannot be destroyed: " +
                                  stack.error().message());
    co_return Problem::Unavailable("the stack could not be read (" + stack.error().message() +
                                   "); try again");
  }
  const model::StackState& entity = stack->state;
  if (entity.destroyed || !entity.last_good)
    co_return Problem::Conflict("stack " + stack->stack + " is destroyed already");

  model::ProvisionRequest request;
  request.requester = user.id();
  request.team = state.team;
  request.application = stack->stack;
  request.template_name = entity.last_good->template_name;
  request.parameters = entity.last_good->parameters;
  request.region = entity.last_good->region;
  request.destroy = true;
  request.authorization_timeout_seconds = input.authorization_timeout_seconds;
  temporal::StartWorkflowOptions options;
  options.id = NewApplicationId(stack->stack);
  options.task_queue = services.config.task_queue;
  options.id_reuse_policy = temporal::api::enums::v1::WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE;
  auto started = co_await RunBlocking(services.blocking, [&] {
    return services.temporal.StartWorkflow("ProvisionApplication", options, request);
  });
  if (!started) {
    spdlog::error("request {}: starting destroy {}: {}", context.info.request_id, options.id,
                  started.error().ToString());
    co_return Problem::Unavailable("Temporal did not start the destroy request (" +
                                   started.error().message() + "); try again");
  }
  spdlog::info("{} asked to destroy stack {} of {}: {}", user.id(), stack->stack, id, options.id);
  const std::string location = "/api/applications/" + options.id;
  context.headers.emplace_back("Location", location);
  co_return DestroyRequestedView{options.id, started->run_id(), location, stack->stack};
}

}  // namespace

Endpoint DestroyApplicationEndpoint() {
  return MakeEndpoint<&DestroyApplication>({
      .operation_id = "destroyApplication",
      .summary = "Destroy a request's stack (a new request)",
      .description =
          "A member of the request's team (403 otherwise) asks to destroy the stack a "
          "PROVISIONED request made (409 otherwise): a new ProvisionApplication with destroy "
          "true, from the stack's last good configuration, which plans `tofu plan -destroy`, "
          "is approved like any change and ends DESTROYED. 201 with its id and Location.",
      .tag = "applications",
      .success_status = 201,
      .success_description = "The destroy request started; Location names it.",
      .path_parameters = {{"id", "The provisioned application's id."}},
      .problems = {403, 404, 409, 503},
  });
}

}  // namespace provisio::api::handlers
