#include "workflow/machines/completion_machine.h"

namespace temporal::workflow::detail {

namespace enums = temporal::api::enums::v1;

const char* CompletionStateName(CompletionState state) {
  return state == CompletionState::kCreated ? "Created" : "Recorded";
}
const char* CompletionEventName(CompletionEvent) { return "WorkflowExecutionClosed"; }

CompletionMachine::CompletionMachine(MachineHost& host, Command command)
    : command_type_(command.command_type()),
      machine_("CompletionMachine", kCompletionTransitions, CompletionState::kCreated,
               CompletionStateName, CompletionEventName) {
  host.AddCommand(std::move(command), this);
}

std::string CompletionMachine::Describe() const {
  return "workflow close (" + enums::CommandType_Name(command_type_) + ")";
}

void CompletionMachine::OnCommandEvent(const HistoryEvent& event) {
  machine_.Fire(CompletionEvent::kRecorded, event.event_id());
}

}  // namespace temporal::workflow::detail
