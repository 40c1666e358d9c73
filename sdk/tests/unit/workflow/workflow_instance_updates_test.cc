// Update handlers in the engine (issue 8): the protocol messages and
// PROTOCOL_MESSAGE commands a task answers with, validators (read-only, never
// on replay), rejections that leave no command, failures that fail the update
// and not the run, deduplication by id, and the activation order.
#include <gtest/gtest.h>

#include <atomic>

#include "instance_driver.h"
#include "temporal/api/update/v1/message.pb.h"
#include "temporal/workflow/update.h"
#include "temporal/workflow/workflow.h"
#include "workflow/nondeterminism_error.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;
namespace update = temporal::api::update::v1;
using std::chrono::seconds;
using temporal::api::protocol::v1::Message;
using B = HistoryBuilder;

// One update request as the server sends it in a workflow task.
template <typename... Args>
Message RequestMessage(const std::string& update_id, const std::string& name, const Args&... args) {
  update::Request request;
  request.mutable_meta()->set_update_id(update_id);
  request.mutable_meta()->set_identity("alice@laptop");
  request.mutable_input()->set_name(name);
  if constexpr (sizeof...(Args) > 0) {
    auto payloads = ToPayloads(args...);  // kept: a range over *ToPayloads(...) would dangle
    for (auto& payload : *payloads)
      *request.mutable_input()->mutable_args()->add_payloads() = std::move(payload);
  }
  Message message;
  message.set_id(update_id + "/request");
  message.set_protocol_instance_id(update_id);
  message.set_event_id(1);
  message.mutable_body()->PackFrom(request);
  return message;
}

google::protobuf::RepeatedPtrField<Message> Messages(std::initializer_list<Message> messages) {
  return {messages.begin(), messages.end()};
}

// The commands and messages of one task.
struct TaskAnswer {
  std::vector<Command> commands;
  std::vector<Message> messages;
};

TaskAnswer ApplyWithMessages(
    WorkflowInstance& instance,
    const google::protobuf::RepeatedPtrField<temporal::api::history::v1::HistoryEvent>& events,
    const google::protobuf::RepeatedPtrField<Message>& messages = {}) {
  instance.AddProtocolMessages(messages);
  instance.ApplyEvents(events);
  TaskAnswer answer;
  answer.commands = instance.TakeNewCommands();
  answer.messages = instance.TakeNewMessages();
  return answer;
}

template <typename Body>
Body Unpacked(const Message& message) {
  Body body;
  EXPECT_TRUE(message.body().UnpackTo(&body)) << message.body().type_url();
  return body;
}

std::string MessageIdOf(const Command& command) {
  return command.protocol_message_command_attributes().message_id();
}

// --- A counter with an update that adds, after a validator ------------------

std::atomic<int> validator_calls{0};

wf::Task<int> Counter() {
  int total = 0;
  bool done = false;
  wf::SetSignalHandler("done", [&] { done = true; });
  wf::SetQueryHandler("total", [&] { return total; });
  wf::SetUpdateHandler(
      "add",
      [&](int amount) -> wf::Task<int> {
        co_await wf::Sleep(seconds(5));
        total += amount;
        co_return total;
      },
      [&](int amount) {
        ++validator_calls;
        if (amount <= 0) {
          throw ApplicationFailure("amount must be positive, got " + std::to_string(amount),
                                   "InvalidAmount", true);
        }
      });
  co_await wf::WaitCondition([&] { return done && wf::AllHandlersFinished(); });
  co_return total;
}

