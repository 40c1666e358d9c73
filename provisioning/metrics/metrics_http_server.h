// provisioning/metrics/metrics_http_server.h: a small HTTP/1.1 server that
// answers GET /metrics with a rendering function's text, for Prometheus to
// scrape the provisioning worker (PROVISIO_WORKER_METRICS_ADDRESS).
//
// One thread accepts and answers one connection at a time (the socket is
// read and written blocking, under 5 s timeouts): scrapers come
// every few seconds, and the answer is in memory. Anything but GET /metrics
// is 404; a request that takes more than 5 s to arrive is dropped.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "temporal/error.h"

namespace provisio::metrics {

class MetricsHttpServer {
 public:
  using Render = std::function<std::string()>;

  /// Start listens on `address` ("host:port"; port 0 picks a free one) and
  /// serves `render`'s text at /metrics. kInvalidArgument for an address that
  /// does not parse; kUnavailable when it cannot bind.
  static temporal::Result<std::unique_ptr<MetricsHttpServer>> Start(const std::string& address,
                                                                    Render render);
  /// The destructor stops accepting and joins the thread.
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  /// port is the port it listens on (the chosen one, for port 0).
  unsigned short port() const { return port_; }

 private:
  MetricsHttpServer(Render render) : render_(std::move(render)), acceptor_(io_) {}
  void Serve();
  void Accept();
  void Answer(boost::asio::ip::tcp::socket& socket);

  Render render_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
};

}  // namespace provisio::metrics
