// GET /metrics: the API's metrics in the Prometheus text format
// (platform/request_metrics.h): requests by route and status, latencies,
// long-poll waiters, NOTIFYs, the LISTEN connection. Open to anyone who can
// reach the port, as scrapers are: it holds counts, never ids or names.
#include "handlers/handlers.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

boost::asio::awaitable<Outcome<PlainText>> Metrics(RequestContext& context) {
  const Services& services = context.services;
  if (services.metrics == nullptr) co_return PlainText{};
  co_return PlainText{services.metrics->Render(
      services.feed.waiting(), services.feed.notifications(), services.listener.listening())};
}

}  // namespace

Endpoint MetricsEndpoint() {
  return MakeEndpoint<&Metrics>({
      .operation_id = "metrics",
      .summary = "Prometheus metrics",
      .description =
          "Text exposition format 0.0.4: provisio_api_requests_total{method,route,status}, "
          "provisio_api_request_duration_seconds (histogram by method and route), "
          "provisio_api_long_poll_waiters, provisio_api_notifications_total, "
          "provisio_api_listener_up.",
      .tag = "health",
      .access = Access::kPublic,
      .success_content_type = "text/plain; version=0.0.4; charset=utf-8",
  });
}

}  // namespace provisio::api::handlers
