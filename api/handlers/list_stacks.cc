// GET /api/stacks: the stacks the user may read, found through the requests
// made on them (their ProvisioStack search attribute), newest activity
// first: each with its team, template and latest request. GET
// /api/stacks/{name} reads one's entity.
#include <spdlog/spdlog.h>

#include <set>

#include "handlers/handlers.h"
#include "handlers/stack_reader.h"
#include "handlers/visibility_query.h"
#include "platform/blocking.h"

namespace provisio::api::handlers {
namespace {

struct StackSummaryView {
  std::string name;
  std::string team;
  std::string template_;
  std::string latest_request;
  std::string latest_status;
  std::int32_t requests = 0;
  static void Rules(json::FieldRules& rules) {
    rules["latestRequest"].description = "The newest request on the stack you may read.";
    rules["latestStatus"].description = "Its ProvisioStatus (DESTROYED: the stack is gone).";
    rules["requests"].description = "How many requests on it you may read.";
  }
};
BOOST_DESCRIBE_STRUCT(StackSummaryView, (),
                      (name, team, template_, latest_request, latest_status, requests))

struct StackListView {
  std::vector<StackSummaryView> stacks;
  bool truncated = false;
  static void Rules(json::FieldRules& rules) {
    rules["truncated"].description =
        "More requests than one listing reads (1000): older stacks may be missing; filter by team.";
  }
};
BOOST_DESCRIBE_STRUCT(StackListView, (), (stacks, truncated))

constexpr int kMostRequests = 1000;

boost::asio::awaitable<Outcome<StackListView>> ListStacks(RequestContext& context) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  std::string clause = "ProvisioStack IS NOT NULL";
  if (auto team = context.query.find("team"); team != context.query.end()) {
    if (!IsQuotable(team->second))
      co_return Problem::BadRequest("invalid-query", "team is not a team id", "team");
    clause += " AND ProvisioTeam = " + Literal(team->second);
  }
  auto requests = co_await RunBlocking(
      services.blocking, [&] { return VisibleRequests(services, user, clause, kMostRequests); });
  if (!requests) {
    spdlog::error("request {}: listing stacks: {}", context.info.request_id,
                  requests.error().ToString());
    co_return Problem::Unavailable("Temporal's visibility store did not answer; try again");
  }
  StackListView view;
  view.truncated = static_cast<int>(requests->size()) >= kMostRequests;
  std::map<std::string, std::size_t> index;
  for (const auto& request : *requests) {  // newest first
    const auto& attributes = request.search_attributes;
    const std::string name = attributes.GetKeyword("ProvisioStack").value_or("");
    if (name.empty()) continue;
    auto [at, added] = index.emplace(name, view.stacks.size());
    if (added) {
      view.stacks.push_back({name, attributes.GetKeyword("ProvisioTeam").value_or(""),
                             attributes.GetKeyword("ProvisioTemplate").value_or(""),
                             request.workflow_id,
                             attributes.GetKeyword("ProvisioStatus").value_or(""), 0});
    }
    ++view.stacks[at->second].requests;
  }
  co_return view;
}

}  // namespace

Endpoint ListStacksEndpoint() {
  return MakeEndpoint<&ListStacks>({
      .operation_id = "listStacks",
      .summary = "Stacks",
      .description =
          "The stacks of the requests you may read (by their ProvisioStack search attribute), "
          "newest activity first, each with its latest request.",
      .tag = "stacks",
      .query = {{.name = "team", .description = "Only this team's stacks."}},
      .problems = {503},
  });
}

}  // namespace provisio::api::handlers
