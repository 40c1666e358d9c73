// Private: one activity attempt being run by a worker: its context, its
// cancellation state and its heartbeat throttle settings.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "temporal/activity/activity_context.h"

namespace temporal::detail {

class HeartbeatManager;

class ActivityExecution {
 public:
  ActivityExecution(ActivityInfo info, std::vector<Payload> last_heartbeat_details,
                    HeartbeatManager* heartbeats);

  ActivityContext& context() { return context_; }
  const ActivityInfo& info() const { return context_.info(); }

  /// RequestCancel fires the context's stop token, keeping the first reason.
  void RequestCancel(CancellationReason reason);
  CancellationReason cancellation_reason() const { return reason_.load(); }
  /// WaitForCancellation blocks until cancelled or timeout.
  bool WaitForCancellation(std::chrono::milliseconds timeout);

  /// Heartbeat hands the details to the worker's heartbeat manager.
  void Heartbeat(std::vector<Payload> details);

  /// HeartbeatThrottle is 0.8 x heartbeat timeout, 30 s when unset, at most 60 s
  /// (the official SDKs' rule).
  std::chrono::milliseconds HeartbeatThrottle() const;

 private:
  ActivityContext context_;
  HeartbeatManager* heartbeats_;
  std::atomic<CancellationReason> reason_{CancellationReason::kNone};
  std::mutex mutex_;
  std::condition_variable cancelled_;
};

}  // namespace temporal::detail
