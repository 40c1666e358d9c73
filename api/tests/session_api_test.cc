// Signing in and out, sessions and the CSRF defence, over HTTP against a
// real API, PostgreSQL and Temporal (api_fixture.h).
#include "api_fixture.h"
#include "auth/session_tokens.h"

namespace provisio_api_test {
namespace {

class SessionApiTest : public ApiTest {};

TEST_F(SessionApiTest, SignInSetsAStrictHttpOnlyCookieAndSignOutEndsTheSession) {
  HttpClient client = Client();
  Reply signed_in = client.SignIn(User("requester"), kPassword);
  ASSERT_EQ(signed_in.status, 201) << signed_in.body;
  const std::string set_cookie = signed_in.Header("set-cookie");
  EXPECT_EQ(set_cookie.rfind("provisio_session=", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; Path=/"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "not behind TLS: " << set_cookie;
  EXPECT_EQ(signed_in.Json()["user"], User("requester"));
  EXPECT_EQ(signed_in.Json()["teams"], nlohmann::json::array({Team()}));
  // Where the Temporal Web UI is: only when configured (the codec tests set it).
  EXPECT_EQ(signed_in.Json()["temporalNamespace"], Env("TEMPORAL_NAMESPACE"));
  EXPECT_FALSE(signed_in.Json().contains("temporalUiUrl")) << signed_in.body;

  // Only the token's hash is stored.
  const std::string token = client.cookie.substr(client.cookie.find('=') + 1);
  EXPECT_EQ(Sql("SELECT count(*) FROM sessions WHERE token_hash = $1",
                {provisio::api::auth::TokenHash(token)}),
            std::vector<std::string>{"1"});
  EXPECT_EQ(Sql("SELECT count(*) FROM sessions WHERE token_hash = $1", {token}),
            std::vector<std::string>{"0"});

  Reply who = client.Get("/api/session");
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(who.Json()["user"], User("requester"));
  EXPECT_EQ(who.Json()["csrfToken"], client.csrf_token);

  Reply signed_out = client.Delete("/api/session");
  EXPECT_EQ(signed_out.status, 204) << signed_out.body;
  EXPECT_NE(signed_out.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Sql("SELECT count(*) FROM sessions WHERE token_hash = $1",
                {provisio::api::auth::TokenHash(token)}),
            std::vector<std::string>{"0"});
  // The old cookie, kept by an attacker, no longer works.
  client.cookie = "provisio_session=" + token;
  Reply after = client.Get("/api/session");
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.Header("content-type"), "application/problem+json");
}

TEST_F(SessionApiTest, AWrongPasswordAndAnUnknownUserGetTheSame401) {
  HttpClient client = Client();
  Reply wrong = client.SignIn(User("requester"), "not the password");
  Reply unknown = client.SignIn("nobody-" + RandomHex(6), kPassword);
  for (const Reply& reply : {wrong, unknown}) {
    EXPECT_EQ(reply.status, 401) << reply.body;
    EXPECT_EQ(reply.Header("content-type"), "application/problem+json");
    EXPECT_EQ(reply.Json()["type"], "urn:provisio:problem:wrong-credentials");
    EXPECT_EQ(reply.Json()["detail"], "the user or the password is wrong");
    EXPECT_TRUE(reply.Header("set-cookie").empty());
  }
}

TEST_F(SessionApiTest, TooManyFailuresAreRefusedWith429EvenWithTheRightPassword) {
  StopApi();
  StartApi([](ApiConfig& config) {
    config.login_max_failures = 3;
    config.login_window = std::chrono::seconds(60);
  });
  HttpClient client = Client();
  const std::string user = User("mate");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(client.SignIn(user, "guess " + std::to_string(i)).status, 401);
  Reply limited = client.SignIn(user, kPassword);
  ASSERT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Json()["type"], "urn:provisio:problem:too-many-requests");
  const int retry_after = std::stoi(limited.Header("retry-after"));
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 60);
  // Another user from elsewhere is not held back by this one's failures.
  EXPECT_EQ(Client().SignIn(User("requester"), kPassword).status, 201);
}

TEST_F(SessionApiTest, AnExpiredSessionIs401AndItsCookieIsCleared) {
  HttpClient client = SignedIn(User("requester"));
  ASSERT_EQ(client.Get("/api/session").status, 200);
  const std::string token = client.cookie.substr(client.cookie.find('=') + 1);
  Sql("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1",
      {provisio::api::auth::TokenHash(token)});
  Reply expired = client.Get("/api/templates");
  ASSERT_EQ(expired.status, 401) << expired.body;
  EXPECT_NE(expired.Json()["detail"].get<std::string>().find("session has ended"),
            std::string::npos);
  EXPECT_NE(expired.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Sql("SELECT count(*) FROM sessions WHERE token_hash = $1",
                {provisio::api::auth::TokenHash(token)}),
            std::vector<std::string>{"0"})
      << "an ended session is deleted as it is found";
}

TEST_F(SessionApiTest, AnIdleSessionEnds) {
  HttpClient client = SignedIn(User("requester"));
  const std::string token = client.cookie.substr(client.cookie.find('=') + 1);
  Sql("UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE token_hash = $1",
      {provisio::api::auth::TokenHash(token)});
  EXPECT_EQ(client.Get("/api/session").status, 401);
}

TEST_F(SessionApiTest, AStateChangingRequestWithoutTheCsrfTokenIs403) {
  HttpClient client = SignedIn(User("requester"));
  client.send_csrf = false;
  Reply refused = client.Delete("/api/session");
  ASSERT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.Json()["type"], "urn:provisio:problem:csrf-token");
  client.send_csrf = true;
  client.csrf_token = provisio::api::auth::CsrfToken("another session's token");
  EXPECT_EQ(client.Delete("/api/session").status, 403);
  // The session is still there: nothing was done.
  EXPECT_EQ(client.Get("/api/session").status, 200);
}

