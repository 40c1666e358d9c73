// Private: the workflow half of a Worker: pollers for the normal and the
// sticky task queue, a bounded LRU cache of running workflow instances, and
// the responses (completed with commands and query answers, or failed).
//
// Threads: `workflow_pollers` pollers on the normal queue plus one on the
// sticky queue; each handles the task it received before polling again.
// Invariant: one run is processed by one thread at a time (CachedRun::mutex).
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/client_core.h"
#include "temporal/worker/worker_options.h"
#include "workflow/workflow_instance.h"

namespace temporal::detail {

class WorkflowWorker {
 public:
  using WorkflowFunction = workflow::detail::WorkflowFunction;

  WorkflowWorker(std::shared_ptr<ClientCore> client, WorkerOptions options);
  ~WorkflowWorker();

  void Register(const std::string& name, WorkflowFunction function);
  bool empty() const { return workflows_.empty(); }
  void Start();
  void Shutdown();
  /// cached_runs returns how many runs the cache holds now.
  std::size_t cached_runs() const;

 private:
  struct CachedRun {
    std::mutex mutex;
    std::unique_ptr<workflow::detail::WorkflowInstance> instance;  // guarded by mutex
  };

  void PollLoop(bool sticky);
  void HandleTask(temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse task);
  void HandleLegacyQuery(
      const temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task,
      CachedRun& run);
  Result<std::unique_ptr<workflow::detail::WorkflowInstance>> NewInstance(
      const temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task);
  Status FetchFullHistory(const temporal::api::common::v1::WorkflowExecution& execution,
                          temporal::api::history::v1::History* history);
  Status FetchRemainingPages(const temporal::api::common::v1::WorkflowExecution& execution,
                             std::string token, temporal::api::history::v1::History* history);
  void RespondFailed(const std::string& task_token,
                     temporal::api::enums::v1::WorkflowTaskFailedCause cause,
                     temporal::api::failure::v1::Failure failure, int attempt);
  std::shared_ptr<CachedRun> Lookup(const std::string& run_id);
  void Evict(const std::string& run_id);

  std::shared_ptr<ClientCore> client_;
  WorkerOptions options_;
  std::string sticky_queue_;
  std::map<std::string, WorkflowFunction> workflows_;  // written only before Start
  CallCanceller canceller_;
  std::vector<std::thread> pollers_;
  bool started_ = false;

  mutable std::mutex cache_mutex_;
  std::list<std::string> lru_;  // most recently used first; guarded by cache_mutex_
  std::unordered_map<std::string,
                     std::pair<std::shared_ptr<CachedRun>, std::list<std::string>::iterator>>
      cache_;  // guarded by cache_mutex_
};

}  // namespace temporal::detail
