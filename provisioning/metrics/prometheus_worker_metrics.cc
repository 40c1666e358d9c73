#include "metrics/prometheus_worker_metrics.h"

#include <cmath>
#include <sstream>

#include "metrics/prometheus_text.h"

namespace provisio::metrics {
namespace {

// "a=\"x\",b=\"y\"" (without braces), so that a histogram can add le="...".
std::string LabelText(const temporal::MetricLabels& labels) {
  std::string text;
  for (const auto& [key, value] : labels)
    text += (text.empty() ? "" : ",") + key + "=\"" + EscapedLabelValue(value) + "\"";
  return text;
}

std::string Braced(const std::string& labels, const std::string& extra = "") {
  std::string inside = labels;
  if (!extra.empty()) inside += (inside.empty() ? "" : ",") + extra;
  return inside.empty() ? "" : "{" + inside + "}";
}

std::string Number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::ostringstream out;
  out.precision(12);
  out << value;
  return out.str();
}

}  // namespace

const std::vector<double>& PrometheusWorkerMetrics::BucketBounds() {
  static const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                             1,     2.5,  5,     10,   20,  40,   60};
  return bounds;
}

void PrometheusWorkerMetrics::AddCounter(std::string_view name,
                                         const temporal::MetricLabels& labels,
                                         std::uint64_t delta) {
  const std::string key = LabelText(labels);
  std::lock_guard lock(mutex_);
  auto family = counters_.find(name);
  if (family == counters_.end()) family = counters_.try_emplace(std::string(name)).first;
  family->second[key] += delta;
}

void PrometheusWorkerMetrics::SetGauge(std::string_view name, const temporal::MetricLabels& labels,
                                       double value) {
  const std::string key = LabelText(labels);
  std::lock_guard lock(mutex_);
  auto family = gauges_.find(name);
  if (family == gauges_.end()) family = gauges_.try_emplace(std::string(name)).first;
  family->second[key] = value;
}

void PrometheusWorkerMetrics::RecordDuration(std::string_view name,
                                             const temporal::MetricLabels& labels,
                                             std::chrono::nanoseconds value) {
  const std::string key = LabelText(labels);
  const double seconds = std::chrono::duration<double>(value).count();
  const std::vector<double>& bounds = BucketBounds();
  std::lock_guard lock(mutex_);
  auto family = histograms_.find(name);
  if (family == histograms_.end()) family = histograms_.try_emplace(std::string(name)).first;
  Histogram& histogram = family->second[key];
  if (histogram.counts.empty()) histogram.counts.assign(bounds.size(), 0);
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (seconds <= bounds[i]) {
      ++histogram.counts[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum += seconds;
}

std::string PrometheusWorkerMetrics::Render() const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, series] : counters_) {
    out << "# TYPE " << name << " counter\n";
    for (const auto& [labels, value] : series)
      out << name << Braced(labels) << ' ' << value << '\n';
  }
  for (const auto& [name, series] : gauges_) {
    out << "# TYPE " << name << " gauge\n";
    for (const auto& [labels, value] : series)
      out << name << Braced(labels) << ' ' << Number(value) << '\n';
  }
  const std::vector<double>& bounds = BucketBounds();
  for (const auto& [name, series] : histograms_) {
    out << "# TYPE " << name << " histogram\n";
    for (const auto& [labels, histogram] : series) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < bounds.size(); ++i) {
        cumulative += histogram.counts[i];
        out << name << "_bucket" << Braced(labels, "le=\"" + Number(bounds[i]) + "\"") << ' '
            << cumulative << '\n';
      }
      out << name << "_bucket" << Braced(labels, "le=\"+Inf\"") << ' ' << histogram.count << '\n';
      out << name << "_sum" << Braced(labels) << ' ' << Number(histogram.sum) << '\n';
      out << name << "_count" << Braced(labels) << ' ' << histogram.count << '\n';
    }
  }
  return out.str();
}

}  // namespace provisio::metrics
