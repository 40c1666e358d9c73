// api/openapi/openapi_document.h: the OpenAPI 3.1 document, written from the
// route table: each route's path, method, parameters, request body schema,
// success schema and problem answers come from its endpoint (the schemas from
// the very structs its handler decodes and encodes).
//
// Every operation lists, besides its own problem statuses: 400 when it takes
// a body, a query or path parameters; 413 and 415 with a body; 401 when it
// needs a session; 403 when it changes state (origin, CSRF token); and
// `default` (404, 405, 408, 431, 500, 503 from the router and transport): all
// application/problem+json with the Problem schema.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "routes/endpoint.h"

namespace provisio::api {

/// OpenApiDocument writes the document for `routes`; `cookie_secure` names
/// the session cookie as the API sets it.
nlohmann::json OpenApiDocument(const std::vector<Route>& routes, bool cookie_secure);

}  // namespace provisio::api
