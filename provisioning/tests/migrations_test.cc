// The platform database's migrations against a real PostgreSQL (the cluster
// scripts/test starts: PROVISIO_TEST_PG_*). Each test gets a database of its
// own. Covers: a fresh database gets every table once; a second owner finds
// nothing to do; owners racing apply each migration once; a changed, unknown
// or failing migration is refused by name and leaves nothing half-done; bad
// file names; and what the schema itself promises (append-only audit, NOTIFY
// on state and progress, the status list).
#include "database/migrations.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include "database/connection.h"

namespace {

using provisio::database::ApplyMigrations;
using provisio::database::Connection;
using provisio::database::LoadMigrations;
using provisio::database::Migration;
namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string ConnInfo(const std::string& database) {
  return "host=" + Env("PROVISIO_TEST_PG_HOST") + " port=" + Env("PROVISIO_TEST_PG_PORT") +
         " user=" + Env("PROVISIO_TEST_PG_USER") + " password=" + Env("PROVISIO_TEST_PG_PASSWORD") +
         " dbname=" + database + " connect_timeout=10";
}

const fs::path kMigrations = fs::path(PROVISIO_SOURCE_DIR) / "db" / "migrations";

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Env("PROVISIO_TEST_PG_PORT").empty()) {
      GTEST_FAIL() << "PROVISIO_TEST_PG_* is not set; run the tests with scripts/test, which "
                      "starts a real PostgreSQL";
    }
    std::mt19937_64 random{std::random_device{}()};
    database_ = "migrations_" + std::to_string(random() % 1000000000);
    auto admin = Connection::Open(ConnInfo("postgres"));
    ASSERT_TRUE(admin.ok()) << admin.error();
    ASSERT_TRUE(admin->Exec("CREATE DATABASE " + database_).ok());
    scratch_ = fs::temp_directory_path() / database_;
    fs::create_directories(scratch_);
  }
  void TearDown() override {
    fs::remove_all(scratch_);
    auto admin = Connection::Open(ConnInfo("postgres"));
    if (admin.ok()) (void)admin->Exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  }

  Connection Open() {
    auto connection = Connection::Open(ConnInfo(database_));
    EXPECT_TRUE(connection.ok()) << connection.error();
    return std::move(*connection);
  }
  std::vector<Migration> Shipped() {
    auto migrations = LoadMigrations(kMigrations);
    EXPECT_TRUE(migrations.ok()) << migrations.error();
    return *migrations;
  }
  // Next names the migration after the shipped ones ("NNNN_what.sql"), or
  // `skip` versions further on.
  std::string Next(const std::string& what, std::size_t skip = 0) {
    char number[8];
    std::snprintf(number, sizeof number, "%04zu", Shipped().size() + 1 + skip);
    return std::string(number) + "_" + what + ".sql";
  }
  // A migrations folder of the test's own: the shipped files plus `extra`.
  fs::path Folder(const std::vector<std::pair<std::string, std::string>>& extra,
                  const std::string& name = "folder") {
    const fs::path folder = scratch_ / name;
    fs::create_directories(folder);
    for (const auto& entry : fs::directory_iterator(kMigrations))
      fs::copy_file(entry.path(), folder / entry.path().filename(),
                    fs::copy_options::overwrite_existing);
    for (const auto& [file, sql] : extra) std::ofstream(folder / file) << sql;
    return folder;
  }
  std::vector<std::string> Column(Connection& db, const std::string& sql) {
    auto rows = db.Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.error();
    std::vector<std::string> values;
    if (rows.ok())
      for (const auto& row : *rows) values.push_back(row[0].value_or("NULL"));
    return values;
  }

  std::string database_;
  fs::path scratch_;
};

