// The soak: many requests through ONE provision-application-worker process,
// the binary users deploy (issue 7, defect 17: the worker built with GCC 12
// corrupted its heap after about nine applications, a double destruction of a
// lambda built inside co_await; no test ran enough workflows in one process to
// see it).
//
// Every request is approved by signal right after it starts, goes through the
// C++ activities and the TypeScript provider worker (worker-ts/, started by
// scripts/test or scripts/soak-asan), and must end PROVISIONED; the worker
// process must still be running at the end, exit 0 on SIGTERM and its log must
// hold no sanitizer report (scripts/soak-asan runs this test against the ASan
// build of the worker).
//
//   PROVISIO_SOAK_WORKFLOWS        how many requests (default 200)
//   PROVISIO_SOAK_TIMEOUT_SECONDS  bound on waiting for all of them (default 240)
//
// Prints its figures: workflows, wall time, workflows per second.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "dev_server.h"
#include "temporal/client/client.h"
#include "workflow.h"

namespace {

namespace app = provisio::provision_application;
namespace fs = std::filesystem;
using app::testing::IsRunning;
using app::testing::ReadText;
using app::testing::SanitizerReport;
using app::testing::Spawn;
using app::testing::StopAndWait;
using provisio::testing::UniqueId;

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::atoi(value);
}

class ProvisionApplicationSoakTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    ASSERT_NE(std::getenv("PROVISIO_LOCAL_ROOT"), nullptr)
        << "run through scripts/test or scripts/soak-asan, which start the TypeScript provider "
           "worker";
    temporal::ClientOptions options;
    options.target_host = provisio::testing::DevServerAddress();
    options.namespace_ = provisio::testing::DevServerNamespace();
    options.identity = "provision-application-soak";
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));

    char directory[] = "/tmp/provision-application-soak.XXXXXX";
    ASSERT_NE(mkdtemp(directory), nullptr);
    log_dir_ = directory;
    worker_log_ = log_dir_ / "worker.log";
  }

  void TearDown() override {
    if (worker_pid_ > 0) StopAndWait(worker_pid_, std::chrono::seconds(20));
    if (HasFailure()) {
      const std::string log = ReadText(worker_log_);
      std::cerr << "last part of the worker's log (" << worker_log_ << "):\n"
                << log.substr(log.size() > 6000 ? log.size() - 6000 : 0) << "\n";
    } else {
      fs::remove_all(log_dir_);
    }
  }

  // StartWorker runs the worker binary and waits for its ready line.
  void StartWorker() {
    worker_pid_ = Spawn({PROVISION_APPLICATION_WORKER}, worker_log_);
    ASSERT_GT(worker_pid_, 0) << "cannot start " << PROVISION_APPLICATION_WORKER;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (ReadText(worker_log_).find("provision-application worker ready") == std::string::npos) {
      ASSERT_TRUE(IsRunning(worker_pid_)) << "the worker exited before it was ready";
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the worker was not ready in 60 s";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::unique_ptr<temporal::Client> client_;
  fs::path log_dir_;
  fs::path worker_log_;
  pid_t worker_pid_ = -1;
};

TEST_F(ProvisionApplicationSoakTest, OneWorkerProcessProvisionsEveryRequestAndSurvives) {
  const int workflows = EnvInt("PROVISIO_SOAK_WORKFLOWS", 200);
  const auto bound = std::chrono::seconds(EnvInt("PROVISIO_SOAK_TIMEOUT_SECONDS", 240));
  ASSERT_GT(workflows, 0);
  StartWorker();

  const auto started_at = std::chrono::steady_clock::now();
  const std::string batch = UniqueId("soak");
  std::vector<app::ProvisionApplicationRequest> requests;
  std::vector<temporal::WorkflowHandle> handles;
  for (int i = 0; i < workflows; ++i) {
    app::ProvisionApplicationRequest request;
    request.application_id = batch + "-" + std::to_string(i);
    request.application_name = "Soak " + std::to_string(i);
    request.team_id = "soak";
    request.requester_id = "alice";
    request.authorizer_id = "bob";
    temporal::StartWorkflowOptions options;
    options.id = request.application_id;
    options.task_queue = app::kTaskQueue;  // what the worker binary polls
    options.execution_timeout = std::chrono::minutes(10);
    auto handle = client_->StartWorkflow(app::kWorkflowType, options, request);
    ASSERT_TRUE(handle.ok()) << handle.error();
    // Approved at once: a signal that arrives before the workflow's first task
    // is buffered and delivered to the handler it registers.
    app::AuthorizationReceivedResponse approval;
    approval.application_id = request.application_id;
    approval.team_id = request.team_id;
    approval.region = "eu-west-1";
    approval.profile = "soak";
    approval.is_approved = true;
    ASSERT_TRUE(handle->Signal(app::kAuthorizationSignal, approval).ok());
    requests.push_back(request);
    handles.push_back(*handle);
  }

  const auto deadline = std::chrono::steady_clock::now() + bound;
  int provisioned = 0;
  for (std::size_t i = 0; i < handles.size(); ++i) {
    temporal::GetResultOptions options;
    options.timeout = std::chrono::duration_cast<std::chrono::seconds>(
        std::max(deadline - std::chrono::steady_clock::now(),
                 std::chrono::steady_clock::duration(std::chrono::seconds(1))));
    auto result = handles[i].GetResult<app::ProvisionApplicationState>(options);
    ASSERT_TRUE(result.ok()) << requests[i].application_id << ": " << result.error() << " (after "
                             << provisioned << " provisioned)";
    EXPECT_EQ(result->status, app::status::kProvisioned) << requests[i].application_id;
    ASSERT_TRUE(result->provisioning.has_value()) << requests[i].application_id;
    EXPECT_EQ(result->provisioning->bucket_name, app::BucketName(requests[i]));
    ASSERT_TRUE(result->authorization.has_value());
    EXPECT_EQ(result->authorization->profile, "soak");
    ++provisioned;
  }
  const double wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();
  EXPECT_EQ(provisioned, workflows);
  EXPECT_TRUE(IsRunning(worker_pid_)) << "the worker process died during the soak";

  const int exit_code = StopAndWait(worker_pid_, std::chrono::seconds(30));
  worker_pid_ = -1;
  EXPECT_EQ(exit_code, 0) << "the worker did not shut down cleanly";
  const std::optional<std::string> report = SanitizerReport(ReadText(worker_log_));
  EXPECT_FALSE(report.has_value()) << "sanitizer report in the worker's log: " << *report;

  std::cout << "soak: " << provisioned << " of " << workflows
            << " workflows provisioned by one worker process in " << wall_seconds << " s ("
            << provisioned / wall_seconds << " workflows/s)" << std::endl;
}

}  // namespace
