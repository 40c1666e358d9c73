#include "server/access_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace provisio::api::server {
namespace {

std::shared_ptr<spdlog::logger> AccessLogger() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    auto existing = spdlog::get("access");
    if (existing) return existing;
    auto created = spdlog::stdout_logger_mt("access");
    created->set_pattern("%v");
    return created;
  }();
  return logger;
}

std::string UtcNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char with_millis[40];
  std::snprintf(with_millis, sizeof with_millis, "%s.%03lldZ", text,
                static_cast<long long>(millis));
  return with_millis;
}

}  // namespace

void LogAccess(const AccessRecord& record) {
  nlohmann::json line = {
      {"time", UtcNow()},
      {"requestId", record.request_id},
      {"remote", record.remote},
      {"method", record.method},
      {"path", record.target.substr(0, record.target.find('?'))},
      {"status", record.status},
      {"bytes", record.bytes},
      {"durationMs", std::chrono::duration<double, std::milli>(record.duration).count()},
      {"user", record.user},
  };
  // replace: a path is the client's text; never let it break the line's JSON.
  AccessLogger()->info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace provisio::api::server
