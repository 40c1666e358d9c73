// replay_benchmark: how fast the C++ engine replays a recorded history.
//
//   taskset -c 0 replay_benchmark --history=bench/replay/history-10k.json
//
// items_per_second is history events replayed per second. Two cases:
//   BM_ReplayerReplayHistory  the public temporal::Replayer, as a user calls it
//                             (includes its end-of-history command check);
//   BM_WorkflowInstanceApply  the private engine alone: construct a
//                             WorkflowInstance, ApplyEvents(all events).
// Parsing the JSON is outside the timed loop in both; the Go benchmark
// (bench/go/replay) is measured the same way.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench_workflows.h"
#include "temporal/worker/replayer.h"
#include "workflow/workflow_instance.h"

namespace {

temporal::api::history::v1::History& LoadedHistory() {
  static temporal::api::history::v1::History history;
  return history;
}

void BM_ReplayerReplayHistory(benchmark::State& state) {
  const auto& history = LoadedHistory();
  temporal::Replayer replayer;
  replayer.RegisterWorkflow(provisio::bench::kTimerLoopType, provisio::bench::TimerLoop);
  for (auto _ : state) {
    temporal::Status replayed = replayer.ReplayHistory(history, "bench-replay");
    if (!replayed.ok()) {
      state.SkipWithError(replayed.error().ToString().c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * history.events_size());
  state.counters["events"] = history.events_size();
}
BENCHMARK(BM_ReplayerReplayHistory)->Unit(benchmark::kMillisecond);

void BM_WorkflowInstanceApply(benchmark::State& state) {
  const auto& history = LoadedHistory();
  const auto function = temporal::detail::WrapWorkflow(provisio::bench::TimerLoop);
  const std::string run_id =
      history.events(0).workflow_execution_started_event_attributes().original_execution_run_id();
  for (auto _ : state) {
    temporal::workflow::detail::WorkflowInstance instance(
        function, "default", "bench-replay", run_id, temporal::DataConverter::Default());
    instance.ApplyEvents(history.events());
    if (!instance.closed()) {
      state.SkipWithError("replay did not reach the workflow's completion");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * history.events_size());
  state.counters["events"] = history.events_size();
}
BENCHMARK(BM_WorkflowInstanceApply)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // --history=PATH is ours; everything else goes to Google Benchmark.
  std::string path = "bench/replay/history-10k.json";
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--history=", 10) == 0) {
      path = argv[i] + 10;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  auto history = temporal::Replayer::LoadHistoryFile(path);
  if (!history) {
    std::fprintf(stderr, "replay_benchmark: %s: %s\n", path.c_str(),
                 history.error().ToString().c_str());
    return 1;
  }
  LoadedHistory() = std::move(*history);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("history", path);
  benchmark::AddCustomContext("history_events", std::to_string(LoadedHistory().events_size()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
