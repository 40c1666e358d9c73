#include "workflow/machines/update_machine.h"

namespace temporal::workflow::detail {

namespace enums = temporal::api::enums::v1;
namespace update = temporal::api::update::v1;

const char* UpdateStateName(UpdateState state) {
  switch (state) {
    case UpdateState::kRequested:
      return "Requested";
    case UpdateState::kRejected:
      return "Rejected";
    case UpdateState::kAccepted:
      return "Accepted";
    case UpdateState::kAcceptedAndCompleted:
      return "AcceptedAndCompleted";
    case UpdateState::kAcceptRecorded:
      return "AcceptRecorded";
    case UpdateState::kCompleted:
      return "Completed";
    case UpdateState::kCompleteRecorded:
      return "CompleteRecorded";
  }
  return "?";
}

const char* UpdateEventName(UpdateEvent event) {
  switch (event) {
    case UpdateEvent::kAccept:
      return "Accept";
    case UpdateEvent::kReject:
      return "Reject";
    case UpdateEvent::kAcceptedEvent:
      return "WorkflowExecutionUpdateAccepted";
    case UpdateEvent::kComplete:
      return "Complete";
    case UpdateEvent::kCompletedEvent:
      return "WorkflowExecutionUpdateCompleted";
  }
  return "?";
}

namespace {
constexpr char kAcceptSuffix[] = "/accept";
constexpr char kCompleteSuffix[] = "/complete";
constexpr char kRejectSuffix[] = "/reject";

Command ProtocolCommand(const std::string& message_id) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_PROTOCOL_MESSAGE);
  command.mutable_protocol_message_command_attributes()->set_message_id(message_id);
  return command;
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

UpdateMachine::UpdateMachine(UpdateHost& host, UpdateRequest request)
    : host_(host),
      request_(std::move(request)),
      machine_("UpdateMachine", kUpdateTransitions, UpdateState::kRequested, UpdateStateName,
               UpdateEventName) {}

Message UpdateMachine::NewMessage(const std::string& suffix) const {
  Message message;
  message.set_id(request_.message_id + suffix);
  message.set_protocol_instance_id(request_.protocol_instance_id);
  return message;
}

void UpdateMachine::Accept() {
  machine_.Fire(UpdateEvent::kAccept, 0);
  update::Acceptance acceptance;
  acceptance.set_accepted_request_message_id(request_.message_id);
  acceptance.set_accepted_request_sequencing_event_id(request_.sequencing_event_id);
  *acceptance.mutable_accepted_request() = request_.request;
  Message message = NewMessage(kAcceptSuffix);
  message.mutable_body()->PackFrom(acceptance);
  host_.AddProtocolCommand(ProtocolCommand(message.id()), std::move(message), this);
}

void UpdateMachine::Reject(temporal::api::failure::v1::Failure failure) {
  machine_.Fire(UpdateEvent::kReject, 0);
  update::Rejection rejection;
  rejection.set_rejected_request_message_id(request_.message_id);
  rejection.set_rejected_request_sequencing_event_id(request_.sequencing_event_id);
  *rejection.mutable_rejected_request() = request_.request;
  *rejection.mutable_failure() = std::move(failure);
  Message message = NewMessage(kRejectSuffix);
  message.mutable_body()->PackFrom(rejection);
  host_.AddRejection(std::move(message));
}

void UpdateMachine::Complete(std::vector<Payload> result) {
  update::Outcome outcome;
  for (Payload& payload : result) *outcome.mutable_success()->add_payloads() = std::move(payload);
  IssueResponse(std::move(outcome));
}

void UpdateMachine::Fail(temporal::api::failure::v1::Failure failure) {
  update::Outcome outcome;
  *outcome.mutable_failure() = std::move(failure);
  IssueResponse(std::move(outcome));
}

void UpdateMachine::IssueResponse(update::Outcome outcome) {
  machine_.Fire(UpdateEvent::kComplete, 0);
  update::Response response;
  *response.mutable_meta() = request_.request.meta();
  *response.mutable_outcome() = std::move(outcome);
  Message message = NewMessage(kCompleteSuffix);
  message.mutable_body()->PackFrom(response);
  host_.AddProtocolCommand(ProtocolCommand(message.id()), std::move(message), this);
}

std::string UpdateMachine::Describe() const {
  return "update " + name() + " (id " + update_id() + ")";
}

enums::EventType UpdateMachine::RecordingEventType(const Command& command) const {
  const std::string& id = command.protocol_message_command_attributes().message_id();
  if (EndsWith(id, kAcceptSuffix)) return enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED;
  if (EndsWith(id, kCompleteSuffix)) return enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED;
  return enums::EVENT_TYPE_UNSPECIFIED;
}

void UpdateMachine::OnCommandEvent(const HistoryEvent& event) {
  if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
    const std::string& recorded = event.workflow_execution_update_accepted_event_attributes()
                                      .accepted_request()
                                      .meta()
                                      .update_id();
    if (recorded != update_id()) {
      throw NondeterminismError(event.event_id(), "history accepted update " + recorded +
                                                      " where the workflow accepted " + Describe());
    }
    machine_.Fire(UpdateEvent::kAcceptedEvent, event.event_id());
    return;
  }
  const std::string& recorded =
      event.workflow_execution_update_completed_event_attributes().meta().update_id();
  if (recorded != update_id()) {
    throw NondeterminismError(event.event_id(), "history completed update " + recorded +
                                                    " where the workflow completed " + Describe());
  }
  machine_.Fire(UpdateEvent::kCompletedEvent, event.event_id());
}

}  // namespace temporal::workflow::detail
