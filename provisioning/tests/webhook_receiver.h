// provisioning/tests/webhook_receiver.h: a real HTTP server on loopback that
// stands for a chat tool's incoming webhook: it answers every POST with a
// set status and keeps what it received.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace provisio_test {

class WebhookReceiver {
 public:
  struct Received {
    std::string target;
    std::string content_type;
    std::string body;
  };

  explicit WebhookReceiver(int status = 200)
      : status_(status), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~WebhookReceiver() {
    // A blocking accept is not woken by closing the acceptor from another
    // thread: connect once to wake it, with the flag set.
    stopping_ = true;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket wake(io);
    boost::system::error_code ignored;
    wake.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/hooks/t";
  }

  std::vector<Received> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void Serve() {
    namespace http = boost::beast::http;
    while (true) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code error;
      acceptor_.accept(socket, error);
      if (error || stopping_) return;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, error);
      if (error) continue;
      {
        std::lock_guard lock(mutex_);
        received_.push_back({std::string(request.target()),
                             std::string(request[http::field::content_type]), request.body()});
      }
      http::response<http::string_body> response{static_cast<http::status>(status_), 11};
      response.body() = status_ < 300 ? "ok" : "no";
      response.prepare_payload();
      http::write(socket, response, error);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, error);
    }
  }

  int status_;
  std::atomic<bool> stopping_{false};
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Received> received_;
};

}  // namespace provisio_test
