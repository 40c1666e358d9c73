// temporal::RunReplayCli: output lines and exit codes.
#include "temporal/worker/replay_cli.h"

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "golden_histories.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;

wf::Task<int> SleepThenCount(int milliseconds) {
  co_await wf::Sleep(std::chrono::milliseconds(milliseconds));
  co_return milliseconds;
}

// SleepThenCount after a change that no longer sleeps.
wf::Task<int> CountWithoutSleeping(int milliseconds) { co_return milliseconds; }

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

CliRun RunCli(Replayer& replayer, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "temporal-replay");
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  std::ostringstream out, err;
  const int code = RunReplayCli(static_cast<int>(argv.size()), argv.data(), replayer, out, err);
  return {code, out.str(), err.str()};
}

class ReplayCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(GoldenHistoryDirectory().empty())
        << "sdk/testdata/histories not found; set PROVISIO_SOURCE_DIR";
  }
  const std::string golden_ = GoldenHistoryPath("sleep_then_count.json");
};

TEST_F(ReplayCliTest, ReplayedHistoryPrintsOkAndExitsZero) {
  Replayer replayer;
  replayer.RegisterWorkflow("SleepThenCount", SleepThenCount);
  CliRun run = RunCli(replayer, {golden_});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out, "OK  " + golden_ + " (10 events)\n");
}

TEST_F(ReplayCliTest, NondeterminismPrintsTheEventAndExitsOne) {
  Replayer replayer;
  replayer.RegisterWorkflow("SleepThenCount", CountWithoutSleeping);
  CliRun run = RunCli(replayer, {golden_});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(
      run.out.rfind(
          "NONDETERMINISM  " + golden_ + ": [TMPRL1100] nondeterminism at history event 5: ", 0),
      0u)
      << run.out;
}

TEST_F(ReplayCliTest, UnregisteredWorkflowTypeFailsWithExitOne) {
  Replayer replayer;
  CliRun run = RunCli(replayer, {golden_});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out.rfind("FAILED  " + golden_ + ": NOT_FOUND: ", 0), 0u) << run.out;
}

TEST_F(ReplayCliTest, UnreadableFileExitsTwoAfterReplayingTheOthers) {
  Replayer replayer;
  replayer.RegisterWorkflow("SleepThenCount", SleepThenCount);
  CliRun run = RunCli(replayer, {"--workflow-id", "w-1", "/nonexistent.json", golden_});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("UNREADABLE  /nonexistent.json: NOT_FOUND: "), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("OK  " + golden_), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("2 histories: 1 OK, 0 nondeterministic, 0 failed, 1 unreadable"),
            std::string::npos)
      << run.out;
}

TEST_F(ReplayCliTest, MissingFilesIsAUsageErrorWithExitTwo) {
  Replayer replayer;
  CliRun run = RunCli(replayer, {});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("files"), std::string::npos) << run.err;
}

TEST_F(ReplayCliTest, HelpListsTheRegisteredWorkflowTypesAndExitsZero) {
  Replayer replayer;
  replayer.RegisterWorkflow("SleepThenCount", SleepThenCount);
  CliRun run = RunCli(replayer, {"--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("Registered workflow types: SleepThenCount"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("--workflow-id"), std::string::npos) << run.out;
}

// A worker's main hands its whole command line to RunReplayModeIfRequested.
struct ReplayModeRun {
  std::optional<int> exit_code;
  std::string out;
  bool registered = false;
};

ReplayModeRun RunWorkerMain(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "my-worker");
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  std::ostringstream out, err;
  ReplayModeRun run;
  run.exit_code = RunReplayModeIfRequested(
      static_cast<int>(argv.size()), argv.data(),
      [&run](Replayer& replayer) {
        run.registered = true;
        replayer.RegisterWorkflow("SleepThenCount", SleepThenCount);
      },
      out, err);
  run.out = out.str() + err.str();
  return run;
}

TEST_F(ReplayCliTest, WorkerWithoutReplayFlagStartsAsUsual) {
  ReplayModeRun run = RunWorkerMain({"--task-queue", "orders"});
  EXPECT_FALSE(run.exit_code.has_value());
  EXPECT_FALSE(run.registered);
  EXPECT_EQ(run.out, "");
}

TEST_F(ReplayCliTest, WorkerReplayModeReplaysAgainstItsOwnWorkflows) {
  ReplayModeRun run = RunWorkerMain({"--verbose", "--replay", "--workflow-id", "w-1", golden_});
  ASSERT_TRUE(run.exit_code.has_value());
  EXPECT_EQ(*run.exit_code, 0) << run.out;
  EXPECT_TRUE(run.registered);
  EXPECT_EQ(run.out, "OK  " + golden_ + " (10 events)\n");
}

TEST_F(ReplayCliTest, WorkerReplayModeWithoutFilesIsAUsageError) {
  ReplayModeRun run = RunWorkerMain({"--replay"});
  ASSERT_TRUE(run.exit_code.has_value());
  EXPECT_EQ(*run.exit_code, 2) << run.out;
}

}  // namespace
}  // namespace temporal::testing
