// temporal/client/async_activity_handle.h: complete an activity from outside
// the worker that started it (asynchronous activity completion).
//
// An activity that calls ActivityContext::CompleteAsync() returns without a
// result; whoever holds its task token (or its workflow id + activity id) later
// completes it:
//
//   auto activity = client->GetAsyncActivityHandle(task_token);
//   activity.Heartbeat(progress);
//   activity.Complete(result);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "temporal/converter/payload.h"
#include "temporal/error.h"
#include "temporal/failure.h"

namespace temporal {

namespace detail {
class ClientCore;
}

/// AsyncActivityHandle addresses one activity attempt by task token, or an
/// activity by (workflow id, run id, activity id).
class AsyncActivityHandle {
 public:
  /// Complete completes the activity with `result`.
  template <typename T>
  Status Complete(const T& result) const {
    Result<std::vector<Payload>> payloads = ToPayloads(result);
    if (!payloads) return payloads.error();
    return CompletePayloads(std::move(*payloads));
  }
  /// Complete with no result.
  Status Complete() const { return CompletePayloads({}); }
  Status CompletePayloads(std::vector<Payload> result) const;
  /// Fail fails the attempt; the server retries per the activity's retry policy.
  Status Fail(const ApplicationFailure& failure) const;
  /// ReportCancellation tells the server the activity honoured a cancel request.
  Status ReportCancellation() const;
  /// Heartbeat records progress. It returns kCancelled when the server asks the
  /// activity to cancel, kNotFound when the activity no longer exists.
  template <typename... Args>
  Status Heartbeat(const Args&... details) const {
    Result<std::vector<Payload>> payloads = ToPayloads(details...);
    if (!payloads) return payloads.error();
    return HeartbeatPayloads(std::move(*payloads));
  }
  Status HeartbeatPayloads(std::vector<Payload> details) const;

 private:
  friend class Client;
  AsyncActivityHandle(std::shared_ptr<detail::ClientCore> core, std::string task_token,
                      std::string workflow_id, std::string run_id, std::string activity_id);

  std::shared_ptr<detail::ClientCore> core_;
  std::string task_token_;
  std::string workflow_id_;
  std::string run_id_;
  std::string activity_id_;
};

}  // namespace temporal
