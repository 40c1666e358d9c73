// Private: runs local activities for the workflow worker, in this process.
//
// The workflow worker starts one scheduling (workflow/local_activity_protocol.h)
// per request a workflow task produced; the executor runs its attempts, retries
// them locally while the backoff is within the local retry threshold, and posts
// exactly one outcome to the run's mailbox, which the workflow worker waits on
// while it keeps the workflow task open.
//
// Threads: one coordinator thread per scheduling (it waits for a slot, runs
// the attempts, sleeps the local backoffs) and one thread per attempt (so an
// attempt that overruns its start-to-close timeout can be left behind: a
// thread cannot be stopped, only asked to stop through its stop token).
// Invariants (guarded by mutex_): used_ <= max_concurrent; a scheduling is in
// running_ from Start until its outcome is posted.
//
// Lifetime: threads hold a shared_ptr to the executor's state, so an attempt
// that never returns outlives Shutdown (logged) without dangling.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "temporal/worker/worker.h"
#include "worker/worker_metrics.h"
#include "workflow/local_activity_protocol.h"

namespace temporal::detail {

/// LocalActivityMailbox receives the outcomes of one cached run's local
/// activities. Thread-safe.
class LocalActivityMailbox {
 public:
  using Outcome = workflow::detail::LocalActivityOutcome;
  void Post(Outcome outcome);
  /// WaitUntil blocks until an outcome is there or `deadline` passes; true
  /// when an outcome is there.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline);
  /// TakeOne returns the oldest outcome, if any.
  std::optional<Outcome> TakeOne();

 private:
  std::mutex mutex_;
  std::condition_variable posted_;
  std::deque<Outcome> outcomes_;
};

/// LocalActivityTarget says which run a scheduling belongs to.
struct LocalActivityTarget {
  std::string namespace_;
  std::string task_queue;
  std::string workflow_id;
  std::string run_id;
  std::string workflow_type;
};

class LocalActivityExecutor {
 public:
  using Lookup = std::function<const ActivityFunction*(const std::string& activity_type)>;

  LocalActivityExecutor(int max_concurrent, Lookup lookup, const WorkerMetrics* metrics);
  ~LocalActivityExecutor();
  LocalActivityExecutor(const LocalActivityExecutor&) = delete;
  LocalActivityExecutor& operator=(const LocalActivityExecutor&) = delete;

  /// Start runs `request` for `target` and posts its outcome to `mailbox`.
  void Start(std::shared_ptr<LocalActivityMailbox> mailbox, const LocalActivityTarget& target,
             workflow::detail::LocalActivityRequest request);
  /// Cancel asks scheduling `seq` of `mailbox`'s run to stop: its running
  /// attempt's stop token fires, and it ends with a cancelled outcome.
  void Cancel(const LocalActivityMailbox* mailbox, int seq);
  /// Shutdown cancels every scheduling (reason kWorkerShutdown) and waits up
  /// to `wait` for them to end. Final: later Starts are cancelled at once.
  void Shutdown(std::chrono::milliseconds wait);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace temporal::detail
