// temporal/worker/worker_options.h: how a Worker polls and runs tasks.
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace temporal {

class MetricsHandler;  // temporal/worker/metrics.h

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
  /// shutdown_cancel_wait bounds how long Shutdown then waits for cancelled
  /// activities to return. An activity that ignores its cancellation is
  /// abandoned after it (logged): its thread runs on, its outcome is still
  /// reported if it ever returns, and Shutdown returns.
  std::chrono::milliseconds shutdown_cancel_wait{5000};
  /// poll_backoff_initial / poll_backoff_maximum: how failed polls (server
  /// unreachable) are retried: exponential backoff, capped.
  std::chrono::milliseconds poll_backoff_initial{200};
  std::chrono::milliseconds poll_backoff_maximum{10000};
  /// disable_eager_activities turns off eager activity execution. By
  /// default, when a workflow task schedules an activity on this worker's own
  /// task queue, of a type registered here, and an activity slot is free, the
  /// worker reserves the slot and asks the server to hand the activity task
  /// back with the task's completion (at most three per workflow task),
  /// saving a poll round trip; the official SDKs do the same. The server
  /// grants it when its dynamic config system.enableActivityEagerExecution is
  /// on; otherwise, or when the server matches the activity to a poller
  /// instead, the slot is given back. Turn it off to spread activities over
  /// every worker of the queue by polling alone.
  bool disable_eager_activities = false;
  /// workflow_pollers is the number of concurrent PollWorkflowTaskQueue calls
  /// on the normal queue (new runs, and runs not in this worker's cache).
  int workflow_pollers = 1;
  /// sticky_workflow_pollers is the number of concurrent polls of this
  /// worker's own sticky queue, where the server sends the next tasks of the
  /// runs this worker has cached. Several, so that a burst of tasks is taken
  /// before the sticky_schedule_to_start_timeout sends them elsewhere. Zero
  /// turns stickiness off: every task then carries the whole history.
  int sticky_workflow_pollers = 4;
  /// max_concurrent_workflow_tasks bounds the workflow tasks executing at
  /// once (each on its own thread). A poller waits for a free slot before it
  /// asks the server for work, so a task is never received without room to
  /// run it. The tasks of one run are never executed concurrently.
  int max_concurrent_workflow_tasks = 100;
  /// max_concurrent_local_activities bounds the local activities
  /// (ExecuteLocalActivity) running at once in this worker; more wait for a
  /// slot, within their schedule_to_start_timeout.
  int max_concurrent_local_activities = 100;
  /// deadlock_detection_timeout is how long workflow code may run without
  /// yielding (between two suspension points, such as co_await of a timer or
  /// an activity) before the worker declares a potential deadlock, as the Go
  /// SDK does: it logs an error, fails the workflow task (cause
  /// WORKFLOW_WORKER_UNHANDLED_FAILURE, message "[TMPRL1101] Potential
  /// deadlock detected ..." naming the workflow), evicts the run and discards
  /// whatever the code produces when it finally returns. A thread cannot be
  /// preempted: the task keeps its executor slot (and its thread) until the
  /// code returns, so code that spins forever holds one slot forever; the run
  /// itself makes progress again only once its code returns. Zero disables the
  /// detection (for stepping through workflow code in a debugger); Shutdown
  /// then waits for such code to return.
  std::chrono::milliseconds deadlock_detection_timeout{1000};
  /// max_cached_workflows bounds the runs kept in memory between tasks (LRU);
  /// a run not in the cache is rebuilt by replaying its whole history.
  int max_cached_workflows = 1000;
  /// sticky_schedule_to_start_timeout: how long the server waits for this
  /// worker's sticky queue before handing a task to any worker.
  std::chrono::milliseconds sticky_schedule_to_start_timeout{5000};
  /// identity overrides the client's identity for this worker's tasks.
  std::string identity;
  /// metrics receives the worker's measurements (temporal/worker/metrics.h);
  /// none are taken when it is empty.
  std::shared_ptr<MetricsHandler> metrics;
};

}  // namespace temporal
