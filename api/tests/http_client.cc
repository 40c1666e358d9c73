#include "http_client.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <thread>

#include "openapi_conformance.h"

namespace provisio_api_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

std::string Reply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

nlohmann::json Reply::Json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

HttpClient::HttpClient(std::string host, unsigned short port)
    : origin("http://" + host + ":" + std::to_string(port)), host_(std::move(host)), port_(port) {}

Reply HttpClient::Send(http::verb method, const std::string& target,
                       const std::optional<nlohmann::json>& body,
                       std::vector<std::pair<std::string, std::string>> headers) {
  if (body) headers.insert(headers.begin(), {"Content-Type", "application/json"});
  return SendText(method, target, body ? std::optional<std::string>(body->dump()) : std::nullopt,
                  std::move(headers));
}

Reply HttpClient::SendText(http::verb method, const std::string& target,
                           std::optional<std::string> body,
                           std::vector<std::pair<std::string, std::string>> headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(120));
  stream.connect(tcp::endpoint(asio::ip::make_address(host_), port_));
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, host_ + ":" + std::to_string(port_));
  const bool state_changing = method == http::verb::post || method == http::verb::delete_ ||
                              method == http::verb::put || method == http::verb::patch;
  bool has_origin = false;
  for (const auto& [name, value] : headers)
    has_origin = has_origin || beast::iequals(name, "origin");
  if (state_changing && !has_origin && !origin.empty()) request.set(http::field::origin, origin);
  if (!cookie.empty()) request.set(http::field::cookie, cookie);
  if (state_changing && send_csrf && !csrf_token.empty()) request.set("X-CSRF-Token", csrf_token);
  if (body) request.body() = *body;
  for (const auto& [name, value] : headers) request.set(name, value);
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser);
  const auto& response = parser.get();
  Reply reply;
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers.emplace(name, std::string(field.value()));
  }
  reply.body = response.body();
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  // A cookie the server sets (or clears) replaces ours, as a browser's would.
  auto [first, last] = reply.headers.equal_range("set-cookie");
  for (auto it = first; it != last; ++it) {
    const std::string& set = it->second;
    const std::string pair = set.substr(0, set.find(';'));
    cookie = pair.substr(pair.find('=') + 1).empty() ? "" : pair;
  }
  if (contract_) {
    std::vector<std::string> problems =
        CheckReply(*contract_, std::string(http::to_string(method)), target, reply);
    for (const std::string& problem : problems)
      ADD_FAILURE() << http::to_string(method) << " " << target << " -> " << reply.status
                    << ": the reply does not match the OpenAPI document: " << problem << "\n"
                    << reply.body;
  }
  return reply;
}

Reply HttpClient::SignIn(const std::string& user, const std::string& password) {
  Reply reply = Post("/api/session", {{"user", user}, {"password", password}});
  if (reply.status == 201) csrf_token = reply.Json().value("csrfToken", "");
  return reply;
}

std::string RawExchange(const std::string& host, unsigned short port,
                        const std::vector<std::string>& pieces, int pause_ms, int read_ms) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address(host), port));
  boost::system::error_code error;
  for (const std::string& piece : pieces) {
    asio::write(socket, asio::buffer(piece), error);
    if (error) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(read_ms);
  socket.non_blocking(true);
  char chunk[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    const std::size_t n = socket.read_some(asio::buffer(chunk), error);
    if (error == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (error) break;  // closed
    received.append(chunk, n);
  }
  return received;
}

}  // namespace provisio_api_test