TEST_F(SessionApiTest, AStateChangingRequestFromAnotherOriginOrNoneIs403) {
  HttpClient client = SignedIn(User("requester"));
  Reply foreign = client.Send(http::verb::delete_, "/api/session", std::nullopt,
                              {{"Origin", "https://evil.example"}});
  ASSERT_EQ(foreign.status, 403) << foreign.body;
  EXPECT_EQ(foreign.Json()["type"], "urn:provisio:problem:origin-refused");
  client.origin = "";
  Reply none = client.Delete("/api/session");
  ASSERT_EQ(none.status, 403) << none.body;
  EXPECT_NE(none.Json()["detail"].get<std::string>().find("Origin"), std::string::npos);
  // Sign-in itself is checked too (login CSRF).
  HttpClient other = Client();
  Reply login = other.Send(http::verb::post, "/api/session",
                           nlohmann::json{{"user", User("requester")}, {"password", kPassword}},
                           {{"Origin", "https://evil.example"}});
  EXPECT_EQ(login.status, 403);
  // A Referer of the API's own origin stands in for a missing Origin.
  client.send_csrf = true;
  Reply referred = client.Send(http::verb::delete_, "/api/session", std::nullopt,
                               {{"Referer", "http://127.0.0.1:" + std::to_string(port_) + "/x"}});
  EXPECT_EQ(referred.status, 204) << referred.body;
}

TEST_F(SessionApiTest, RolesAreReadAtEveryRequest) {
  HttpClient client = SignedIn(User("mate"));
  EXPECT_EQ(client.Get("/api/session").Json()["roles"], nlohmann::json::array());
  Sql("INSERT INTO user_roles (user_id, role) VALUES ($1, 'dba') RETURNING user_id",
      {User("mate")});
  EXPECT_EQ(client.Get("/api/session").Json()["roles"], nlohmann::json::array({"dba"}));
  Sql("DELETE FROM user_roles WHERE user_id = $1 RETURNING user_id", {User("mate")});
}

}  // namespace
}  // namespace provisio_api_test
