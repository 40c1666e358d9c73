// Issue 7, defect 17: temporaries built inside a co_await expression — a
// lambda with captures handed to WaitCondition, a brace-initialized options
// struct — must be destroyed exactly once. GCC 12 destroys such a lambda twice
// (a use-after-free of whatever its captures own; it corrupted the example
// worker's heap), which is why the build uses clang (cmake/Compiler.cmake).
// Run under the asan preset, a double destruction is also reported by ASan.
#include <gtest/gtest.h>

#include <algorithm>

#include "instance_driver.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;
using std::chrono::seconds;
using B = HistoryBuilder;

// LiveCount counts live copies; `lowest` would go negative on a double destroy.
struct LiveCount {
  static inline int live = 0;
  static inline int lowest = 0;
  LiveCount() { ++live; }
  LiveCount(const LiveCount&) { ++live; }
  LiveCount(LiveCount&&) noexcept { ++live; }
  LiveCount& operator=(const LiveCount&) = default;
  ~LiveCount() {
    --live;
    lowest = std::min(lowest, live);
  }
};

struct State {
  bool done = true;
};

wf::Task<long> AwaitsTemporariesInCoAwait() {
  auto state = std::make_shared<State>();
  LiveCount token;
  // The exact pattern of the example's workflow.
  const bool held = co_await wf::WaitCondition([state, token] { return state->done; }, seconds(5));
  const int count = co_await wf::ExecuteActivity<int>(
      "Count", wf::ActivityOptions{.start_to_close_timeout = seconds(10)}, 1);
  co_return held ? state.use_count() * 100 + count : -1;
}

TEST(CoroutineTemporaries, LambdasAndBraceInitializedTemporariesInCoAwaitAreDestroyedOnce) {
  LiveCount::live = LiveCount::lowest = 0;
  auto history = B().Started("AwaitsTemporariesInCoAwait")
                     .WorkflowTask()
                     .ActivityScheduled("1", "Count", 1)
                     .ActivityStarted("1")
                     .ActivityCompleted("1", 1)
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Build();
  auto instance = NewInstance(AwaitsTemporariesInCoAwait);
  auto commands = Apply(*instance, history);
  // Only the workflow's own shared_ptr is left: the lambda's copy went once.
  EXPECT_EQ(ResultOf<long>(commands.back()), 101);
  instance.reset();
  EXPECT_EQ(LiveCount::live, 0);
  EXPECT_GE(LiveCount::lowest, 0);
}

}  // namespace
}  // namespace temporal::testing
