// Engine correctness: what a workflow task sends the server, for behaviours
// the official SDKs guarantee (issue 7). Each test drives a WorkflowInstance
// with a canned history whose last task is new and reads its commands.
#include <gtest/gtest.h>

#include "instance_driver.h"
#include "payload_walker.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/replayer.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;
using std::chrono::milliseconds;
using std::chrono::seconds;
using B = HistoryBuilder;

wf::ActivityOptions TenSeconds() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = seconds(10);
  return options;
}

// --- 1. A cancel request for an activity that finished in the same task ----

wf::Task<std::string> GreetUntilCancelled() {
  co_return co_await wf::ExecuteActivity<std::string>("Greeting", TenSeconds(), std::string("ada"));
}

TEST(ActivityCancellation, CancelRequestIsWithdrawnWhenTheActivityCompletesInTheSameTask) {
  // The worker was down while the run was cancelled (7) and the activity
  // completed (9): both reach the workflow in one task. Sending
  // RequestCancelActivityTask for a completed activity would be refused by
  // the server (BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES) on every attempt.
  auto history = B().Started("GreetUntilCancelled")
                     .WorkflowTask()
                     .ActivityScheduled("1", "Greeting", std::string("ada"))
                     .ActivityStarted("1")
                     .CancelRequested()
                     .WorkflowTaskScheduled()
                     .ActivityCompleted("1", std::string("hello ada"))
                     .WorkflowTaskStarted()
                     .Build();
  auto instance = NewInstance(GreetUntilCancelled);
  EXPECT_EQ(CommandTypes(Apply(*instance, history)),
            std::vector<std::string>{"COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION"});
}

// --- 2. Cancelling a timer twice -------------------------------------------

wf::Task<int> ConditionWinsThenScopeCancels() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  wf::CancellationScope scope;
  wf::Future<bool> waited =
      scope.RunOperation([&] { return wf::WaitCondition([&] { return go; }, seconds(30)); });
  const bool held = co_await waited;  // the predicate won: its timer is cancelled
  scope.Cancel();                     // cancels that timer again: a no-op
  co_return held ? 1 : 0;
}

TEST(TimerCancellation, CancellingATimerWhoseCancelIsPendingIsANoOp) {
  auto history = B().Started("ConditionWinsThenScopeCancels")
                     .WorkflowTask()
                     .TimerStarted("1", seconds(30))
                     .Signaled("go")
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Build();
  auto instance = NewInstance(ConditionWinsThenScopeCancels);
  auto commands = Apply(*instance, history);
  ASSERT_EQ(CommandTypes(commands),
            (std::vector<std::string>{"COMMAND_TYPE_CANCEL_TIMER",
                                      "COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"}));
  EXPECT_EQ(ResultOf<int>(commands[1]), 1);
}

// --- 4. Continue-as-new carries the run's values over ------------------------

wf::Task<int> ContinuesAfterUpserts(int generation) {
  SearchAttributes attributes;
  attributes.SetKeyword("ProvisioStatus", "upserted");
  wf::UpsertSearchAttributes(attributes);
  wf::UpsertMemo({{"upserted", *ToPayload(std::string("yes"))}});
  if (generation == 1) {
    wf::ContinueAsNewOptions options;
    options.memo = std::map<std::string, Payload>{{"only", *ToPayload(std::string("this"))}};
    wf::ContinueAsNewWithOptions(options, generation + 1);
  }
  wf::ContinueAsNew(generation + 1);
  co_return generation;
}

History StartedWithEverything(int generation) {
  return B()
      .Started("ContinuesAfterUpserts", generation)
      .Edit([](temporal::api::history::v1::HistoryEvent& event) {
        auto& started = *event.mutable_workflow_execution_started_event_attributes();
        (*started.mutable_memo()->mutable_fields())["original"] =
            *ToPayload(std::string("from the start"));
        SearchAttributes team;
        team.SetKeyword("ProvisioTeam", "payments");
        *started.mutable_search_attributes() = team.ToProto();
        started.mutable_retry_policy()->set_maximum_attempts(3);
        (*started.mutable_header()->mutable_fields())["trace"] = *ToPayload(std::string("t-1"));
        started.mutable_workflow_run_timeout()->set_seconds(600);
      })
      .WorkflowTaskScheduled()
      .WorkflowTaskStarted()
      .Build();
}

