// POST /api/notifications/{id}/read: marks one of the signed-in user's
// notifications read (again: nothing changes, the first time stays).
#include "handlers/handlers.h"
#include "platform/blocking.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

boost::asio::awaitable<Outcome<NoContent>> ReadNotification(RequestContext& context) {
  Services& services = context.services;
  const std::string id = context.path.at("id");
  const std::string user = context.user->id();
  auto rows = co_await RunBlocking(services.blocking, [&] {
    return services.database.With([&](database::Connection& db) {
      return db.Query(
          "UPDATE notifications SET read_at = coalesce(read_at, now())"
          " WHERE id = $1 AND user_id = $2 RETURNING id",
          {id, user});
    });
  });
  if (!rows) co_return Problem::Unavailable("the platform database did not answer; try again");
  if (rows->empty()) co_return Problem::NotFound("you have no notification " + id);
  co_return NoContent{};
}

}  // namespace

Endpoint ReadNotificationEndpoint() {
  return MakeEndpoint<&ReadNotification>({
      .operation_id = "readNotification",
      .summary = "Mark a notification read",
      .description = "Only the user's own (404 otherwise). Marking it again changes nothing.",
      .tag = "notifications",
      .success_status = 204,
      .success_description = "Marked read.",
      .path_parameters = {{"id", "The notification's id, percent-encoded ('/' as %2F)."}},
      .problems = {404, 503},
  });
}

}  // namespace provisio::api::handlers
