// POST /api/session: sign in with a user id and password.
//
// Answers 201 with the session (and its cookie), 401 when the user or the
// password is wrong (the same answer for both, after the same work), 429
// after too many failures (auth/login_rate_limit.h). A cookie the browser
// still had is ended first: every sign-in gets a fresh token.
#include <spdlog/spdlog.h>

#include "auth/password_hash.h"
#include "auth/session_cookie.h"
#include "auth/session_store.h"
#include "handlers/handlers.h"
#include "handlers/session_view.h"
#include "platform/blocking.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

struct SignInInput {
  static constexpr std::string_view kDescription = "A user id and password.";
  std::string user;
  std::string password;
  static void Rules(json::FieldRules& rules) {
    rules["user"] = {.description = "The user id (as `provisio user add` made it).",
                     .min_length = 1,
                     .max_length = 63};
    rules["password"] = {.min_length = 1, .max_length = auth::kMaxPasswordBytes};
  }
};
BOOST_DESCRIBE_STRUCT(SignInInput, (), (user, password))

struct SignedIn {
  auth::UserRecord user;
  std::string token;
};

boost::asio::awaitable<Outcome<SessionView>> CreateSession(RequestContext& context,
                                                           SignInInput input) {
  Services& services = context.services;
  const ApiConfig& config = services.config;
  const std::string& address = context.info.remote_address;
  const std::chrono::seconds wait = services.login_limit.RetryAfter(input.user, address);
  if (wait.count() > 0) {
    co_return Problem::TooManyRequests(
        "too many failed sign-ins for this user or from this address; try again in " +
            std::to_string(wait.count()) + " s",
        wait.count());
  }
  const std::optional<std::string> old_token =
      auth::SessionTokenFrom(context.request, config.cookie_secure);
  const std::string user_agent(context.request[server::http::field::user_agent]);
  // On the hashing pool: argon2id takes 64 MiB and a tenth of a second.
  temporal::Result<std::optional<SignedIn>> result = co_await RunBlocking(
      services.password_hashing, [&]() -> temporal::Result<std::optional<SignedIn>> {
        auto hash = services.database.With(
            [&](database::Connection& db) { return auth::PasswordHashOf(db, input.user); });
        if (!hash) return hash.error();
        if (!*hash) {
          auth::SpendVerificationTime(input.password);
          return std::optional<SignedIn>();
        }
        if (!auth::VerifyPassword(**hash, input.password)) return std::optional<SignedIn>();
        return services.database.With(
            [&](database::Connection& db) -> temporal::Result<std::optional<SignedIn>> {
              if (auth::NeedsRehash(**hash)) {
                if (auto fresh = auth::HashPassword(input.password)) {
                  (void)db.Query(
                      "UPDATE user_credentials SET password_hash = $2, updated_at = now()"
                      " WHERE user_id = $1",
                      {input.user, *fresh});
                }
              }
              if (old_token) {
                if (auto ended = auth::DeleteSession(db, *old_token); !ended) return ended.error();
              }
              auto token = auth::CreateSession(db, input.user, config.session_lifetime,
                                               config.session_idle_timeout, address, user_agent);
              if (!token) return token.error();
              auto user = auth::FindUser(db, input.user);
              if (!user) return user.error();
              if (!*user) return std::optional<SignedIn>();
              return std::optional<SignedIn>(SignedIn{std::move(**user), std::move(*token)});
            });
      });
  if (!result) {
    spdlog::error("request {}: sign-in: {}", context.info.request_id, result.error().message());
    co_return Problem::Unavailable("the platform database did not answer; try again");
  }
  if (!*result) {
    services.login_limit.RecordFailure(input.user, address);
    co_return Problem{401,
                      "wrong-credentials",
                      "Not signed in",
                      "the user or the password is wrong",
                      std::nullopt,
                      {}};
  }
  services.login_limit.RecordSuccess(input.user);
  SignedIn& signed_in = **result;
  const auto expires_at = std::chrono::system_clock::now() + config.session_lifetime;
  context.headers.emplace_back(
      "Set-Cookie",
      auth::SetSessionCookie(signed_in.token, config.session_lifetime, config.cookie_secure));
  context.user = SignedInUser{signed_in.user, expires_at};
  co_return MakeSessionView(signed_in.user, expires_at, signed_in.token, config);
}

}  // namespace

Endpoint CreateSessionEndpoint() {
  return MakeEndpoint<&CreateSession>({
      .operation_id = "createSession",
      .summary = "Sign in",
      .description =
          "Checks the password (argon2id) and starts a session: the answer sets the session "
          "cookie (HttpOnly, SameSite=Strict, Secure behind TLS) and gives the CSRF token. "
          "Too many failures for one user or from one address answer 429 with Retry-After.",
      .tag = "session",
      .access = Access::kPublic,
      .success_status = 201,
      .success_description = "Signed in; Set-Cookie carries the session.",
      .problems = {401, 429, 503},
  });
}

}  // namespace provisio::api::handlers
