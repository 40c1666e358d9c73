// api/routes/router.h: from a request to its endpoint and back.
//
// For each request the router, in this order:
//   1. finds the route by path and method (404, or 405 with Allow);
//   2. checks the query parameters against the endpoint's (unknown or
//      malformed: 400 naming the parameter);
//   3. for a state-changing method, checks the origin (auth/origin_check.h; 403);
//   4. for a signed-in endpoint, finds the session of the cookie (401), and
//      for a state-changing one, the X-CSRF-Token header (403);
//   5. for an endpoint that takes a body, checks Content-Type (415) and parses
//      the JSON (400 with the parser's position); the endpoint decodes it
//      strictly (400 naming the field); a body sent where none is taken is 400;
//   6. runs the handler and renders its answer as JSON or problem+json.
// Every API response carries Cache-Control: no-store.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "routes/endpoint.h"
#include "server/http_types.h"

namespace provisio::api {

class Router {
 public:
  /// Router serves `services.routes`; both must outlive it.
  explicit Router(Services& services);

  /// Handle answers one request (never throws).
  boost::asio::awaitable<server::Handled> Handle(server::Request request, server::RequestInfo info);

 private:
  struct CompiledRoute {
    const Route* route;
    std::vector<std::string> segments;  // "{name}" for a placeholder
  };
  boost::asio::awaitable<server::Response> Dispatch(RequestContext& context,
                                                    const CompiledRoute& route);
  /// PreflightAllowed: `segments` is the path of a temporal_ui_cors endpoint.
  bool PreflightAllowed(const std::vector<std::string>& segments) const;

  Services& services_;
  std::vector<CompiledRoute> routes_;
};

/// SplitPath splits "/api/applications/x%2Fy" into its percent-decoded
/// segments {"api", "applications", "x/y"}; nullopt for a bad escape.
std::optional<std::vector<std::string>> SplitPath(std::string_view path);

/// ParseQuery parses "a=1&b=x%20y" (percent- and '+'-decoded); nullopt with
/// `bad` naming the parameter for a bad escape or a repeated name.
std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view query,
                                                             std::string& bad);

}  // namespace provisio::api
