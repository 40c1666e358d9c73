// A worker process killed with SIGKILL mid-workflow, then replaced: the
// workflow completes, an activity that completed before the kill ran exactly
// once, and the one that was running when the process died ran again (at
// least once, as Temporal promises).
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "dev_server.h"
#include "temporal/client/client.h"

extern char** environ;

namespace {

using provisio::testing::UniqueId;

int CountLines(const std::filesystem::path& file) {
  std::ifstream in(file);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

pid_t StartWorker(const std::string& task_queue, const std::filesystem::path& dir) {
  std::filesystem::remove(dir / "ready");
  std::vector<std::string> args = {CRASH_TEST_WORKER, provisio::testing::DevServerAddress(),
                                   task_queue, dir.string()};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, CRASH_TEST_WORKER, nullptr, nullptr, argv.data(), environ) != 0) return -1;
  for (int i = 0; i < 200 && !std::filesystem::exists(dir / "ready"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::filesystem::exists(dir / "ready") ? pid : -1;
}

TEST(CrashRecoveryTest, WorkflowCompletesAfterTheWorkerIsKilledAndActivitiesRunAsPromised) {
  REQUIRE_DEV_SERVER();
  const char* state = std::getenv("PROVISIO_TEST_STATE");
  const std::filesystem::path dir =
      std::filesystem::path(state != nullptr ? state : "/tmp") / UniqueId("crash");
  std::filesystem::create_directories(dir);
  const std::string task_queue = UniqueId("crash");

  pid_t first = StartWorker(task_queue, dir);
  ASSERT_GT(first, 0) << "the first worker process did not start";

  temporal::ClientOptions options;
  options.target_host = provisio::testing::DevServerAddress();
  auto client = temporal::Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.error();
  temporal::StartWorkflowOptions start;
  start.id = UniqueId("two-steps");
  start.task_queue = task_queue;
  start.execution_timeout = std::chrono::minutes(3);
  auto handle = client->StartWorkflow("TwoSteps", start);
  ASSERT_TRUE(handle.ok()) << handle.error();

  // Kill the worker while step B runs (step A has completed by then).
  for (int i = 0; i < 300 && CountLines(dir / "b.log") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(CountLines(dir / "b.log"), 1) << "step B never started";
  ASSERT_EQ(kill(first, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(first, &status, 0), first);
  EXPECT_TRUE(WIFSIGNALED(status));

  pid_t second = StartWorker(task_queue, dir);
  ASSERT_GT(second, 0) << "the replacement worker process did not start";
  temporal::GetResultOptions bounded;
  bounded.timeout = std::chrono::seconds(120);
  auto result = handle->GetResult<std::string>(bounded);
  kill(second, SIGTERM);
  waitpid(second, &status, 0);
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, "done");
  EXPECT_EQ(CountLines(dir / "a.log"), 1)
      << "step A completed before the kill and must not run again";
  EXPECT_GE(CountLines(dir / "b.log"), 2) << "step B was running at the kill and must run again";

  auto history = handle->FetchHistory();
  ASSERT_TRUE(history.ok());
  int failed_or_timed_out_tasks = 0;
  for (const auto& event : history->events()) {
    failed_or_timed_out_tasks +=
        event.event_type() == temporal::api::enums::v1::EVENT_TYPE_WORKFLOW_TASK_FAILED;
  }
  EXPECT_EQ(failed_or_timed_out_tasks, 0)
      << "the replacement worker's replay must be deterministic";
}

}  // namespace
