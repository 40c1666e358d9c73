// Private: the state machine of one local activity call (ExecuteLocalActivity),
// from its first scheduling to its result, through any durable backoff timers.
//
// Live, each scheduling is a request to the worker's executor, whose outcome
// the machine records as a marker before it resolves the call. On replay the
// machine waits for that marker instead and never runs the function. A
// backoff outcome starts a durable timer; when it fires, the next attempt is a
// new scheduling (a new seq, so a new marker).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "temporal/workflow/workflow.h"
#include "workflow/local_activity_protocol.h"
#include "workflow/machines/state_machine.h"
#include "workflow/machines/timer_machine.h"

namespace temporal::workflow::detail {

enum class LocalActivityState {
  kExecuting,      // a scheduling runs in the worker
  kReplaying,      // a scheduling waits for its recorded marker
  kCancelWaiting,  // cancelled with kWaitCancellationCompleted: waits for the outcome
  kBackoff,        // a durable backoff timer runs before the next attempt
  kResolved,       // the call has its result (or failure)
};
enum class LocalActivityEvent {
  kFinalOutcome,    // completed, failed or cancelled (from the worker or a marker)
  kBackoffOutcome,  // failed, retry after a backoff longer than the local threshold
  kCancel,          // scope cancelled, kTryCancel or kAbandon
  kCancelAndWait,   // scope cancelled, kWaitCancellationCompleted
  kRetryLive,       // the backoff timer fired in a new task
  kRetryReplaying,  // the backoff timer fired in a replayed task
  kGoLive,          // replay ran out of history before the marker
};

const char* LocalActivityStateName(LocalActivityState state);
const char* LocalActivityEventName(LocalActivityEvent event);

using LS = LocalActivityState;
using LE = LocalActivityEvent;
// Transition table. Every (state, event) pair not listed is non-determinism.
inline constexpr std::array<Transition<LS, LE>, 22> kLocalActivityTransitions{{
    {LS::kExecuting, LE::kFinalOutcome, LS::kResolved},
    {LS::kExecuting, LE::kBackoffOutcome, LS::kBackoff},
    {LS::kExecuting, LE::kCancel, LS::kResolved},
    {LS::kExecuting, LE::kCancelAndWait, LS::kCancelWaiting},
    {LS::kReplaying, LE::kFinalOutcome, LS::kResolved},
    {LS::kReplaying, LE::kBackoffOutcome, LS::kBackoff},
    {LS::kReplaying, LE::kCancel, LS::kResolved},
    {LS::kReplaying, LE::kCancelAndWait, LS::kCancelWaiting},
    {LS::kReplaying, LE::kGoLive, LS::kExecuting},
    // Whatever the outcome after a cancel request, the call ends: a backoff
    // outcome is not retried (the caller asked to stop).
    {LS::kCancelWaiting, LE::kFinalOutcome, LS::kResolved},
    {LS::kCancelWaiting, LE::kBackoffOutcome, LS::kResolved},
    {LS::kCancelWaiting, LE::kCancel, LS::kCancelWaiting},
    {LS::kCancelWaiting, LE::kCancelAndWait, LS::kCancelWaiting},
    // A cancel-wait replayed up to the end of history: the attempt that was
    // running died with its worker, so the call ends cancelled now.
    {LS::kCancelWaiting, LE::kGoLive, LS::kResolved},
    {LS::kBackoff, LE::kRetryLive, LS::kExecuting},
    {LS::kBackoff, LE::kRetryReplaying, LS::kReplaying},
    {LS::kBackoff, LE::kCancel, LS::kResolved},
    {LS::kBackoff, LE::kCancelAndWait, LS::kResolved},
    // Cancelling a finished call is a no-op, as for every other command.
    {LS::kResolved, LE::kCancel, LS::kResolved},
    {LS::kResolved, LE::kCancelAndWait, LS::kResolved},
    // A late outcome of an abandoned or try-cancelled attempt is ignored.
    {LS::kResolved, LE::kFinalOutcome, LS::kResolved},
    {LS::kResolved, LE::kBackoffOutcome, LS::kResolved},
}};

/// LocalActivityHost is the workflow instance as a local activity sees it.
class LocalActivityHost {
 public:
  virtual ~LocalActivityHost() = default;
  /// NextLocalActivitySeq numbers a new scheduling.
  virtual int NextLocalActivitySeq() = 0;
  /// BeginScheduling registers `machine` as waiting for scheduling `request`
  /// (the instance routes the outcome or the marker back by seq); live, it
  /// also asks the worker to run it.
  virtual void BeginScheduling(class LocalActivityMachine* machine, LocalActivityRequest request,
                               bool live) = 0;
  /// EndScheduling forgets scheduling `seq` (resolved or cancelled).
  virtual void EndScheduling(int seq) = 0;
  /// CancelExecution asks the worker to stop scheduling `seq`'s attempt.
  virtual void CancelExecution(int seq) = 0;
  /// RecordLocalActivityMarker issues the RecordMarker command for `outcome`.
  virtual void RecordLocalActivityMarker(const LocalActivityRequest& request,
                                         const LocalActivityOutcome& outcome) = 0;
  /// StartBackoffTimer starts a durable timer outside any cancellation scope
  /// (the machine cancels it itself).
  virtual TimerMachine* StartBackoffTimer(std::chrono::milliseconds duration) = 0;
  virtual bool replaying() const = 0;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class LocalActivityMachine {
 public:
  /// LocalActivityMachine makes the first scheduling of the call (live or
  /// replaying, as the host is).
  LocalActivityMachine(LocalActivityHost& host, std::string activity_type,
                       LocalActivityOptions options, std::vector<Payload> arguments,
                       PayloadsCallback on_done);

  std::string Describe() const;
  /// OnOutcome applies the outcome of the current scheduling: from the worker
  /// (live: the marker is recorded here) or from its marker (replay: the
  /// marker command is issued again and matched against history).
  void OnOutcome(const LocalActivityOutcome& outcome, long long history_event_id);
  /// GoLive turns a scheduling that replay found no marker for into a live
  /// one (the worker that ran it is gone; it runs again).
  void GoLive();
  /// Cancel is called when the call's scope is cancelled.
  void Cancel();

  const std::string& activity_type() const { return activity_type_; }
  int seq() const { return current_.seq; }
  LocalActivityState state() const { return machine_.state(); }

 private:
  void Schedule(int attempt, std::chrono::system_clock::time_point original_schedule_time);
  void Resolve(std::vector<Payload> result, std::exception_ptr error);
  void ResolveCancelled(const std::string& why);
  std::exception_ptr ErrorFrom(const temporal::api::failure::v1::Failure& failure) const;
  LocalActivityOutcome CancelledOutcome(const std::string& why) const;

  LocalActivityHost& host_;
  std::string activity_type_;
  LocalActivityOptions options_;
  std::vector<Payload> arguments_;
  PayloadsCallback on_done_;
  LocalActivityRequest current_;  // the current scheduling (arguments moved out of it)
  TimerMachine* backoff_timer_ = nullptr;
  StateMachine<LS, LE, kLocalActivityTransitions.size()> machine_;
  bool resolved_ = false;
};

}  // namespace temporal::workflow::detail
