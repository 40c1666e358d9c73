// DELETE /api/session: sign out (the session is deleted and the cookie cleared).
#include <spdlog/spdlog.h>

#include "auth/session_cookie.h"
#include "auth/session_store.h"
#include "handlers/handlers.h"
#include "platform/blocking.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

boost::asio::awaitable<Outcome<NoContent>> DeleteSession(RequestContext& context) {
  Services& services = context.services;
  const std::string token = *context.session_token;
  temporal::Status deleted = co_await RunBlocking(services.blocking, [&] {
    return services.database.With(
        [&](database::Connection& db) { return auth::DeleteSession(db, token); });
  });
  if (!deleted) {
    spdlog::error("request {}: sign-out: {}", context.info.request_id, deleted.error().message());
    co_return Problem::Unavailable("the platform database did not answer; try again");
  }
  context.headers.emplace_back("Set-Cookie",
                               auth::ClearSessionCookie(services.config.cookie_secure));
  co_return NoContent{};
}

}  // namespace

Endpoint DeleteSessionEndpoint() {
  return MakeEndpoint<&DeleteSession>({
      .operation_id = "deleteSession",
      .summary = "Sign out",
      .description = "Ends the session and clears its cookie.",
      .tag = "session",
      .success_status = 204,
      .success_description = "Signed out.",
      .problems = {503},
  });
}

}  // namespace provisio::api::handlers
