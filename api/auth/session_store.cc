#include "auth/session_store.h"

#include "auth/session_tokens.h"

namespace provisio::api::auth {

temporal::Result<std::string> CreateSession(database::Connection& db, const std::string& user_id,
                                            std::chrono::seconds lifetime,
                                            std::chrono::seconds idle_timeout,
                                            const std::string& remote_address,
                                            const std::string& user_agent) {
  // The user's sessions that ended unseen go now: the table stays as small
  // as the number of live sessions, with no sweeper to run.
  auto swept = db.Query(
      "DELETE FROM sessions WHERE user_id = $1 AND (expires_at <= now()"
      " OR last_seen_at <= now() - make_interval(secs => $2))",
      {user_id, std::to_string(idle_timeout.count())});
  if (!swept) return swept.error();
  const std::string token = NewSessionToken();
  auto stored = db.Query(
      "INSERT INTO sessions (token_hash, user_id, expires_at, remote_address, user_agent)"
      " VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5)",
      {TokenHash(token), user_id, std::to_string(lifetime.count()), remote_address,
       user_agent.substr(0, 512)});
  if (!stored) return stored.error();
  return token;
}

temporal::Result<SessionLookup> LookupSession(database::Connection& db, const std::string& token,
                                              std::chrono::seconds idle_timeout) {
  const std::string hash = TokenHash(token);
  auto rows = db.Query(
      "SELECT s.user_id, u.display_name, u.email, extract(epoch FROM s.expires_at)::bigint,"
      " s.expires_at <= now() OR s.last_seen_at <= now() - make_interval(secs => $2)"
      "   OR u.disabled_at IS NOT NULL,"
      " s.last_seen_at <= now() - interval '60 seconds',"
      " coalesce((SELECT string_agg(role, ',' ORDER BY role) FROM user_roles r"
      "           WHERE r.user_id = s.user_id), ''),"
      " coalesce((SELECT string_agg(team_id, ',' ORDER BY team_id) FROM team_members m"
      "           WHERE m.user_id = s.user_id), '')"
      " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
      {hash, std::to_string(idle_timeout.count())});
  if (!rows) return rows.error();
  SessionLookup lookup;
  if (rows->empty()) return lookup;
  const database::Row& row = rows->front();
  if (*row[4] == "t") {
    if (auto ended = db.Query("DELETE FROM sessions WHERE token_hash = $1", {hash}); !ended)
      return ended.error();
    lookup.state = SessionState::kEnded;
    return lookup;
  }
  if (*row[5] == "t") {
    if (auto seen =
            db.Query("UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1", {hash});
        !seen)
      return seen.error();
  }
  lookup.state = SessionState::kActive;
  lookup.user.id = *row[0];
  lookup.user.display_name = *row[1];
  lookup.user.email = *row[2];
  lookup.expires_at =
      std::chrono::system_clock::time_point(std::chrono::seconds(std::stoll(*row[3])));
  lookup.user.roles = SplitList(*row[6]);
  lookup.user.teams = SplitList(*row[7]);
  return lookup;
}

temporal::Status DeleteSession(database::Connection& db, const std::string& token) {
  auto deleted = db.Query("DELETE FROM sessions WHERE token_hash = $1", {TokenHash(token)});
  if (!deleted) return deleted.error();
  return temporal::OkStatus();
}

}  // namespace provisio::api::auth
