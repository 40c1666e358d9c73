// api/server/http_server.h: the HTTP/1.1 transport (Boost.Beast over Asio).
//
// HttpServer accepts connections, reads each request within bounds (header
// size and time, body size and time), hands it to one RequestHandler, writes
// the answer, and logs one structured access line per request. It knows
// nothing of routes, sessions or JSON bodies: those are the router's
// (routes/router.h). Errors it meets itself (a header too large, a body too
// large or too slow, a malformed request) are answered as problem+json too.
//
//   boost::asio::io_context io;
//   HttpServer server(io.get_executor(), ServerOptions{}, [&](Request request, RequestInfo info)
//                         -> boost::asio::awaitable<Handled> { ... });
//   if (auto listening = server.Listen(endpoint); !listening) ...
//   server.Start();
//   ... on SIGTERM: server.Shutdown([] { /* every connection is closed */ });
//   io.run();
//
// Graceful shutdown: Shutdown stops accepting at once and closes connections
// that wait between requests; a request already read runs to its end (its
// response carries "Connection: close"); after ServerOptions::drain_timeout
// the connections still open are closed regardless. `on_drained` runs when
// the last connection is gone.
//
// Thread-safety: all of it runs on one executor, which must not run handlers
// concurrently (one thread running an io_context, or a strand). Handlers hand
// blocking work to a pool (platform/blocking.h).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <set>

#include "server/http_types.h"
#include "temporal/error.h"

namespace provisio::api::server {

/// ServerOptions bounds what a client may send and how long it may take.
struct ServerOptions {
  /// header_limit bounds the request line and headers (431 beyond it).
  std::size_t header_limit = 16 * 1024;
  /// body_limit bounds a request body (413 beyond it).
  std::size_t body_limit = 1024 * 1024;
  /// header_timeout bounds the wait for a whole request header, counted from
  /// the connection's start or the previous response: also the keep-alive
  /// idle time.
  std::chrono::milliseconds header_timeout{15'000};
  /// body_timeout bounds reading the body once the header is in (408 beyond it).
  std::chrono::milliseconds body_timeout{30'000};
  /// write_timeout bounds writing one response.
  std::chrono::milliseconds write_timeout{30'000};
  /// drain_timeout bounds a graceful shutdown (long-polls answer at once when
  /// woken; this is for the ones that are not).
  std::chrono::milliseconds drain_timeout{40'000};
};

/// RequestHandler answers one request. It must not throw (an exception is
/// logged and answered 500).
using RequestHandler = std::function<boost::asio::awaitable<Handled>(Request, RequestInfo)>;

class HttpServer {
 public:
  HttpServer(boost::asio::any_io_executor executor, ServerOptions options, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Listen binds and listens on `endpoint` (port 0 picks a free port);
  /// kUnavailable naming the address when it cannot.
  temporal::Status Listen(const boost::asio::ip::tcp::endpoint& endpoint);
  /// local_endpoint is the bound address (the port Listen picked).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  /// Start accepts connections until Shutdown.
  void Start();
  /// Shutdown drains gracefully (see above); `on_drained` runs once, on the
  /// server's executor.
  void Shutdown(std::function<void()> on_drained);
  /// connections is how many connections are open.
  std::size_t connections() const { return connections_.size(); }

 private:
  struct Connection;
  boost::asio::awaitable<void> Accept();
  boost::asio::awaitable<void> Serve(std::shared_ptr<Connection> connection);
  void Forget(const std::shared_ptr<Connection>& connection);
  void CheckDrained();

  boost::asio::any_io_executor executor_;
  ServerOptions options_;
  RequestHandler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::set<std::shared_ptr<Connection>> connections_;
  bool draining_ = false;
  std::function<void()> on_drained_;
  std::unique_ptr<boost::asio::steady_timer> drain_deadline_;
};

}  // namespace provisio::api::server
