// api/auth/session_store.h: sessions in the platform database (0002's
// `sessions`), keyed by the SHA-256 of the cookie's token.
//
// A session lives until the first of: its lifetime ends (expires_at), it sees
// no request for the idle timeout, its user signs out, is disabled, or gets a
// new password. A session found ended is deleted as it is found.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "auth/user_directory.h"
#include "database/connection.h"
#include "temporal/error.h"

namespace provisio::api::auth {

/// SessionState says what a cookie's token stands for.
enum class SessionState { kNone, kEnded, kActive };

/// SessionLookup is LookupSession's answer: kActive with the user, else why not.
struct SessionLookup {
  SessionState state = SessionState::kNone;
  UserRecord user;
  std::chrono::system_clock::time_point expires_at;
};

/// CreateSession stores a new session for `user_id` and returns its token;
/// the user's sessions that have ended (`idle_timeout`) are deleted with it.
temporal::Result<std::string> CreateSession(database::Connection& db, const std::string& user_id,
                                            std::chrono::seconds lifetime,
                                            std::chrono::seconds idle_timeout,
                                            const std::string& remote_address,
                                            const std::string& user_agent);

/// LookupSession finds the session of `token`, checks that it has not ended
/// (deleting it if it has), and notes that it was used (at most once a minute).
temporal::Result<SessionLookup> LookupSession(database::Connection& db, const std::string& token,
                                              std::chrono::seconds idle_timeout);

/// DeleteSession ends the session of `token` (nothing when there is none).
temporal::Status DeleteSession(database::Connection& db, const std::string& token);

}  // namespace provisio::api::auth
