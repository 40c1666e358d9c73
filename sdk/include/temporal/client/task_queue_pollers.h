// temporal/client/task_queue_pollers.h: which workers poll a task queue
// (DescribeTaskQueue), for readiness checks and operators' views.
//
//   auto pollers = temporal::DescribeTaskQueuePollers(client, "provisio",
//                                                     temporal::TaskQueueKind::kWorkflow);
//   if (pollers && !pollers->empty()) ... someone serves the queue ...
//
// The server lists a worker for a few minutes after its last poll: a worker
// that has just stopped may still be listed, and one that has just started
// may need a moment (its first poll) to appear.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "temporal/client/client.h"
#include "temporal/error.h"

namespace temporal {

/// TaskQueueKind says which tasks of a queue: workflow tasks or activity tasks
/// (a worker polls the two separately).
enum class TaskQueueKind { kWorkflow, kActivity };

/// TaskQueuePoller is one worker seen polling.
struct TaskQueuePoller {
  /// identity is the worker's (WorkerOptions::identity, "<pid>@<host>" by default).
  std::string identity;
  std::chrono::system_clock::time_point last_access;
};

/// DescribeTaskQueuePollers lists the workers that polled `task_queue` for
/// `kind` tasks lately. An unknown queue is an empty list, not an error.
Result<std::vector<TaskQueuePoller>> DescribeTaskQueuePollers(const Client& client,
                                                              const std::string& task_queue,
                                                              TaskQueueKind kind);

}  // namespace temporal
