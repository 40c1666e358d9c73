#include "handlers/session_view.h"

#include <ctime>

#include "auth/session_tokens.h"

namespace provisio::api::handlers {

std::string Rfc3339(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

SessionView MakeSessionView(const auth::UserRecord& user,
                            std::chrono::system_clock::time_point expires_at,
                            const std::string& token, const ApiConfig& config) {
  SessionView view;
  view.user = user.id;
  view.display_name = user.display_name;
  view.email = user.email;
  view.roles = user.roles;
  view.teams = user.teams;
  view.csrf_token = auth::CsrfToken(token);
  view.expires_at = Rfc3339(expires_at);
  if (!config.temporal_ui_origin.empty()) view.temporal_ui_url = config.temporal_ui_origin;
  view.temporal_namespace = config.temporal_namespace;
  return view;
}

}  // namespace provisio::api::handlers
