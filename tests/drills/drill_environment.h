// tests/drills/drill_environment.h: everything a crash drill runs against,
// all real and all its own, so that killing a process harms no other test:
// a Temporal dev server on a free loopback port (scripts/dev-server, SQLite in
// the drill's state directory, so a restart keeps its data), two databases in
// the PostgreSQL cluster the caller started (PROVISIO_TEST_PG_*: the platform
// database and the runner's plans and states), the built provisio-worker
// binary on task queue "provisio" and the OpenTofu runner's node process on
// "iac-opentofu", each a separate process that a drill SIGKILLs and starts
// again, the moto server (the project's virtualenv, PROVISIO_CACHE) as the AWS
// profile `emulator`, and the catalogue tests/drills/templates (the paced
// drill-chain).
//
// The caller provides PROVISIO_TEST_PG_{HOST,PORT,USER,PASSWORD} and our tofu
// (PROVISIO_TOFU, TF_CLI_CONFIG_FILE: scripts/lib/iac.sh iac_env); scripts/test
// and scripts/drill do both. PROVISIO_DRILL_KEEP=1 keeps the state directory.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "child_process.h"
#include "database/connection.h"
#include "model/provision_request.h"
#include "temporal/client/client.h"
#include "temporal/worker/worker.h"

namespace provisio_drill {

/// S3Listing is what moto holds: every bucket's name, and the objects (key to
/// content) of the bucket asked about.
struct S3Listing {
  std::vector<std::string> buckets;
  bool bucket_exists = false;
  std::map<std::string, std::string> objects;
};

/// StackInspection is what the runner's state says of a stack, and whether
/// a refresh finds anything that differs from it (a drift check).
struct StackInspection {
  std::vector<std::string> addresses;
  bool drifted = false;
  std::string drift;
};

class DrillEnvironment {
 public:
  /// Start brings everything up; throws naming what is missing or failed.
  void Start();
  /// Shutdown stops what Start started and drops its databases.
  void Shutdown();
  /// KeepState makes Shutdown leave the state directory (the worker's,
  /// runner's and dev server's logs, the dev server's SQLite file with every
  /// history, the local root) for a look after a drill did not converge; it
  /// returns the directory.
  const std::filesystem::path& KeepState() {
    keep_state_ = true;
    return state_;
  }
  ~DrillEnvironment();

  ChildProcess& worker() { return *worker_; }
  ChildProcess& runner() { return *runner_; }
  /// RestartDevServer stops the dev server (SIGTERM) and starts it again on
  /// the same port and SQLite file.
  void RestartDevServer();

  temporal::Client& client() { return *client_; }
  /// Sign signs a decision as the API would, with the worker's key.
  void Sign(provisio::model::SignedDecision& decision) const;
  /// Platform opens a connection to the platform database.
  provisio::database::Connection Platform() const;
  /// LocalRoot is the directory standing for the cloud (PROVISIO_LOCAL_ROOT).
  const std::filesystem::path& local_root() const { return local_root_; }
  /// Inspect asks the runner for the stack's state (`tofu state list`) and a
  /// drift check, through a small workflow of the drill's own.
  StackInspection Inspect(const std::string& stack, const std::string& template_name);
  /// ListS3 reads moto directly (boto3 from the project's virtualenv, signed
  /// like any client): every bucket, and `bucket`'s objects with their content.
  S3Listing ListS3(const std::string& bucket) const;

 private:
  std::string ConnInfo(const std::string& database) const;
  std::string PgUrl(const std::string& database) const;
  void StartHelperWorker();

  std::filesystem::path state_;
  bool keep_state_ = false;  // also with PROVISIO_DRILL_KEEP=1
  std::filesystem::path local_root_;
  std::string temporal_address_;
  int port_ = 0;
  bool dev_server_started_ = false;
  std::string platform_database_;
  std::string runner_database_;
  std::string approval_key_hex_;
  std::string approval_key_;
  std::unique_ptr<ChildProcess> moto_;
  std::string s3_endpoint_;
  std::string python_;
  std::unique_ptr<ChildProcess> worker_;
  std::unique_ptr<ChildProcess> runner_;
  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> helper_;
  int inspections_ = 0;
};

}  // namespace provisio_drill