TEST_F(MigrationsTest, AFreshDatabaseGetsEveryTableAndASecondRunDoesNothing) {
  Connection db = Open();
  auto first = ApplyMigrations(db, Shipped());
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->applied, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(first->version, 3);
  EXPECT_EQ(
      Column(db,
             "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
             "ORDER BY table_name"),
      (std::vector<std::string>{"apply_progress", "audit_events", "notifications", "request_states",
                                "schema_migrations", "sessions", "stack_registry", "team_members",
                                "teams", "user_credentials", "user_roles", "users"}));
  Connection other = Open();
  auto second = ApplyMigrations(other, Shipped());
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->version, 3);
  EXPECT_EQ(Column(db, "SELECT count(*) FROM schema_migrations"), (std::vector<std::string>{"3"}));
}

TEST_F(MigrationsTest, OwnersStartingTogetherApplyEachMigrationOnce) {
  const fs::path folder = Folder({{Next("second"), "CREATE TABLE second_step (id int);"}});
  auto migrations = LoadMigrations(folder);
  ASSERT_TRUE(migrations.ok()) << migrations.error();
  std::atomic<int> applied{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> owners;
  for (int i = 0; i < 4; ++i) {
    owners.emplace_back([&] {
      auto connection = Connection::Open(ConnInfo(database_));
      if (!connection.ok()) {
        ++failed;
        return;
      }
      auto report = ApplyMigrations(*connection, *migrations);
      if (!report.ok()) {
        ++failed;
        return;
      }
      applied += static_cast<int>(report->applied.size());
    });
  }
  for (std::thread& owner : owners) owner.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(applied, static_cast<int>(Shipped().size()) + 1)
      << "each migration must be applied by exactly one owner";
  Connection db = Open();
  std::vector<std::string> versions;
  for (std::size_t v = 1; v <= Shipped().size() + 1; ++v) versions.push_back(std::to_string(v));
  EXPECT_EQ(Column(db, "SELECT version FROM schema_migrations ORDER BY version"), versions);
}

TEST_F(MigrationsTest, AMigrationChangedAfterItWasAppliedIsRefusedByName) {
  Connection db = Open();
  ASSERT_TRUE(ApplyMigrations(db, Shipped()).ok());
  std::vector<Migration> edited = Shipped();
  edited[0].sql += "\n-- an edit after shipping\n";
  edited[0].checksum = "0000000000000000000000000000000000000000000000000000000000000000";
  auto refused = ApplyMigrations(db, edited);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("0001_platform_schema.sql changed after it was applied"),
            std::string::npos)
      << refused.error();
}

TEST_F(MigrationsTest, ADatabaseMigratedByANewerBuildIsRefused) {
  const fs::path newer = Folder({{Next("newer"), "CREATE TABLE newer (id int);"}});
  Connection db = Open();
  ASSERT_TRUE(ApplyMigrations(db, *LoadMigrations(newer)).ok());
  auto refused = ApplyMigrations(db, Shipped());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find(Next("newer") + ", which this build does not know"),
            std::string::npos)
      << refused.error();
}

TEST_F(MigrationsTest, AFailingMigrationIsRolledBackWholeAndNamed) {
  const fs::path folder = Folder(
      {{Next("broken"), "CREATE TABLE half_done (id int);\nSELECT no_such_column FROM users;"}});
  Connection db = Open();
  auto refused = ApplyMigrations(db, *LoadMigrations(folder));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find(Next("broken") + " failed"), std::string::npos)
      << refused.error();
  EXPECT_NE(refused.error().message().find("no_such_column"), std::string::npos) << refused.error();
  // The shipped ones stand; nothing of the broken one does.
  EXPECT_EQ(Column(db, "SELECT count(*) FROM schema_migrations"),
            (std::vector<std::string>{std::to_string(Shipped().size())}));
  EXPECT_EQ(Column(db,
                   "SELECT count(*) FROM information_schema.tables WHERE table_name = "
                   "'half_done'"),
            (std::vector<std::string>{"0"}));
}

