#include "temporal/activity/activity_context.h"

#include "activity/activity_execution.h"
#include "temporal/failure.h"
#include "worker/heartbeat_manager.h"

namespace temporal {
namespace detail {
namespace {
thread_local ActivityContext* current_context = nullptr;
}  // namespace

void SetCurrentActivityContext(ActivityContext* context) { current_context = context; }

ActivityExecution::ActivityExecution(ActivityInfo info, std::vector<Payload> last_heartbeat_details,
                                     HeartbeatManager* heartbeats)
    : context_(std::move(info), std::move(last_heartbeat_details), this), heartbeats_(heartbeats) {}

void ActivityExecution::RequestCancel(CancellationReason reason) {
  {
    std::lock_guard lock(mutex_);
    CancellationReason expected = CancellationReason::kNone;
    reason_.compare_exchange_strong(expected, reason);
  }
  context_.stop_source_.request_stop();
  cancelled_.notify_all();
}

bool ActivityExecution::WaitForCancellation(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cancelled_.wait_for(lock, timeout,
                             [&] { return reason_.load() != CancellationReason::kNone; });
}

void ActivityExecution::Heartbeat(std::vector<Payload> details) {
  if (heartbeats_ != nullptr) heartbeats_->Record(this, std::move(details));
}

std::chrono::milliseconds ActivityExecution::HeartbeatThrottle() const {
  using std::chrono::milliseconds;
  const milliseconds timeout = info().heartbeat_timeout;
  if (timeout.count() <= 0) return milliseconds(30000);
  return std::min(milliseconds(timeout.count() * 4 / 5), milliseconds(60000));
}

}  // namespace detail

ActivityContext* ActivityContext::Current() { return detail::current_context; }

ActivityContext::ActivityContext(ActivityInfo info, std::vector<Payload> last_heartbeat_details,
                                 detail::ActivityExecution* execution)
    : info_(std::move(info)),
      last_heartbeat_details_(std::move(last_heartbeat_details)),
      execution_(execution) {}

void ActivityContext::HeartbeatPayloads(std::vector<Payload> details) {
  execution_->Heartbeat(std::move(details));
}

CancellationReason ActivityContext::cancellation_reason() const {
  return execution_->cancellation_reason();
}

void ActivityContext::ThrowIfCancelled() const {
  if (!IsCancelled()) return;
  switch (cancellation_reason()) {
    case CancellationReason::kWorkerShutdown:
      throw CanceledFailure("activity cancelled: the worker is shutting down");
    case CancellationReason::kGone:
      throw CanceledFailure("activity cancelled: the server no longer knows this attempt");
    default:
      throw CanceledFailure("activity cancelled");
  }
}

bool ActivityContext::WaitForCancellation(std::chrono::milliseconds timeout) const {
  return execution_->WaitForCancellation(timeout);
}

void ActivityContext::CompleteAsync() { completes_async_ = true; }

}  // namespace temporal
