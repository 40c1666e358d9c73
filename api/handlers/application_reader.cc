#include "handlers/application_reader.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
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

}  // namespace

bool IsApplicationId(const std::string& id) {
  static const std::regex kId(R"(^[a-z0-9][a-z0-9._-]{0,199}$)");
  return std::regex_match(id, kId);
}

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

temporal::Result<LoadedState> LoadRecordedState(Services& services, const std::string& id) {
  auto recorded = LastRecordedState(services, id);
  if (recorded && *recorded) return LoadedState{std::move(**recorded), "database"};
  // Nothing recorded yet (a request a moment old), or the table did not
  // answer: the workflow's own answer.
  return LoadState(services, id);
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
    // The versions whose status differs from the one before: the timeline.
    auto changes = cursor ? db.Query(
                                "SELECT status, version, to_char(recorded_at AT TIME ZONE 'UTC',"
                                " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM"
                                " (SELECT status, version, recorded_at,"
                                "  lag(status) OVER (ORDER BY version) AS before"
                                "  FROM request_states WHERE workflow_id = $1) recorded"
                                " WHERE before IS DISTINCT FROM status ORDER BY version",
                                {id})
                          : cursor;
    (void)db.Exec("COMMIT");
    if (!rows) return rows.error();
    if (!cursor) return cursor.error();
    if (!changes) return changes.error();
    Progress progress;
    for (const database::Row& row : *changes)
      progress.timeline.push_back({*row[0], std::stoll(*row[1]), *row[2]});
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

std::optional<Problem> DeciderProblem(const SignedInUser& user, const model::RequestState& state) {
  if (state.status != "AWAITING_AUTHORIZATION")
    return Problem::Conflict("the request is " + state.status + ", not awaiting authorization");
  const model::ApprovalPolicy policy = state.policy.value_or(model::ApprovalPolicy{});
  if (user.id() == state.requester && !policy.self_approval)
    return Problem::Forbidden("not-an-authorizer", "you requested this and may not decide on it");
  const bool in_role = std::any_of(policy.roles.begin(), policy.roles.end(),
                                   [&](const std::string& role) { return user.HasRole(role); });
  if (!in_role) {
    return Problem::Forbidden("not-an-authorizer",
                              "deciding on this request needs one of the roles " +
                                  json::detail::ListNames(policy.roles) + "; you hold " +
                                  json::detail::ListNames(user.record.roles));
  }
  if (const auto& named = state.approvers;
      named && std::find(named->begin(), named->end(), user.id()) == named->end())
    return Problem::Forbidden("not-an-authorizer",
                              "you are not a named authorizer of this request (named: " +
                                  json::detail::ListNames(*named) + ")");
  return std::nullopt;
}

Problem StateProblem(const std::string& id, const temporal::Error& error) {
  if (error.code() == ErrorCode::kNotFound) return NotVisible(id);
  return Problem::Unavailable("the application's state could not be read (" + error.message() +
                              "); try again");
}

bool IsFinished(const std::string& status) {
  for (const char* finished : {"PROVISIONED", "REJECTED", "AUTHORIZATION_TIMED_OUT", "ROLLED_BACK",
                               "FAILED", "CANCELLED", "DESTROYED"})
    if (status == finished) return true;
  return false;
}

temporal::Result<model::ProvisionResult> ReadResult(Services& services, const std::string& id) {
  temporal::GetResultOptions options;
  options.timeout = std::chrono::seconds(10);
  return services.temporal.GetHandle(id).GetResult<model::ProvisionResult>(options);
}

namespace {
std::string RandomText(std::size_t length) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuv";
  std::string text;
  for (std::size_t i = 0; i < length; ++i) text += kDigits[random() % 32];
  return text;
}
}  // namespace

std::string NewApplicationId(const std::string& application) {
  return application + "-" + RandomText(10);
}

std::string IdempotentApplicationId(const std::string& application, const std::string& user,
                                    const std::string& key) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuv";
  const std::string text = "provisio-idempotency-v1\n" + user + "\n" + application + "\n" + key;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::string suffix;
  for (int i = 0; i < 10; ++i) suffix += kDigits[digest[i] % 32];
  return application + "-" + suffix;
}

temporal::Status AuditFromApi(Services& services, const std::string& actor,
                              const std::string& action, const std::string& workflow_id,
                              const std::optional<std::string>& stack,
                              const std::optional<std::string>& reason,
                              const nlohmann::json& details) {
  auto written = services.database.With([&](database::Connection& db) {
    return db.Query(
        "INSERT INTO audit_events (event_id, occurred_at, actor, action, workflow_id, stack,"
        " reason, details) VALUES ($1, now(), $2, $3, $4, $5, $6, $7::jsonb)",
        {workflow_id + "/api/" + RandomText(16), actor, action, workflow_id, stack, reason,
         details.dump()});
  });
  if (!written) return written.error();
  return temporal::OkStatus();
}

temporal::Result<std::map<std::string, model::RequestState>> RecordedStates(
    Services& services, const std::vector<std::string>& ids) {
  std::map<std::string, model::RequestState> states;
  if (ids.empty()) return states;
  std::string array = "{";
  for (const std::string& id : ids) array += (array.size() > 1 ? ",\"" : "\"") + id + "\"";
  array += "}";
  auto rows = services.database.With([&](database::Connection& db) {
    return db.Query(
        "SELECT DISTINCT ON (workflow_id) workflow_id, state::text FROM request_states"
        " WHERE workflow_id = ANY($1::text[]) ORDER BY workflow_id, version DESC",
        {array});
  });
  if (!rows) return rows.error();
  for (const database::Row& row : *rows) {
    try {
      states[*row[0]] = nlohmann::json::parse(*row[1]).get<model::RequestState>();
    } catch (const std::exception& error) {
      spdlog::warn("request_states of {} does not decode: {}", *row[0], error.what());
    }
  }
  return states;
}

Problem NotVisible(const std::string& id) {
  return Problem::NotFound("there is no application " + id + " that you may see");
}

}  // namespace provisio::api::handlers
