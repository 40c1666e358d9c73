#include "database/connection.h"

#include <poll.h>

namespace provisio::database {
namespace {

using temporal::Error;
using temporal::ErrorCode;

struct ResultCloser {
  void operator()(PGresult* result) const { PQclear(result); }
};
using OwnedResult = std::unique_ptr<PGresult, ResultCloser>;

// The first line of a statement, for error messages (migrations are long).
std::string FirstLine(const std::string& sql) {
  const auto end = sql.find('\n');
  std::string line = sql.substr(0, end);
  return line.size() > 80 ? line.substr(0, 77) + "..." : line;
}

}  // namespace

temporal::Result<Connection> Connection::Open(const std::string& conninfo) {
  PGconn* raw = PQconnectdb(conninfo.c_str());
  Connection connection(raw);
  if (raw == nullptr) return Error(ErrorCode::kUnavailable, "PostgreSQL: out of memory");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string message = PQerrorMessage(raw);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Error(ErrorCode::kUnavailable, "PostgreSQL: cannot connect: " + message);
  }
  return connection;
}

Error Connection::ErrorFrom(const PGresult* result, const std::string& sql) const {
  std::string message =
      result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection_.get());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return Error(ErrorCode::kFailedPrecondition,
               "PostgreSQL" + (state != nullptr ? " [" + std::string(state) + "]" : std::string()) +
                   ": " + message + " (in: " + FirstLine(sql) + ")");
}

temporal::Status Connection::Exec(const std::string& sql) {
  OwnedResult result(PQexec(connection_.get(), sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return ErrorFrom(result.get(), sql);
  return temporal::OkStatus();
}

temporal::Result<std::vector<Row>> Connection::Query(
    const std::string& sql, const std::vector<std::optional<std::string>>& parameters) {
  std::vector<const char*> values;
  values.reserve(parameters.size());
  for (const auto& parameter : parameters)
    values.push_back(parameter ? parameter->c_str() : nullptr);
  OwnedResult result(PQexecParams(connection_.get(), sql.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return ErrorFrom(result.get(), sql);
  std::vector<Row> rows;
  const int row_count = PQntuples(result.get());
  const int column_count = PQnfields(result.get());
  rows.reserve(static_cast<std::size_t>(row_count));
  for (int r = 0; r < row_count; ++r) {
    Row row;
    row.reserve(static_cast<std::size_t>(column_count));
    for (int c = 0; c < column_count; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                     static_cast<std::size_t>(PQgetlength(result.get(), r, c))));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

temporal::Result<std::optional<Notification>> Connection::WaitForNotification(int timeout_ms) {
  PGconn* raw = connection_.get();
  const auto take = [raw]() -> std::optional<Notification> {
    PGnotify* notify = PQnotifies(raw);
    if (notify == nullptr) return std::nullopt;
    Notification notification{notify->relname, notify->extra != nullptr ? notify->extra : ""};
    PQfreemem(notify);
    return notification;
  };
  if (PQconsumeInput(raw) == 0) return ErrorFrom(nullptr, "LISTEN");
  if (auto ready = take()) return ready;
  pollfd descriptor{PQsocket(raw), POLLIN, 0};
  if (poll(&descriptor, 1, timeout_ms) <= 0) return std::optional<Notification>();
  if (PQconsumeInput(raw) == 0) return ErrorFrom(nullptr, "LISTEN");
  return take();
}

}  // namespace provisio::database
