// api/platform/request_metrics.h: the API's request metrics, written in the
// Prometheus text exposition format (version 0.0.4) by GET /metrics.
// Debian 12 does not package prometheus-cpp, and the format is a few lines
// of text, so this file writes it directly.
//
// I/O thread only: the router records every answer and the /metrics handler
// renders, both on the one I/O thread, so nothing here locks.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace provisio::api {

class RequestMetrics {
 public:
  /// kBuckets are the latency histogram's upper bounds, in seconds (a
  /// long-poll takes up to 30 s).
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10,  30};

  /// Record counts one answer: `route` is the route table's path template
  /// ("/api/applications/{id}"), or "unmatched" for a path no route has.
  void Record(const std::string& method, const std::string& route, int status,
              std::chrono::steady_clock::duration took);

  /// Render writes the counters and histograms, and the gauges given:
  /// long-poll waiters, NOTIFYs received, the LISTEN connection's state.
  std::string Render(std::size_t long_poll_waiters, std::size_t notifications,
                     bool listener_up) const;

 private:
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Latency> latencies_;
};

}  // namespace provisio::api
