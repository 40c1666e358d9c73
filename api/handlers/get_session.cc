// GET /api/session: who is signed in, their roles and teams, and the CSRF
// token (401 when no one is).
#include "handlers/handlers.h"
#include "handlers/session_view.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

boost::asio::awaitable<Outcome<SessionView>> GetSession(RequestContext& context) {
  co_return MakeSessionView(context.user->record, context.user->session_expires_at,
                            *context.session_token, context.services.config);
}

}  // namespace

Endpoint GetSessionEndpoint() {
  return MakeEndpoint<&GetSession>({
      .operation_id = "getSession",
      .summary = "Who am I",
      .description = "The signed-in user with their roles and teams (read at this request), "
                     "and the CSRF token.",
      .tag = "session",
  });
}

}  // namespace provisio::api::handlers
