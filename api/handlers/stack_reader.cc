#include "handlers/stack_reader.h"

#include <regex>

#include "handlers/application_reader.h"
#include "handlers/session_view.h"
#include "handlers/visibility_query.h"
#include "temporal/client/client.h"

namespace provisio::api::handlers {

bool IsStackName(const std::string& name) {
  static const std::regex kName(R"(^[a-z0-9][a-z0-9-]{0,99}$)");
  return std::regex_match(name, kName);
}

temporal::Result<std::vector<temporal::WorkflowExecutionSummary>> VisibleRequests(
    Services& services, const SignedInUser& user, const std::string& clause, int limit) {
  const std::vector<std::string> deciding = DecidingTemplates(services.templates, user);
  std::string query = std::string(kIsRequest) + " AND " + clause;
  if (const std::string scope = ReadScope(user, deciding); !scope.empty()) query += " AND " + scope;
  std::vector<temporal::WorkflowExecutionSummary> found;
  std::string token;
  do {
    auto page = services.temporal.ListWorkflowsPage(query, token, 100);
    if (!page) return page.error();
    for (auto& execution : page->executions) found.push_back(std::move(execution));
    token = page->next_page_token;
  } while (!token.empty() && static_cast<int>(found.size()) < limit);

  std::vector<std::string> to_check;
  for (const auto& execution : found) {
    const auto& attributes = execution.search_attributes;
    if (!user.SeesEverything() &&
        attributes.GetKeyword("ProvisioRequestedBy").value_or("") != user.id() &&
        !user.InTeam(attributes.GetKeyword("ProvisioTeam").value_or("")))
      to_check.push_back(execution.workflow_id);
  }
  if (to_check.empty()) return found;
  auto recorded = RecordedStates(services, to_check);
  if (!recorded) return recorded.error();
  std::vector<temporal::WorkflowExecutionSummary> visible;
  for (auto& execution : found) {
    if (std::find(to_check.begin(), to_check.end(), execution.workflow_id) != to_check.end()) {
      auto state = recorded->find(execution.workflow_id);
      if (state == recorded->end() || !MayRead(user, MakeStateView(state->second))) continue;
    }
    visible.push_back(std::move(execution));
  }
  return visible;
}

temporal::Result<model::StackState> ReadStack(Services& services, const std::string& name) {
  auto state = services.temporal.GetHandle("stack/" + name).Query<model::StackState>("GetStack");
  if (!state && state.error().code() == temporal::ErrorCode::kQueryFailed)
    return temporal::Error(temporal::ErrorCode::kNotFound, "there is no stack " + name);
  return state;
}

StackView MakeStackView(const model::StackState& state) {
  const auto ticket = [](const model::ApplyTicket& t) {
    return TicketView{t.request_id, t.plan_hash, t.ticket};
  };
  StackView view;
  view.name = state.stack;
  view.template_ = state.template_name;
  if (state.holder) view.holder = ticket(*state.holder);
  for (const model::ApplyTicket& waiting : state.queue) view.queue.push_back(ticket(waiting));
  view.last_good_plan_hash = state.last_good_plan_hash;
  view.template_hash = state.template_hash;
  view.owner = state.owner;
  view.lock_breaks = state.lock_breaks;
  if (state.drift) {
    DriftView drift{state.drift->checked_at, state.drift->drifted, {}};
    for (const model::ResourceChange& change : state.drift->resources) {
      ResourceChangeView resource{change.address, change.actions, {}};
      for (const model::AttributeChange& attribute : change.changed)
        resource.changed.push_back(
            {attribute.name, attribute.before, attribute.after, attribute.sensitive});
      drift.resources.push_back(std::move(resource));
    }
    view.drift = std::move(drift);
  }
  view.drift_schedule = state.drift_schedule;
  view.drift_interval_seconds = state.drift_interval_seconds;
  if (state.expires_at_unix)
    view.expires_at = Rfc3339(
        std::chrono::system_clock::time_point(std::chrono::seconds(*state.expires_at_unix)));
  view.destroyed = state.destroyed;
  view.generation = state.generation;
  return view;
}

}  // namespace provisio::api::handlers
