#include "workflows/activity_options.h"

#include <chrono>

namespace provisio::workflows {

namespace wf = temporal::workflow;
using namespace std::chrono_literals;

namespace {
// Set once by the worker's main before it polls; read by workflow code after.
std::chrono::seconds runner_heartbeat_timeout = 60s;
}  // namespace

void SetRunnerHeartbeatTimeout(std::chrono::seconds timeout) { runner_heartbeat_timeout = timeout; }

wf::ActivityOptions PlatformActivity() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = 30s;
  temporal::RetryPolicy retry;
  retry.initial_interval = 1s;
  retry.maximum_interval = 30s;
  options.retry_policy = retry;
  return options;
}

wf::ActivityOptions RunnerActivity(int attempts) {
  wf::ActivityOptions options;
  options.task_queue = kRunnerTaskQueue;
  options.start_to_close_timeout = 30min;
  // The runner heartbeats at least every few seconds: a dead runner is
  // noticed within this, and the apply retried (it resumes or adopts).
  options.heartbeat_timeout = runner_heartbeat_timeout;
  temporal::RetryPolicy retry;
  retry.initial_interval = 2s;
  retry.maximum_attempts = attempts;
  options.retry_policy = retry;
  return options;
}

wf::LocalActivityOptions LookupActivity() {
  wf::LocalActivityOptions options;
  options.start_to_close_timeout = 10s;
  temporal::RetryPolicy retry;
  retry.initial_interval = 500ms;
  retry.maximum_attempts = 5;
  options.retry_policy = retry;
  return options;
}

}  // namespace provisio::workflows
