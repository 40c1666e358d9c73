// Private: the state machines of commands that address another workflow:
// SignalExternalWorkflowExecution and RequestCancelExternalWorkflowExecution
// (the latter also cancels child workflows).
#pragma once

#include <string>

#include "temporal/workflow/future.h"
#include "workflow/machines/command_machine.h"
#include "workflow/machines/state_machine.h"

namespace temporal::workflow::detail {

enum class ExternalState { kCreated, kInitiated, kDone, kFailed, kCanceledBeforeSent };
enum class ExternalEvent { kInitiated, kDone, kFailed, kCancel };

const char* ExternalStateName(ExternalState state);
const char* ExternalEventName(ExternalEvent event);

// Shared by both machines. Every (state, event) pair not listed is non-determinism.
inline constexpr std::array<Transition<ExternalState, ExternalEvent>, 7> kExternalTransitions{{
    {ExternalState::kCreated, ExternalEvent::kInitiated, ExternalState::kInitiated},
    {ExternalState::kCreated, ExternalEvent::kCancel, ExternalState::kCanceledBeforeSent},
    {ExternalState::kInitiated, ExternalEvent::kDone, ExternalState::kDone},
    {ExternalState::kInitiated, ExternalEvent::kFailed, ExternalState::kFailed},
    {ExternalState::kInitiated, ExternalEvent::kCancel, ExternalState::kInitiated},
    {ExternalState::kDone, ExternalEvent::kCancel, ExternalState::kDone},
    {ExternalState::kFailed, ExternalEvent::kCancel, ExternalState::kFailed},
}};

/// SignalExternalMachine: signal another workflow; the Future resolves when
/// the server delivered it (or throws when the target does not exist).
class SignalExternalMachine : public CommandMachine {
 public:
  SignalExternalMachine(MachineHost& host, std::string namespace_, std::string workflow_id,
                        std::string run_id, std::string signal_name, std::vector<Payload> arguments,
                        bool child_only);
  std::string Describe() const override;
  void OnCommandEvent(const HistoryEvent& event) override;
  void OnResultEvent(const HistoryEvent& event);
  void Cancel();
  Future<void> future() const { return future_; }

 private:
  MachineHost& host_;
  std::string workflow_id_;
  std::string signal_name_;
  StateMachine<ExternalState, ExternalEvent, kExternalTransitions.size()> machine_;
  Future<void> future_;
};

/// CancelExternalMachine: ask another workflow (or a child) to cancel; the
/// Future resolves when the request was delivered.
class CancelExternalMachine : public CommandMachine {
 public:
  CancelExternalMachine(MachineHost& host, std::string namespace_, std::string workflow_id,
                        std::string run_id, bool child_only);
  std::string Describe() const override;
  void OnCommandEvent(const HistoryEvent& event) override;
  void OnResultEvent(const HistoryEvent& event);
  Future<void> future() const { return future_; }

 private:
  std::string workflow_id_;
  StateMachine<ExternalState, ExternalEvent, kExternalTransitions.size()> machine_;
  Future<void> future_;
};

}  // namespace temporal::workflow::detail
