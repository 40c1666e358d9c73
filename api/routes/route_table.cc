#include "routes/route_table.h"

#include "handlers/handlers.h"

namespace provisio::api {

const std::vector<Route>& RouteTable() {
  using server::http::verb;
  static const std::vector<Route> routes = {
      // Health of the process, and of what it depends on.
      {verb::get, "/healthz", handlers::HealthEndpoint()},
      {verb::get, "/readyz", handlers::ReadinessEndpoint()},
      {verb::get, "/metrics", handlers::MetricsEndpoint()},
      // This table, as OpenAPI 3.1.
      {verb::get, "/api/openapi.json", handlers::OpenApiEndpoint()},
      // Signing in and out.
      {verb::post, "/api/session", handlers::CreateSessionEndpoint()},
      {verb::get, "/api/session", handlers::GetSessionEndpoint()},
      {verb::delete_, "/api/session", handlers::DeleteSessionEndpoint()},
      // The catalogue.
      {verb::get, "/api/templates", handlers::ListTemplatesEndpoint()},
      {verb::get, "/api/templates/{name}", handlers::GetTemplateEndpoint()},
      {verb::get, "/api/templates/{name}/authorizers", handlers::ListAuthorizersEndpoint()},
      // Requests for resources (ProvisionApplication runs).
      {verb::get, "/api/applications", handlers::ListApplicationsEndpoint()},
      {verb::post, "/api/applications", handlers::CreateApplicationEndpoint()},
      {verb::get, "/api/applications/{id}", handlers::GetApplicationEndpoint()},
      {verb::post, "/api/applications/{id}/authorize", handlers::AuthorizeApplicationEndpoint()},
      {verb::post, "/api/applications/{id}/preview", handlers::PreviewApplicationEndpoint()},
      {verb::post, "/api/applications/{id}/cancel", handlers::CancelApplicationEndpoint()},
      {verb::post, "/api/applications/{id}/destroy", handlers::DestroyApplicationEndpoint()},
      {verb::post, "/api/applications/{id}/outputs/{name}/reveal",
       handlers::RevealOutputEndpoint()},
      {verb::post, "/api/applications/{id}/intervene", handlers::InterveneApplicationEndpoint()},
      // Stacks (Stack entity workflows).
      {verb::get, "/api/stacks", handlers::ListStacksEndpoint()},
      {verb::get, "/api/stacks/{name}", handlers::GetStackEndpoint()},
      {verb::post, "/api/stacks/{name}/break-lock", handlers::BreakStackLockEndpoint()},
      // The signed-in user's inbox.
      {verb::get, "/api/notifications", handlers::ListNotificationsEndpoint()},
      {verb::post, "/api/notifications/{id}/read", handlers::ReadNotificationEndpoint()},
      // The audit trail.
      {verb::get, "/api/audit", handlers::ListAuditEndpoint()},
      // The Temporal codec server, for the Temporal Web UI.
      {verb::post, "/api/codec/encode", handlers::CodecEncodeEndpoint()},
      {verb::post, "/api/codec/decode", handlers::CodecDecodeEndpoint()},
  };
  return routes;
}

}  // namespace provisio::api