TEST(ContinueAsNew, CarriesMemoSearchAttributesRetryPolicyHeaderAndTimeoutsOver) {
  auto instance = NewInstance(ContinuesAfterUpserts);
  auto commands = Apply(*instance, StartedWithEverything(0));
  ASSERT_EQ(commands.back().command_type(),
            temporal::api::enums::v1::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION);
  const auto& next = commands.back().continue_as_new_workflow_execution_command_attributes();
  EXPECT_EQ(next.memo().fields().count("original"), 1u);
  EXPECT_EQ(next.memo().fields().count("upserted"), 1u);
  EXPECT_EQ(*FromPayload<std::string>(next.memo().fields().at("original")), "from the start");
  EXPECT_EQ(next.search_attributes().indexed_fields().count("ProvisioTeam"), 1u);
  EXPECT_EQ(next.search_attributes().indexed_fields().count("ProvisioStatus"), 1u);
  EXPECT_EQ(next.retry_policy().maximum_attempts(), 3);
  EXPECT_EQ(next.header().fields().count("trace"), 1u);
  EXPECT_EQ(next.workflow_run_timeout().seconds(), 600);
  EXPECT_EQ(next.workflow_task_timeout().seconds(), 10);
}

TEST(ContinueAsNew, OptionsOverrideWhatIsCarriedOver) {
  auto instance = NewInstance(ContinuesAfterUpserts);
  auto commands = Apply(*instance, StartedWithEverything(1));
  const auto& next = commands.back().continue_as_new_workflow_execution_command_attributes();
  ASSERT_EQ(next.memo().fields().size(), 1u);
  EXPECT_EQ(*FromPayload<std::string>(next.memo().fields().at("only")), "this");
  EXPECT_EQ(next.retry_policy().maximum_attempts(), 3);  // not overridden: carried over
}

// --- 5. Every payload of every command goes through the codec ----------------

wf::Task<std::string> UsesEveryKindOfPayload() {
  wf::UpsertMemo({{"secret", *ToPayload(std::string("memo-secret"))}});
  SearchAttributes visible;
  visible.SetKeyword("ProvisioStatus", "indexed-in-clear");
  wf::UpsertSearchAttributes(visible);
  (void)wf::Patched("encrypted-patch");
  const int side_effect = wf::SideEffect([] { return 7; });
  wf::ChildWorkflowOptions child_options;
  child_options.workflow_id = "child-1";
  child_options.memo = {{"child-memo", *ToPayload(std::string("child-secret"))}};
  auto child = wf::StartChildWorkflow<std::string>("Child", child_options, std::string("input"));
  auto signal = wf::SignalExternalWorkflow("other", "", "poke", std::string("signal-secret"));
  auto activity = wf::ExecuteActivity<std::string>("Act", TenSeconds(), std::string("secret"));
  co_return "done " + std::to_string(side_effect);
}

DataConverter EncryptingConverter() {
  auto codec = AesGcmCodec::Create("unit-key", Bytes(AesGcmCodec::kKeySize, std::byte{7}));
  if (!codec) throw std::runtime_error(codec.error().message());
  DataConverter converter;
  converter.AddCodec(*codec);
  return converter;
}

