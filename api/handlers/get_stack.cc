// GET /api/stacks/{name}: a stack's entity state (the GetStack query): the
// lock's holder and queue, the last good apply, drift, expiry; with the
// requests on it the user may read. Who may read one request on the stack
// may read the stack (operators and admins every stack); others get 404.
#include <spdlog/spdlog.h>

#include "handlers/handlers.h"
#include "handlers/stack_reader.h"
#include "handlers/visibility_query.h"
#include "platform/blocking.h"

namespace provisio::api::handlers {
namespace {

Problem NoStack(const std::string& name) {
  return Problem::NotFound("there is no stack " + name + " that you may see");
}

boost::asio::awaitable<Outcome<StackView>> GetStack(RequestContext& context) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const std::string name = context.path.at("name");
  if (!IsStackName(name)) co_return NoStack(name);
  auto requests = co_await RunBlocking(services.blocking, [&] {
    return VisibleRequests(services, user, "ProvisioStack = " + Literal(name), 200);
  });
  if (!requests) {
    spdlog::error("request {}: requests of stack {}: {}", context.info.request_id, name,
                  requests.error().ToString());
    co_return Problem::Unavailable("Temporal's visibility store did not answer; try again");
  }
  if (requests->empty() && !user.SeesEverything()) co_return NoStack(name);
  auto state = co_await RunBlocking(services.blocking, [&] { return ReadStack(services, name); });
  if (!state) {
    if (state.error().code() == temporal::ErrorCode::kNotFound) co_return NoStack(name);
    co_return Problem::Unavailable("the stack's entity did not answer (" + state.error().message() +
                                   "); try again");
  }
  StackView view = MakeStackView(*state);
  for (const auto& request : *requests) view.requests.push_back(request.workflow_id);
  co_return view;
}

}  // namespace

Endpoint GetStackEndpoint() {
  return MakeEndpoint<&GetStack>({
      .operation_id = "getStack",
      .summary = "A stack: lock, queue, drift, expiry",
      .description =
          "The Stack entity's GetStack answer, and the requests on the stack you may read. "
          "Who may read a request on it may read it; operators and admins all; others 404.",
      .tag = "stacks",
      .path_parameters = {{"name", "The stack's name (its first request's application)."}},
      .problems = {404, 503},
  });
}

}  // namespace provisio::api::handlers
