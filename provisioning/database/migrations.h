// provisioning/database/migrations.h: the platform database's versioned schema.
//
// db/migrations/ holds files named NNNN_what_it_does.sql (four digits, from
// 0001, no gaps). ApplyMigrations brings a database up to date: under a
// PostgreSQL advisory lock, so that of several workers starting at once one
// owner applies and the others find the work done; each migration in order,
// in its own transaction, recorded in schema_migrations with the SHA-256 of
// its file, at most once. It refuses to go on, naming the file, when:
//   - a migration already applied has changed (its checksum differs);
//   - the database has a migration this build does not know (a newer build
//     migrated it: running older code against it is unsafe);
//   - a migration fails (its transaction is rolled back; nothing of it stays).
//
//   auto migrations = provisio::database::LoadMigrations("db/migrations");
//   auto report = provisio::database::ApplyMigrations(*db, *migrations);
//   // report->applied: the versions applied now; report->version: the schema's version
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "database/connection.h"
#include "temporal/error.h"

namespace provisio::database {

/// Migration is one file of db/migrations/.
struct Migration {
  int version = 0;
  std::string file_name;  // "0001_platform_schema.sql"
  std::string sql;
  std::string checksum;  // SHA-256 of the file, lowercase hex
};

/// LoadMigrations reads every *.sql file of `directory`, sorted by version.
/// kInvalidArgument, naming the file, for a name that is not NNNN_name.sql,
/// a duplicate version, or a gap in the numbering; kNotFound for a missing
/// or empty directory.
temporal::Result<std::vector<Migration>> LoadMigrations(const std::filesystem::path& directory);

/// MigrationReport says what ApplyMigrations did.
struct MigrationReport {
  /// applied lists the versions this call applied (empty when up to date).
  std::vector<int> applied;
  /// version is the schema's version afterwards.
  int version = 0;
};

/// ApplyMigrations applies the migrations the database lacks (see above).
/// kFailedPrecondition, naming the file, when it refuses.
temporal::Result<MigrationReport> ApplyMigrations(Connection& connection,
                                                  const std::vector<Migration>& migrations);

/// kMigrationLockKey is the advisory lock the migration owner holds.
inline constexpr long long kMigrationLockKey = 0x70726f7669736f;  // "provisio"

}  // namespace provisio::database
