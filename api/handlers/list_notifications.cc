// GET /api/notifications: the signed-in user's inbox, unread first, then
// newest first (the workflows' Notify activity writes the rows:
// authorization_requested, intervention_needed, expiry_reminder,
// request_finished).
#include "handlers/handlers.h"
#include "platform/blocking.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

struct NotificationView {
  std::string id;
  std::string kind;
  std::string workflow_id;
  std::string subject;
  nlohmann::json body;
  std::string created_at;
  std::optional<std::string> read_at;
  static void Rules(json::FieldRules& rules) {
    rules["id"].description =
        "The notification's id (it contains '/': percent-encode it in a path).";
    rules["kind"] = {.one_of = {"authorization_requested", "intervention_needed", "expiry_reminder",
                                "request_finished"}};
    rules["workflowId"].description = "The request (or stack entity) it is about.";
    rules["readAt"].description = "When it was marked read (absent: unread).";
  }
};
BOOST_DESCRIBE_STRUCT(NotificationView, (),
                      (id, kind, workflow_id, subject, body, created_at, read_at))

struct InboxView {
  std::vector<NotificationView> notifications;
  std::int64_t unread = 0;
  static void Rules(json::FieldRules& rules) {
    rules["unread"].description = "How many of the user's notifications are unread, in all.";
  }
};
BOOST_DESCRIBE_STRUCT(InboxView, (), (notifications, unread))

constexpr char kTime[] = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";

boost::asio::awaitable<Outcome<InboxView>> ListNotifications(RequestContext& context) {
  Services& services = context.services;
  const std::string user = context.user->id();
  const std::string limit = std::to_string(context.QueryInteger("limit").value_or(50));
  const bool unread_only = context.query.count("unread") != 0;
  if (unread_only && context.query.at("unread") != "true")
    co_return Problem::BadRequest("invalid-query", "unread takes only the value true", "unread");
  auto rows = co_await RunBlocking(services.blocking, [&] {
    return services.database.With([&](database::Connection& db) {
      return db.Query(std::string("SELECT id, kind, workflow_id, subject, body::text,"
                                  " to_char(created_at AT TIME ZONE 'UTC', ") +
                          kTime + "), to_char(read_at AT TIME ZONE 'UTC', " + kTime +
                          "), count(*) FILTER (WHERE read_at IS NULL) OVER ()"
                          " FROM notifications WHERE user_id = $1"
                          " AND ($3::boolean IS FALSE OR read_at IS NULL)"
                          " ORDER BY read_at IS NULL DESC, created_at DESC, id LIMIT $2::int",
                      {user, limit, unread_only ? "true" : "false"});
    });
  });
  if (!rows) co_return Problem::Unavailable("the platform database did not answer; try again");
  InboxView view;
  for (const database::Row& row : *rows) {
    view.notifications.push_back(
        {*row[0], *row[1], *row[2], *row[3], nlohmann::json::parse(*row[4]), *row[5], row[6]});
    view.unread = std::stoll(*row[7]);
  }
  if (rows->empty()) {
    // No row carried the count (it is computed before LIMIT, over them all).
    auto count = co_await RunBlocking(services.blocking, [&] {
      return services.database.With([&](database::Connection& db) {
        return db.Query("SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
                        {user});
      });
    });
    if (!count) co_return Problem::Unavailable("the platform database did not answer; try again");
    view.unread = std::stoll(*count->front()[0]);
  }
  co_return view;
}

}  // namespace

Endpoint ListNotificationsEndpoint() {
  return MakeEndpoint<&ListNotifications>({
      .operation_id = "listNotifications",
      .summary = "The signed-in user's inbox",
      .description = "Unread first, then newest first; `unread` counts every unread one.",
      .tag = "notifications",
      .query = {{.name = "limit",
                 .description = "How many (default 50).",
                 .type = "integer",
                 .minimum = 1,
                 .maximum = 200},
                {.name = "unread", .description = "true: only the unread ones."}},
      .problems = {503},
  });
}

}  // namespace provisio::api::handlers
