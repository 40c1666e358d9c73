#include "metrics/metrics_http_server.h"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace provisio::metrics {
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

temporal::Result<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& address, Render render) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size())
    return temporal::Error(temporal::ErrorCode::kInvalidArgument,
                           "metrics address \"" + address + "\" is not host:port");
  boost::system::error_code error;
  const auto ip = boost::asio::ip::make_address(address.substr(0, colon), error);
  if (error)
    return temporal::Error(temporal::ErrorCode::kInvalidArgument,
                           "metrics address \"" + address + "\": " + error.message());
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(address.substr(colon + 1), &used);
    if (used != address.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    return temporal::Error(temporal::ErrorCode::kInvalidArgument,
                           "metrics address \"" + address + "\": the port is not 0 to 65535");
  }
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(std::move(render)));
  const tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  server->acceptor_.open(endpoint.protocol(), error);
  if (!error) server->acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) server->acceptor_.bind(endpoint, error);
  if (!error) server->acceptor_.listen(boost::asio::socket_base::max_listen_connections, error);
  if (error)
    return temporal::Error(temporal::ErrorCode::kUnavailable,
                           "metrics address " + address + ": " + error.message());
  server->port_ = server->acceptor_.local_endpoint().port();
  server->thread_ = std::thread([raw = server.get()] { raw->Serve(); });
  return server;
}

MetricsHttpServer::~MetricsHttpServer() {
  // Stopping the context abandons the pending accept: Serve returns.
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void MetricsHttpServer::Serve() {
  Accept();
  io_.run();
}

void MetricsHttpServer::Accept() {
  acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
    if (error == boost::asio::error::operation_aborted) return;
    if (!error) Answer(socket);
    Accept();
  });
}

void MetricsHttpServer::Answer(tcp::socket& socket) {
  // A slow or silent client must not hold the only thread for long.
  timeval timeout{5, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  boost::system::error_code error;
  boost::beast::flat_buffer buffer(8192);
  http::request_parser<http::empty_body> parser;
  parser.header_limit(8192);
  http::read(socket, buffer, parser, error);
  if (error) return;
  const auto& request = parser.get();
  http::response<http::string_body> response;
  response.version(11);
  response.keep_alive(false);
  const std::string_view target(request.target().data(), request.target().size());
  const bool metrics = target == "/metrics" || target.rfind("/metrics?", 0) == 0;
  if (metrics && (request.method() == http::verb::get || request.method() == http::verb::head)) {
    response.result(http::status::ok);
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    if (request.method() == http::verb::get) response.body() = render_();
  } else {
    response.result(http::status::not_found);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "only GET /metrics is served here\n";
  }
  response.prepare_payload();
  http::write(socket, response, error);
  socket.shutdown(tcp::socket::shutdown_both, error);
}

}  // namespace provisio::metrics
