// Engine correctness: signal handlers (issue 7). Handlers run at the start of
// the task their signal belongs to, with that task's replay state; what they
// throw is not lost; garbage signals are dropped, never fatal; replaced
// handlers stay alive for the coroutines that still use them.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "instance_driver.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/replayer.h"
#include "temporal/workflow/signal_channel.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;
using std::chrono::seconds;
using B = HistoryBuilder;

// --- 3. Handlers see the replay state of their own task ---------------------

wf::Task<std::string> PatchesInASignalHandler() {
  std::string seen;
  wf::SetSignalHandler("go", [&] {
    seen = wf::Patched("in-handler") ? "patched" : "unpatched";
    seen += "/" + std::to_string(wf::SideEffect([] { return 42; }));
  });
  co_await wf::WaitCondition([&] { return !seen.empty(); });
  co_return seen;
}

TEST(SignalHandlers, StickyContinuationAndFullReplayIssueTheSameCommands) {
  B history;
  history.Started("PatchesInASignalHandler").WorkflowTaskScheduled().WorkflowTaskStarted();
  const int first_task_end = static_cast<int>(history.last_event_id());
  history.WorkflowTaskCompleted().Signaled("go").WorkflowTaskScheduled().WorkflowTaskStarted();
  const History full = history.Build();

  // A cached (sticky) run gets the tail only.
  auto sticky = NewInstance(PatchesInASignalHandler);
  EXPECT_TRUE(Apply(*sticky, Slice(full, 0, first_task_end)).empty());
  auto sticky_commands = Apply(*sticky, Slice(full, first_task_end, full.events_size()));
  // After a cache miss the run is rebuilt from the whole history.
  auto replayed = NewInstance(PatchesInASignalHandler);
  std::vector<Command> replayed_commands;
  ASSERT_NO_THROW(replayed_commands = Apply(*replayed, full));

  ASSERT_EQ(CommandTypes(sticky_commands),
            (std::vector<std::string>{"COMMAND_TYPE_RECORD_MARKER", "COMMAND_TYPE_RECORD_MARKER",
                                      "COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"}));
  ASSERT_EQ(sticky_commands.size(), replayed_commands.size());
  for (std::size_t i = 0; i < sticky_commands.size(); ++i) {
    EXPECT_EQ(sticky_commands[i].DebugString(), replayed_commands[i].DebugString()) << i;
  }
  EXPECT_EQ(ResultOf<std::string>(sticky_commands.back()), "patched/42");
}

TEST(SignalHandlers, AHandlersSideEffectAndPatchReplayFromTheirMarkers) {
  B history;
  history.Started("PatchesInASignalHandler")
      .WorkflowTask()
      .Signaled("go")
      .WorkflowTask()
      .Marker("core_patch", "\"in-handler\"", false)
      .Marker("SideEffect", "1", 42)
      .WorkflowExecutionCompleted(std::string("patched/42"));
  Replayer replayer;
  replayer.RegisterWorkflow("PatchesInASignalHandler", PatchesInASignalHandler);
  Status replayed = replayer.ReplayHistory(history.Build());
  EXPECT_TRUE(replayed.ok()) << replayed.error();
}

// Signals are delivered before the task's other results (sdk-core's order).
wf::Task<std::string> RacesASignalAndATimer() {
  wf::Future<std::string> signalled = wf::GetSignalChannel<std::string>("go").Receive();
  wf::Future<void> timer = wf::Sleep(seconds(5));
  std::string order;
  signalled.state()->OnReady([&] { order += "signal,"; });
  timer.state()->OnReady([&] { order += "timer,"; });
  co_await timer;
  co_await signalled;
  co_return order;
}

TEST(SignalHandlers, ASignalIsDeliveredBeforeTheOtherResultsOfItsTask) {
  auto history = B().Started("RacesASignalAndATimer")
                     .WorkflowTask()
                     .TimerStarted("1", seconds(5))
                     .TimerFired("1")
                     .Signaled("go", std::string("now"))
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Build();
  auto instance = NewInstance(RacesASignalAndATimer);
  auto commands = Apply(*instance, history);
  EXPECT_EQ(ResultOf<std::string>(commands.back()), "signal,timer,");
  // The new order is recorded as SDK flag 1, so older histories keep theirs.
  EXPECT_EQ(instance->TakeNewSdkFlags(), std::vector<std::uint32_t>{1});
}

