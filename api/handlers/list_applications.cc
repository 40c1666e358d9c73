// GET /api/applications: requests for resources, newest first, found in
// Temporal's visibility store by Provisio's search attributes (never by
// workflow type), scoped to what the signed-in user may read, a page at a
// time.
//
// Filters: filter=mine (requested by the user), filter=toAuthorize (awaiting
// a decision the user may give and has not given), team, status. A request
// the user reads only through one of their roles (not theirs, not their
// team's) is kept only when its own policy (its last recorded state) names
// one of those roles, as GET /api/applications/{id} decides; so a page may
// hold fewer than pageSize requests and still have a next one.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "handlers/session_view.h"
#include "handlers/visibility_query.h"
#include "platform/blocking.h"
#include "temporal/client/client.h"

namespace provisio::api::handlers {
namespace {

struct ApplicationSummaryView {
  std::string id;
  std::string status;
  std::string team;
  std::string template_;
  std::string requester;
  std::optional<std::string> stack;
  std::string started_at;
  std::optional<std::string> closed_at;
  static void Rules(json::FieldRules& rules) {
    rules["id"].description = "The application id (GET /api/applications/{id} reads it).";
    rules["status"].description =
        "ProvisioStatus as the visibility store has it (it may lag the state by a moment).";
    rules["stack"].description = "Set once the request is validated.";
    rules["closedAt"].description = "When the run ended (absent while it runs).";
  }
};
BOOST_DESCRIBE_STRUCT(ApplicationSummaryView, (),
                      (id, status, team, template_, requester, stack, started_at, closed_at))

struct ApplicationListView {
  std::vector<ApplicationSummaryView> applications;
  std::optional<std::string> next_page_token;
  static void Rules(json::FieldRules& rules) {
    rules["nextPageToken"].description =
        "Pass as pageToken (with the same filters) for the next page; absent on the last.";
  }
};
BOOST_DESCRIBE_STRUCT(ApplicationListView, (), (applications, next_page_token))

const std::vector<std::string> kStatuses = {"VALIDATING",
                                            "PLANNING",
                                            "AWAITING_AUTHORIZATION",
                                            "QUEUED",
                                            "PROVISIONING",
                                            "PROVISIONED",
                                            "REJECTED",
                                            "AUTHORIZATION_TIMED_OUT",
                                            "NEEDS_INTERVENTION",
                                            "ROLLED_BACK",
                                            "FAILED",
                                            "CANCELLED",
                                            "DESTROYED"};

bool MayDecideNow(const SignedInUser& user, const model::RequestState& state) {
  if (DeciderProblem(user, state)) return false;
  return std::none_of(state.approvals.begin(), state.approvals.end(), [&](const auto& approval) {
    return approval.user == user.id() && approval.plan_hash == state.plan_hash.value_or("");
  });
}

boost::asio::awaitable<Outcome<ApplicationListView>> ListApplications(RequestContext& context) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const auto query = [&](const char* name) -> std::optional<std::string> {
    auto it = context.query.find(name);
    return it == context.query.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  const std::optional<std::string> filter = query("filter");
  if (filter && *filter != "mine" && *filter != "toAuthorize")
    co_return Problem::BadRequest("invalid-query", "filter must be mine or toAuthorize", "filter");
  const std::optional<std::string> team = query("team");
  if (team && !IsQuotable(*team))
    co_return Problem::BadRequest("invalid-query", "team is not a team id", "team");
  const std::optional<std::string> status = query("status");
  if (status && std::find(kStatuses.begin(), kStatuses.end(), *status) == kStatuses.end())
    co_return Problem::BadRequest(
        "invalid-query", "status must be one of " + json::detail::ListNames(kStatuses), "status");
  std::string page_token;
  if (const std::optional<std::string> token = query("pageToken")) {
    std::optional<std::string> decoded = DecodePageToken(*token);
    if (!decoded || decoded->empty())
      co_return Problem::BadRequest("invalid-query",
                                    "pageToken is not a nextPageToken this API gave", "pageToken");
    page_token = *decoded;
  }
  const int page_size = static_cast<int>(context.QueryInteger("pageSize").value_or(50));

  const std::vector<std::string> deciding = co_await RunBlocking(
      services.blocking, [&] { return DecidingTemplates(services.templates, user); });
  std::string visibility = kIsRequest;
  if (const std::string scope = ReadScope(user, deciding); !scope.empty())
    visibility += " AND " + scope;
  if (filter == "mine") visibility += " AND ProvisioRequestedBy = " + Literal(user.id());
  if (filter == "toAuthorize") {
    const std::string templates = LiteralList(deciding);
    if (templates.empty()) co_return ApplicationListView{};  // no role decides anything
    visibility +=
        " AND ProvisioStatus = 'AWAITING_AUTHORIZATION' AND ProvisioTemplate IN " + templates;
  }
  if (team) visibility += " AND ProvisioTeam = " + Literal(*team);
  if (status) visibility += " AND ProvisioStatus = " + Literal(*status);

  temporal::Result<temporal::ListPage> page = co_await RunBlocking(services.blocking, [&] {
    return services.temporal.ListWorkflowsPage(visibility, page_token, page_size);
  });
  if (!page) {
    // A token the server cannot use (another filter's, or made up) is the
    // client's mistake, whatever the server calls it: the dev server's SQLite
    // visibility answers UNKNOWN "something went wrong" (found by
    // scripts/fuzz-api). Only the server's being away stays a 503.
    const temporal::ErrorCode code = page.error().code();
    if (!page_token.empty() && code != temporal::ErrorCode::kUnavailable &&
        code != temporal::ErrorCode::kDeadlineExceeded)
      co_return Problem::BadRequest("invalid-query",
                                    "pageToken does not fit these filters; start again without it",
                                    "pageToken");
    spdlog::error("request {}: listing applications ({}): {}", context.info.request_id, visibility,
                  page.error().ToString());
    co_return Problem::Unavailable("Temporal's visibility store did not answer (" +
                                   page.error().message() + "); try again");
  }

  // Those found only through a role, and every candidate to authorize, are
  // checked against the request's own recorded state.
  std::vector<std::string> to_check;
  for (const temporal::WorkflowExecutionSummary& execution : page->executions) {
    const auto requester = execution.search_attributes.GetKeyword("ProvisioRequestedBy");
    const auto request_team = execution.search_attributes.GetKeyword("ProvisioTeam");
    const bool direct = user.SeesEverything() || requester.value_or("") == user.id() ||
                        user.InTeam(request_team.value_or(""));
    if (!direct || filter == "toAuthorize") to_check.push_back(execution.workflow_id);
  }
  auto recorded =
      co_await RunBlocking(services.blocking, [&] { return RecordedStates(services, to_check); });
  if (!recorded) co_return Problem::Unavailable("the platform database did not answer; try again");

  ApplicationListView view;
  for (const temporal::WorkflowExecutionSummary& execution : page->executions) {
    const auto& attributes = execution.search_attributes;
    if (std::find(to_check.begin(), to_check.end(), execution.workflow_id) != to_check.end()) {
      auto state = recorded->find(execution.workflow_id);
      if (state == recorded->end()) continue;
      if (!MayRead(user, MakeStateView(state->second))) continue;
      if (filter == "toAuthorize" && !MayDecideNow(user, state->second)) continue;
    }
    ApplicationSummaryView summary;
    summary.id = execution.workflow_id;
    summary.status = attributes.GetKeyword("ProvisioStatus").value_or("VALIDATING");
    summary.team = attributes.GetKeyword("ProvisioTeam").value_or("");
    summary.template_ = attributes.GetKeyword("ProvisioTemplate").value_or("");
    summary.requester = attributes.GetKeyword("ProvisioRequestedBy").value_or("");
    summary.stack = attributes.GetKeyword("ProvisioStack");
    if (execution.start_time) summary.started_at = Rfc3339(*execution.start_time);
    if (execution.close_time) summary.closed_at = Rfc3339(*execution.close_time);
    view.applications.push_back(std::move(summary));
  }
  if (!page->next_page_token.empty()) view.next_page_token = EncodePageToken(page->next_page_token);
  co_return view;
}

}  // namespace

Endpoint ListApplicationsEndpoint() {
  return MakeEndpoint<&ListApplications>({
      .operation_id = "listApplications",
      .summary = "Requests, newest first",
      .description =
          "Found in Temporal's visibility store by the Provisio search attributes, scoped to "
          "what the user may read (theirs, their teams', those their roles may decide; "
          "operators and admins all). Filters combine; a page may hold fewer than pageSize "
          "requests and still name a next one.",
      .tag = "applications",
      .query = {{.name = "filter",
                 .description = "mine: requested by you; toAuthorize: awaiting a decision you "
                                "may give and have not given."},
                {.name = "team", .description = "Only this team's requests."},
                {.name = "status", .description = "Only requests in this status."},
                {.name = "pageSize",
                 .description = "Requests per page (default 50).",
                 .type = "integer",
                 .minimum = 1,
                 .maximum = 100},
                {.name = "pageToken", .description = "The previous page's nextPageToken."}},
      .problems = {503},
  });
}

}  // namespace provisio::api::handlers
