// api/auth/origin_check.h: the first half of the CSRF defence (docs/api.md,
// "CSRF"): a state-changing request (POST, PUT, PATCH, DELETE) must say where
// it comes from, and that must be the API's own origin.
//
// The origin is the Origin header, else the scheme, host and port of the
// Referer. It must be one of ApiConfig::allowed_origins, or, when that list
// is empty, the origin the request's Host header names (https when the
// cookie is Secure, else http). A request with neither header is refused:
// browsers send Origin on every cross-origin and every non-GET request;
// other clients can send it themselves (curl -H "Origin: http://HOST:PORT").
//
// The second half is the X-CSRF-Token header, checked by the router for
// signed-in requests (auth/session_tokens.h).
#pragma once

#include <optional>
#include <string>

#include "config/api_config.h"
#include "server/http_types.h"

namespace provisio::api::auth {

/// IsStateChanging: POST, PUT, PATCH or DELETE.
bool IsStateChanging(server::http::verb method);

/// OriginRefusal is nullopt when the request's origin is allowed, else what
/// is wrong, to be answered 403.
std::optional<std::string> OriginRefusal(const server::Request& request, const ApiConfig& config);

}  // namespace provisio::api::auth