TEST(PayloadCodec, IsAppliedToEveryPayloadOfEveryCommandButSearchAttributes) {
  auto history =
      B().Started("UsesEveryKindOfPayload").WorkflowTaskScheduled().WorkflowTaskStarted();
  // The start event's input is the client's: encode it as a client would.
  auto built = history.Build();
  DataConverter converter = EncryptingConverter();
  auto instance = NewInstance(UsesEveryKindOfPayload, converter);
  auto commands = Apply(*instance, built);
  ASSERT_EQ(commands.size(), 8u) << ::testing::PrintToString(CommandTypes(commands));
  int payloads = 0;
  for (const Command& command : commands) {
    ForEachPayload(command, temporal::api::enums::v1::CommandType_Name(command.command_type()),
                   [&](const std::string& path, const Payload& payload) {
                     ++payloads;
                     auto encoding = payload.metadata().find("encoding");
                     ASSERT_NE(encoding, payload.metadata().end()) << path;
                     EXPECT_EQ(encoding->second, "binary/encrypted") << path;
                   });
  }
  // memo 1, patch id + deprecated 2, side effect id + data 2, child input +
  // memo 2, signal input 1, activity input 1, result 1.
  EXPECT_EQ(payloads, 10);
  const auto& upsert = commands[1].upsert_workflow_search_attributes_command_attributes();
  EXPECT_EQ(
      upsert.search_attributes().indexed_fields().at("ProvisioStatus").metadata().at("encoding"),
      "json/plain");
}

// --- 6. A reset run gets a fresh random seed --------------------------------

wf::Task<std::string> ReturnsAUuid() { co_return wf::NewUuid(); }

TEST(ResetWorkflow, ResetRunDrawsOtherRandomValuesThanTheOriginal) {
  auto original = NewInstance(ReturnsAUuid);
  auto original_commands = Apply(
      *original, B().Started("ReturnsAUuid").WorkflowTaskScheduled().WorkflowTaskStarted().Build());
  auto reset_history =
      B().Started("ReturnsAUuid")
          .WorkflowTaskScheduled()
          .WorkflowTaskStarted()
          .WorkflowTaskFailed("reset")
          .Edit([](temporal::api::history::v1::HistoryEvent& failed) {
            auto& attributes = *failed.mutable_workflow_task_failed_event_attributes();
            attributes.set_cause(
                temporal::api::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW);
            attributes.set_new_run_id("the-reset-run");
          })
          .WorkflowTaskScheduled()
          .WorkflowTaskStarted()
          .Build();
  auto reset = NewInstance(ReturnsAUuid);
  auto reset_commands = Apply(*reset, reset_history);
  auto again = NewInstance(ReturnsAUuid);
  auto again_commands = Apply(*again, reset_history);
  EXPECT_NE(ResultOf<std::string>(reset_commands.back()),
            ResultOf<std::string>(original_commands.back()));
  EXPECT_EQ(ResultOf<std::string>(reset_commands.back()),
            ResultOf<std::string>(again_commands.back()));  // still deterministic
}

// --- 8. Patch markers, as sdk-core's patch table ----------------------------

B& PatchMarker(B& history, const std::string& patch_id, bool deprecated) {
  history.Marker("core_patch", "\"" + patch_id + "\"", true);
  return history.Edit([deprecated](temporal::api::history::v1::HistoryEvent& marker) {
    auto& details = *marker.mutable_marker_recorded_event_attributes()->mutable_details();
    details.erase("data");
    Payload flag;
    (*flag.mutable_metadata())["encoding"] = "json/plain";
    flag.set_data(deprecated ? "true" : "false");
    *details["deprecated"].add_payloads() = flag;
  });
}

wf::Task<std::string> ChecksOnlyPatchB() { co_return wf::Patched("b") ? "b" : "before b"; }
wf::Task<std::string> ChecksNoPatch() { co_return "new code"; }

Status Replay(Replayer::WorkflowFunction workflow, const std::string& type,
              const History& history) {
  Replayer replayer;
  replayer.RegisterWorkflowFunction(type, std::move(workflow));
  return replayer.ReplayHistory(history);
}

