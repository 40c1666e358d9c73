// Private: the state machine of one child workflow (StartChildWorkflowExecution
// and the events about the child that follow).
#pragma once

#include <string>
#include <vector>

#include "temporal/workflow/child_workflow.h"
#include "workflow/machines/command_machine.h"
#include "workflow/machines/state_machine.h"

namespace temporal::workflow::detail {

enum class ChildState {
  kCreated,
  kInitiated,
  kStarted,
  kStartFailed,
  kCompleted,
  kFailed,
  kCanceled,
  kTimedOut,
  kTerminated,
  kCanceledBeforeSent,
  kAbandoned,
};
enum class ChildEvent {
  kInitiated,
  kStartFailed,
  kStarted,
  kCompleted,
  kFailed,
  kCanceled,
  kTimedOut,
  kTerminated,
  kCancel
};

const char* ChildStateName(ChildState state);
const char* ChildEventName(ChildEvent event);

using CS = ChildState;
using CE = ChildEvent;
// Transition table. Every (state, event) pair not listed is non-determinism.
inline constexpr std::array<Transition<CS, CE>, 26> kChildTransitions{{
    {CS::kCreated, CE::kInitiated, CS::kInitiated},
    {CS::kCreated, CE::kCancel, CS::kCanceledBeforeSent},
    {CS::kInitiated, CE::kStartFailed, CS::kStartFailed},
    {CS::kInitiated, CE::kStarted, CS::kStarted},
    {CS::kInitiated, CE::kCancel, CS::kInitiated},  // cancelled once it has started
    {CS::kStarted, CE::kCompleted, CS::kCompleted},
    {CS::kStarted, CE::kFailed, CS::kFailed},
    {CS::kStarted, CE::kCanceled, CS::kCanceled},
    {CS::kStarted, CE::kTimedOut, CS::kTimedOut},
    {CS::kStarted, CE::kTerminated, CS::kTerminated},
    {CS::kStarted, CE::kCancel, CS::kStarted},  // a cancel request goes out; the child decides
    {CS::kStartFailed, CE::kCancel, CS::kStartFailed},
    {CS::kCompleted, CE::kCancel, CS::kCompleted},
    {CS::kFailed, CE::kCancel, CS::kFailed},
    {CS::kCanceled, CE::kCancel, CS::kCanceled},
    {CS::kTimedOut, CE::kCancel, CS::kTimedOut},
    {CS::kTerminated, CE::kCancel, CS::kTerminated},
    {CS::kCanceledBeforeSent, CE::kCancel, CS::kCanceledBeforeSent},
    {CS::kAbandoned, CE::kCancel, CS::kAbandoned},
    {CS::kAbandoned, CE::kStarted, CS::kAbandoned},
    {CS::kAbandoned, CE::kStartFailed, CS::kAbandoned},
    {CS::kAbandoned, CE::kCompleted, CS::kAbandoned},
    {CS::kAbandoned, CE::kFailed, CS::kAbandoned},
    {CS::kAbandoned, CE::kCanceled, CS::kAbandoned},
    {CS::kAbandoned, CE::kTimedOut, CS::kAbandoned},
    {CS::kAbandoned, CE::kTerminated, CS::kAbandoned},
}};

/// ChildHost is what a child machine needs beyond MachineHost: a way to send
/// the cancel request for the child.
class ChildHost {
 public:
  virtual ~ChildHost() = default;
  virtual Future<void> RequestCancelChild(const std::string& workflow_id,
                                          const std::string& run_id) = 0;
};

class ChildWorkflowMachine : public CommandMachine {
 public:
  ChildWorkflowMachine(MachineHost& host, ChildHost& child_host, const std::string& namespace_name,
                       std::string workflow_id, std::string workflow_type,
                       const ChildWorkflowOptions& options, std::vector<Payload> arguments,
                       std::function<void(std::vector<Payload>, std::exception_ptr)> on_result);

  std::string Describe() const override;
  void OnCommandEvent(const HistoryEvent& event) override;
  void OnResultEvent(const HistoryEvent& event);
  void Cancel();

  Future<std::string> started() const { return started_; }
  std::int64_t initiated_event_id() const { return initiated_event_id_; }
  const std::string& workflow_id() const { return workflow_id_; }
  ChildState state() const { return machine_.state(); }

 private:
  void Resolve(std::vector<Payload> result, std::exception_ptr error);
  std::exception_ptr ChildFailure(const temporal::api::failure::v1::Failure& cause,
                                  temporal::api::enums::v1::RetryState retry_state,
                                  std::int64_t started_event_id);
  void SendCancel();

  MachineHost& host_;
  ChildHost& child_host_;
  std::string namespace_;
  std::string workflow_id_;
  std::string workflow_type_;
  std::string run_id_;
  ChildWorkflowCancellationType cancellation_type_;
  std::int64_t initiated_event_id_ = 0;
  bool cancel_pending_ = false;
  StateMachine<CS, CE, kChildTransitions.size()> machine_;
  Future<std::string> started_;
  std::function<void(std::vector<Payload>, std::exception_ptr)> on_result_;
  bool resolved_ = false;
};

}  // namespace temporal::workflow::detail
