#include "handlers/application_reader.h"

#include <algorithm>
#include <regex>

#include "temporal/client/client.h"

namespace provisio::api::handlers {
namespace {

using temporal::Error;
using temporal::ErrorCode;

constexpr char kCursorSql[] =
    "SELECT coalesce((SELECT max(version) FROM request_states WHERE workflow_id = $1), 0)"
    " + coalesce((SELECT sum(v) FROM (SELECT max(version) AS v FROM apply_progress"
    "             WHERE workflow_id = $1 GROUP BY plan_hash) per_plan), 0)";

temporal::Result<std::optional<model::RequestState>> LastRecordedState(Services& services,
                                                                       const std::string& id) {
  auto rows = services.database.With([&](database::Connection& db) {
    return db.Query(
        "SELECT state::text FROM request_states WHERE workflow_id = $1"
        " ORDER BY version DESC LIMIT 1",
        {id});
  });
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<model::RequestState>();
  try {
    return std::optional<model::RequestState>(
        nlohmann::json::parse(*rows->front()[0]).get<model::RequestState>());
  } catch (const std::exception& error) {
    return Error(ErrorCode::kDataLoss,
                 "request_states of " + id + " does not decode: " + error.what());
  }
}

}  // namespace

bool IsApplicationId(const std::string& id) {
  static const std::regex kId(R"(^[a-z0-9][a-z0-9._-]{0,199}$)");
  return std::regex_match(id, kId);
}

temporal::Result<LoadedState> LoadState(Services& services, const std::string& id) {
  auto answer = services.temporal.GetHandle(id).Query<model::RequestState>("GetState");
  if (answer) return LoadedState{std::move(*answer), "workflow"};
  // Not answered: the workflow is gone (retention), is no request (no such
  // query), or no worker answers now. What it last recorded is the truth
  // as far as it got.
  auto recorded = LastRecordedState(services, id);
  if (recorded && *recorded) return LoadedState{std::move(**recorded), "database"};
  const ErrorCode code = answer.error().code();
  if (code == ErrorCode::kNotFound || code == ErrorCode::kQueryFailed ||
      code == ErrorCode::kDataConversion)
    return Error(ErrorCode::kNotFound, "there is no application " + id);
  if (!recorded) return recorded.error();
  return Error(ErrorCode::kUnavailable,
               "the workflow did not answer (" + answer.error().message() + ")");
}

temporal::Result<std::int64_t> ReadCursor(Services& services, const std::string& id) {
  auto rows =
      services.database.With([&](database::Connection& db) { return db.Query(kCursorSql, {id}); });
  if (!rows) return rows.error();
  return static_cast<std::int64_t>(std::stoll(*rows->front()[0]));
}

temporal::Result<Progress> ReadProgress(Services& services, const std::string& id) {
  return services.database.With([&](database::Connection& db) -> temporal::Result<Progress> {
    // One snapshot: the cursor counts exactly the rows shown.
    if (auto begun = db.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun)
      return begun.error();
    auto rows = db.Query(
        "SELECT plan_hash, address, action, status, elapsed_ms, done, total, version,"
        " to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        " FROM apply_progress WHERE workflow_id = $1 ORDER BY recorded_at, address",
        {id});
    auto cursor = rows ? db.Query(kCursorSql, {id}) : rows;
    (void)db.Exec("COMMIT");
    if (!rows) return rows.error();
    if (!cursor) return cursor.error();
    Progress progress;
    for (const database::Row& row : *rows) {
      progress.rows.push_back({*row[0], *row[1], *row[2], *row[3], std::stoll(*row[4]),
                               std::stoi(*row[5]), std::stoi(*row[6]), std::stoll(*row[7]),
                               *row[8]});
    }
    progress.cursor = std::stoll(*cursor->front()[0]);
    return progress;
  });
}

bool MayRead(const SignedInUser& user, const RequestStateView& state) {
  if (user.SeesEverything() || user.id() == state.requester || user.InTeam(state.team)) return true;
  if (!state.policy) return false;
  return std::any_of(state.policy->roles.begin(), state.policy->roles.end(),
                     [&](const std::string& role) { return user.HasRole(role); });
}

Problem NotVisible(const std::string& id) {
  return Problem::NotFound("there is no application " + id + " that you may see");
}

}  // namespace provisio::api::handlers
