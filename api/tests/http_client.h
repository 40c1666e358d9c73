// api/tests/http_client.h: a small synchronous HTTP/1.1 client for the API's
// tests (Boost.Beast), holding one user's session like a browser would: the
// session cookie, the CSRF token, and the page's Origin.
//
//   HttpClient alice("127.0.0.1", port);
//   ASSERT_EQ(alice.SignIn("alice", "secret").status, 201);
//   Reply created = alice.Post("/api/applications", {{"team", "payments"}, ...});
//
// When given the OpenAPI document (SetContract), every reply is checked
// against it (openapi_conformance.h) and a mismatch fails the test.
#pragma once

#include <boost/beast/http.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace provisio_api_test {

namespace http = boost::beast::http;

/// Reply is one response.
struct Reply {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string Header(const std::string& name) const;
  nlohmann::json Json() const;
};

class HttpClient {
 public:
  HttpClient(std::string host, unsigned short port);

  /// Send sends one request on a new connection; `origin` is added to
  /// state-changing requests unless `headers` has one (or it is empty).
  Reply Send(http::verb method, const std::string& target,
             const std::optional<nlohmann::json>& body = std::nullopt,
             std::vector<std::pair<std::string, std::string>> headers = {});
  /// SendText sends `body` as it is (malformed JSON, other media types).
  Reply SendText(http::verb method, const std::string& target, std::optional<std::string> body,
                 std::vector<std::pair<std::string, std::string>> headers);
  Reply Get(const std::string& target) { return Send(http::verb::get, target); }
  Reply Post(const std::string& target, const nlohmann::json& body) {
    return Send(http::verb::post, target, body);
  }
  Reply Delete(const std::string& target) { return Send(http::verb::delete_, target); }

  /// SignIn posts the credentials and keeps the session cookie and CSRF token.
  Reply SignIn(const std::string& user, const std::string& password);

  /// SetContract makes every later reply be checked against `openapi`.
  void SetContract(nlohmann::json openapi) { contract_ = std::move(openapi); }

  std::string origin;
  /// cookie is "name=value" of the session cookie ("" when none).
  std::string cookie;
  std::string csrf_token;
  /// send_csrf: send X-CSRF-Token on state-changing requests.
  bool send_csrf = true;

 private:
  std::string host_;
  unsigned short port_;
  std::optional<nlohmann::json> contract_;
};

/// RawExchange writes `bytes` to the server in pieces (waiting `pause_ms`
/// after each piece), then reads until the server closes or `read_ms` pass;
/// for the transport's limits and timeouts.
std::string RawExchange(const std::string& host, unsigned short port,
                        const std::vector<std::string>& pieces, int pause_ms, int read_ms);

}  // namespace provisio_api_test
