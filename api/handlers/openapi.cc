// GET /api/openapi.json: the route table as an OpenAPI 3.1 document
// (openapi/openapi_document.h).
#include "handlers/handlers.h"
#include "openapi/openapi_document.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

boost::asio::awaitable<Outcome<nlohmann::json>> GetOpenApi(RequestContext& context) {
  co_return OpenApiDocument(context.services.routes, context.services.config.cookie_secure);
}

}  // namespace

Endpoint OpenApiEndpoint() {
  return MakeEndpoint<&GetOpenApi>({
      .operation_id = "getOpenApi",
      .summary = "This document",
      .description = "The OpenAPI 3.1 document of every route, written from the route table.",
      .tag = "meta",
      .access = Access::kPublic,
  });
}

}  // namespace provisio::api::handlers
