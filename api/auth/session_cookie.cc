#include "auth/session_cookie.h"

namespace provisio::api::auth {
namespace {

std::string Attributes(bool secure) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (secure ? "; Secure" : "");
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string SessionCookieName(bool secure) {
  return secure ? "__Host-provisio_session" : "provisio_session";
}

std::optional<std::string> SessionTokenFrom(const server::Request& request, bool secure) {
  const std::string name = SessionCookieName(secure);
  const auto [first, last] = request.equal_range(server::http::field::cookie);
  for (auto field = first; field != last; ++field) {
    std::string_view cookies = field->value();
    while (!cookies.empty()) {
      const std::size_t end = std::min(cookies.find(';'), cookies.size());
      const std::string_view pair = Trim(cookies.substr(0, end));
      const std::size_t equals = pair.find('=');
      if (equals != std::string_view::npos && Trim(pair.substr(0, equals)) == name) {
        std::string_view value = Trim(pair.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
          value = value.substr(1, value.size() - 2);
        if (!value.empty() && value.size() <= 128) return std::string(value);
      }
      cookies.remove_prefix(std::min(end + 1, cookies.size()));
    }
  }
  return std::nullopt;
}

std::string SetSessionCookie(const std::string& token, std::chrono::seconds lifetime, bool secure) {
  return SessionCookieName(secure) + "=" + token + "; Max-Age=" + std::to_string(lifetime.count()) +
         Attributes(secure);
}

std::string ClearSessionCookie(bool secure) {
  return SessionCookieName(secure) + "=; Max-Age=0" + Attributes(secure);
}

}  // namespace provisio::api::auth
