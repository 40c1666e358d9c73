// provision-application-worker: runs the ProvisionApplication workflow and its
// C++ activities on the task queue "provision-application" (the demo's Go
// worker, internal/workers/temporal). The provider activities run on the
// TypeScript worker in worker-ts/.
//
//   TEMPORAL_ADDRESS    host:port of the frontend (default 127.0.0.1:7233)
//   TEMPORAL_NAMESPACE  namespace (default "default")
//
// Prints "provision-application worker ready" once polling; SIGINT or SIGTERM
// shuts it down gracefully.
//
//   provision-application-worker --replay [--workflow-id ID] FILE...
//
// replays histories exported with `temporal workflow show -w ID --output json`
// against the workflow compiled into this binary, without a server: exit 0
// when every history replays, 1 when one does not (NONDETERMINISM: the code
// diverged from the history), 2 for a usage error or an unreadable file
// (temporal/worker/replay_cli.h).
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "activities.h"
#include "temporal/client/client.h"
#include "temporal/worker/replay_cli.h"
#include "temporal/worker/worker.h"
#include "workflow.h"

namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value == nullptr || *value == '\0' ? fallback : std::string(value);
}

}  // namespace

int main(int argc, char** argv) {
  namespace app = provisio::provision_application;
  if (std::optional<int> replayed = temporal::RunReplayModeIfRequested(
          argc, argv, [](temporal::Replayer& replayer) { app::RegisterWorkflows(replayer); })) {
    return *replayed;
  }

  // Block the shutdown signals before any thread starts, so that only the
  // waiting thread below receives them.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGINT);
  sigaddset(&shutdown_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);

  temporal::ClientOptions options;
  options.target_host = EnvOr("TEMPORAL_ADDRESS", "127.0.0.1:7233");
  options.namespace_ = EnvOr("TEMPORAL_NAMESPACE", "default");
  temporal::Result<temporal::Client> client = temporal::Client::Connect(options);
  if (!client) {
    std::cerr << "provision-application-worker: " << client.error().ToString() << "\n";
    return 1;
  }

  // Declared before the worker, so it outlives the worker's activity threads.
  app::NotificationActivities notifications(*client);
  temporal::WorkerOptions worker_options;
  worker_options.task_queue = app::kTaskQueue;
  temporal::Worker worker(*client, worker_options);
  app::RegisterProvisionApplication(worker, notifications);
  if (temporal::Status started = worker.Start(); !started) {
    std::cerr << "provision-application-worker: " << started.error().ToString() << "\n";
    return 1;
  }
  std::cout << "provision-application worker ready" << std::endl;
  spdlog::info("polling task queue {} on {} (namespace {})", app::kTaskQueue, options.target_host,
               options.namespace_);

  int received = 0;
  sigwait(&shutdown_signals, &received);
  spdlog::info("signal {} received; shutting down", received);
  worker.Shutdown();
  return 0;
}
