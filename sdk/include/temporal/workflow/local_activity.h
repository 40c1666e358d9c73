// temporal/workflow/local_activity.h: activities run by the workflow's own worker.
//
// A local activity is an activity function registered on the worker (the same
// RegisterActivity), run in the worker process that runs the workflow task,
// without a round trip through the server's task queue. Use it for short
// things the workflow needs at once: validating a request, reading a team from
// a database, computing a name. Its result is recorded in history as a marker,
// so replay reads the marker and never runs the function again.
//
//   namespace wf = temporal::workflow;
//
//   wf::LocalActivityOptions options;
//   options.start_to_close_timeout = std::chrono::seconds(5);
//   options.retry_policy = temporal::RetryPolicy{.maximum_attempts = 3};
//   Team team = co_await wf::ExecuteLocalActivity<Team>("LookupTeam", options, request.team);
//
// How it differs from ExecuteActivity:
// - The workflow task stays open while local activities run. One that outlives
//   80% of the workflow task timeout keeps it alive: the worker completes the
//   task with force_create_new_workflow_task (and the commands issued so far),
//   and goes on waiting in the next task. Many slow local activities are fine.
// - Retries happen in the worker. A backoff longer than local_retry_threshold
//   becomes a durable timer in history, then the next attempt runs.
// - There is no heartbeat to the server (ActivityContext::Heartbeat does
//   nothing); cancellation reaches the function through its stop token.
// - A worker that dies mid-activity loses the attempt: the next worker replays
//   the history, finds no marker, and runs the activity again. Keep local
//   activities idempotent, as every activity should be.
//
// The marker format is documented in docs/determinism.md ("Local activities").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "temporal/common/retry_policy.h"
#include "temporal/converter/payload.h"
#include "temporal/failure.h"
#include "temporal/workflow/future.h"
#include "temporal/workflow/workflow.h"

namespace temporal::workflow {

/// LocalActivityOptions configures ExecuteLocalActivity. At least one of
/// start_to_close_timeout and schedule_to_close_timeout is required; a call
/// without either fails at once with an ApplicationFailure of type
/// "InvalidArgument".
struct LocalActivityOptions {
  /// schedule_to_close_timeout bounds the whole activity, every attempt and
  /// every backoff included, from the first schedule.
  std::optional<std::chrono::milliseconds> schedule_to_close_timeout;
  /// start_to_close_timeout bounds one attempt. An attempt that overruns it is
  /// asked to stop (its stop token fires) and counts as failed with a
  /// START_TO_CLOSE timeout; it is retried under the retry policy.
  std::optional<std::chrono::milliseconds> start_to_close_timeout;
  /// schedule_to_start_timeout bounds the wait for a free local-activity slot
  /// in the worker (WorkerOptions::max_concurrent_local_activities).
  std::optional<std::chrono::milliseconds> schedule_to_start_timeout;
  /// retry_policy: unset fields take the server's defaults (1 s, 2.0, 100 x
  /// initial, unlimited attempts), as for ordinary activities.
  std::optional<RetryPolicy> retry_policy;
  /// local_retry_threshold: a backoff up to this long is waited in the worker;
  /// a longer one becomes a durable timer (visible in history).
  std::chrono::milliseconds local_retry_threshold{60000};
  /// cancellation_type: kTryCancel and kAbandon resolve the Future with a
  /// CanceledFailure at once (kTryCancel also fires the running attempt's stop
  /// token); kWaitCancellationCompleted fires it and waits for the function to
  /// return, whose outcome is then the activity's.
  ActivityCancellationType cancellation_type = ActivityCancellationType::kTryCancel;
  /// activity_id defaults to the local activity's sequence number.
  std::string activity_id;
};

namespace detail {
void ScheduleLocalActivity(const std::string& activity_type, const LocalActivityOptions& options,
                           std::vector<Payload> arguments, PayloadsCallback on_done);
}  // namespace detail

/// ExecuteLocalActivity runs activity `activity_type` with `args` in this
/// worker; the Future gives its result as T, or throws FailureError (an
/// ActivityFailure whose cause says why: the function's ApplicationFailure, a
/// TimeoutFailure, or a CanceledFailure).
template <typename T, typename... Args>
Future<T> ExecuteLocalActivity(const std::string& activity_type,
                               const LocalActivityOptions& options, const Args&... args) {
  return detail::ScheduleTyped<T>(
      "local activity " + activity_type,
      [&](std::vector<Payload> payloads, detail::PayloadsCallback on_done) {
        detail::ScheduleLocalActivity(activity_type, options, std::move(payloads),
                                      std::move(on_done));
      },
      args...);
}

}  // namespace temporal::workflow
