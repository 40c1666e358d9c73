// Private: the workflow half of a Worker: pollers for the normal and the
// sticky task queue, bounded concurrent execution of workflow tasks, a
// deadlock watchdog, a bounded LRU cache of running workflow instances, and
// the responses (completed with commands and query answers, or failed).
//
// Threads: `workflow_pollers` pollers on the normal queue and
// `sticky_workflow_pollers` on the sticky queue only poll. A poller first
// takes an executor slot (at most max_concurrent_workflow_tasks), then polls;
// a task received goes to an executor (a thread of `executors_`, persistent:
// reused from task to task, started only when none is idle) that owns the
// slot until it is done. One watchdog thread fails tasks whose workflow code
// runs without yielding for longer than deadlock_detection_timeout.
//
// Invariants (guarded by mutex_):
// - running_ + reserved_ <= max_concurrent_workflow_tasks.
// - One run is processed by one thread at a time: a run id is in busy_runs_
//   while an executor works on it; tasks that arrive for it meanwhile wait in
//   its queue there and are run by that same executor, in order.
// - An execution is in watched_ exactly while its task's workflow code may run
//   (the instance it points to is alive); the watchdog reads only those.
//
// Lifetime: executor threads are detached and, while they execute, hold a
// shared_ptr to this object, because an execution whose code never yields
// cannot be joined: Shutdown waits for every other execution, then abandons
// those (logged), and the last of them to return destroys the worker. Such a
// thread stays busy in the pool; the pool starts another one in its place.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/client_core.h"
#include "temporal/worker/worker_options.h"
#include "worker/eager_activities.h"
#include "worker/executor_pool.h"
#include "worker/local_activity_executor.h"
#include "worker/worker_metrics.h"
#include "workflow/workflow_instance.h"

namespace temporal::detail {

class WorkflowWorker : public std::enable_shared_from_this<WorkflowWorker> {
 public:
  using WorkflowFunction = workflow::detail::WorkflowFunction;
  using PollResponse = temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse;

  WorkflowWorker(std::shared_ptr<ClientCore> client, WorkerOptions options);
  ~WorkflowWorker();

  void Register(const std::string& name, WorkflowFunction function);
  /// SetEagerActivities names the activity worker that runs activities the
  /// server hands back with a completion (worker/eager_activities.h). Call
  /// before Start; without it no eager execution is requested.
  void SetEagerActivities(std::shared_ptr<EagerActivities> eager) { eager_ = std::move(eager); }
  /// SetActivityLookup tells where local activities' functions are found (the
  /// worker's registered activities). Call before Start.
  void SetActivityLookup(LocalActivityExecutor::Lookup lookup) {
    activity_lookup_ = std::move(lookup);
  }
  bool empty() const { return workflows_.empty(); }
  /// ValidateOptions checks the workflow options (kInvalidArgument).
  Status ValidateOptions() const;
  /// Start starts the pollers and the watchdog; call on an object owned by a
  /// shared_ptr (executors keep it alive).
  void Start();
  /// Shutdown stops polling, waits for running tasks (except those declared
  /// deadlocked) and tells the server the sticky queue is gone. Final.
  void Shutdown();
  /// cached_runs returns how many runs the cache holds now.
  std::size_t cached_runs() const;

 private:
  struct CachedRun {
    std::unique_ptr<workflow::detail::WorkflowInstance> instance;  // owned by the busy executor
    /// mailbox receives the outcomes of the instance's local activities; a
    /// new instance gets a new one (outcomes for a replaced one are dropped).
    std::shared_ptr<LocalActivityMailbox> mailbox;
  };
  /// WatchedExecution is one workflow task whose code the watchdog watches.
  struct WatchedExecution {
    std::string task_token;
    int attempt = 0;
    std::string workflow_id;
    std::string workflow_type;
    std::string run_id;
    const workflow::detail::WorkflowInstance* instance = nullptr;
    bool poisoned = false;  // the watchdog failed the task; its outcome is discarded
  };
  class Watch;