TEST(UpdateHandlers, AcceptanceComesFirstThenTheHandlersCommandsThenTheResponse) {
  B history;
  history.Started("Counter").WorkflowTask();
  const int idle = static_cast<int>(history.last_event_id());
  history.WorkflowTaskScheduled().WorkflowTaskStarted();
  const History first = history.Build();

  auto instance = NewInstance(Counter);
  EXPECT_TRUE(Apply(*instance, Slice(first, 0, idle)).empty());
  validator_calls = 0;
  TaskAnswer accepted = ApplyWithMessages(*instance, Slice(first, idle, first.events_size()),
                                          Messages({RequestMessage("u1", "add", 7)}));
  EXPECT_EQ(validator_calls.load(), 1);
  ASSERT_EQ(
      CommandTypes(accepted.commands),
      (std::vector<std::string>{"COMMAND_TYPE_PROTOCOL_MESSAGE", "COMMAND_TYPE_START_TIMER"}));
  EXPECT_EQ(MessageIdOf(accepted.commands[0]), "u1/request/accept");
  ASSERT_EQ(accepted.messages.size(), 1u);
  EXPECT_EQ(accepted.messages[0].id(), "u1/request/accept");
  EXPECT_EQ(accepted.messages[0].protocol_instance_id(), "u1");
  auto acceptance = Unpacked<update::Acceptance>(accepted.messages[0]);
  EXPECT_EQ(acceptance.accepted_request_message_id(), "u1/request");
  EXPECT_EQ(acceptance.accepted_request_sequencing_event_id(), 1);
  EXPECT_EQ(acceptance.accepted_request().meta().update_id(), "u1");

  // The server records both; the timer fires; the handler answers.
  history.WorkflowTaskCompleted().UpdateAccepted("u1", "add", 7).TimerStarted("1");
  const int before_fire = static_cast<int>(history.last_event_id());
  history.TimerFired("1").WorkflowTaskScheduled().WorkflowTaskStarted();
  const History second = history.Build();
  TaskAnswer completed =
      ApplyWithMessages(*instance, Slice(second, first.events_size(), second.events_size()));
  ASSERT_EQ(CommandTypes(completed.commands),
            (std::vector<std::string>{"COMMAND_TYPE_PROTOCOL_MESSAGE"}));
  EXPECT_EQ(MessageIdOf(completed.commands[0]), "u1/request/complete");
  ASSERT_EQ(completed.messages.size(), 1u);
  auto response = Unpacked<update::Response>(completed.messages[0]);
  EXPECT_EQ(response.meta().update_id(), "u1");
  ASSERT_TRUE(response.outcome().has_success());
  EXPECT_EQ(*FromPayload<int>(response.outcome().success().payloads(0)), 7);
  (void)before_fire;
}

TEST(UpdateHandlers, ARejectionIsAMessageOnlyAndChangesNothing) {
  B history;
  history.Started("Counter").WorkflowTask();
  const int idle = static_cast<int>(history.last_event_id());
  history.WorkflowTaskScheduled().WorkflowTaskStarted();
  const History full = history.Build();

  auto instance = NewInstance(Counter);
  Apply(*instance, Slice(full, 0, idle));
  TaskAnswer rejected = ApplyWithMessages(*instance, Slice(full, idle, full.events_size()),
                                          Messages({RequestMessage("u2", "add", -3)}));
  EXPECT_TRUE(rejected.commands.empty()) << "a rejection must leave no trace in history";
  ASSERT_EQ(rejected.messages.size(), 1u);
  EXPECT_EQ(rejected.messages[0].id(), "u2/request/reject");
  auto rejection = Unpacked<update::Rejection>(rejected.messages[0]);
  EXPECT_EQ(rejection.rejected_request().meta().update_id(), "u2");
  EXPECT_EQ(rejection.failure().message(), "amount must be positive, got -3");
  EXPECT_EQ(rejection.failure().application_failure_info().type(), "InvalidAmount");
  auto total = instance->Query("total", {});
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*FromPayload<int>((*total)[0]), 0);
}

TEST(UpdateHandlers, ValidatorsDoNotRunOnReplayEvenIfTheyWouldRejectNow) {
  // History accepted add(-4): an older validator allowed it. Today's rejects
  // it, but replay must reproduce what happened.
  const History full = B().Started("Counter")
                           .WorkflowTask()
                           .UpdateAccepted("old", "add", -4)
                           .TimerStarted("1")
                           .TimerFired("1")
                           .WorkflowTask()
                           .UpdateCompleted("old", -4)
                           .Signaled("done")
                           .WorkflowTaskScheduled()
                           .WorkflowTaskStarted()
                           .Build();
  validator_calls = 0;
  auto instance = NewInstance(Counter);
  std::vector<Command> commands;
  ASSERT_NO_THROW(commands = Apply(*instance, full));
  EXPECT_EQ(validator_calls.load(), 0);
  ASSERT_EQ(CommandTypes(commands),
            (std::vector<std::string>{"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"}));
  EXPECT_EQ(ResultOf<int>(commands[0]), -4);
}

TEST(UpdateHandlers, ReplayWhoseCodeNoLongerHandlesAnAcceptedUpdateIsNondeterministic) {
  const History full = B().Started("Counter")
                           .WorkflowTask()
                           .UpdateAccepted("old", "subtract", 1)
                           .WorkflowTask()
                           .Build();
  auto instance = NewInstance(Counter);
  try {
    Apply(*instance, full);
    FAIL() << "expected a NondeterminismError";
  } catch (const workflow::detail::NondeterminismError& error) {
    EXPECT_NE(std::string(error.what()).find("subtract"), std::string::npos) << error.what();
  }
}

