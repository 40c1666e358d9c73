#include "activities/webhook.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <regex>
#include <stdexcept>

#include "temporal/failure.h"

namespace provisio::activities {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;
};

Url ParseUrl(const std::string& url) {
  static const std::regex kUrl(R"(^(https?)://([^/:?#]+)(?::(\d+))?([^#]*)$)");
  std::smatch match;
  if (!std::regex_match(url, match, kUrl))
    throw temporal::ApplicationFailure("the webhook URL is not an http(s) URL",
                                       "InvalidConfiguration", /*non_retryable=*/true);
  Url parsed;
  parsed.tls = match[1] == "https";
  parsed.host = match[2];
  parsed.port = match[3].matched ? std::string(match[3]) : (parsed.tls ? "443" : "80");
  parsed.target = match[4].length() == 0 ? "/" : std::string(match[4]);
  return parsed;
}

template <typename Stream>
int Exchange(Stream& stream, const Url& url, const std::string& body) {
  http::request<http::string_body> request{http::verb::post, url.target, 11};
  request.set(http::field::host, url.host);
  request.set(http::field::content_type, "application/json");
  request.set(http::field::user_agent, "provisio-worker");
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return response.result_int();
}

}  // namespace

nlohmann::json SlackMessage(const model::NotifyInput& input, const std::string& link_base) {
  std::string text = input.subject;
  if (!link_base.empty()) text += " <" + link_base + "/applications/" + input.workflow_id + ">";
  nlohmann::json fields = nlohmann::json::array();
  fields.push_back({{"type", "mrkdwn"}, {"text", "*Request*\n" + input.workflow_id}});
  fields.push_back({{"type", "mrkdwn"}, {"text", "*Kind*\n" + input.kind}});
  return nlohmann::json{
      {"text", text},
      {"blocks",
       nlohmann::json::array({{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", text}}}},
                              {{"type", "section"}, {"fields", fields}}})}};
}

int PostJson(const std::string& url_text, const nlohmann::json& body,
             std::chrono::seconds timeout) {
  const Url url = ParseUrl(url_text);
  asio::io_context io;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(url.host, url.port);
  const std::string payload = body.dump();
  try {
    if (!url.tls) {
      beast::tcp_stream stream(io);
      stream.expires_after(timeout);
      stream.connect(endpoints);
      const int status = Exchange(stream, url, payload);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return status;
    }
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    // SNI, and the certificate must name the host.
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
      throw std::runtime_error("cannot set the TLS server name");
    stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(asio::ssl::stream_base::client);
    const int status = Exchange(stream, url, payload);
    beast::error_code ignored;
    stream.shutdown(ignored);
    return status;
  } catch (const boost::system::system_error& error) {
    throw std::runtime_error("webhook " + url.host + ": " + error.code().message());
  }
}

bool SendWebhook(const ActivityEnvironment& environment, const model::NotifyInput& input) {
  if (environment.webhook_url.empty()) return false;
  const int status = PostJson(environment.webhook_url, SlackMessage(input, environment.public_url),
                              std::chrono::seconds(10));
  if (status >= 200 && status < 300) return true;
  const bool permanent = status >= 400 && status < 500 && status != 408 && status != 429;
  throw temporal::ApplicationFailure("the webhook answered HTTP " + std::to_string(status),
                                     "WebhookRefused", permanent);
}

}  // namespace provisio::activities
