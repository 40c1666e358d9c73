// Private: the state machine of one activity scheduled by workflow code
// (ScheduleActivityTask / RequestCancelActivityTask and their events).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "temporal/workflow/workflow.h"
#include "workflow/machines/command_machine.h"
#include "workflow/machines/state_machine.h"

namespace temporal::workflow::detail {

enum class ActivityState {
  kCreated,               // command issued, not yet in history
  kScheduled,             // ActivityTaskScheduled seen
  kStarted,               // ActivityTaskStarted seen
  kCancelCommandCreated,  // RequestCancelActivityTask issued
  kCancelRequested,       // ActivityTaskCancelRequested seen; waiting for the outcome
  kCompleted,
  kFailed,
  kTimedOut,
  kCanceled,
  kCanceledBeforeSent,
  kAbandoned,  // cancelled with ABANDON: later events are ignored
};
enum class ActivityEvent {
  kScheduled,
  kStarted,
  kCompleted,
  kFailed,
  kTimedOut,
  kCancel,
  kCancelRequested,
  kCanceled,
};

const char* ActivityStateName(ActivityState state);
const char* ActivityEventName(ActivityEvent event);

using AS = ActivityState;
using AE = ActivityEvent;
// Transition table. Every (state, event) pair not listed is non-determinism.
inline constexpr std::array<Transition<AS, AE>, 36> kActivityTransitions{{
    {AS::kCreated, AE::kScheduled, AS::kScheduled},
    {AS::kCreated, AE::kCancel, AS::kCanceledBeforeSent},
    {AS::kScheduled, AE::kStarted, AS::kStarted},
    {AS::kScheduled, AE::kCompleted, AS::kCompleted},
    {AS::kScheduled, AE::kFailed, AS::kFailed},
    {AS::kScheduled, AE::kTimedOut, AS::kTimedOut},
    {AS::kScheduled, AE::kCancel, AS::kCancelCommandCreated},
    {AS::kStarted, AE::kCompleted, AS::kCompleted},
    {AS::kStarted, AE::kFailed, AS::kFailed},
    {AS::kStarted, AE::kTimedOut, AS::kTimedOut},
    {AS::kStarted, AE::kCancel, AS::kCancelCommandCreated},
    // The activity may finish before our cancel request went out (the run was
    // cancelled, and the activity's outcome arrived in the same workflow
    // task): the unsent request is withdrawn, as the Go SDK does
    // (removeCancelOfResolvedCommand). The server would refuse a cancel
    // request for a finished activity (BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES)
    // and the run would never finish cancelling.
    {AS::kCancelCommandCreated, AE::kCancelRequested, AS::kCancelRequested},
    {AS::kCancelCommandCreated, AE::kStarted, AS::kCancelCommandCreated},
    {AS::kCancelCommandCreated, AE::kCompleted, AS::kCompleted},
    {AS::kCancelCommandCreated, AE::kFailed, AS::kFailed},
    {AS::kCancelCommandCreated, AE::kTimedOut, AS::kTimedOut},
    {AS::kCancelCommandCreated, AE::kCancel, AS::kCancelCommandCreated},
    {AS::kCancelRequested, AE::kStarted, AS::kCancelRequested},
    {AS::kCancelRequested, AE::kCanceled, AS::kCanceled},
    {AS::kCancelRequested, AE::kCompleted, AS::kCompleted},
    {AS::kCancelRequested, AE::kFailed, AS::kFailed},
    {AS::kCancelRequested, AE::kTimedOut, AS::kTimedOut},
    {AS::kCancelRequested, AE::kCancel, AS::kCancelRequested},
    {AS::kCompleted, AE::kCancel, AS::kCompleted},
    {AS::kFailed, AE::kCancel, AS::kFailed},
    {AS::kTimedOut, AE::kCancel, AS::kTimedOut},
    {AS::kCanceled, AE::kCancel, AS::kCanceled},
    {AS::kCanceledBeforeSent, AE::kCancel, AS::kCanceledBeforeSent},
    {AS::kAbandoned, AE::kCancel, AS::kAbandoned},
    {AS::kAbandoned, AE::kScheduled, AS::kAbandoned},
    {AS::kAbandoned, AE::kStarted, AS::kAbandoned},
    {AS::kAbandoned, AE::kCompleted, AS::kAbandoned},
    {AS::kAbandoned, AE::kFailed, AS::kAbandoned},
    {AS::kAbandoned, AE::kTimedOut, AS::kAbandoned},
    {AS::kAbandoned, AE::kCanceled, AS::kAbandoned},
    {AS::kAbandoned, AE::kCancelRequested, AS::kAbandoned},
}};

class ActivityMachine : public CommandMachine {
 public:
  ActivityMachine(MachineHost& host, std::string activity_id, const std::string& activity_type,
                  const ActivityOptions& options, std::vector<Payload> arguments,
                  PayloadsCallback on_done);

  std::string Describe() const override;
  void OnCommandEvent(const HistoryEvent& event) override;
  /// OnResultEvent handles Started/Completed/Failed/TimedOut/Canceled.
  void OnResultEvent(const HistoryEvent& event);
  /// Cancel is called when the activity's scope is cancelled.
  void Cancel();

  std::int64_t scheduled_event_id() const { return scheduled_event_id_; }
  ActivityState state() const { return machine_.state(); }

 private:
  void Resolve(std::vector<Payload> result, std::exception_ptr error);
  std::exception_ptr ActivityFailureFrom(const temporal::api::failure::v1::Failure& cause,
                                         temporal::api::enums::v1::RetryState retry_state,
                                         std::int64_t started_event_id,
                                         const std::string& identity);

  MachineHost& host_;
  std::string activity_id_;
  std::string activity_type_;
  ActivityCancellationType cancellation_type_;
  std::int64_t scheduled_event_id_ = 0;
  StateMachine<AS, AE, kActivityTransitions.size()> machine_;
  PayloadsCallback on_done_;
  bool resolved_ = false;
};

}  // namespace temporal::workflow::detail
