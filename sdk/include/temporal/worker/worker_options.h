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
  /// identity overrides the client's identity for this worker's tasks.
  std::string identity;
};

}  // namespace temporal
