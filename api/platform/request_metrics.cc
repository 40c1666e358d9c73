#include "platform/request_metrics.h"

#include <sstream>

#include "metrics/prometheus_text.h"

namespace provisio::api {
namespace {

// A label value as the text format escapes it.
std::string Label(const std::string& value) { return provisio::metrics::EscapedLabelValue(value); }

}  // namespace

void RequestMetrics::Record(const std::string& method, const std::string& route, int status,
                            std::chrono::steady_clock::duration took) {
  ++requests_[{method, route, status}];
  Latency& latency = latencies_[{method, route}];
  const double seconds = std::chrono::duration<double>(took).count();
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++latency.buckets[i];
  ++latency.count;
  latency.sum += seconds;
}

std::string RequestMetrics::Render(std::size_t long_poll_waiters, std::size_t notifications,
                                   bool listener_up) const {
  std::ostringstream out;
  out << "# HELP provisio_api_requests_total HTTP requests answered, by route and status.\n"
         "# TYPE provisio_api_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out << "provisio_api_requests_total{method=\"" << Label(method) << "\",route=\"" << Label(route)
        << "\",status=\"" << status << "\"} " << count << "\n";
  }
  out << "# HELP provisio_api_request_duration_seconds Time to answer, by route "
         "(long-polls included).\n"
         "# TYPE provisio_api_request_duration_seconds histogram\n";
  for (const auto& [key, latency] : latencies_) {
    const std::string labels =
        "method=\"" + Label(key.first) + "\",route=\"" + Label(key.second) + "\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out << "provisio_api_request_duration_seconds_bucket{" << labels << ",le=\"" << kBuckets[i]
          << "\"} " << latency.buckets[i] << "\n";
    out << "provisio_api_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} "
        << latency.count << "\n"
        << "provisio_api_request_duration_seconds_sum{" << labels << "} " << latency.sum << "\n"
        << "provisio_api_request_duration_seconds_count{" << labels << "} " << latency.count
        << "\n";
  }
  out << "# HELP provisio_api_long_poll_waiters Long-polls waiting now.\n"
         "# TYPE provisio_api_long_poll_waiters gauge\n"
         "provisio_api_long_poll_waiters "
      << long_poll_waiters
      << "\n"
         "# HELP provisio_api_notifications_total PostgreSQL NOTIFYs the LISTEN connection got.\n"
         "# TYPE provisio_api_notifications_total counter\n"
         "provisio_api_notifications_total "
      << notifications
      << "\n"
         "# HELP provisio_api_listener_up Whether the LISTEN connection is up (1) or not (0).\n"
         "# TYPE provisio_api_listener_up gauge\n"
         "provisio_api_listener_up "
      << (listener_up ? 1 : 0) << "\n";
  return out.str();
}

}  // namespace provisio::api
