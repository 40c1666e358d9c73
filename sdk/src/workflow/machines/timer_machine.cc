#include "workflow/machines/timer_machine.h"

#include "common/proto_time.h"
#include "temporal/failure.h"

namespace temporal::workflow::detail {

namespace enums = temporal::api::enums::v1;

const char* TimerStateName(TimerState state) {
  switch (state) {
    case TimerState::kCreated:
      return "Created";
    case TimerState::kStarted:
      return "Started";
    case TimerState::kFired:
      return "Fired";
    case TimerState::kCancelCommandCreated:
      return "CancelCommandCreated";
    case TimerState::kCanceled:
      return "Canceled";
    case TimerState::kCanceledBeforeSent:
      return "CanceledBeforeSent";
  }
  return "?";
}

const char* TimerEventName(TimerEvent event) {
  switch (event) {
    case TimerEvent::kTimerStarted:
      return "TimerStarted";
    case TimerEvent::kTimerFired:
      return "TimerFired";
    case TimerEvent::kCancel:
      return "Cancel";
    case TimerEvent::kTimerCanceled:
      return "TimerCanceled";
  }
  return "?";
}

TimerMachine::TimerMachine(MachineHost& host, std::string timer_id,
                           std::chrono::milliseconds duration)
    : host_(host),
      timer_id_(std::move(timer_id)),
      machine_("TimerMachine", kTimerTransitions, TimerState::kCreated, TimerStateName,
               TimerEventName) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_START_TIMER);
  auto* attributes = command.mutable_start_timer_command_attributes();
  attributes->set_timer_id(timer_id_);
  temporal::detail::SetDuration(attributes->mutable_start_to_fire_timeout(), duration);
  host_.AddCommand(std::move(command), this);
}

std::string TimerMachine::Describe() const { return "timer " + timer_id_; }

void TimerMachine::OnCommandEvent(const HistoryEvent& event) {
  if (event.event_type() == enums::EVENT_TYPE_TIMER_STARTED) {
    if (event.timer_started_event_attributes().timer_id() != timer_id_) {
      throw NondeterminismError(event.event_id(),
                                "history started timer " +
                                    event.timer_started_event_attributes().timer_id() +
                                    " where the workflow started timer " + timer_id_);
    }
    machine_.Fire(TimerEvent::kTimerStarted, event.event_id());
  } else {
    machine_.Fire(TimerEvent::kTimerCanceled, event.event_id());
  }
}

void TimerMachine::OnFired(const HistoryEvent& event) {
  const TimerState before = machine_.state();
  machine_.Fire(TimerEvent::kTimerFired, event.event_id());
  if (before == TimerState::kCancelCommandCreated) {
    host_.RemoveUnsentCommand(this);
    return;  // the future already holds the cancellation
  }
  future_.state()->SetValue(Unit{});
}

void TimerMachine::Cancel() {
  const TimerState before = machine_.state();
  machine_.Fire(TimerEvent::kCancel, 0);
  if (before == TimerState::kCreated) {
    host_.RemoveUnsentCommand(this);
  } else if (before == TimerState::kStarted) {
    Command command;
    command.set_command_type(enums::COMMAND_TYPE_CANCEL_TIMER);
    command.mutable_cancel_timer_command_attributes()->set_timer_id(timer_id_);
    host_.AddCommand(std::move(command), this);
  }
  if (before == TimerState::kCreated || before == TimerState::kStarted) {
    future_.state()->SetException(
        std::make_exception_ptr(CanceledFailure("timer " + timer_id_ + " cancelled")));
  }
}

}  // namespace temporal::workflow::detail