TEST(PatchMarkers, RemovingADeprecatePatchCallNextToAnotherPatchReplays) {
  B history;
  history.Started("ChecksOnlyPatchB").WorkflowTask();
  PatchMarker(history, "a", /*deprecated=*/true);
  PatchMarker(history, "b", /*deprecated=*/false);
  history.WorkflowExecutionCompleted(std::string("b"));
  Status replayed =
      Replay(temporal::detail::WrapWorkflow(ChecksOnlyPatchB), "ChecksOnlyPatchB", history.Build());
  EXPECT_TRUE(replayed.ok()) << replayed.error();
}

TEST(PatchMarkers, RemovingALivePatchedCallIsNonDeterminism) {
  B history;
  history.Started("ChecksNoPatch").WorkflowTask();
  PatchMarker(history, "a", /*deprecated=*/false);
  history.WorkflowExecutionCompleted(std::string("new code"));
  Status replayed =
      Replay(temporal::detail::WrapWorkflow(ChecksNoPatch), "ChecksNoPatch", history.Build());
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().code(), ErrorCode::kNondeterminism);
  EXPECT_NE(replayed.error().message().find("patch \"a\""), std::string::npos)
      << replayed.error().message();
}

// --- 9 and 18. Queries are read-only and cannot crash the worker -------------

wf::Task<std::string> QueriedWhileWaiting() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  wf::SetQueryHandler("random", [] { return std::to_string(wf::Random()); });
  wf::SetQueryHandler("sleep", [] {
    (void)wf::Sleep(seconds(1));
    return std::string("slept");
  });
  wf::SetQueryHandler("activity", [] {
    (void)wf::ExecuteActivity<std::string>("Act", TenSeconds());
    return std::string("scheduled");
  });
  wf::SetQueryHandler("throws-an-int", []() -> std::string { throw 42; });
  wf::SetQueryHandler("state", [&] { return std::string(go ? "go" : "waiting"); });
  co_await wf::WaitCondition([&] { return go; });
  co_return wf::NewUuid();
}

TEST(Queries, StateChangingCallsFailTheQueryAndLeaveTheRunUntouched) {
  B history;
  history.Started("QueriedWhileWaiting").WorkflowTaskScheduled().WorkflowTaskStarted();
  const int first_task_end = static_cast<int>(history.last_event_id());
  history.WorkflowTaskCompleted().Signaled("go").WorkflowTaskScheduled().WorkflowTaskStarted();
  const History full = history.Build();

  auto queried = NewInstance(QueriedWhileWaiting);
  EXPECT_TRUE(Apply(*queried, Slice(full, 0, first_task_end)).empty());
  for (const char* name : {"random", "sleep", "activity"}) {
    auto answer = queried->Query(name, {});
    ASSERT_FALSE(answer.ok()) << name << " was answered";
    EXPECT_EQ(answer.error().code(), ErrorCode::kQueryFailed);
    EXPECT_NE(answer.error().message().find("read-only"), std::string::npos)
        << answer.error().message();
  }
  EXPECT_TRUE(queried->TakeNewCommands().empty());  // no timer, no activity
  auto thrown = queried->Query("throws-an-int", {});
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().code(), ErrorCode::kQueryFailed);
  auto state = queried->Query("state", {});
  ASSERT_TRUE(state.ok()) << state.error();
  auto queried_commands = Apply(*queried, Slice(full, first_task_end, full.events_size()));

  auto untouched = NewInstance(QueriedWhileWaiting);
  auto untouched_commands = Apply(*untouched, full);
  ASSERT_EQ(CommandTypes(queried_commands),
            std::vector<std::string>{"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"});
  // The query's Random() call did not advance the generator.
  EXPECT_EQ(ResultOf<std::string>(queried_commands[0]),
            ResultOf<std::string>(untouched_commands[0]));
}

wf::Task<int> PredicateThrowsAnInt() {
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  co_await wf::WaitCondition([&] {
    if (go) throw 42;
    return false;
  });
  co_return 0;
}

TEST(Predicates, AnythingAPredicateThrowsFailsTheWorkflowTask) {
  auto history = B().Started("PredicateThrowsAnInt")
                     .WorkflowTask()
                     .Signaled("go")
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Build();
  auto instance = NewInstance(PredicateThrowsAnInt);
  EXPECT_THROW(instance->ApplyEvents(history.events()), workflow::detail::WorkflowTaskError);
}

