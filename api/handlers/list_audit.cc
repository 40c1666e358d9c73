// GET /api/audit: the audit trail (audit_events: every request, decision,
// intervention, lock break, drift finding, destroy, reveal, cancellation),
// newest first, filtered, a page at a time.
//
// Operators and admins read all of it; others the events of the requests
// they may read (theirs, their teams', those their roles may decide, by the
// request's last recorded state), never a stack entity's own events.
#include <regex>

#include "handlers/handlers.h"
#include "handlers/visibility_query.h"
#include "platform/blocking.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

struct AuditEventView {
  std::string event_id;
  std::string occurred_at;
  std::string actor;
  std::string action;
  std::string workflow_id;
  std::optional<std::string> stack;
  std::optional<std::string> plan_hash;
  std::optional<std::string> reason;
  nlohmann::json details;
  static void Rules(json::FieldRules& rules) {
    rules["workflowId"].description = "The request, or the stack entity (stack/NAME).";
    rules["occurredAt"].description = "When it happened (workflow time), UTC, microseconds.";
  }
};
BOOST_DESCRIBE_STRUCT(AuditEventView, (),
                      (event_id, occurred_at, actor, action, workflow_id, stack, plan_hash, reason,
                       details))

struct AuditPageView {
  std::vector<AuditEventView> events;
  std::optional<std::string> next_page_token;
  static void Rules(json::FieldRules& rules) {
    rules["nextPageToken"].description =
        "Pass as pageToken (with the same filters) for older events; absent on the last page.";
  }
};
BOOST_DESCRIBE_STRUCT(AuditPageView, (), (events, next_page_token))

bool IsTime(const std::string& text) {
  static const std::regex kTime(
      R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$)");
  return std::regex_match(text, kTime);
}

std::string TextArray(const std::vector<std::string>& values) {
  std::string array = "{";
  for (const std::string& value : values) {
    if (!IsQuotable(value)) continue;
    array += (array.size() > 1 ? ",\"" : "\"") + value + "\"";
  }
  return array + "}";
}

boost::asio::awaitable<Outcome<AuditPageView>> ListAudit(RequestContext& context) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const auto query = [&](const char* name) -> std::optional<std::string> {
    auto it = context.query.find(name);
    return it == context.query.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  for (const char* name : {"since", "until"}) {
    if (auto time = query(name); time && !IsTime(*time))
      co_return Problem::BadRequest(
          "invalid-query",
          std::string(name) + " must be an RFC 3339 time such as 2026-01-02T03:04:05Z", name);
  }
  // The page token is the last event's (occurred_at, event_id): the next
  // page holds those strictly older, so rows written meanwhile shift nothing.
  std::optional<std::string> after_time, after_id;
  if (auto token = query("pageToken")) {
    std::optional<std::string> decoded = DecodePageToken(*token);
    const std::size_t bar = decoded ? decoded->find('|') : std::string::npos;
    if (bar == std::string::npos || !IsTime(decoded->substr(0, bar)))
      co_return Problem::BadRequest("invalid-query",
                                    "pageToken is not a nextPageToken this API gave", "pageToken");
    after_time = decoded->substr(0, bar);
    after_id = decoded->substr(bar + 1);
  }
  const std::int64_t page_size = context.QueryInteger("pageSize").value_or(50);
  const bool everything = user.SeesEverything();

  auto rows = co_await RunBlocking(services.blocking, [&] {
    return services.database.With([&](database::Connection& db) {
      return db.Query(
          "SELECT a.event_id,"
          " to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
          " a.actor, a.action, a.workflow_id, a.stack, a.plan_hash, a.reason, a.details::text"
          " FROM audit_events a"
          " WHERE ($1::text IS NULL OR a.workflow_id = $1)"
          " AND ($2::text IS NULL OR a.actor = $2)"
          " AND ($3::text IS NULL OR a.action = $3)"
          " AND ($4::timestamptz IS NULL OR a.occurred_at >= $4)"
          " AND ($5::timestamptz IS NULL OR a.occurred_at < $5)"
          " AND ($6::timestamptz IS NULL OR (a.occurred_at, a.event_id) < ($6, $7::text))"
          " AND ($8::boolean OR EXISTS (SELECT 1 FROM (SELECT s.state FROM request_states s"
          "      WHERE s.workflow_id = a.workflow_id ORDER BY s.version DESC LIMIT 1) last"
          "      WHERE last.state->>'requester' = $9"
          "      OR last.state->>'team' = ANY($10::text[])"
          "      OR coalesce(last.state->'policy'->'roles', '[]'::jsonb) ?| $11::text[]))"
          " ORDER BY a.occurred_at DESC, a.event_id DESC LIMIT $12::int",
          {query("workflowId"), query("actor"), query("action"), query("since"), query("until"),
           after_time, after_id, everything ? "true" : "false", user.id(),
           TextArray(user.record.teams), TextArray(user.record.roles),
           std::to_string(page_size + 1)});
    });
  });
  if (!rows) co_return Problem::Unavailable("the platform database did not answer; try again");
  AuditPageView view;
  for (const database::Row& row : *rows) {
    if (static_cast<std::int64_t>(view.events.size()) == page_size) {
      const AuditEventView& last = view.events.back();
      view.next_page_token = EncodePageToken(last.occurred_at + "|" + last.event_id);
      break;
    }
    view.events.push_back({*row[0], *row[1], *row[2], *row[3], *row[4], row[5], row[6], row[7],
                           nlohmann::json::parse(*row[8])});
  }
  co_return view;
}

}  // namespace

Endpoint ListAuditEndpoint() {
  return MakeEndpoint<&ListAudit>({
      .operation_id = "listAudit",
      .summary = "The audit trail",
      .description =
          "Newest first. Operators and admins read every event; others those of the requests "
          "they may read. Filters combine.",
      .tag = "audit",
      .query = {{.name = "workflowId", .description = "Only this request's (or stack/NAME's)."},
                {.name = "actor",
                 .description = "Only this user's (or \"provisio\", the platform)."},
                {.name = "action",
                 .description = "Only this action (approve, reject, destroy, ...)."},
                {.name = "since", .description = "From this time on (RFC 3339)."},
                {.name = "until", .description = "Before this time (RFC 3339)."},
                {.name = "pageSize",
                 .description = "Events per page (default 50).",
                 .type = "integer",
                 .minimum = 1,
                 .maximum = 500},
                {.name = "pageToken", .description = "The previous page's nextPageToken."}},
      .problems = {503},
  });
}

}  // namespace provisio::api::handlers
