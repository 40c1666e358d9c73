// provisioning/metrics/prometheus_worker_metrics.h: the SDK's worker metrics
// (temporal/worker/metrics.h) kept in memory and rendered in the Prometheus
// text exposition format 0.0.4, for the provisioning worker's /metrics.
//
// Counters and gauges keep the SDK's names and labels. Durations become
// histograms of the same name in seconds (`_bucket`, `_sum`, `_count`), with
// buckets from 5 ms to 60 s: schedule-to-start latencies and long polls (which
// last up to a minute) both fit.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "temporal/worker/metrics.h"

namespace provisio::metrics {

class PrometheusWorkerMetrics : public temporal::MetricsHandler {
 public:
  void AddCounter(std::string_view name, const temporal::MetricLabels& labels,
                  std::uint64_t delta) override;
  void SetGauge(std::string_view name, const temporal::MetricLabels& labels, double value) override;
  void RecordDuration(std::string_view name, const temporal::MetricLabels& labels,
                      std::chrono::nanoseconds value) override;

  /// Render is every metric so far, sorted by name then labels, each family
  /// with its # TYPE line.
  std::string Render() const;

  /// kBucketBounds are the histograms' upper bounds, in seconds.
  static const std::vector<double>& BucketBounds();

 private:
  struct Histogram {
    std::vector<std::uint64_t> counts;  // per bound, not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  // name -> rendered label set ("{a=\"b\"}") -> value
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::uint64_t>, std::less<>> counters_;
  std::map<std::string, std::map<std::string, double>, std::less<>> gauges_;
  std::map<std::string, std::map<std::string, Histogram>, std::less<>> histograms_;
};

}  // namespace provisio::metrics
