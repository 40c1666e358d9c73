// api/platform/database_pool.h: PostgreSQL connections for the blocking pool.
//
// libpq connections are one per thread at a time, so the API keeps idle ones
// here and lends one per call; a connection that broke is dropped, not
// returned. At most as many are open as threads call With at once (the
// blocking pool's size).
//
//   auto rows = pool.With([&](database::Connection& db) { return db.Query("SELECT 1"); });
//
// Thread-safety: With may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "database/connection.h"
#include "temporal/error.h"

namespace provisio::api {

class DatabasePool {
 public:
  explicit DatabasePool(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  /// With runs `work(connection)`, which returns a temporal::Result or Status;
  /// a connection that cannot be opened gives kUnavailable instead.
  template <typename Work>
  auto With(Work&& work) -> std::invoke_result_t<Work&, database::Connection&> {
    auto connection = Take();
    if (!connection) return connection.error();
    auto result = work(**connection);
    Give(std::move(*connection));
    return result;
  }

 private:
  temporal::Result<std::unique_ptr<database::Connection>> Take();
  void Give(std::unique_ptr<database::Connection> connection);

  const std::string conninfo_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<database::Connection>> idle_;  // guarded by mutex_
};

}  // namespace provisio::api
