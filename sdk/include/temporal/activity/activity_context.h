// temporal/activity/activity_context.h: what a running activity can see and do.
//
// An activity function may take `temporal::ActivityContext&` as its first
// parameter (the worker passes it), or reach it with ActivityContext::Current()
// from the activity's thread.
//
// Example (a long resource operation that heartbeats progress, resumes where the
// previous attempt stopped and honours cancellation):
//
//   std::string Provision(temporal::ActivityContext& context, std::string resource) {
//     int done = context.HeartbeatDetails<int>().value_or(0);   // from the last attempt
//     for (int step = done; step < 10; ++step) {
//       context.ThrowIfCancelled();       // CanceledFailure when the workflow cancels us
//       DoStep(resource, step);
//       context.Heartbeat(step + 1);      // throttled; also how cancellation arrives
//     }
//     return "ready";
//   }
//
// Cancellation reaches an activity only through heartbeats (the server answers a
// heartbeat with "cancel requested"), or when its worker shuts down. An activity
// that never heartbeats cannot be cancelled.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "temporal/converter/payload.h"
#include "temporal/error.h"

namespace temporal {

namespace detail {
class ActivityExecution;
}

/// ActivityInfo describes the activity attempt being run.
struct ActivityInfo {
  std::string task_token;
  std::string namespace_;
  std::string task_queue;
  std::string workflow_id;
  std::string workflow_run_id;
  std::string workflow_type;
  std::string activity_id;
  std::string activity_type;
  /// attempt starts at 1.
  int attempt = 1;
  std::chrono::system_clock::time_point scheduled_time;
  std::chrono::system_clock::time_point current_attempt_scheduled_time;
  std::chrono::system_clock::time_point started_time;
  std::chrono::milliseconds heartbeat_timeout{0};
  std::chrono::milliseconds start_to_close_timeout{0};
  std::chrono::milliseconds schedule_to_close_timeout{0};
  /// is_local tells a local activity (ExecuteLocalActivity): it runs in the
  /// workflow's worker, has no task token, and its heartbeats go nowhere.
  bool is_local = false;
};

/// CancellationReason says why an activity's cancellation token fired.
enum class CancellationReason {
  kNone,
  /// The workflow (or a client) asked for the activity to be cancelled.
  kRequested,
  /// The worker is shutting down and its grace period is over.
  kWorkerShutdown,
  /// The server no longer knows this attempt (it timed out or was completed elsewhere).
  kGone,
};

/// ActivityContext belongs to one activity attempt; it is valid until the
/// activity function returns. Thread-safe.
class ActivityContext {
 public:
  /// Current returns the context of the activity running on this thread, or
  /// nullptr outside an activity.
  static ActivityContext* Current();

  /// info describes this attempt.
  const ActivityInfo& info() const { return info_; }

  /// Heartbeat records progress `details` and tells the server the activity is
  /// alive. Calls are throttled (at most one RPC per 0.8 x heartbeat timeout,
  /// 30 s when no timeout is set, at most 60 s); the latest details win.
  template <typename... Args>
  void Heartbeat(const Args&... details) {
    Result<std::vector<Payload>> payloads = ToPayloads(details...);
    HeartbeatPayloads(payloads ? std::move(*payloads) : std::vector<Payload>{});
  }
  void HeartbeatPayloads(std::vector<Payload> details);

  /// HeartbeatDetails returns the first detail of the previous attempt's last
  /// heartbeat, decoded as T; nullopt when there was none or it does not decode.
  template <typename T>
  std::optional<T> HeartbeatDetails(int index = 0) const {
    if (index < 0 || static_cast<std::size_t>(index) >= last_heartbeat_details_.size())
      return std::nullopt;
    Result<T> value = FromPayload<T>(last_heartbeat_details_[static_cast<std::size_t>(index)]);
    if (!value) return std::nullopt;
    return std::move(*value);
  }
  /// last_heartbeat_details returns the previous attempt's details, decoded by the codec.
  const std::vector<Payload>& last_heartbeat_details() const { return last_heartbeat_details_; }

  /// stop_token fires when the activity should stop (see cancellation_reason).
  std::stop_token stop_token() const { return stop_source_.get_token(); }
  /// IsCancelled tells whether the activity should stop.
  bool IsCancelled() const { return stop_source_.stop_requested(); }
  /// cancellation_reason says why; kNone while not cancelled.
  CancellationReason cancellation_reason() const;
  /// ThrowIfCancelled throws temporal::CanceledFailure once cancelled.
  void ThrowIfCancelled() const;
  /// WaitForCancellation blocks until cancelled or `timeout` passes; returns IsCancelled().
  bool WaitForCancellation(std::chrono::milliseconds timeout) const;

  /// CompleteAsync tells the worker the activity will be completed later by
  /// someone holding info().task_token (Client::GetAsyncActivityHandle); the
  /// worker sends no response when the function returns.
  void CompleteAsync();
  bool completes_async() const { return completes_async_; }

 private:
  friend class detail::ActivityExecution;
  ActivityContext(ActivityInfo info, std::vector<Payload> last_heartbeat_details,
                  detail::ActivityExecution* execution);

  ActivityInfo info_;
  std::vector<Payload> last_heartbeat_details_;
  detail::ActivityExecution* execution_;
  std::stop_source stop_source_;
  bool completes_async_ = false;
};

}  // namespace temporal
