#include "workflow/machines/external_machines.h"

#include "temporal/failure.h"

namespace temporal::workflow::detail {

namespace enums = temporal::api::enums::v1;

const char* ExternalStateName(ExternalState state) {
  switch (state) {
    case ExternalState::kCreated:
      return "Created";
    case ExternalState::kInitiated:
      return "Initiated";
    case ExternalState::kDone:
      return "Done";
    case ExternalState::kFailed:
      return "Failed";
    case ExternalState::kCanceledBeforeSent:
      return "CanceledBeforeSent";
  }
  return "?";
}

const char* ExternalEventName(ExternalEvent event) {
  switch (event) {
    case ExternalEvent::kInitiated:
      return "Initiated";
    case ExternalEvent::kDone:
      return "Delivered";
    case ExternalEvent::kFailed:
      return "Failed";
    case ExternalEvent::kCancel:
      return "Cancel";
  }
  return "?";
}

SignalExternalMachine::SignalExternalMachine(MachineHost& host, std::string namespace_,
                                             std::string workflow_id, std::string run_id,
                                             std::string signal_name,
                                             std::vector<Payload> arguments, bool child_only)
    : host_(host),
      workflow_id_(workflow_id),
      signal_name_(signal_name),
      machine_("SignalExternalMachine", kExternalTransitions, ExternalState::kCreated,
               ExternalStateName, ExternalEventName) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION);
  auto* attributes = command.mutable_signal_external_workflow_execution_command_attributes();
  (void)namespace_;  // deprecated command field: the target is in this workflow's namespace
  attributes->mutable_execution()->set_workflow_id(std::move(workflow_id));
  attributes->mutable_execution()->set_run_id(std::move(run_id));
  attributes->set_signal_name(std::move(signal_name));
  for (Payload& payload : arguments)
    *attributes->mutable_input()->add_payloads() = std::move(payload);
  attributes->set_child_workflow_only(child_only);
  host_.AddCommand(std::move(command), this);
}

std::string SignalExternalMachine::Describe() const {
  return "signal " + signal_name_ + " to workflow " + workflow_id_;
}

void SignalExternalMachine::OnCommandEvent(const HistoryEvent& event) {
  const auto& attributes = event.signal_external_workflow_execution_initiated_event_attributes();
  if (attributes.workflow_execution().workflow_id() != workflow_id_ ||
      attributes.signal_name() != signal_name_) {
    throw NondeterminismError(event.event_id(), "history signalled " + attributes.signal_name() +
                                                    " to workflow " +
                                                    attributes.workflow_execution().workflow_id() +
                                                    " where the workflow code did: " + Describe());
  }
  machine_.Fire(ExternalEvent::kInitiated, event.event_id());
}

void SignalExternalMachine::OnResultEvent(const HistoryEvent& event) {
  if (event.event_type() == enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED) {
    machine_.Fire(ExternalEvent::kDone, event.event_id());
    future_.state()->SetValue(Unit{});
  } else {
    machine_.Fire(ExternalEvent::kFailed, event.event_id());
    future_.state()->SetException(std::make_exception_ptr(
        ApplicationFailure("signal " + signal_name_ + " to workflow " + workflow_id_ +
                               " failed: the workflow was not found",
                           "ExternalWorkflowNotFound", true)));
  }
}

void SignalExternalMachine::Cancel() {
  if (machine_.state() != ExternalState::kCreated) return;  // once initiated, the signal goes out
  machine_.Fire(ExternalEvent::kCancel, 0);
  host_.RemoveUnsentCommand(this);
  future_.state()->SetException(
      std::make_exception_ptr(CanceledFailure("signal cancelled before it was sent")));
}

CancelExternalMachine::CancelExternalMachine(MachineHost& host, std::string namespace_,
                                             std::string workflow_id, std::string run_id,
                                             bool child_only)
    : workflow_id_(workflow_id),
      machine_("CancelExternalMachine", kExternalTransitions, ExternalState::kCreated,
               ExternalStateName, ExternalEventName) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION);
  auto* attributes =
      command.mutable_request_cancel_external_workflow_execution_command_attributes();
  (void)namespace_;  // deprecated command field: the target is in this workflow's namespace
  attributes->set_workflow_id(std::move(workflow_id));
  attributes->set_run_id(std::move(run_id));
  attributes->set_child_workflow_only(child_only);
  host.AddCommand(std::move(command), this);
}

std::string CancelExternalMachine::Describe() const {
  return "cancel request to workflow " + workflow_id_;
}

void CancelExternalMachine::OnCommandEvent(const HistoryEvent& event) {
  const auto& attributes =
      event.request_cancel_external_workflow_execution_initiated_event_attributes();
  if (attributes.workflow_execution().workflow_id() != workflow_id_) {
    throw NondeterminismError(event.event_id(), "history requested cancellation of workflow " +
                                                    attributes.workflow_execution().workflow_id() +
                                                    " where the workflow code did: " + Describe());
  }
  machine_.Fire(ExternalEvent::kInitiated, event.event_id());
}

void CancelExternalMachine::OnResultEvent(const HistoryEvent& event) {
  if (event.event_type() == enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED) {
    machine_.Fire(ExternalEvent::kDone, event.event_id());
    future_.state()->SetValue(Unit{});
  } else {
    machine_.Fire(ExternalEvent::kFailed, event.event_id());
    future_.state()->SetException(std::make_exception_ptr(ApplicationFailure(
        "cancel request to workflow " + workflow_id_ + " failed: the workflow was not found",
        "ExternalWorkflowNotFound", true)));
  }
}

}  // namespace temporal::workflow::detail