  void PollLoop(bool sticky);
  void Dispatch(PollResponse task);
  void Execute(PollResponse task);
  void WatchdogLoop();
  void HandleTask(PollResponse task);
  /// RunLocalActivities starts the local activities the task's code asked
  /// for and feeds their outcomes back, one at a time, until none is left or
  /// 80% of the workflow task timeout since `task_started` has passed (or the
  /// worker is shutting down): then it returns true, and the task completes
  /// with force_create_new_workflow_task so the run's next task goes on
  /// waiting. Throws what the instance throws.
  bool RunLocalActivities(CachedRun& run, workflow::detail::WorkflowInstance& instance,
                          const PollResponse& task,
                          std::chrono::steady_clock::time_point task_started);
  /// RequestEagerActivities marks up to three of the completion's
  /// activities for eager execution, each with an activity slot reserved;
  /// returns how many.
  int RequestEagerActivities(
      temporal::api::workflowservice::v1::RespondWorkflowTaskCompletedRequest& request);
  void HandleLegacyQuery(PollResponse& task);
  void RespondQuery(temporal::api::workflowservice::v1::RespondQueryTaskCompletedRequest response);
  Result<std::unique_ptr<workflow::detail::WorkflowInstance>> NewInstance(const PollResponse& task);
  Status FetchFullHistory(const temporal::api::common::v1::WorkflowExecution& execution,
                          temporal::api::history::v1::History* history);
  Status FetchRemainingPages(const temporal::api::common::v1::WorkflowExecution& execution,
                             std::string token, temporal::api::history::v1::History* history);
  void RespondFailed(const std::string& task_token,
                     temporal::api::enums::v1::WorkflowTaskFailedCause cause,
                     temporal::api::failure::v1::Failure failure, int attempt);
  /// Lookup returns the run's cache entry, creating it (and evicting the
  /// least recently used run) when missing. Only for workflow tasks.
  std::shared_ptr<CachedRun> Lookup(const std::string& run_id);
  /// Find returns the run's cache entry or nullptr; it never inserts.
  std::shared_ptr<CachedRun> Find(const std::string& run_id);
  void Evict(const std::string& run_id);
  /// ReportSlots publishes the slot gauges; call with mutex_ held.
  void ReportSlots() const;

  std::shared_ptr<ClientCore> client_;
  WorkerOptions options_;
  std::string sticky_queue_;
  WorkerMetrics metrics_;
  std::map<std::string, WorkflowFunction> workflows_;        // written only before Start
  LocalActivityExecutor::Lookup activity_lookup_;            // written only before Start
  std::shared_ptr<EagerActivities> eager_;                   // written only before Start
  std::unique_ptr<LocalActivityExecutor> local_activities_;  // created by Start
  std::atomic<bool> shutting_down_{false};  // executors stop waiting for local activities
  CallCanceller canceller_;
  std::vector<std::thread> pollers_;
  std::thread watchdog_;
  ExecutorPool executors_;  // runs Execute; stopped by Shutdown

  std::mutex shutdown_mutex_;  // serializes Start and Shutdown
  bool started_ = false;       // guarded by shutdown_mutex_

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;  // guarded by mutex_; pollers stop
  bool stopped_ = false;   // guarded by mutex_; Shutdown returned: queued tasks are dropped
  int running_ = 0;        // guarded by mutex_; executor threads alive
  int reserved_ = 0;       // guarded by mutex_; slots taken by polls in flight
  int abandoned_ = 0;      // guarded by mutex_; running executors whose task is poisoned
  std::unordered_map<std::string, std::deque<PollResponse>> busy_runs_;  // guarded by mutex_
  std::set<WatchedExecution*> watched_;                                  // guarded by mutex_

  mutable std::mutex cache_mutex_;
  std::list<std::string> lru_;  // most recently used first; guarded by cache_mutex_
  std::unordered_map<std::string,
                     std::pair<std::shared_ptr<CachedRun>, std::list<std::string>::iterator>>
      cache_;  // guarded by cache_mutex_
};

}  // namespace temporal::detail
