// Private: sends the heartbeats of one worker's running activities.
//
// Activities call Record() from their own threads; one background thread sends
// at most one RecordActivityTaskHeartbeat per activity per throttle interval,
// always with the latest details, and turns "cancel requested" (or "not found")
// answers into cancellation of that activity. Sending from a separate thread
// keeps a slow server from stalling activity code.
//
// Thread-safety: every public method may be called from any thread. Invariant:
// an execution is referenced here only between its first Record() and Forget().
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "activity/activity_execution.h"
#include "client/client_core.h"

namespace temporal::detail {

class HeartbeatManager {
 public:
  HeartbeatManager(std::shared_ptr<ClientCore> core, std::string identity);
  ~HeartbeatManager();

  /// Record queues `details` as the execution's latest heartbeat.
  void Record(ActivityExecution* execution, std::vector<Payload> details);
  /// Forget drops the execution (its activity finished); waits out a send in
  /// flight for it. Returns the latest details it recorded, sent or not, which a
  /// failure report carries as last_heartbeat_details so the next attempt sees
  /// them even when the throttle held them back.
  std::optional<std::vector<Payload>> Forget(ActivityExecution* execution);

 private:
  struct Entry {
    std::optional<std::vector<Payload>> pending;
    std::vector<Payload> latest;
    std::chrono::steady_clock::time_point next_allowed;
  };

  void Loop();
  void Send(ActivityExecution* execution, std::vector<Payload> details);

  std::shared_ptr<ClientCore> core_;
  std::string identity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<ActivityExecution*, Entry> entries_;  // guarded by mutex_
  ActivityExecution* sending_ = nullptr;         // guarded by mutex_
  bool stopping_ = false;                        // guarded by mutex_
  std::thread thread_;
};

}  // namespace temporal::detail