// --- 7. What escapes a coroutine handler is not lost -------------------------

wf::Task<int> HandlerCoroutineThrows(bool application_failure) {
  bool never = false;
  wf::SetSignalHandler("boom", [application_failure]() -> wf::Task<void> {
    co_await wf::Sleep(std::chrono::milliseconds(0));
    if (application_failure) throw ApplicationFailure("the handler refused", "Refused", true);
    throw std::runtime_error("a bug in the handler");
  });
  co_await wf::WaitCondition([&] { return never; });
  co_return 0;
}

History SignalledBoom(bool application_failure) {
  return B()
      .Started("HandlerCoroutineThrows", application_failure)
      .WorkflowTask()
      .Signaled("boom")
      .WorkflowTaskScheduled()
      .WorkflowTaskStarted()
      .Build();
}

TEST(SignalHandlers, AnApplicationFailureInAHandlerCoroutineFailsTheWorkflow) {
  auto instance = NewInstance(HandlerCoroutineThrows);
  auto commands = Apply(*instance, SignalledBoom(true));
  ASSERT_EQ(CommandTypes(commands),
            std::vector<std::string>{"COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION"});
  EXPECT_EQ(commands[0].fail_workflow_execution_command_attributes().failure().message(),
            "the handler refused");
}

TEST(SignalHandlers, AnyOtherExceptionInAHandlerCoroutineFailsTheWorkflowTask) {
  auto instance = NewInstance(HandlerCoroutineThrows);
  EXPECT_THROW(instance->ApplyEvents(SignalledBoom(false).events()),
               workflow::detail::WorkflowTaskError);
}

// --- 19. Garbage signals are dropped, never fatal ----------------------------

wf::Task<int> WaitsForANumber() {
  std::optional<int> number;
  wf::SetSignalHandler("number", [&](int value) { number = value; });
  co_await wf::WaitCondition([&] { return number.has_value(); });
  co_return *number;
}

TEST(SignalHandlers, SignalsThatDoNotDecodeAreDroppedAndTheRunGoesOn) {
  auto codec = AesGcmCodec::Create("unit-key", Bytes(AesGcmCodec::kKeySize, std::byte{9}));
  ASSERT_TRUE(codec.ok()) << codec.error();
  DataConverter converter;
  converter.AddCodec(*codec);
  auto history = B().Started("WaitsForANumber")
                     .WorkflowTask()
                     .Signaled("number", std::string("not a number"))
                     .Signaled("number", 1)
                     .Edit([](temporal::api::history::v1::HistoryEvent& signal) {
                       // Claims to be encrypted under a key nobody has.
                       auto& payload =
                           *signal.mutable_workflow_execution_signaled_event_attributes()
                                ->mutable_input()
                                ->mutable_payloads(0);
                       (*payload.mutable_metadata())["encoding"] = "binary/encrypted";
                       (*payload.mutable_metadata())["encryption-key-id"] = "stolen-key";
                       payload.set_data("garbage");
                     })
                     .Signaled("number", 7)
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Build();
  auto instance = NewInstance(WaitsForANumber, converter);
  auto commands = Apply(*instance, history);
  ASSERT_EQ(CommandTypes(commands),
            std::vector<std::string>{"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"});
  std::vector<Payload> result(
      commands[0].complete_workflow_execution_command_attributes().result().payloads().begin(),
      commands[0].complete_workflow_execution_command_attributes().result().payloads().end());
  ASSERT_TRUE(converter.DecodePayloads(&result).ok());
  EXPECT_EQ(*FromPayload<int>(result[0]), 7);
}

// --- 20. Unhandled signals are logged when the run ends ---------------------

wf::Task<int> CompletesAtOnce() { co_return 1; }

TEST(SignalHandlers, SignalsLeftUnhandledAtCompletionAreLogged) {
  LogCapture log;
  auto history = B().Started("CompletesAtOnce")
                     .Signaled("ignored", 1)
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Build();
  auto instance = NewInstance(CompletesAtOnce);
  auto commands = Apply(*instance, history);
  EXPECT_EQ(CommandTypes(commands),
            std::vector<std::string>{"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"});
  EXPECT_NE(log.text().find("1 unhandled signal(s) 'ignored'"), std::string::npos) << log.text();
}