// --- 10. Durations ----------------------------------------------------------

wf::Task<std::string> SleepsANegativeDuration() {
  try {
    co_await wf::Sleep(milliseconds(-5));
  } catch (const ApplicationFailure& failure) {
    co_return failure.type();
  }
  co_return "slept";
}

wf::Task<std::string> WaitsZeroDurations() {
  co_await wf::Sleep(milliseconds(0));
  const bool held = co_await wf::WaitCondition([] { return false; }, milliseconds(0));
  bool negative_thrown = false;
  try {
    co_await wf::WaitCondition([] { return false; }, milliseconds(-1));
  } catch (const ApplicationFailure&) {
    negative_thrown = true;
  }
  co_return std::string(held ? "held" : "timed out") + (negative_thrown ? "/thrown" : "/silent");
}

TEST(Durations, ANegativeSleepThrowsIntoWorkflowCodeAndSendsNothing) {
  auto instance = NewInstance(SleepsANegativeDuration);
  auto commands = Apply(
      *instance,
      B().Started("SleepsANegativeDuration").WorkflowTaskScheduled().WorkflowTaskStarted().Build());
  ASSERT_EQ(CommandTypes(commands),
            std::vector<std::string>{"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"});
  EXPECT_EQ(ResultOf<std::string>(commands[0]), "InvalidArgument");
}

TEST(Durations, ZeroDurationsResolveAtOnceWithoutATimer) {
  auto instance = NewInstance(WaitsZeroDurations);
  auto commands = Apply(
      *instance,
      B().Started("WaitsZeroDurations").WorkflowTaskScheduled().WorkflowTaskStarted().Build());
  ASSERT_EQ(CommandTypes(commands),
            std::vector<std::string>{"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"});
  EXPECT_EQ(ResultOf<std::string>(commands[0]), "timed out/thrown");
}

// --- 13. Workflow info from the task's start ---------------------------------

wf::Task<std::string> ReportsHistoryInfo() {
  const wf::WorkflowInfo& info = wf::Info();
  co_return std::to_string(info.history_length) + "/" + std::to_string(info.history_size_bytes) +
      "/" + (info.continue_as_new_suggested ? "suggested" : "not suggested");
}

TEST(WorkflowInfo, CarriesHistoryLengthSizeAndTheContinueAsNewSuggestion) {
  auto history = B().Started("ReportsHistoryInfo")
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Edit([](temporal::api::history::v1::HistoryEvent& started) {
                       auto& attributes = *started.mutable_workflow_task_started_event_attributes();
                       attributes.set_history_size_bytes(2048);
                       attributes.set_suggest_continue_as_new(true);
                     })
                     .Build();
  auto instance = NewInstance(ReportsHistoryInfo);
  auto commands = Apply(*instance, history);
  EXPECT_EQ(ResultOf<std::string>(commands.back()), "3/2048/suggested");
}

// --- 21. The workflow clock never goes backwards ----------------------------

wf::Task<std::string> ComparesClocks() {
  const auto first = wf::Now();
  co_await wf::Sleep(seconds(1));
  co_return wf::Now() >= first ? "monotonic" : "went backwards";
}

TEST(WorkflowClock, NowNeverGoesBackwardsWhenTaskStartTimesDo) {
  auto history = B().Started("ComparesClocks")
                     .WorkflowTask()  // started at 2024-01-01T00:00:03Z
                     .TimerStarted("1")
                     .TimerFired("1")
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Edit([](temporal::api::history::v1::HistoryEvent& started) {
                       started.mutable_event_time()->set_seconds(1704067200);  // earlier
                     })
                     .Build();
  auto instance = NewInstance(ComparesClocks);
  EXPECT_EQ(ResultOf<std::string>(Apply(*instance, history).back()), "monotonic");
}

}  // namespace
}  // namespace temporal::testing
