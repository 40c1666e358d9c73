#include "activities/platform_records.h"

#include <regex>
#include <stdexcept>

#include "temporal/failure.h"

namespace provisio::activities {
namespace {

// A PostgreSQL array literal of names. Only plain names get here (roles and
// user ids are checked against their patterns), so no quoting is needed.
std::string NameArray(const std::vector<std::string>& names) {
  static const std::regex kName(R"(^[a-z0-9][a-z0-9._-]{0,62}$)");
  std::string literal = "{";
  for (const std::string& name : names) {
    if (!std::regex_match(name, kName))
      throw temporal::ApplicationFailure("\"" + name + "\" is not a plain name", "InvalidName",
                                         /*non_retryable=*/true);
    literal += (literal.size() > 1 ? "," : "") + name;
  }
  return literal + "}";
}

template <typename T>
T Checked(temporal::Result<T> result) {
  if (!result) throw std::runtime_error(result.error().message());  // retryable
  return std::move(*result);
}

}  // namespace

model::Team LookupTeam(const ActivityEnvironment& environment, const std::string& team_id,
                       const std::string& requester) {
  database::Connection db = environment.Connect();
  auto team = Checked(db.Query("SELECT id, name FROM teams WHERE id = $1", {team_id}));
  if (team.empty())
    throw temporal::ApplicationFailure("there is no team \"" + team_id + "\"", "UnknownTeam",
                                       /*non_retryable=*/true);
  model::Team found;
  found.id = *team[0][0];
  found.name = *team[0][1];
  for (const auto& row : Checked(db.Query(
           "SELECT user_id FROM team_members WHERE team_id = $1 ORDER BY user_id", {team_id})))
    found.members.push_back(*row[0]);
  if (std::find(found.members.begin(), found.members.end(), requester) == found.members.end())
    throw temporal::ApplicationFailure(requester + " is not a member of team " + team_id,
                                       "NotATeamMember", /*non_retryable=*/true);
  return found;
}

void RecordState(const ActivityEnvironment& environment, const model::RecordStateInput& input) {
  database::Connection db = environment.Connect();
  Checked(db.Query(
      "INSERT INTO request_states (workflow_id, version, status, state) VALUES ($1, $2, $3, "
      "$4::jsonb) ON CONFLICT (workflow_id, version) DO NOTHING",
      {input.workflow_id, std::to_string(input.state.version), input.state.status,
       nlohmann::json(input.state).dump()}));
}

int Notify(const ActivityEnvironment& environment, const model::NotifyInput& input) {
  database::Connection db = environment.Connect();
  Checked(db.Query(
      "INSERT INTO notifications (id, user_id, kind, workflow_id, subject, body) "
      "SELECT $1 || '/' || u.id, u.id, $2, $3, $4, $5::jsonb FROM users u "
      "WHERE (u.id = ANY($8::text[]) OR EXISTS (SELECT 1 FROM user_roles r "
      "WHERE r.user_id = u.id AND r.role = ANY($6::text[]))) "
      "AND u.id <> ALL($7::text[]) AND u.disabled_at IS NULL "
      "ON CONFLICT (id) DO NOTHING",
      {input.notification_id, input.kind, input.workflow_id, input.subject, input.body.dump(),
       NameArray(input.roles), NameArray(input.exclude_users), NameArray(input.users)}));
  auto rows =
      Checked(db.Query("SELECT count(*) FROM notifications WHERE starts_with(id, $1 || '/')",
                       {input.notification_id}));
  return std::stoi(*rows[0][0]);
}

void Audit(const ActivityEnvironment& environment, const model::AuditInput& input) {
  database::Connection db = environment.Connect();
  Checked(db.Query(
      "INSERT INTO audit_events (event_id, occurred_at, actor, action, workflow_id, stack, "
      "plan_hash, reason, details) VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8, "
      "$9::jsonb) ON CONFLICT (event_id) DO NOTHING",
      {input.event_id, input.occurred_at, input.actor, input.action, input.workflow_id, input.stack,
       input.plan_hash, input.reason, input.details.dump()}));
}

}  // namespace provisio::activities
