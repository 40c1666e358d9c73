#include "config/api_config.h"

#include <charconv>

#include "temporal/client/environment_options.h"
#include "temporal/converter/aes_gcm_codec.h"

namespace provisio::api {
namespace {

using temporal::Error;
using temporal::ErrorCode;

Error Invalid(const char* name, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, std::string(name) + ": " + why);
}

std::optional<long long> ParseInteger(const std::string& text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A 32-byte key as 64 hex digits, returned raw.
temporal::Result<std::string> RawKey(const char* name, const std::string& hex) {
  auto key = temporal::AesGcmCodec::KeyFromHex(hex);
  if (!key)
    return Invalid(name, key.error().message() + " (generate one with openssl rand -hex 32)");
  return std::string(reinterpret_cast<const char*>(key->data()), key->size());
}

}  // namespace

temporal::Result<ApiConfig> ApiConfig::FromEnvironment(
    const std::function<std::optional<std::string>(const char*)>& lookup,
    const std::string& default_templates_dir) {
  ApiConfig config;
  const auto get = [&](const char* name) -> std::optional<std::string> {
    std::optional<std::string> value = lookup(name);
    if (value && value->empty()) return std::nullopt;
    return value;
  };
  // Integer variables, with bounds.
  std::optional<Error> failure;
  const auto integer = [&](const char* name, long long low, long long high,
                           long long fallback) -> long long {
    const std::optional<std::string> text = get(name);
    if (!text) return fallback;
    const std::optional<long long> value = ParseInteger(*text);
    if (!value || *value < low || *value > high) {
      if (!failure)
        failure = Invalid(name, "must be a whole number from " + std::to_string(low) + " to " +
                                    std::to_string(high) + ", not \"" + *text + "\"");
      return fallback;
    }
    return *value;
  };

  if (auto listen = get("PROVISIO_API_LISTEN")) {
    const auto colon = listen->rfind(':');
    const std::optional<long long> port =
        colon == std::string::npos ? std::nullopt : ParseInteger(listen->substr(colon + 1));
    if (!port || *port < 0 || *port > 65535 || colon == 0)
      return Invalid("PROVISIO_API_LISTEN", "must be HOST:PORT, like 127.0.0.1:8080");
    config.listen_host = listen->substr(0, colon);
    if (config.listen_host.size() > 2 && config.listen_host.front() == '[')
      config.listen_host = config.listen_host.substr(1, config.listen_host.size() - 2);
    config.listen_port = static_cast<unsigned short>(*port);
  }
  // Where Temporal is and how to reach it: the official SDKs' variables.
  auto temporal_connection = temporal::ClientOptionsFromEnvironment(lookup);
  if (!temporal_connection) return temporal_connection.error();
  config.temporal_address = temporal_connection->target_host;
  config.temporal_namespace = temporal_connection->namespace_;
  config.temporal_tls = temporal_connection->tls;
  config.temporal_api_key = temporal_connection->api_key;
  config.task_queue = get("PROVISIO_TASK_QUEUE").value_or(config.task_queue);
  config.runner_task_queue = get("PROVISIO_RUNNER_TASK_QUEUE").value_or(config.runner_task_queue);

  auto database = get("PROVISIO_DATABASE");
  if (!database)
    return Invalid("PROVISIO_DATABASE",
                   "is not set: give the platform database's libpq connection string");
  config.database = *database;

  auto approval = get("PROVISIO_APPROVAL_KEY_HEX");
  if (!approval)
    return Invalid("PROVISIO_APPROVAL_KEY_HEX",
                   "is not set: the key the provisioning worker verifies decisions with");
  auto approval_key = RawKey("PROVISIO_APPROVAL_KEY_HEX", *approval);
  if (!approval_key) return approval_key.error();
  config.approval_key = *approval_key;

  if (auto codec = get("PROVISIO_CODEC_KEY_HEX")) {
    auto codec_key = RawKey("PROVISIO_CODEC_KEY_HEX", *codec);
    if (!codec_key) return codec_key.error();
    config.codec_key = *codec_key;
    config.codec_key_id = get("PROVISIO_CODEC_KEY_ID").value_or(config.codec_key_id);
  }
  if (auto entries = get("PROVISIO_CODEC_DECRYPT_ONLY_KEYS")) {
    std::size_t start = 0;
    while (start <= entries->size()) {
      const std::size_t comma = std::min(entries->find(',', start), entries->size());
      const std::string entry = entries->substr(start, comma - start);
      start = comma + 1;
      if (entry.empty()) continue;
      const std::size_t equals = entry.find('=');
      if (equals == std::string::npos || equals == 0)
        return Invalid("PROVISIO_CODEC_DECRYPT_ONLY_KEYS",
                       "\"" + entry.substr(0, 24) + "...\" is not id=hex");
      auto old_key = RawKey("PROVISIO_CODEC_DECRYPT_ONLY_KEYS", entry.substr(equals + 1));
      if (!old_key) return old_key.error();
      config.codec_decrypt_only_keys[entry.substr(0, equals)] = *old_key;
    }
  }
  config.templates_dir = get("PROVISIO_TEMPLATES_DIR").value_or(default_templates_dir);
  config.ui_dir = get("PROVISIO_UI_DIR").value_or("");

  if (auto origins = get("PROVISIO_ALLOWED_ORIGINS")) {
    std::size_t start = 0;
    while (start <= origins->size()) {
      const std::size_t comma = std::min(origins->find(',', start), origins->size());
      std::string origin = origins->substr(start, comma - start);
      while (!origin.empty() && origin.front() == ' ') origin.erase(0, 1);
      while (!origin.empty() && (origin.back() == ' ' || origin.back() == '/')) origin.pop_back();
      if (!origin.empty()) {
        if (origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0)
          return Invalid("PROVISIO_ALLOWED_ORIGINS",
                         "\"" + origin + "\" is not an origin like https://provisio.example.com");
        config.allowed_origins.push_back(origin);
      }
      start = comma + 1;
    }
  }
  if (auto ui = get("PROVISIO_TEMPORAL_UI_ORIGIN")) {
    std::string origin = *ui;
    while (!origin.empty() && origin.back() == '/') origin.pop_back();
    if (!origin.empty() && origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0)
      return Invalid("PROVISIO_TEMPORAL_UI_ORIGIN",
                     "\"" + origin + "\" is not an origin like http://127.0.0.1:8233");
    config.temporal_ui_origin = origin;
  }
  if (auto secure = get("PROVISIO_COOKIE_SECURE")) {
    if (*secure != "0" && *secure != "1")
      return Invalid("PROVISIO_COOKIE_SECURE", "must be 0 or 1, not \"" + *secure + "\"");
    config.cookie_secure = *secure == "1";
  }
  config.session_lifetime = std::chrono::seconds(integer(
      "PROVISIO_SESSION_LIFETIME_SECONDS", 60, 30LL * 86400, config.session_lifetime.count()));
  config.session_idle_timeout = std::chrono::seconds(integer(
      "PROVISIO_SESSION_IDLE_SECONDS", 60, 30LL * 86400, config.session_idle_timeout.count()));
  config.login_max_failures =
      static_cast<int>(integer("PROVISIO_LOGIN_MAX_FAILURES", 1, 1000, config.login_max_failures));
  config.login_window = std::chrono::seconds(
      integer("PROVISIO_LOGIN_WINDOW_SECONDS", 1, 86400, config.login_window.count()));
  config.long_poll =
      std::chrono::seconds(integer("PROVISIO_LONG_POLL_SECONDS", 1, 300, config.long_poll.count()));
  config.decision_lifetime = std::chrono::seconds(
      integer("PROVISIO_DECISION_LIFETIME_SECONDS", 10, 3600, config.decision_lifetime.count()));
  config.blocking_threads = static_cast<std::size_t>(integer(
      "PROVISIO_API_BLOCKING_THREADS", 1, 256, static_cast<long long>(config.blocking_threads)));
  config.body_limit =
      static_cast<std::size_t>(integer("PROVISIO_API_BODY_LIMIT_BYTES", 1024, 64LL << 20,
                                       static_cast<long long>(config.body_limit)));
  config.header_timeout = std::chrono::milliseconds(
      integer("PROVISIO_API_HEADER_TIMEOUT_MS", 100, 600'000, config.header_timeout.count()));
  config.body_timeout = std::chrono::milliseconds(
      integer("PROVISIO_API_BODY_TIMEOUT_MS", 100, 600'000, config.body_timeout.count()));
  if (failure) return *failure;
  return config;
}

}  // namespace provisio::api
