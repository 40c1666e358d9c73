// bench/shape: the C++ worker of the worker benchmark. Serves the Shape
// workflow and its activity on one task queue with default WorkerOptions,
// prints "ready" once polling, and runs until SIGTERM. The driver
// (bench/go/shape-driver) reads this process's CPU time and peak RSS from
// /proc; the Go worker (bench/go/shape-worker) is its twin.
//
//   shape_worker --target 127.0.0.1:17700 --task-queue bench-shape-1
//
// BENCH_DISABLE_EAGER_ACTIVITIES=1 turns eager activity execution off, to
// measure what it saves (the Go worker keeps its default, on).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench_workflows.h"
#include "temporal/client/client.h"
#include "temporal/worker/worker.h"

int main(int argc, char** argv) {
  std::string target = "127.0.0.1:17700";
  std::string task_queue;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--target") target = argv[i + 1];
    if (flag == "--task-queue") task_queue = argv[i + 1];
  }
  if (task_queue.empty()) {
    std::fprintf(stderr, "usage: shape_worker --target HOST:PORT --task-queue NAME\n");
    return 2;
  }
  // SIGTERM is handled by waiting for it on this thread, not in a handler.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  temporal::ClientOptions client_options;
  client_options.target_host = target;
  auto client = temporal::Client::Connect(client_options);
  if (!client) {
    std::fprintf(stderr, "connect: %s\n", client.error().ToString().c_str());
    return 1;
  }
  temporal::WorkerOptions options;
  options.task_queue = task_queue;
  const char* no_eager = std::getenv("BENCH_DISABLE_EAGER_ACTIVITIES");
  options.disable_eager_activities = no_eager != nullptr && std::string_view(no_eager) == "1";
  temporal::Worker worker(*client, options);
  worker.RegisterWorkflow(provisio::bench::kShapeType, provisio::bench::Shape);
  worker.RegisterActivity(provisio::bench::kShapeActivity, [](std::string value) { return value; });
  if (temporal::Status started = worker.Start(); !started) {
    std::fprintf(stderr, "start: %s\n", started.error().ToString().c_str());
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  int received = 0;
  sigwait(&stop, &received);
  worker.Shutdown();
  return 0;
}
