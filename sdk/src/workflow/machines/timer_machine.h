// Private: the state machine of one durable timer (StartTimer / CancelTimer).
#pragma once

#include <chrono>
#include <memory>

#include "temporal/workflow/future.h"
#include "workflow/machines/command_machine.h"
#include "workflow/machines/state_machine.h"

namespace temporal::workflow::detail {

enum class TimerState {
  kCreated,
  kStarted,
  kFired,
  kCancelCommandCreated,
  kCanceled,
  kCanceledBeforeSent
};
enum class TimerEvent { kTimerStarted, kTimerFired, kCancel, kTimerCanceled };

const char* TimerStateName(TimerState state);
const char* TimerEventName(TimerEvent event);

// Transition table. Every (state, event) pair not listed is non-determinism.
inline constexpr std::array<Transition<TimerState, TimerEvent>, 10> kTimerTransitions{{
    {TimerState::kCreated, TimerEvent::kTimerStarted, TimerState::kStarted},
    {TimerState::kCreated, TimerEvent::kCancel, TimerState::kCanceledBeforeSent},
    {TimerState::kStarted, TimerEvent::kTimerFired, TimerState::kFired},
    {TimerState::kStarted, TimerEvent::kCancel, TimerState::kCancelCommandCreated},
    {TimerState::kCancelCommandCreated, TimerEvent::kTimerCanceled, TimerState::kCanceled},
    // Fired before our CancelTimer went out (both in one batch of events): the
    // unsent cancel is dropped; the code already saw the cancellation.
    {TimerState::kCancelCommandCreated, TimerEvent::kTimerFired, TimerState::kFired},
    // Cancelling what is already cancelled or fired is a no-op, as in every
    // official SDK (a WaitCondition whose predicate won cancels its timer, and
    // then its scope may cancel it again).
    {TimerState::kCancelCommandCreated, TimerEvent::kCancel, TimerState::kCancelCommandCreated},
    {TimerState::kFired, TimerEvent::kCancel, TimerState::kFired},
    {TimerState::kCanceled, TimerEvent::kCancel, TimerState::kCanceled},
    {TimerState::kCanceledBeforeSent, TimerEvent::kCancel, TimerState::kCanceledBeforeSent},
}};

class TimerMachine : public CommandMachine {
 public:
  TimerMachine(MachineHost& host, std::string timer_id, std::chrono::milliseconds duration);

  const std::string& timer_id() const { return timer_id_; }
  Future<void> future() const { return future_; }

  std::string Describe() const override;
  void OnCommandEvent(const HistoryEvent& event) override;
  /// OnFired handles TimerFired.
  void OnFired(const HistoryEvent& event);
  /// Cancel is called when the timer's scope is cancelled.
  void Cancel();
  TimerState state() const { return machine_.state(); }

 private:
  MachineHost& host_;
  std::string timer_id_;
  StateMachine<TimerState, TimerEvent, kTimerTransitions.size()> machine_;
  Future<void> future_;
};

}  // namespace temporal::workflow::detail
