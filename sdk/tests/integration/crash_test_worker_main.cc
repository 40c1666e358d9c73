// A worker process for crash_recovery_test: it hosts a two-step workflow whose
// activities leave side effects (lines appended to files), so the test can
// SIGKILL the process mid-workflow, start another, and count executions.
//
//   crash_test_worker ADDRESS TASK_QUEUE SIDE_EFFECT_DIR
#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include "temporal/client/client.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/workflow.h"

namespace {

namespace wf = temporal::workflow;
std::string side_effect_dir;

void Append(const std::string& file, const std::string& line) {
  std::ofstream out(side_effect_dir + "/" + file, std::ios::app);
  out << line << "\n";
}

wf::Task<std::string> TwoSteps() {
  wf::ActivityOptions quick;
  quick.start_to_close_timeout = std::chrono::seconds(10);
  co_await wf::ExecuteActivity<std::string>("StepA", quick);
  wf::ActivityOptions slow;
  slow.start_to_close_timeout = std::chrono::seconds(60);
  slow.heartbeat_timeout = std::chrono::seconds(2);
  temporal::RetryPolicy retry;
  retry.initial_interval = std::chrono::milliseconds(100);
  slow.retry_policy = retry;
  co_await wf::ExecuteActivity<std::string>("StepB", slow);
  co_return "done";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: crash_test_worker ADDRESS TASK_QUEUE SIDE_EFFECT_DIR\n";
    return 2;
  }
  side_effect_dir = argv[3];
  temporal::ClientOptions options;
  options.target_host = argv[1];
  auto client = temporal::Client::Connect(options);
  if (!client) {
    std::cerr << client.error() << "\n";
    return 1;
  }
  temporal::WorkerOptions worker_options;
  worker_options.task_queue = argv[2];
  temporal::Worker worker(*client, worker_options);
  worker.RegisterWorkflow("TwoSteps", TwoSteps);
  worker.RegisterActivity("StepA", [] {
    Append("a.log", "A");
    return std::string("a");
  });
  worker.RegisterActivity("StepB", [](temporal::ActivityContext& context) {
    Append("b.log", "B attempt " + std::to_string(context.info().attempt));
    for (int i = 0; i < 30; ++i) {
      context.Heartbeat(i);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::string("b");
  });
  if (auto started = worker.Start(); !started) {
    std::cerr << started.error() << "\n";
    return 1;
  }
  Append("ready", std::to_string(getpid()));
  // Runs until killed (the test sends SIGKILL or SIGTERM).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  int received = 0;
  sigwait(&signals, &received);
  worker.Shutdown();
  return 0;
}
