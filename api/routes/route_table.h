// api/routes/route_table.h: every route of the API, in one table.
//
// The router serves exactly these, and GET /api/openapi.json describes
// exactly these (openapi/openapi_document.h writes it from this table); a
// test checks that the document served and the table agree.
#pragma once

#include <vector>

#include "routes/endpoint.h"

namespace provisio::api {

/// RouteTable is the table (built once).
const std::vector<Route>& RouteTable();

}  // namespace provisio::api