// --- 22. A replaced handler lives on for its suspended coroutines -----------

bool sentinel_destroyed = false;
bool handler_started = false;
bool handler_done = false;
std::string handler_saw;
struct Sentinel {
  ~Sentinel() { sentinel_destroyed = true; }
};

wf::Task<std::string> ReplacesACoroutineHandler() {
  wf::SetSignalHandler("s", [sentinel = std::make_shared<Sentinel>()]() -> wf::Task<void> {
    handler_started = true;
    co_await wf::Sleep(seconds(1));
    handler_saw = sentinel_destroyed ? "its closure was destroyed" : "its closure is alive";
    handler_done = true;
  });
  co_await wf::WaitCondition([] { return handler_started; });
  wf::SetSignalHandler("s", [] {});  // replaced while the first one is suspended
  co_await wf::WaitCondition([] { return handler_done; });
  co_return handler_saw;
}

TEST(SignalHandlers, ReplacingAHandlerKeepsTheClosureOfItsSuspendedCoroutinesAlive) {
  sentinel_destroyed = handler_started = handler_done = false;
  auto history = B().Started("ReplacesACoroutineHandler")
                     .WorkflowTask()
                     .Signaled("s")
                     .WorkflowTask()
                     .TimerStarted("1")
                     .TimerFired("1")
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Build();
  auto instance = NewInstance(ReplacesACoroutineHandler);
  auto commands = Apply(*instance, history);
  EXPECT_EQ(ResultOf<std::string>(commands.back()), "its closure is alive");
  instance.reset();
  EXPECT_TRUE(sentinel_destroyed);  // and freed with the run
}

}  // namespace
}  // namespace temporal::testing

namespace temporal::testing {
namespace {

// --- Issue 8, item 3: waiting for handlers before the run ends --------------

wf::Task<std::string> WaitsForItsHandlers() {
  int handled = 0;
  wf::SetSignalHandler("work", [&]() -> wf::Task<void> {
    co_await wf::Sleep(seconds(1));
    ++handled;
  });
  co_await wf::WaitCondition([&] { return handled == 0 && !wf::AllHandlersFinished(); });
  co_await wf::WaitCondition(wf::AllHandlersFinished);
  co_return "handled " + std::to_string(handled);
}

TEST(SignalHandlers, AllHandlersFinishedWaitsForRunningHandlerCoroutines) {
  B history;
  history.Started("WaitsForItsHandlers")
      .WorkflowTask()
      .Signaled("work")
      .WorkflowTaskScheduled()
      .WorkflowTaskStarted();
  const int second_task_end = static_cast<int>(history.last_event_id());
  history.WorkflowTaskCompleted()
      .TimerStarted("1")
      .TimerFired("1")
      .WorkflowTaskScheduled()
      .WorkflowTaskStarted();
  const History full = history.Build();
  auto instance = NewInstance(WaitsForItsHandlers);
  // The handler sleeps: the run waits for it instead of completing.
  EXPECT_EQ(CommandTypes(Apply(*instance, Slice(full, 0, second_task_end))),
            std::vector<std::string>{"COMMAND_TYPE_START_TIMER"});
  auto commands = Apply(*instance, Slice(full, second_task_end, full.events_size()));
  EXPECT_EQ(ResultOf<std::string>(commands.back()), "handled 1");
}

wf::Task<int> CompletesWhileAHandlerSleeps() {
  bool started = false;
  wf::SetSignalHandler("work", [&]() -> wf::Task<void> {
    started = true;
    co_await wf::Sleep(seconds(60));
  });
  co_await wf::WaitCondition([&] { return started; });
  co_return 1;
}

TEST(SignalHandlers, CompletingWithHandlersStillRunningIsLogged) {
  LogCapture log;
  auto history = B().Started("CompletesWhileAHandlerSleeps")
                     .WorkflowTask()
                     .Signaled("work")
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Build();
  auto instance = NewInstance(CompletesWhileAHandlerSleeps);
  auto commands = Apply(*instance, history);
  EXPECT_EQ(commands.back().command_type(),
            temporal::api::enums::v1::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
  EXPECT_NE(log.text().find("while 1 signal or update handler(s) still run"), std::string::npos)
      << log.text();
}

}  // namespace
}  // namespace temporal::testing
