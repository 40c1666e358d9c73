// Private: the state machine of one workflow update (the update protocol).
//
// An update reaches the worker as a protocol message (a Request) in a
// workflow task, or, on replay, is re-created from its
// WorkflowExecutionUpdateAccepted event. The validator decides, before
// anything is recorded: a rejection is a Rejection message and nothing else
// (no command, so no trace in history); an acceptance is an Acceptance
// message with a COMMAND_TYPE_PROTOCOL_MESSAGE command naming it, recorded as
// WorkflowExecutionUpdateAccepted. When the handler ends, a Response message
// with its second PROTOCOL_MESSAGE command is recorded as
// WorkflowExecutionUpdateCompleted. Both commands are ordered among the
// workflow's other commands in the order they are issued: the acceptance
// before anything the handler does, the response after it.
//
// Message ids follow the official SDKs: "<request message id>/accept",
// "<request message id>/complete" and "<request message id>/reject".
#pragma once

#include <string>

#include "temporal/api/protocol/v1/message.pb.h"
#include "temporal/api/update/v1/message.pb.h"
#include "workflow/machines/command_machine.h"
#include "workflow/machines/state_machine.h"

namespace temporal::workflow::detail {

using temporal::api::protocol::v1::Message;

/// UpdateRequest is one update request as the engine receives it: from a
/// protocol message of the task, or re-created from history on replay.
struct UpdateRequest {
  std::string message_id;
  std::string protocol_instance_id;
  std::int64_t sequencing_event_id = 0;
  /// request is as the client sent it (payloads still encoded): the
  /// acceptance echoes it unchanged.
  temporal::api::update::v1::Request request;
  /// from_history: re-created from WorkflowExecutionUpdateAccepted (replay):
  /// accepted already, so the validator does not run.
  bool from_history = false;
};

enum class UpdateState {
  kRequested,
  kRejected,
  kAccepted,              // acceptance command issued, not yet recorded
  kAcceptedAndCompleted,  // response issued before the acceptance was recorded
  kAcceptRecorded,        // WorkflowExecutionUpdateAccepted seen
  kCompleted,             // response command issued, not yet recorded
  kCompleteRecorded,      // WorkflowExecutionUpdateCompleted seen
};
enum class UpdateEvent { kAccept, kReject, kAcceptedEvent, kComplete, kCompletedEvent };

const char* UpdateStateName(UpdateState state);
const char* UpdateEventName(UpdateEvent event);

inline constexpr std::array<Transition<UpdateState, UpdateEvent>, 7> kUpdateTransitions{{
    {UpdateState::kRequested, UpdateEvent::kAccept, UpdateState::kAccepted},
    {UpdateState::kRequested, UpdateEvent::kReject, UpdateState::kRejected},
    {UpdateState::kAccepted, UpdateEvent::kAcceptedEvent, UpdateState::kAcceptRecorded},
    {UpdateState::kAccepted, UpdateEvent::kComplete, UpdateState::kAcceptedAndCompleted},
    {UpdateState::kAcceptedAndCompleted, UpdateEvent::kAcceptedEvent, UpdateState::kCompleted},
    {UpdateState::kAcceptRecorded, UpdateEvent::kComplete, UpdateState::kCompleted},
    {UpdateState::kCompleted, UpdateEvent::kCompletedEvent, UpdateState::kCompleteRecorded},
}};

/// UpdateHost is what an update machine needs of the instance beyond MachineHost.
class UpdateHost {
 public:
  virtual ~UpdateHost() = default;
  /// AddProtocolCommand appends a PROTOCOL_MESSAGE command with the message
  /// it names; the message is sent only if the command is (never on replay).
  virtual void AddProtocolCommand(Command command, Message message, CommandMachine* machine) = 0;
  /// AddRejection queues a rejection message for the task's response.
  virtual void AddRejection(Message message) = 0;
};

class UpdateMachine : public CommandMachine {
 public:
  UpdateMachine(UpdateHost& host, UpdateRequest request);

  const std::string& update_id() const { return request_.request.meta().update_id(); }
  const std::string& name() const { return request_.request.input().name(); }
  UpdateState state() const { return machine_.state(); }

  /// Accept issues the acceptance (message and command).
  void Accept();
  /// Reject queues the rejection message (failure encoded already); nothing
  /// is recorded.
  void Reject(temporal::api::failure::v1::Failure failure);
  /// Complete issues the response with the handler's result (payloads
  /// already encoded: a message body is packed, so the codec comes first).
  void Complete(std::vector<Payload> result);
  /// Fail issues the response with the handler's failure (encoded already).
  void Fail(temporal::api::failure::v1::Failure failure);

  std::string Describe() const override;
  temporal::api::enums::v1::EventType RecordingEventType(const Command& command) const override;
  void OnCommandEvent(const HistoryEvent& event) override;

 private:
  void IssueResponse(temporal::api::update::v1::Outcome outcome);
  Message NewMessage(const std::string& suffix) const;

  UpdateHost& host_;
  UpdateRequest request_;
  StateMachine<UpdateState, UpdateEvent, kUpdateTransitions.size()> machine_;
};

}  // namespace temporal::workflow::detail
