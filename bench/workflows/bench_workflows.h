// The workflows the benchmarks run, shared by the history generator, the
// replay benchmark and the memory benchmark. bench/go/ holds the same two
// workflows written for the official Go SDK, under the same type names.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "temporal/workflow/workflow.h"

namespace provisio::bench {

/// kTimerLoopType is the workflow type of TimerLoop, in C++ and in Go.
inline constexpr const char kTimerLoopType[] = "BenchTimerLoop";
/// kParkOnSignalType is the workflow type of ParkOnSignal, in C++ and in Go.
inline constexpr const char kParkOnSignalType[] = "BenchParkOnSignal";
/// kReleaseSignal is the signal that lets a parked workflow finish.
inline constexpr const char kReleaseSignal[] = "release";
/// kShapeType is the workflow type of Shape, in C++ and in Go.
inline constexpr const char kShapeType[] = "BenchShape";
/// kShapeActivity is the activity Shape runs, in C++ and in Go: it returns its input.
inline constexpr const char kShapeActivity[] = "BenchStep";

/// kTimersPerRound is how many 1 ms timers TimerLoop starts at once.
inline constexpr int kTimersPerRound = 20;

/// TimerLoop runs `rounds` rounds; each starts kTimersPerRound 1 ms timers in
/// one workflow task and waits for them in order. A round adds 20
/// TimerStarted, 20 TimerFired and one workflow task (3 events) to history
/// when the timers fire together, a little more when their firings are split
/// over two tasks: 232 rounds make a history of about 10,000 events.
///
/// Why rounds and not one timer after another: the dev server fires a timer
/// up to ~1 s late, so a history of 2,000 sequential timers takes over half an
/// hour to record; 232 rounds take about four minutes.
///
/// Only timers: the Go replayer matches commands to events, and a timer is the
/// simplest command that both SDKs issue alike.
inline temporal::workflow::Task<int> TimerLoop(int rounds) {
  for (int round = 0; round < rounds; ++round) {
    std::vector<temporal::workflow::Future<void>> timers;
    timers.reserve(kTimersPerRound);
    for (int i = 0; i < kTimersPerRound; ++i) {
      timers.push_back(temporal::workflow::Sleep(std::chrono::milliseconds(1)));
    }
    for (auto& timer : timers) co_await std::move(timer);
  }
  co_return rounds;
}

/// first_tasks_run counts ParkOnSignal runs that reached their first wait
/// outside replay; the memory benchmark waits for it. A process-wide counter
/// is a side effect workflow code must not normally have: here it only
/// observes, and never changes what the workflow does.
inline std::atomic<int> first_tasks_run{0};

/// ParkOnSignal registers a signal handler and waits until the signal comes:
/// the smallest "idle cached workflow" (its user state is one bool).
inline temporal::workflow::Task<bool> ParkOnSignal() {
  bool released = false;
  temporal::workflow::SetSignalHandler(kReleaseSignal, [&released] { released = true; });
  if (!temporal::workflow::IsReplaying()) first_tasks_run.fetch_add(1, std::memory_order_relaxed);
  co_await temporal::workflow::WaitCondition([&released] { return released; });
  co_return released;
}

/// Shape is the workflow of the worker benchmark (bench/shape/): an activity,
/// a 1 s timer, a wait for the signal kReleaseSignal, then a second activity
/// and completion. The latency measured is from WorkflowExecutionSignaled to
/// the ActivityTaskScheduled of the second activity. Five workflow tasks when
/// nothing coincides: start, first result, timer, signal, second result.
inline temporal::workflow::Task<std::string> Shape() {
  namespace wf = temporal::workflow;
  wf::ActivityOptions options;
  options.start_to_close_timeout = std::chrono::seconds(30);
  bool released = false;
  wf::SetSignalHandler(kReleaseSignal, [&released] { released = true; });
  std::string first = co_await wf::ExecuteActivity<std::string>(kShapeActivity, options,
                                                                 std::string("first"));
  co_await wf::Sleep(std::chrono::seconds(1));
  co_await wf::WaitCondition([&released] { return released; });
  std::string second = co_await wf::ExecuteActivity<std::string>(kShapeActivity, options,
                                                                  std::string("second"));
  co_return first + "+" + second;
}

}  // namespace provisio::bench
