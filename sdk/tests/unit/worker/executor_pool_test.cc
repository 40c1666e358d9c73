// ExecutorPool: persistent executor threads (worker/executor_pool.h).
#include "worker/executor_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace temporal::detail {
namespace {

using namespace std::chrono_literals;

// WaitFor polls `condition` for up to 5 s.
template <typename Condition>
bool WaitFor(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(ExecutorPoolTest, SequentialJobsReuseOneThread) {
  ExecutorPool pool;
  std::mutex mutex;
  std::set<std::thread::id> ids;
  for (int i = 0; i < 20; ++i) {
    std::promise<void> done;
    pool.Submit([&] {
      {
        std::lock_guard lock(mutex);
        ids.insert(std::this_thread::get_id());
      }
      done.set_value();
    });
    done.get_future().wait();
    ASSERT_TRUE(WaitFor([&] { return pool.idle() == 1; }));
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(pool.threads(), 1);
}

TEST(ExecutorPoolTest, ABlockedJobIsReplacedNeverWaitedFor) {
  auto pool = std::make_unique<ExecutorPool>();
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> released = release->get_future().share();
  std::atomic<bool> blocked_returned{false};
  pool->Submit([released, &blocked_returned] {
    released.wait();  // code that "never yields"
    blocked_returned = true;
  });
  std::promise<void> ran;
  pool->Submit([&] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(pool->threads(), 2);
  // Stop (and the destructor) return although a job still runs.
  const auto started = std::chrono::steady_clock::now();
  pool.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  release->set_value();
  EXPECT_TRUE(WaitFor([&] { return blocked_returned.load(); }));
}

TEST(ExecutorPoolTest, AJobIsReleasedBeforeItsThreadIsIdle) {
  ExecutorPool pool;
  auto captured = std::make_shared<int>(1);
  std::weak_ptr<int> watch = captured;
  pool.Submit([captured = std::move(captured)] {});
  ASSERT_TRUE(WaitFor([&] { return pool.idle() == 1; }));
  EXPECT_TRUE(watch.expired());
}

TEST(ExecutorPoolTest, IdleThreadsExitAfterTheTimeout) {
  ExecutorPool pool(50ms);
  std::promise<void> ran;
  pool.Submit([&] { ran.set_value(); });
  ran.get_future().wait();
  EXPECT_TRUE(WaitFor([&] { return pool.threads() == 0; }));
  std::promise<void> again;
  pool.Submit([&] { again.set_value(); });
  EXPECT_EQ(again.get_future().wait_for(5s), std::future_status::ready);
}

TEST(ExecutorPoolTest, ConcurrentJobsEachGetAThread) {
  ExecutorPool pool;
  constexpr int kJobs = 8;
  std::atomic<int> inside{0};
  std::promise<void> all_inside;
  auto go = std::make_shared<std::promise<void>>();
  std::shared_future<void> going = go->get_future().share();
  std::atomic<int> done{0};
  for (int i = 0; i < kJobs; ++i) {
    pool.Submit([&, going] {
      if (++inside == kJobs) all_inside.set_value();
      going.wait();
      ++done;
    });
  }
  EXPECT_EQ(all_inside.get_future().wait_for(5s), std::future_status::ready);
  go->set_value();
  EXPECT_TRUE(WaitFor([&] { return done.load() == kJobs && pool.idle() == kJobs; }));
  // A second wave reuses them.
  std::atomic<int> second{0};
  for (int i = 0; i < kJobs; ++i) pool.Submit([&] { ++second; });
  EXPECT_TRUE(WaitFor([&] { return second.load() == kJobs; }));
  EXPECT_EQ(pool.threads(), kJobs);
}

TEST(ExecutorPoolTest, APoolOwnedByItsJobMayBeDestroyedOnItsThread) {
  struct Owner {
    ExecutorPool pool;
  };
  auto owner = std::make_shared<Owner>();
  std::weak_ptr<Owner> watch = owner;
  std::promise<void> ran;
  owner->pool.Submit([owner, &ran] { ran.set_value(); });
  owner.reset();  // the job holds the last reference: the pool dies on its own thread
  ran.get_future().wait();
  EXPECT_TRUE(WaitFor([&] { return watch.expired(); }));
}

TEST(ExecutorPoolTest, JobsSubmittedAfterStopStillRun) {
  ExecutorPool pool;
  pool.Stop();
  std::promise<void> ran;
  pool.Submit([&] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(WaitFor([&] { return pool.threads() == 0; }));
}

}  // namespace
}  // namespace temporal::detail
