// api/server/access_log.h: one structured line per request.
//
// Written as a JSON object per line to the "access" spdlog logger (standard
// output), so that a log shipper needs no parsing rules:
//
//   {"time":"2025-01-02T03:04:05.678Z","requestId":"5f0c...","remote":"127.0.0.1",
//    "method":"GET","path":"/api/applications/site-1","status":200,"bytes":812,
//    "durationMs":3.1,"user":"alice"}
//
// The query string is left out: it may hold what should not be logged.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace provisio::api::server {

/// AccessRecord is one request's line.
struct AccessRecord {
  std::string request_id;
  std::string remote;
  std::string method;
  std::string target;
  int status = 0;
  std::size_t bytes = 0;
  std::chrono::steady_clock::duration duration{};
  std::string user;
};

/// LogAccess writes `record` to the access log.
void LogAccess(const AccessRecord& record);

}  // namespace provisio::api::server
