#include "auth/origin_check.h"

#include <algorithm>

namespace provisio::api::auth {
namespace {

// "https://host:8443/path?x" -> "https://host:8443"; "" when not http(s).
std::string OriginOfUrl(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  const std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return "";
  const std::size_t host_end = url.find_first_of("/?#", scheme_end + 3);
  return std::string(url.substr(0, host_end));
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

bool IsStateChanging(server::http::verb method) {
  using server::http::verb;
  return method == verb::post || method == verb::put || method == verb::patch ||
         method == verb::delete_;
}

std::optional<std::string> OriginRefusal(const server::Request& request, const ApiConfig& config) {
  std::string origin(request[server::http::field::origin]);
  if (origin.empty()) origin = OriginOfUrl(request[server::http::field::referer]);
  if (origin.empty() || origin == "null") {
    return std::string(
               "a state-changing request must name its origin: browsers send the Origin header; "
               "other clients must send it too (for example -H 'Origin: ") +
           (config.allowed_origins.empty() ? (config.cookie_secure ? "https://" : "http://") +
                                                 std::string(request[server::http::field::host])
                                           : config.allowed_origins.front()) +
           "')";
  }
  origin = Lower(origin);
  if (!config.allowed_origins.empty()) {
    for (const std::string& allowed : config.allowed_origins)
      if (Lower(allowed) == origin) return std::nullopt;
    return "origin " + origin + " may not make state-changing requests here (allowed: " +
           config.allowed_origins.front() +
           (config.allowed_origins.size() > 1 ? " and others" : "") + ")";
  }
  const std::string host(request[server::http::field::host]);
  const std::string own = Lower((config.cookie_secure ? "https://" : "http://") + host);
  if (!host.empty() && origin == own) return std::nullopt;
  return "origin " + origin + " is not this API's origin " + own +
         " (set PROVISIO_ALLOWED_ORIGINS when the UI is served from elsewhere)";
}

}  // namespace provisio::api::auth