TEST_F(MigrationsTest, BadFileNamesGapsAndDuplicatesAreRefusedByName) {
  const auto refused = [&](const std::vector<std::pair<std::string, std::string>>& extra,
                           const std::string& name, const std::string& expected) {
    auto loaded = LoadMigrations(Folder(extra, name));
    ASSERT_FALSE(loaded.ok()) << name;
    EXPECT_NE(loaded.error().message().find(expected), std::string::npos) << loaded.error();
  };
  refused({{"2_short.sql", ""}}, "short", "2_short.sql is not named NNNN_what_it_does.sql");
  const std::string gap = Next("gap", 1);
  refused({{gap, ""}}, "gap",
          gap + " is numbered " + std::to_string(Shipped().size() + 2) + " where " +
              std::to_string(Shipped().size() + 1) + " comes next");
  refused({{"0001_again.sql", ""}}, "duplicate", "repeats version 1");
  auto missing = LoadMigrations(scratch_ / "nowhere");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), temporal::ErrorCode::kNotFound);
}

TEST_F(MigrationsTest, TheSchemaKeepsItsPromises) {
  Connection db = Open();
  ASSERT_TRUE(ApplyMigrations(db, Shipped()).ok());
  // The audit trail is append-only.
  ASSERT_TRUE(db.Query("INSERT INTO audit_events (event_id, occurred_at, actor, action, "
                       "workflow_id) VALUES ('wf-1/7', now(), 'alice', 'approve', 'wf-1')")
                  .ok());
  auto update = db.Query("UPDATE audit_events SET actor = 'mallory'");
  ASSERT_FALSE(update.ok());
  EXPECT_NE(update.error().message().find("audit_events is append-only"), std::string::npos)
      << update.error();
  EXPECT_FALSE(db.Query("DELETE FROM audit_events").ok());
  // A retried audit write inserts nothing twice.
  EXPECT_FALSE(db.Query("INSERT INTO audit_events (event_id, occurred_at, actor, action, "
                        "workflow_id) VALUES ('wf-1/7', now(), 'alice', 'approve', 'wf-1')")
                   .ok());
  // Only the documented statuses.
  EXPECT_FALSE(db.Query("INSERT INTO request_states (workflow_id, version, status, state) "
                        "VALUES ('wf-1', 1, 'ALMOST_DONE', '{}')")
                   .ok());
  // A new state and a progress row each NOTIFY with the workflow id.
  Connection listener = Open();
  ASSERT_TRUE(listener.Exec("LISTEN request_state; LISTEN apply_progress").ok());
  ASSERT_TRUE(db.Query("INSERT INTO request_states (workflow_id, version, status, state) "
                       "VALUES ('wf-1', 1, 'PLANNING', '{}')")
                  .ok());
  auto state = listener.WaitForNotification(5000);
  ASSERT_TRUE(state.ok()) << state.error();
  ASSERT_TRUE(state->has_value()) << "no NOTIFY for the new state";
  EXPECT_EQ((*state)->channel, "request_state");
  EXPECT_EQ((*state)->payload, "wf-1");
  ASSERT_TRUE(db.Query("INSERT INTO apply_progress (workflow_id, stack, plan_hash, address, "
                       "action, status, done, total, version) VALUES ('wf-1', 'site', $1, "
                       "'local_file.index', 'create', 'complete', 1, 2, 3)",
                       {std::string(64, 'a')})
                  .ok());
  auto progress = listener.WaitForNotification(5000);
  ASSERT_TRUE(progress.ok()) << progress.error();
  ASSERT_TRUE(progress->has_value()) << "no NOTIFY for the progress row";
  EXPECT_EQ((*progress)->channel, "apply_progress");
  // done may not exceed total.
  EXPECT_FALSE(db.Query("INSERT INTO apply_progress (workflow_id, stack, plan_hash, address, "
                        "action, status, done, total, version) VALUES ('wf-2', 'site', $1, "
                        "'x', 'create', 'complete', 3, 2, 1)",
                        {std::string(64, 'b')})
                   .ok());
}

}  // namespace