TEST(UpdateHandlers, UnknownNamesAndUndecodableArgumentsAreRejectedNotFatal) {
  B history;
  history.Started("Counter").WorkflowTask();
  const int idle = static_cast<int>(history.last_event_id());
  history.WorkflowTaskScheduled().WorkflowTaskStarted();
  const History full = history.Build();
  auto instance = NewInstance(Counter);
  Apply(*instance, Slice(full, 0, idle));
  TaskAnswer answer = ApplyWithMessages(
      *instance, Slice(full, idle, full.events_size()),
      Messages({RequestMessage("u3", "multiply", 2), RequestMessage("u4", "add", "seven")}));
  EXPECT_TRUE(answer.commands.empty());
  ASSERT_EQ(answer.messages.size(), 2u);
  // In arrival order: the decoding failure is found at delivery, the unknown
  // name at the end of the task (a handler could still have been set).
  auto undecodable = Unpacked<update::Rejection>(answer.messages[0]);
  EXPECT_EQ(undecodable.rejected_request().meta().update_id(), "u4");
  EXPECT_EQ(undecodable.failure().application_failure_info().type(), "DataConversionError");
  auto unknown = Unpacked<update::Rejection>(answer.messages[1]);
  EXPECT_EQ(unknown.rejected_request().meta().update_id(), "u3");
  EXPECT_EQ(unknown.failure().application_failure_info().type(), "UnknownUpdate");
  EXPECT_NE(unknown.failure().message().find("add"), std::string::npos)
      << unknown.failure().message();
}

TEST(UpdateHandlers, ARepeatedIdIsIgnoredNotAcceptedTwice) {
  B history;
  history.Started("Counter").WorkflowTask().UpdateAccepted("u5", "add", 1).TimerStarted("1");
  const int idle = static_cast<int>(history.last_event_id());
  history.WorkflowTaskScheduled().WorkflowTaskStarted();
  const History full = history.Build();
  auto instance = NewInstance(Counter);
  // The first task (replayed) accepted u5; the server sends u5 again.
  TaskAnswer answer =
      ApplyWithMessages(*instance, full.events(), Messages({RequestMessage("u5", "add", 1)}));
  EXPECT_TRUE(answer.commands.empty());
  EXPECT_TRUE(answer.messages.empty());
  (void)idle;
}

// --- Handler failures, validators that try to change state, UpdateInfo ------

wf::Task<std::string> Guarded() {
  std::string log;
  bool done = false;
  wf::SetSignalHandler("note", [&](std::string text) { log += "signal:" + text + ";"; });
  wf::SetSignalHandler("done", [&] { done = true; });
  wf::SetUpdateHandler("explode", [&]() -> int {
    throw ApplicationFailure("the handler refused", "Refused", true);
  });
  wf::SetUpdateHandler(
      "sneaky", [&] { return 1; },
      [&] { (void)wf::Sleep(seconds(1)); });  // a validator must not start a timer
  wf::SetUpdateHandler("whoami", [&](const wf::UpdateInfo& info, std::string suffix) {
    log += "update;";
    return info.name + "/" + info.id + "/" + info.identity + suffix;
  });
  co_await wf::WaitCondition([&] { return done; });
  co_return log;
}

TEST(UpdateHandlers, AHandlerFailureFailsTheUpdateNotTheRun) {
  B history;
  history.Started("Guarded").WorkflowTask();
  const int idle = static_cast<int>(history.last_event_id());
  history.WorkflowTaskScheduled().WorkflowTaskStarted();
  const History full = history.Build();
  auto instance = NewInstance(Guarded);
  Apply(*instance, Slice(full, 0, idle));
  TaskAnswer answer = ApplyWithMessages(*instance, Slice(full, idle, full.events_size()),
                                        Messages({RequestMessage("u6", "explode")}));
  ASSERT_EQ(
      CommandTypes(answer.commands),
      (std::vector<std::string>{"COMMAND_TYPE_PROTOCOL_MESSAGE", "COMMAND_TYPE_PROTOCOL_MESSAGE"}));
  ASSERT_EQ(answer.messages.size(), 2u);
  auto response = Unpacked<update::Response>(answer.messages[1]);
  ASSERT_TRUE(response.outcome().has_failure());
  EXPECT_EQ(response.outcome().failure().message(), "the handler refused");
  EXPECT_EQ(response.outcome().failure().application_failure_info().type(), "Refused");
  EXPECT_FALSE(instance->closed());
}

TEST(UpdateHandlers, AValidatorThatWouldChangeTheRunRejectsTheUpdate) {
  B history;
  history.Started("Guarded").WorkflowTask();
  const int idle = static_cast<int>(history.last_event_id());
  history.WorkflowTaskScheduled().WorkflowTaskStarted();
  const History full = history.Build();
  auto instance = NewInstance(Guarded);
  Apply(*instance, Slice(full, 0, idle));
  TaskAnswer answer = ApplyWithMessages(*instance, Slice(full, idle, full.events_size()),
                                        Messages({RequestMessage("u7", "sneaky")}));
  EXPECT_TRUE(answer.commands.empty()) << "no timer may come out of a validator";
  ASSERT_EQ(answer.messages.size(), 1u);
  auto rejection = Unpacked<update::Rejection>(answer.messages[0]);
  EXPECT_NE(rejection.failure().message().find("read-only"), std::string::npos)
      << rejection.failure().message();
}

