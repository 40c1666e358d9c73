// Private: the state machine of the command that closes a run: complete, fail,
// cancel or continue-as-new. Issued once, last, when the main coroutine ends.
#pragma once

#include "workflow/machines/command_machine.h"
#include "workflow/machines/state_machine.h"

namespace temporal::workflow::detail {

enum class CompletionState { kCreated, kRecorded };
enum class CompletionEvent { kRecorded };

const char* CompletionStateName(CompletionState state);
const char* CompletionEventName(CompletionEvent event);

inline constexpr std::array<Transition<CompletionState, CompletionEvent>, 1> kCompletionTransitions{
    {
        {CompletionState::kCreated, CompletionEvent::kRecorded, CompletionState::kRecorded},
    }};

class CompletionMachine : public CommandMachine {
 public:
  /// CompletionMachine issues `command` (one of the four closing command types).
  CompletionMachine(MachineHost& host, Command command);
  std::string Describe() const override;
  void OnCommandEvent(const HistoryEvent& event) override;

 private:
  temporal::api::enums::v1::CommandType command_type_;
  StateMachine<CompletionState, CompletionEvent, kCompletionTransitions.size()> machine_;
};

}  // namespace temporal::workflow::detail
