#include "server/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <random>

#include "server/access_log.h"
#include "server/problem.h"

namespace provisio::api::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

bool IsRequestId(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  static std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 16; ++i) id += kHex[random() % 16];
  return id;
}

// IsMalformed: the parser refused the request's text (not a timeout, a
// closed connection or a cancelled read).
bool IsMalformed(const boost::system::error_code& error) {
  return error.category() == http::make_error_code(http::error::bad_method).category() &&
         error != http::error::end_of_stream && error != http::error::partial_message;
}

// A transport-level error (the request never reached the router).
Problem TransportProblem(int status, std::string slug, std::string title, std::string detail) {
  Problem problem;
  problem.status = status;
  problem.slug = std::move(slug);
  problem.title = std::move(title);
  problem.detail = std::move(detail);
  return problem;
}

}  // namespace

struct HttpServer::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {
    boost::system::error_code ignored;
    remote = stream.socket().remote_endpoint(ignored).address().to_string();
  }
  beast::tcp_stream stream;
  std::string remote;
  /// busy: a request has been read and is not answered yet.
  bool busy = false;
};

HttpServer::HttpServer(asio::any_io_executor executor, ServerOptions options,
                       RequestHandler handler)
    : executor_(executor), options_(options), handler_(std::move(handler)), acceptor_(executor) {}

HttpServer::~HttpServer() = default;

temporal::Status HttpServer::Listen(const tcp::endpoint& endpoint) {
  boost::system::error_code error;
  const auto fail = [&](const char* step) {
    return temporal::Error(temporal::ErrorCode::kUnavailable,
                           std::string("cannot ") + step + " " + endpoint.address().to_string() +
                               ":" + std::to_string(endpoint.port()) + ": " + error.message());
  };
  if (acceptor_.open(endpoint.protocol(), error); error) return fail("open");
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), error); error)
    return fail("configure");
  if (acceptor_.bind(endpoint, error); error) return fail("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, error); error)
    return fail("listen on");
  return temporal::OkStatus();
}

tcp::endpoint HttpServer::local_endpoint() const {
  boost::system::error_code ignored;
  return acceptor_.local_endpoint(ignored);
}

void HttpServer::Start() { asio::co_spawn(executor_, Accept(), asio::detached); }

