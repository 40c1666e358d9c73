// api/auth/session_tokens.h: the session cookie's token, its stored hash, and
// the CSRF token derived from it.
//
// A session token is 32 random bytes, base64url (43 characters), and lives
// only in the browser's HttpOnly cookie; the database keeps its SHA-256
// (TokenHash). The CSRF token is HMAC-SHA256(key = the session token,
// "provisio-csrf-v1"): only someone who can read the cookie's value can
// compute it, which a page on another site cannot, and it needs no storage
// and no server secret (docs/api.md, "CSRF").
#pragma once

#include <string>
#include <string_view>

namespace provisio::api::auth {

/// NewSessionToken returns a fresh random token.
std::string NewSessionToken();
/// TokenHash is the lowercase hex SHA-256 of a token: the sessions table's key.
std::string TokenHash(std::string_view token);
/// CsrfToken is the token state-changing requests send as X-CSRF-Token.
std::string CsrfToken(std::string_view session_token);
/// SameSecret compares two secrets in constant time (for equal lengths).
bool SameSecret(std::string_view a, std::string_view b);

}  // namespace provisio::api::auth
