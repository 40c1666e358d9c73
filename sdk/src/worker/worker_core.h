// Private: the machinery behind temporal::Worker for activities: pollers,
// bounded concurrent execution, responses and graceful shutdown.
//
// Threads: `activity_pollers` poller threads, one executor thread per running
// activity (at most max_concurrent_activities; persistent: a pool thread
// reused from activity to activity, started only when none is idle), and the
// heartbeat manager's thread.
// Invariants (guarded by mutex_): running_ + reserved_ <= max_concurrent; an
// execution is in running_executions_ exactly while its function runs.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "activity/activity_execution.h"
#include "client/client_core.h"
#include "temporal/worker/worker.h"
#include "worker/eager_activities.h"
#include "worker/executor_pool.h"
#include "worker/heartbeat_manager.h"
#include "worker/worker_metrics.h"

namespace temporal::detail {

void SetCurrentActivityContext(ActivityContext* context);

class WorkerCore : public EagerActivities, public std::enable_shared_from_this<WorkerCore> {
 public:
  WorkerCore(std::shared_ptr<ClientCore> client, WorkerOptions options);
  ~WorkerCore();

  void Register(const std::string& name, ActivityFunction function);
  /// FindActivity returns the function registered as `name`, or nullptr.
  /// Thread-safe once Start has run (registration ends there).
  const ActivityFunction* FindActivity(const std::string& name) const {
    auto it = activities_.find(name);
    return it == activities_.end() ? nullptr : &it->second;
  }
  /// Start starts the activity pollers (none when no activity is registered
  /// and `allow_no_activities`: a workflow-only worker). Call it on an object
  /// owned by a shared_ptr: activity threads keep it alive, since one that
  /// ignores cancellation may outlive Shutdown.
  Status Start(bool allow_no_activities = false);
  /// CheckNamespace asks the server for the client's namespace: kNotFound
  /// naming it (and the server) when it does not exist. A server that does
  /// not answer is logged and passes (the pollers retry until it does).
  Status CheckNamespace() const;
  void Shutdown();
  void WaitUntilShutdown();

  // EagerActivities (worker/eager_activities.h): activity tasks handed back
  // with a workflow task's completion instead of polled.
  bool TryReserveEagerSlot(const std::string& activity_type) override;
  void ReleaseEagerSlots(int count) override;
  void RunEager(temporal::api::workflowservice::v1::PollActivityTaskQueueResponse task) override;
  const WorkerOptions& options() const { return options_; }

 private:
  enum class PollHealth { kHealthy, kFailing };

  void PollLoop();
  /// Launch records the task's schedule-to-start latency and hands it to an
  /// executor; its slot is already counted in running_. Polled and eager
  /// tasks both start here.
  void Launch(temporal::api::workflowservice::v1::PollActivityTaskQueueResponse task);
  void Execute(temporal::api::workflowservice::v1::PollActivityTaskQueueResponse task);
  void Respond(ActivityExecution& execution, std::exception_ptr error, std::vector<Payload> result,
               std::optional<std::vector<Payload>> last_heartbeat_details);
  void RespondFailed(const std::string& task_token, temporal::api::failure::v1::Failure failure,
                     const ActivityInfo& info,
                     std::optional<std::vector<Payload>> last_heartbeat_details = std::nullopt);
  std::string RegisteredTypes() const;
  void ReportPollHealth(PollHealth health, const std::string& detail);
  /// ReportSlots publishes the slot gauges; call with mutex_ held.
  void ReportSlots() const;

  std::shared_ptr<ClientCore> client_;
  WorkerOptions options_;
  std::map<std::string, ActivityFunction> activities_;  // written only before Start
  WorkerMetrics metrics_;
  std::unique_ptr<HeartbeatManager> heartbeats_;
  CallCanceller poll_canceller_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool started_ = false;            // guarded by mutex_
  bool stopping_ = false;           // guarded by mutex_
  bool stopped_ = false;            // guarded by mutex_; grace period over
  bool shutdown_complete_ = false;  // guarded by mutex_
  int running_ = 0;                 // guarded by mutex_
  int abandoned_ = 0;  // guarded by mutex_; still running after Shutdown gave up on them
  int reserved_ = 0;   // guarded by mutex_; by polls in flight and eager reservations
  std::set<ActivityExecution*> running_executions_;  // guarded by mutex_
  PollHealth poll_health_ = PollHealth::kHealthy;    // guarded by mutex_
  std::vector<std::thread> pollers_;
  ExecutorPool executors_;  // runs Execute; stopped by Shutdown
};

}  // namespace temporal::detail