asio::awaitable<void> HttpServer::Accept() {
  while (acceptor_.is_open()) {
    auto [error, socket] = co_await acceptor_.async_accept(kTuple);
    if (error) {
      if (error == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // Out of descriptors, say: wait a little rather than spin.
      spdlog::warn("accept failed: {}", error.message());
      asio::steady_timer pause(executor_, std::chrono::milliseconds(100));
      co_await pause.async_wait(kTuple);
      continue;
    }
    if (draining_) continue;  // the socket closes as it goes out of scope
    auto connection = std::make_shared<Connection>(std::move(socket));
    connections_.insert(connection);
    asio::co_spawn(executor_, Serve(connection), asio::detached);
  }
}

asio::awaitable<void> HttpServer::Serve(std::shared_ptr<Connection> connection) {
  beast::flat_buffer buffer;
  beast::tcp_stream& stream = connection->stream;
  // Answers an error of the transport's own and ends the connection.
  const auto refuse = [&](unsigned version, const std::string& target, Problem problem,
                          const std::string& request_id,
                          std::chrono::steady_clock::time_point started) -> asio::awaitable<void> {
    Response response = RenderProblem(problem, version, target, request_id);
    response.set("X-Request-Id", request_id);
    response.keep_alive(false);
    response.prepare_payload();
    stream.expires_after(options_.write_timeout);
    auto [error, written] = co_await http::async_write(stream, response, kTuple);
    LogAccess({request_id, connection->remote, "-", target, problem.status, written,
               std::chrono::steady_clock::now() - started, ""});
  };

  for (;;) {
    connection->busy = false;
    if (draining_) break;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
    parser.body_limit(options_.body_limit);
    stream.expires_after(options_.header_timeout);
    auto [read_error, header_bytes] =
        co_await http::async_read_header(stream, buffer, parser, kTuple);
    const auto started = std::chrono::steady_clock::now();
    if (read_error) {
      // A client that goes away or stays silent between requests is no error.
      if (read_error == http::error::body_limit) {
        // The header announced a body larger than the limit.
        co_await refuse(
            parser.get().version(), std::string(parser.get().target()),
            TransportProblem(413, "body-too-large", "Request body too large",
                             "the body exceeds " + std::to_string(options_.body_limit) + " bytes"),
            NewRequestId(), started);
      } else if (read_error == http::error::header_limit) {
        co_await refuse(11, "-",
                        TransportProblem(431, "header-too-large", "Request header too large",
                                         "the request line and headers exceed " +
                                             std::to_string(options_.header_limit) + " bytes"),
                        NewRequestId(), started);
      } else if (IsMalformed(read_error)) {
        co_await refuse(
            11, "-",
            TransportProblem(400, "malformed-request", "Malformed request",
                             "the request is not valid HTTP/1.1: " + read_error.message()),
            NewRequestId(), started);
      }
      break;
    }
    connection->busy = true;
    const unsigned version = parser.get().version();
    const std::string target(parser.get().target());
    const std::string method(parser.get().method_string());
    const auto given_id = parser.get()["X-Request-Id"];
    const std::string request_id = IsRequestId(given_id) ? std::string(given_id) : NewRequestId();

    if (parser.content_length() && *parser.content_length() > options_.body_limit) {
      co_await refuse(
          version, target,
          TransportProblem(413, "body-too-large", "Request body too large",
                           "the body exceeds " + std::to_string(options_.body_limit) + " bytes"),
          request_id, started);
      break;
    }
    if (!parser.is_done()) {
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, version};
        stream.expires_after(options_.write_timeout);
        auto [continue_error, unused] = co_await http::async_write(stream, go_on, kTuple);
        if (continue_error) break;
      }
      // Not the stream's own expiry, which closes the socket: a body too
      // slow still gets its 408. The flag outlives this frame if need be.
      stream.expires_never();
      auto timed_out = std::make_shared<bool>(false);
      asio::steady_timer body_timer(executor_, options_.body_timeout);
      body_timer.async_wait([timed_out, connection](boost::system::error_code error) {
        if (error) return;
        *timed_out = true;
        boost::system::error_code ignored;
        connection->stream.socket().cancel(ignored);
      });
      auto [body_error, body_bytes] = co_await http::async_read(stream, buffer, parser, kTuple);
      body_timer.cancel();
      if (body_error && *timed_out) body_error = beast::error::timeout;
      if (body_error) {
        if (body_error == http::error::body_limit) {
          co_await refuse(version, target,
                          TransportProblem(
                              413, "body-too-large", "Request body too large",
                              "the body exceeds " + std::to_string(options_.body_limit) + " bytes"),
                          request_id, started);
        } else if (body_error == beast::error::timeout) {
          co_await refuse(
              version, target,
              TransportProblem(408, "body-timeout", "Request timeout",
                               "the body did not arrive within " +
                                   std::to_string(options_.body_timeout.count()) + " ms"),
              request_id, started);
        }
        break;
      }
    }
    Request request = parser.release();
    const bool keep_alive = request.keep_alive();
    stream.expires_never();  // a long-poll may take its 30 s

    Handled handled;
    try {
      handled = co_await handler_(std::move(request), RequestInfo{connection->remote, request_id});
    } catch (const std::exception& error) {
      spdlog::error("request {} {} {}: unhandled exception: {}", request_id, method, target,
                    error.what());
      handled.response = RenderProblem(
          Problem::Internal("an unexpected error; the server's log has it under request id " +
                            request_id),
          version, target, request_id);
    }
    Response& response = handled.response;
    response.version(version);
    response.set("X-Request-Id", request_id);
    response.keep_alive(keep_alive && !draining_);
    response.prepare_payload();
    stream.expires_after(options_.write_timeout);
    auto [write_error, written] = co_await http::async_write(stream, response, kTuple);
    LogAccess({request_id, connection->remote, method, target,
               static_cast<int>(response.result_int()), written,
               std::chrono::steady_clock::now() - started, handled.user});
    if (write_error || !response.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
  Forget(connection);
}

void HttpServer::Forget(const std::shared_ptr<Connection>& connection) {
  connections_.erase(connection);
  CheckDrained();
}

void HttpServer::Shutdown(std::function<void()> on_drained) {
  if (draining_) return;
  draining_ = true;
  on_drained_ = std::move(on_drained);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (const auto& connection : connections_)
    if (!connection->busy) connection->stream.cancel();
  drain_deadline_ = std::make_unique<asio::steady_timer>(executor_, options_.drain_timeout);
  drain_deadline_->async_wait([this](boost::system::error_code error) {
    if (error) return;  // drained in time
    spdlog::warn("shutdown: {} connection(s) still busy after {} ms; closing them",
                 connections_.size(), options_.drain_timeout.count());
    for (const auto& connection : connections_) connection->stream.close();
  });
  CheckDrained();
}

void HttpServer::CheckDrained() {
  if (!draining_ || !connections_.empty() || !on_drained_) return;
  if (drain_deadline_) drain_deadline_->cancel();
  auto done = std::move(on_drained_);
  on_drained_ = nullptr;
  asio::post(executor_, std::move(done));
}

}  // namespace provisio::api::server
