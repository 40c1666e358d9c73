// api/auth/session_cookie.h: the session cookie.
//
//   provisio_session=<token>; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict
//
// Behind TLS (ApiConfig::cookie_secure) it is `__Host-provisio_session` and
// Secure: the __Host- prefix makes browsers refuse it unless it is Secure,
// has Path=/ and no Domain, so no subdomain can plant or overwrite it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "server/http_types.h"

namespace provisio::api::auth {

/// SessionCookieName is the cookie's name.
std::string SessionCookieName(bool secure);
/// SessionTokenFrom reads the session token from the request's Cookie headers.
std::optional<std::string> SessionTokenFrom(const server::Request& request, bool secure);
/// SetSessionCookie is the Set-Cookie value that stores `token`.
std::string SetSessionCookie(const std::string& token, std::chrono::seconds lifetime, bool secure);
/// ClearSessionCookie is the Set-Cookie value that removes it.
std::string ClearSessionCookie(bool secure);

}  // namespace provisio::api::auth
