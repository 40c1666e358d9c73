// Golden histories: recorded from real runs of the sample workflows on a C++
// worker against a Temporal dev server (sdk/testdata/histories/README.md), then
// exported with `temporal workflow show --output json`. Each must replay
// against the same code, and be reported as non-determinism against a
// deliberately changed version of it.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <exception>
#include <optional>

#include "golden_histories.h"
#include "temporal-replay/sample_workflows.h"
#include "temporal/worker/replayer.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;

// --- The recorded code: tools/temporal-replay/sample_workflows.cc ----------

using samples::Quick;

// The recorded workflows themselves are compiled from that file, so the
// goldens always replay against exactly the code temporal-replay ships.
using samples::AwaitDecision;
using samples::CleanupOnCancel;
using samples::CountRuns;
using samples::FailingActivity;
using samples::Fanout;
using samples::Greet;
using samples::SleepThenCount;

// --- The same workflows after an incompatible change ------------------------

wf::Task<std::string> GreetRenamedActivity(std::string name) {
  co_return co_await wf::ExecuteActivity<std::string>("Salutation", Quick(), name);
}

wf::Task<int> SleepThenCountAsActivity(int milliseconds) {
  co_return co_await wf::ExecuteActivity<int>("Wait", Quick(), milliseconds);
}

wf::Task<std::vector<int>> FanoutCubes(int count) {
  std::vector<wf::Future<int>> cubes;
  for (int i = 1; i <= count; ++i) cubes.push_back(wf::ExecuteActivity<int>("Cube", Quick(), i));
  co_return co_await wf::WhenAll(std::move(cubes));
}

wf::Task<std::string> AwaitDecisionWithoutDeadline(int) {
  std::optional<std::string> decision;
  wf::SetSignalHandler("decide", [&](std::string value) { decision = value; });
  co_await wf::WaitCondition([&] { return decision.has_value(); });
  co_return *decision;
}

wf::Task<std::string> CancelWithoutCleanup(std::string resource) {
  co_await wf::ExecuteActivity<std::string>("Create", Quick(), resource);
  co_await wf::Sleep(std::chrono::hours(1));
  co_return "not cancelled";
}

wf::Task<std::string> FailingActivityCaught() {
  try {
    co_return co_await wf::ExecuteActivity<std::string>("AlwaysFails", Quick());
  } catch (const wf::FailureError&) {
    co_return "recovered";
  }
}

wf::Task<int> CountRunsInOneRun(int remaining, int count) { co_return remaining + count; }

// -----------------------------------------------------------------------------

struct GoldenCase {
  std::string file;
  std::string workflow_type;
  Replayer::WorkflowFunction recorded;
  Replayer::WorkflowFunction changed;
  std::int64_t diverges_at;      // history event id where the changed code parts ways
  std::string message_contains;  // in the non-determinism message
};

// Keeps gtest from printing the functions' bytes.
void PrintTo(const GoldenCase& golden, std::ostream* out) { *out << golden.file; }

template <typename F, typename G>
GoldenCase Golden(std::string file, std::string type, F recorded, G changed,
                  std::int64_t diverges_at, std::string message_contains) {
  return {std::move(file),
          std::move(type),
          temporal::detail::WrapWorkflow(std::move(recorded)),
          temporal::detail::WrapWorkflow(std::move(changed)),
          diverges_at,
          std::move(message_contains)};
}

std::vector<GoldenCase> GoldenCases() {
  return {
      Golden("greet.json", "Greet", Greet, GreetRenamedActivity, 5, "(type Greeting)"),
      Golden("sleep_then_count.json", "SleepThenCount", SleepThenCount, SleepThenCountAsActivity, 5,
             "history has EVENT_TYPE_TIMER_STARTED where the workflow issued "
             "COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK"),
      Golden("fanout.json", "Fanout", Fanout, FanoutCubes, 5, "(type Square)"),
      Golden("await_decision.json", "AwaitDecision", AwaitDecision, AwaitDecisionWithoutDeadline, 5,
             "history has EVENT_TYPE_TIMER_STARTED but the workflow issued no matching command"),
      Golden("cleanup_on_cancel.json", "CleanupOnCancel", CleanupOnCancel, CancelWithoutCleanup, 17,
             "history has EVENT_TYPE_ACTIVITY_TASK_SCHEDULED where the workflow issued "
             "COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION"),
      Golden("failing_activity.json", "FailingActivity", FailingActivity, FailingActivityCaught, 11,
             "where the workflow issued COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"),
      Golden("failing_activity_legacy_pascal_case.json", "FailingActivity", FailingActivity,
             FailingActivityCaught, 11,
             "where the workflow issued COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"),
      Golden("count_runs.json", "CountRuns", CountRuns, CountRunsInOneRun, 5,
             "history has EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW where the workflow "
             "issued COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"),
  };
}

class GoldenHistoryTest : public ::testing::TestWithParam<GoldenCase> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(GoldenHistoryDirectory().empty())
        << "sdk/testdata/histories not found; set PROVISIO_SOURCE_DIR";
    auto loaded = Replayer::LoadHistoryFile(GoldenHistoryPath(GetParam().file));
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    history_ = std::move(*loaded);
  }
  temporal::api::history::v1::History history_;
};

std::string GoldenName(const ::testing::TestParamInfo<GoldenCase>& info) {
  return info.param.file.substr(0, info.param.file.find('.'));
}

TEST_P(GoldenHistoryTest, ReplaysAgainstTheCodeThatRecordedIt) {
  Replayer replayer;
  replayer.RegisterWorkflowFunction(GetParam().workflow_type, GetParam().recorded);
  Status replayed = replayer.ReplayHistory(history_);
  EXPECT_TRUE(replayed.ok()) << replayed.error();
}

TEST_P(GoldenHistoryTest, ChangedCodeIsReportedAsNondeterminism) {
  Replayer replayer;
  replayer.RegisterWorkflowFunction(GetParam().workflow_type, GetParam().changed);
  Status replayed = replayer.ReplayHistory(history_);
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().code(), ErrorCode::kNondeterminism) << replayed.error();
  const std::string& message = replayed.error().message();
  EXPECT_EQ(message.rfind("[TMPRL1100] nondeterminism at history event " +
                              std::to_string(GetParam().diverges_at) + ":",
                          0),
            0u)
      << message;
  EXPECT_NE(message.find(GetParam().message_contains), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(Recorded, GoldenHistoryTest, ::testing::ValuesIn(GoldenCases()),
                         GoldenName);

TEST(GoldenHistoryFileTest, LegacyPascalCaseFileLoadsAsTheCanonicalOne) {
  auto canonical = Replayer::LoadHistoryFile(GoldenHistoryPath("failing_activity.json"));
  auto legacy =
      Replayer::LoadHistoryFile(GoldenHistoryPath("failing_activity_legacy_pascal_case.json"));
  ASSERT_TRUE(canonical.ok()) << canonical.error();
  ASSERT_TRUE(legacy.ok()) << legacy.error();
  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(*canonical, *legacy)) << differences;
}

}  // namespace
}  // namespace temporal::testing
