// provisioning/metrics/prometheus_text.h: what the Prometheus text exposition
// format (0.0.4) asks of a label value, shared by the worker's /metrics
// (prometheus_worker_metrics.h) and the API's (api/platform/request_metrics.h).
// Header-only, so that the API needs nothing of the provisioning library.
#pragma once

#include <string>
#include <string_view>

namespace provisio::metrics {

/// EscapedLabelValue escapes a label value as the format says: backslash,
/// double quote and newline become \\, \" and \n.
inline std::string EscapedLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace provisio::metrics
