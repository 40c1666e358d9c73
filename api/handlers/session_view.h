// api/handlers/session_view.h: the signed-in user as POST and GET
// /api/session show them.
#pragma once

#include <boost/describe.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "auth/user_directory.h"
#include "config/api_config.h"
#include "json/described_json.h"

namespace provisio::api::handlers {

struct SessionView {
  static constexpr std::string_view kDescription =
      "The signed-in user, their roles and teams, and the CSRF token that state-changing "
      "requests send as X-CSRF-Token.";
  std::string user;
  std::string display_name;
  std::string email;
  std::vector<std::string> roles;
  std::vector<std::string> teams;
  std::string csrf_token;
  std::string expires_at;
  /// temporal_ui_url, temporal_namespace: where the Temporal Web UI shows a
  /// workflow (PROVISIO_TEMPORAL_UI_ORIGIN; absent when not configured).
  std::optional<std::string> temporal_ui_url;
  std::string temporal_namespace;
  static void Rules(json::FieldRules& rules) {
    rules["roles"].description =
        "Role names: those of templates' approval policies make an authorizer; operator, admin.";
    rules["teams"].description = "The teams the user may request for.";
    rules["csrfToken"].description = "Send it as the X-CSRF-Token header of every POST and DELETE.";
    rules["expiresAt"].description =
        "When the session ends at the latest (RFC 3339); it ends sooner when idle.";
  }
};
BOOST_DESCRIBE_STRUCT(SessionView, (),
                      (user, display_name, email, roles, teams, csrf_token, expires_at,
                       temporal_ui_url, temporal_namespace))

/// MakeSessionView builds the view of `user`'s session `token`.
SessionView MakeSessionView(const auth::UserRecord& user,
                            std::chrono::system_clock::time_point expires_at,
                            const std::string& token, const ApiConfig& config);

/// Rfc3339 formats a time in UTC, to the second ("2025-01-02T03:04:05Z").
std::string Rfc3339(std::chrono::system_clock::time_point time);

}  // namespace provisio::api::handlers
