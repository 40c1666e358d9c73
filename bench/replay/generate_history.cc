// generate_history: runs TimerLoop on the C++ worker against a real server and
// writes the run's history as proto3 JSON (what replay_benchmark replays).
//
//   generate_history --target 127.0.0.1:17700 --rounds 232 --out history-10k.json
#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "bench_workflows.h"
#include "temporal/client/client.h"
#include "temporal/worker/worker.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "generate_history: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target = "127.0.0.1:17700";
  std::string out = "history-10k.json";
  int rounds = 232;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--target")
      target = argv[i + 1];
    else if (flag == "--out")
      out = argv[i + 1];
    else if (flag == "--rounds")
      rounds = std::atoi(argv[i + 1]);
    else
      return Fail("unknown flag " + std::string(flag));
  }

  temporal::ClientOptions client_options;
  client_options.target_host = target;
  auto client = temporal::Client::Connect(client_options);
  if (!client) return Fail("connect: " + client.error().ToString());

  const auto suffix = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  const std::string task_queue = "bench-history-" + suffix;
  temporal::WorkerOptions worker_options;
  worker_options.task_queue = task_queue;
  temporal::Worker worker(*client, worker_options);
  worker.RegisterWorkflow(provisio::bench::kTimerLoopType, provisio::bench::TimerLoop);
  if (auto started = worker.Start(); !started) return Fail("worker: " + started.error().message());

  temporal::StartWorkflowOptions start;
  start.id = "bench-timer-loop-" + suffix;
  start.task_queue = task_queue;
  const auto began = std::chrono::steady_clock::now();
  auto handle = client->StartWorkflow(provisio::bench::kTimerLoopType, start, rounds);
  if (!handle) return Fail("start: " + handle.error().message());
  auto result = handle->GetResult<int>();
  if (!result) return Fail("result: " + result.error().message());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  worker.Shutdown();

  auto history = handle->FetchHistory();
  if (!history) return Fail("fetch history: " + history.error().message());
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  if (auto status = google::protobuf::util::MessageToJsonString(*history, &json, print);
      !status.ok()) {
    return Fail("to json: " + std::string(status.message()));
  }
  std::ofstream file(out, std::ios::binary);
  file << json << '\n';
  if (!file) return Fail("cannot write " + out);
  std::printf("generate_history: %d rounds, %d events, %.1f s, %zu bytes -> %s\n", rounds,
              history->events_size(), seconds, json.size() + 1, out.c_str());
  return 0;
}
