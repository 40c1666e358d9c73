// memory_benchmark: resident memory of a C++ worker holding N idle workflows
// in its cache.
//
//   memory_benchmark --target 127.0.0.1:17700 --workflows 1000
//
// Starts a worker (cache large enough for every run), starts N ParkOnSignal
// workflows, waits until each has run its first workflow task (and the worker
// has had a moment to complete them), then prints VmRSS. Run it once per N in
// a fresh process; bench/run takes the slope between two N. The workflows are
// left parked on the server: bench/run gives each run its own task queue.
//
// Output (one line, for scripts):
//   memory_benchmark workflows=N rss_before_kb=... rss_kb=... rss_trimmed_kb=... start_s=...
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_workflows.h"
#include "temporal/client/client.h"
#include "temporal/worker/worker.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "memory_benchmark: %s\n", message.c_str());
  return 1;
}

// ResidentKilobytes reads VmRSS from /proc/self/status.
long ResidentKilobytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target = "127.0.0.1:17700";
  int workflows = 1000;
  int starters = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--target")
      target = argv[i + 1];
    else if (flag == "--workflows")
      workflows = std::atoi(argv[i + 1]);
    else if (flag == "--starters")
      starters = std::atoi(argv[i + 1]);
    else
      return Fail("unknown flag " + std::string(flag));
  }

  temporal::ClientOptions client_options;
  client_options.target_host = target;
  auto client = temporal::Client::Connect(client_options);
  if (!client) return Fail("connect: " + client.error().ToString());

  const auto suffix = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  const std::string task_queue = "bench-memory-cpp-" + suffix;
  temporal::WorkerOptions options;
  options.task_queue = task_queue;
  options.max_cached_workflows = workflows + 1000;
  options.workflow_pollers = 2;
  temporal::Worker worker(*client, options);
  worker.RegisterWorkflow(provisio::bench::kParkOnSignalType, provisio::bench::ParkOnSignal);
  if (auto started = worker.Start(); !started) return Fail("worker: " + started.error().message());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  malloc_trim(0);
  const long rss_before = ResidentKilobytes();

  // Start the workflows from a few threads: the server, not the client, is the bottleneck.
  const auto began = std::chrono::steady_clock::now();
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < starters; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < workflows; i = next++) {
        temporal::StartWorkflowOptions start;
        start.id = "bench-park-" + suffix + "-" + std::to_string(i);
        start.task_queue = task_queue;
        if (!client->StartWorkflow(provisio::bench::kParkOnSignalType, start)) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (failures > 0) return Fail(std::to_string(failures.load()) + " starts failed");
  while (provisio::bench::first_tasks_run.load() < workflows) {
    if (std::chrono::steady_clock::now() - began > std::chrono::minutes(10)) {
      return Fail("only " + std::to_string(provisio::bench::first_tasks_run.load()) + " of " +
                  std::to_string(workflows) + " workflows ran their first task");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double start_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  // The last task's completion is sent after the code ran; let it finish.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const long rss = ResidentKilobytes();
  // Freed-but-cached heap pages would count as resident; the Go side likewise
  // returns freed memory to the OS before it reads VmRSS.
  malloc_trim(0);
  const long rss_trimmed = ResidentKilobytes();
  std::printf(
      "memory_benchmark workflows=%d rss_before_kb=%ld rss_kb=%ld rss_trimmed_kb=%ld "
      "start_s=%.1f\n",
      workflows, rss_before, rss, rss_trimmed, start_seconds);
  std::fflush(stdout);
  // Parked runs stay in the cache until here; Shutdown does not signal them.
  worker.Shutdown();
  return 0;
}
