// The session cookie, the origin check and the CSRF token, without a server.
#include <gtest/gtest.h>

#include "auth/origin_check.h"
#include "auth/session_cookie.h"
#include "auth/session_tokens.h"

namespace provisio::api::auth {
namespace {

server::Request RequestWith(std::vector<std::pair<server::http::field, std::string>> fields,
                            server::http::verb method = server::http::verb::post) {
  server::Request request{method, "/api/session", 11};
  for (const auto& [field, value] : fields) request.insert(field, value);
  return request;
}

TEST(SessionCookie, IsHttpOnlyStrictAndSecureWithAHostPrefixBehindTls) {
  EXPECT_EQ(SetSessionCookie("tok", std::chrono::seconds(60), false),
            "provisio_session=tok; Max-Age=60; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SetSessionCookie("tok", std::chrono::seconds(60), true),
            "__Host-provisio_session=tok; Max-Age=60; Path=/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(ClearSessionCookie(false),
            "provisio_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict");
}

TEST(SessionCookie, IsFoundAmongOtherCookies) {
  auto request = RequestWith({{server::http::field::cookie, "a=1; provisio_session=abc ; b=2"}});
  EXPECT_EQ(SessionTokenFrom(request, false), "abc");
  EXPECT_EQ(SessionTokenFrom(request, true), std::nullopt) << "the Secure name is another cookie";
  EXPECT_EQ(SessionTokenFrom(RequestWith({}), false), std::nullopt);
}

TEST(SessionTokens, AreRandomStoredHashedAndDeriveTheCsrfToken) {
  const std::string token = NewSessionToken();
  EXPECT_EQ(token.size(), 43u);
  EXPECT_NE(token, NewSessionToken());
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(CsrfToken(token), CsrfToken(token));
  EXPECT_NE(CsrfToken(token), CsrfToken(NewSessionToken()));
  EXPECT_EQ(CsrfToken(token).size(), 64u);
  EXPECT_TRUE(SameSecret("abc", "abc"));
  EXPECT_FALSE(SameSecret("abc", "abd"));
  EXPECT_FALSE(SameSecret("abc", "abcd"));
}

TEST(OriginCheck, AcceptsTheApisOwnOriginOnly) {
  ApiConfig config;
  using server::http::field;
  EXPECT_FALSE(OriginRefusal(
      RequestWith({{field::host, "api:8080"}, {field::origin, "http://api:8080"}}), config));
  EXPECT_TRUE(OriginRefusal(
      RequestWith({{field::host, "api:8080"}, {field::origin, "http://evil:8080"}}), config));
  EXPECT_TRUE(OriginRefusal(
      RequestWith({{field::host, "api:8080"}, {field::origin, "https://api:8080"}}), config))
      << "another scheme is another origin";
  EXPECT_TRUE(
      OriginRefusal(RequestWith({{field::host, "api:8080"}, {field::origin, "null"}}), config));
  EXPECT_TRUE(OriginRefusal(RequestWith({{field::host, "api:8080"}}), config));
  EXPECT_FALSE(OriginRefusal(
      RequestWith({{field::host, "api:8080"}, {field::referer, "http://api:8080/requests/1"}}),
      config));
  config.cookie_secure = true;
  EXPECT_FALSE(
      OriginRefusal(RequestWith({{field::host, "api"}, {field::origin, "https://api"}}), config));
  config.allowed_origins = {"https://ui.example.com"};
  EXPECT_FALSE(OriginRefusal(
      RequestWith({{field::host, "api"}, {field::origin, "https://UI.example.com"}}), config));
  EXPECT_TRUE(
      OriginRefusal(RequestWith({{field::host, "api"}, {field::origin, "https://api"}}), config));
}

TEST(OriginCheck, OnlyStateChangingMethodsAreChecked) {
  using server::http::verb;
  EXPECT_TRUE(IsStateChanging(verb::post));
  EXPECT_TRUE(IsStateChanging(verb::delete_));
  EXPECT_TRUE(IsStateChanging(verb::put));
  EXPECT_TRUE(IsStateChanging(verb::patch));
  EXPECT_FALSE(IsStateChanging(verb::get));
  EXPECT_FALSE(IsStateChanging(verb::head));
}

}  // namespace
}  // namespace provisio::api::auth
