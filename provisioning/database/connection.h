// provisioning/database/connection.h: one PostgreSQL connection (libpq).
//
// The platform's activities and the migration owner talk to PostgreSQL
// through this small wrapper: a connection that closes itself, statements
// with parameters sent separately from the SQL (never spliced into it), and
// errors as values that carry PostgreSQL's own message and SQLSTATE.
//
//   auto db = provisio::database::Connection::Open("host=127.0.0.1 port=5432 dbname=provisio");
//   if (!db) return db.error();
//   auto rows = db->Query("SELECT name FROM teams WHERE id = $1", {team_id});
//
// Thread-safety: none; one connection per thread (libpq's rule).
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "temporal/error.h"

namespace provisio::database {

/// Row is one result row: each column as text, nullopt for SQL NULL.
using Row = std::vector<std::optional<std::string>>;

/// Notification is one NOTIFY received on a LISTENing connection.
struct Notification {
  std::string channel;
  std::string payload;
};

class Connection {
 public:
  /// Open connects with a libpq connection string ("host=... port=... dbname=..."
  /// or a postgresql:// URI); kUnavailable with libpq's reason when it cannot.
  static temporal::Result<Connection> Open(const std::string& conninfo);

  /// Exec runs one or more statements without parameters (a migration file).
  [[nodiscard]] temporal::Status Exec(const std::string& sql);
  /// Query runs one statement with text parameters ($1, $2, ...) and returns
  /// its rows (none for a statement that returns no rows).
  [[nodiscard]] temporal::Result<std::vector<Row>> Query(
      const std::string& sql, const std::vector<std::optional<std::string>>& parameters = {});
  /// WaitForNotification waits up to `timeout_ms` for a NOTIFY on a channel
  /// this connection LISTENs to; nullopt when none came.
  temporal::Result<std::optional<Notification>> WaitForNotification(int timeout_ms);
  /// Healthy tells whether the connection is still up (a pool drops one that
  /// is not: libpq does not reconnect by itself).
  bool Healthy() const { return PQstatus(connection_.get()) == CONNECTION_OK; }

 private:
  struct Closer {
    void operator()(PGconn* connection) const { PQfinish(connection); }
  };
  explicit Connection(PGconn* connection) : connection_(connection) {}
  temporal::Error ErrorFrom(const PGresult* result, const std::string& sql) const;

  std::unique_ptr<PGconn, Closer> connection_;
};

}  // namespace provisio::database