TEST(UpdateHandlers, SignalsOfATaskComeBeforeItsUpdatesAndHandlersReadTheirInfo) {
  B history;
  history.Started("Guarded").WorkflowTask();
  const int idle = static_cast<int>(history.last_event_id());
  history.Signaled("note", std::string("a")).Signaled("done");
  history.WorkflowTaskScheduled().WorkflowTaskStarted();
  const History full = history.Build();
  auto instance = NewInstance(Guarded);
  Apply(*instance, Slice(full, 0, idle));
  TaskAnswer answer =
      ApplyWithMessages(*instance, Slice(full, idle, full.events_size()),
                        Messages({RequestMessage("u8", "whoami", std::string("!"))}));
  ASSERT_EQ(
      CommandTypes(answer.commands),
      (std::vector<std::string>{"COMMAND_TYPE_PROTOCOL_MESSAGE", "COMMAND_TYPE_PROTOCOL_MESSAGE",
                                "COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"}));
  auto response = Unpacked<update::Response>(answer.messages[1]);
  EXPECT_EQ(*FromPayload<std::string>(response.outcome().success().payloads(0)),
            "whoami/u8/alice@laptop!");
  EXPECT_EQ(ResultOf<std::string>(answer.commands.back()), "signal:a;update;");
}

// --- An update that arrives with the first task (update-with-start) ---------

wf::Task<std::string> Greeter() {
  std::string greeted;
  wf::SetUpdateHandler("greet", [&](std::string name) {
    greeted = name;
    return "hello " + name;
  });
  co_await wf::WaitCondition([&] { return !greeted.empty(); });
  co_return greeted;
}

TEST(UpdateHandlers, AnUpdateInTheFirstTaskWaitsForTheHandlerTheWorkflowSets) {
  const History full = B().Started("Greeter").WorkflowTaskScheduled().WorkflowTaskStarted().Build();
  auto instance = NewInstance(Greeter);
  TaskAnswer answer = ApplyWithMessages(
      *instance, full.events(), Messages({RequestMessage("u9", "greet", std::string("bob"))}));
  ASSERT_EQ(
      CommandTypes(answer.commands),
      (std::vector<std::string>{"COMMAND_TYPE_PROTOCOL_MESSAGE", "COMMAND_TYPE_PROTOCOL_MESSAGE",
                                "COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"}));
  auto response = Unpacked<update::Response>(answer.messages[1]);
  EXPECT_EQ(*FromPayload<std::string>(response.outcome().success().payloads(0)), "hello bob");
  EXPECT_EQ(ResultOf<std::string>(answer.commands.back()), "bob");
}

TEST(UpdateHandlers, ReplayOfAnAcceptedUpdateMatchesItsEventsAndSendsNoMessages) {
  const History full = B().Started("Greeter")
                           .WorkflowTask()
                           .UpdateAccepted("u9", "greet", std::string("bob"))
                           .UpdateCompleted("u9", std::string("hello bob"))
                           .WorkflowExecutionCompleted(std::string("bob"))
                           .Build();
  auto instance = NewInstance(Greeter);
  TaskAnswer answer;
  ASSERT_NO_THROW(answer = ApplyWithMessages(*instance, full.events()));
  EXPECT_TRUE(answer.commands.empty());
  EXPECT_TRUE(answer.messages.empty());
  EXPECT_TRUE(instance->closed());
}

TEST(UpdateHandlers, AnAcceptedEventForAnotherUpdateIsNondeterministic) {
  const History full = B().Started("Greeter")
                           .WorkflowTask()
                           .UpdateAccepted("u9", "greet", std::string("bob"))
                           .Edit([](auto& event) {
                             // What the code accepts (from the lookahead) is u9; the
                             // recorded event names another update.
                             event.mutable_workflow_execution_update_accepted_event_attributes()
                                 ->set_protocol_instance_id("u9");
                           })
                           .UpdateCompleted("other", std::string("hello bob"))
                           .WorkflowExecutionCompleted(std::string("bob"))
                           .Build();
  auto instance = NewInstance(Greeter);
  EXPECT_THROW(ApplyWithMessages(*instance, full.events()), workflow::detail::NondeterminismError);
}

}  // namespace
}  // namespace temporal::testing
