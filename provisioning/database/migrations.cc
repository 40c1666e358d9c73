#include "database/migrations.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace provisio::database {
namespace {

using temporal::Error;
using temporal::ErrorCode;

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

// Holds the migration lock for as long as it lives. Session-level: a crashed
// owner's connection closes and the lock goes with it.
class MigrationLock {
 public:
  explicit MigrationLock(Connection& connection) : connection_(connection) {}
  temporal::Status Acquire() {
    auto locked =
        connection_.Query("SELECT pg_advisory_lock($1)", {std::to_string(kMigrationLockKey)});
    if (!locked) return locked.error();
    held_ = true;
    return temporal::OkStatus();
  }
  ~MigrationLock() {
    if (held_)
      (void)connection_.Query("SELECT pg_advisory_unlock($1)", {std::to_string(kMigrationLockKey)});
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  Connection& connection_;
  bool held_ = false;
};

}  // namespace

temporal::Result<std::vector<Migration>> LoadMigrations(const std::filesystem::path& directory) {
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    return Error(ErrorCode::kNotFound, "migrations: " + directory.string() + " is not a directory");
  }
  static const std::regex kName(R"(^(\d{4})_[a-z0-9_]+\.sql$)");
  std::vector<Migration> migrations;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    std::smatch match;
    if (!std::regex_match(name, match, kName)) {
      return Error(ErrorCode::kInvalidArgument,
                   "migrations: " + name + " is not named NNNN_what_it_does.sql");
    }
    std::ifstream file(entry.path(), std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    if (!file) return Error(ErrorCode::kInvalidArgument, "migrations: cannot read " + name);
    Migration migration;
    migration.version = std::stoi(match[1].str());
    migration.file_name = name;
    migration.sql = content.str();
    migration.checksum = Sha256Hex(migration.sql);
    migrations.push_back(std::move(migration));
  }
  if (migrations.empty()) {
    return Error(ErrorCode::kNotFound, "migrations: no NNNN_*.sql file in " + directory.string());
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const int expected = static_cast<int>(i) + 1;
    if (migrations[i].version != expected) {
      const bool duplicate = i > 0 && migrations[i].version == migrations[i - 1].version;
      return Error(ErrorCode::kInvalidArgument,
                   "migrations: " + migrations[i].file_name +
                       (duplicate ? " repeats version " + std::to_string(migrations[i].version)
                                  : " is numbered " + std::to_string(migrations[i].version) +
                                        " where " + std::to_string(expected) + " comes next"));
    }
  }
  return migrations;
}

temporal::Result<MigrationReport> ApplyMigrations(Connection& connection,
                                                  const std::vector<Migration>& migrations) {
  MigrationLock lock(connection);
  if (auto acquired = lock.Acquire(); !acquired) return acquired.error();
  if (auto created = connection.Exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY, file_name text NOT NULL, checksum text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
      !created) {
    return created.error();
  }
  auto rows = connection.Query("SELECT version, file_name, checksum FROM schema_migrations");
  if (!rows) return rows.error();
  std::map<int, std::pair<std::string, std::string>> applied;  // version -> file, checksum
  for (const Row& row : *rows) applied[std::stoi(*row[0])] = {*row[1], *row[2]};

  MigrationReport report;
  for (const auto& [version, recorded] : applied) {
    const auto known = std::find_if(migrations.begin(), migrations.end(),
                                    [version](const Migration& m) { return m.version == version; });
    if (known == migrations.end()) {
      return Error(ErrorCode::kFailedPrecondition,
                   "migrations: the database has migration " + recorded.first +
                       ", which this build does not know: a newer build migrated it; run that "
                       "build (or newer)");
    }
    if (known->checksum != recorded.second) {
      return Error(ErrorCode::kFailedPrecondition,
                   "migrations: " + known->file_name + " changed after it was applied (checksum " +
                       known->checksum + ", applied " + recorded.second +
                       "); never edit a shipped migration, add the next one");
    }
    report.version = std::max(report.version, version);
  }
  for (const Migration& migration : migrations) {
    if (applied.count(migration.version) != 0) continue;
    // One transaction per migration: a failing one leaves nothing behind.
    if (auto begun = connection.Exec("BEGIN"); !begun) return begun.error();
    temporal::Status ran = connection.Exec(migration.sql);
    if (ran) {
      auto recorded = connection.Query(
          "INSERT INTO schema_migrations (version, file_name, checksum) VALUES ($1, $2, $3)",
          {std::to_string(migration.version), migration.file_name, migration.checksum});
      if (!recorded) ran = recorded.error();
    }
    if (!ran) {
      (void)connection.Exec("ROLLBACK");
      return Error(ErrorCode::kFailedPrecondition,
                   "migrations: " + migration.file_name + " failed: " + ran.error().message());
    }
    if (auto committed = connection.Exec("COMMIT"); !committed) {
      return Error(
          ErrorCode::kFailedPrecondition,
          "migrations: " + migration.file_name + " did not commit: " + committed.error().message());
    }
    report.applied.push_back(migration.version);
    report.version = migration.version;
  }
  return report;
}

}  // namespace provisio::database
