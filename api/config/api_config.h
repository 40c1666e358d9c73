// api/config/api_config.h: provisio-api's configuration, from environment
// variables (docs/api.md lists them with their defaults).
//
//   auto config = ApiConfig::FromEnvironment([](const char* name) { ... getenv ... });
//   if (!config) { std::cerr << config.error().message(); ... }   // names the variable
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "temporal/client/client_options.h"
#include "temporal/error.h"

namespace provisio::api {

struct ApiConfig {
  /// listen_host, listen_port: where the API listens (PROVISIO_API_LISTEN, host:port).
  std::string listen_host = "127.0.0.1";
  unsigned short listen_port = 8080;
  /// temporal_address, temporal_namespace: the Temporal frontend.
  std::string temporal_address = "127.0.0.1:7233";
  std::string temporal_namespace = "default";
  /// temporal_tls, temporal_api_key: a cluster over TLS or Temporal Cloud
  /// (TEMPORAL_TLS*, TEMPORAL_API_KEY: temporal/client/environment_options.h).
  std::optional<temporal::TlsOptions> temporal_tls;
  std::string temporal_api_key;
  /// task_queue: where ProvisionApplication runs (the provisioning worker's).
  std::string task_queue = "provisio";
  /// runner_task_queue: the OpenTofu runner's (/readyz checks someone polls it).
  std::string runner_task_queue = "iac-opentofu";
  /// database: libpq connection string of the platform database.
  std::string database;
  /// approval_key: the HMAC key decisions are signed with (raw bytes).
  std::string approval_key;
  /// codec_key (raw bytes; empty = payloads in plaintext) and its id.
  std::string codec_key;
  std::string codec_key_id = "provisio";
  /// codec_decrypt_only_keys: older codec keys by id (raw bytes), kept after a
  /// rotation so that old payloads and sealed outputs still open
  /// (PROVISIO_CODEC_DECRYPT_ONLY_KEYS="id=hex,id=hex", as the workers read it).
  std::map<std::string, std::string> codec_decrypt_only_keys;
  /// templates_dir: the catalogue.
  std::string templates_dir;
  /// ui_dir: the built web UI (ui/dist) served at /; empty = no UI.
  std::string ui_dir;
  /// allowed_origins: the origins state-changing requests may come from; empty
  /// = the origin the request's Host header names.
  std::vector<std::string> allowed_origins;
  /// temporal_ui_origin: the Temporal Web UI's origin ("http://127.0.0.1:8233"),
  /// the only one the codec endpoints answer cross-origin (CORS); empty = none.
  std::string temporal_ui_origin;
  /// cookie_secure: the API is reached over TLS (directly or behind a proxy):
  /// the cookie is Secure and named __Host-provisio_session.
  bool cookie_secure = false;
  std::chrono::seconds session_lifetime{8 * 3600};
  std::chrono::seconds session_idle_timeout{3600};
  /// login_max_failures per user within login_window (4 times as many per
  /// client address) before sign-in answers 429.
  int login_max_failures = 5;
  std::chrono::seconds login_window{900};
  /// long_poll: how long GET /api/applications/{id}?waitAfterVersion=N waits.
  std::chrono::seconds long_poll{30};
  /// decision_lifetime: how long a signed decision stays valid.
  std::chrono::seconds decision_lifetime{300};
  /// blocking_threads: threads for PostgreSQL and Temporal calls.
  std::size_t blocking_threads = 8;
  /// body_limit: the largest request body, in bytes.
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds header_timeout{15'000};
  std::chrono::milliseconds body_timeout{30'000};

  /// FromEnvironment reads every variable through `lookup` (nullopt = unset);
  /// kInvalidArgument naming the variable when one is missing or malformed.
  static temporal::Result<ApiConfig> FromEnvironment(
      const std::function<std::optional<std::string>(const char*)>& lookup,
      const std::string& default_templates_dir);
};

}  // namespace provisio::api
