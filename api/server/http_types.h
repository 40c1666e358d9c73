// api/server/http_types.h: the HTTP message types the transport hands to the
// router and gets back. Beast's, with the whole body in memory (bodies are
// bounded by ServerOptions::body_limit).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <string>

namespace provisio::api::server {

namespace http = boost::beast::http;

/// Request is one parsed HTTP request.
using Request = http::request<http::string_body>;
/// Response is one HTTP response; the transport sets keep-alive and length.
using Response = http::response<http::string_body>;

/// RequestInfo is what the transport knows about a request besides its text.
struct RequestInfo {
  /// remote_address is the peer's IP address (no port).
  std::string remote_address;
  /// request_id names the request in logs and problems: the client's
  /// X-Request-Id when it is 1 to 64 letters, digits, '-' or '_', else random.
  std::string request_id;
};

/// Handled is a response and, for the access log, who made the request
/// (the signed-in user's id, or empty).
struct Handled {
  Response response;
  std::string user;
};

}  // namespace provisio::api::server
