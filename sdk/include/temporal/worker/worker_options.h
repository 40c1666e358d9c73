// temporal/worker/worker_options.h: how a Worker polls and runs tasks.
#pragma once

#include <chrono>
#include <string>

namespace temporal {

/// WorkerOptions configures a Worker. `task_queue` is required.
struct WorkerOptions {
  /// task_queue is the queue this worker polls.
  std::string task_queue;
  /// max_concurrent_activities bounds the activities running at once; a poller
  /// waits for a free slot before it asks the server for more work.
  int max_concurrent_activities = 100;
  /// activity_pollers is the number of concurrent PollActivityTaskQueue calls.
  int activity_pollers = 2;
  /// graceful_shutdown_timeout is how long Shutdown lets running activities
  /// finish before it cancels them (reason kWorkerShutdown).
  std::chrono::milliseconds graceful_shutdown_timeout{10000};
  /// poll_backoff_initial / poll_backoff_maximum: how failed polls (server
  /// unreachable) are retried: exponential backoff, capped.
  std::chrono::milliseconds poll_backoff_initial{200};
  std::chrono::milliseconds poll_backoff_maximum{10000};
  /// workflow_pollers is the number of concurrent PollWorkflowTaskQueue calls
  /// on the normal queue; one more polls the worker's sticky queue.
  int workflow_pollers = 1;
  /// max_cached_workflows bounds the runs kept in memory between tasks (LRU);
  /// a run not in the cache is rebuilt by replaying its whole history.
  int max_cached_workflows = 1000;
  /// sticky_schedule_to_start_timeout: how long the server waits for this
  /// worker's sticky queue before handing a task to any worker.
  std::chrono::milliseconds sticky_schedule_to_start_timeout{5000};
  /// identity overrides the client's identity for this worker's tasks.
  std::string identity;
};

}  // namespace temporal
