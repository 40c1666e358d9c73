// api/handlers/handlers.h: the endpoints, one per file of this directory;
// routes/route_table.cc gives each its method and path.
#pragma once

#include "routes/endpoint.h"

namespace provisio::api::handlers {

/// GET /healthz: the process answers.
Endpoint HealthEndpoint();
/// GET /readyz: Temporal, PostgreSQL and the notification listener answer.
Endpoint ReadinessEndpoint();
/// GET /metrics: Prometheus metrics.
Endpoint MetricsEndpoint();
/// GET /api/openapi.json: the route table as OpenAPI 3.1.
Endpoint OpenApiEndpoint();
/// POST /api/session: sign in.
Endpoint CreateSessionEndpoint();
/// GET /api/session: who is signed in, with the CSRF token.
Endpoint GetSessionEndpoint();
/// DELETE /api/session: sign out.
Endpoint DeleteSessionEndpoint();
/// GET /api/templates: the catalogue.
Endpoint ListTemplatesEndpoint();
/// GET /api/templates/{name}: one template with its parameter schema.
Endpoint GetTemplateEndpoint();
/// GET /api/templates/{name}/authorizers: who may decide on its requests.
Endpoint ListAuthorizersEndpoint();
/// POST /api/applications: request resources (starts ProvisionApplication).
Endpoint CreateApplicationEndpoint();
/// GET /api/applications: requests, by search attributes, scoped and paged.
Endpoint ListApplicationsEndpoint();
/// GET /api/applications/{id}: a request's state and progress; long-polls.
Endpoint GetApplicationEndpoint();
/// POST /api/applications/{id}/authorize: approve or reject (signed decision).
Endpoint AuthorizeApplicationEndpoint();
/// POST /api/applications/{id}/preview: plan for another region or profile.
Endpoint PreviewApplicationEndpoint();
/// POST /api/applications/{id}/cancel: cancel a request (it destroys what it applied).
Endpoint CancelApplicationEndpoint();
/// POST /api/applications/{id}/destroy: a new request destroying the stack.
Endpoint DestroyApplicationEndpoint();
/// POST /api/applications/{id}/outputs/{name}/reveal: a sensitive output, audited.
Endpoint RevealOutputEndpoint();
/// POST /api/applications/{id}/intervene: an operator's retry/exclude/rollback/abort.
Endpoint InterveneApplicationEndpoint();
/// GET /api/stacks: the stacks of the requests one may read.
Endpoint ListStacksEndpoint();
/// GET /api/stacks/{name}: a stack's entity state.
Endpoint GetStackEndpoint();
/// POST /api/stacks/{name}/break-lock: an admin releases the lock.
Endpoint BreakStackLockEndpoint();
/// GET /api/notifications: the signed-in user's inbox.
Endpoint ListNotificationsEndpoint();
/// POST /api/notifications/{id}/read: mark one read.
Endpoint ReadNotificationEndpoint();
/// GET /api/audit: the audit trail, filtered and paged.
Endpoint ListAuditEndpoint();
/// POST /api/codec/encode, /api/codec/decode: the Temporal codec server.
Endpoint CodecEncodeEndpoint();
Endpoint CodecDecodeEndpoint();

}  // namespace provisio::api::handlers
