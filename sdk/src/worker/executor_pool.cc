#include "worker/executor_pool.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace temporal::detail {

struct ExecutorPool::State {
  explicit State(std::chrono::milliseconds timeout) : idle_timeout(timeout) {}

  const std::chrono::milliseconds idle_timeout;
  std::mutex mutex;
  std::condition_variable work;  // idle threads wait here for a job or Stop
  std::condition_variable left;  // Stop waits here for the idle threads to leave
  // Jobs handed to idle threads that have not taken them yet. Invariant:
  // queue.size() <= waiting, so every queued job has a thread that takes it.
  std::deque<Job> queue;
  int threads = 0;  // alive, busy or idle
  int waiting = 0;  // idle, in the wait below
  bool stopping = false;

  static void Run(std::shared_ptr<State> state, Job job) {
    while (true) {
      job();
      job = nullptr;  // release what the job captured before counting as idle
      std::unique_lock lock(state->mutex);
      if (!state->stopping) {
        ++state->waiting;
        state->work.wait_for(lock, state->idle_timeout,
                             [&] { return !state->queue.empty() || state->stopping; });
        --state->waiting;
        if (state->stopping) state->left.notify_all();
        if (!state->queue.empty()) {
          job = std::move(state->queue.front());
          state->queue.pop_front();
          continue;
        }
      }
      // Stopped, or idle for idle_timeout with nothing to do.
      --state->threads;
      return;
    }
  }
};

ExecutorPool::ExecutorPool(std::chrono::milliseconds idle_timeout)
    : state_(std::make_shared<State>(idle_timeout)) {}

ExecutorPool::~ExecutorPool() { Stop(); }

void ExecutorPool::Submit(Job job) {
  bool queued = false;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->queue.size() < static_cast<std::size_t>(state_->waiting)) {
      state_->queue.push_back(std::move(job));
      queued = true;
    } else {
      ++state_->threads;
    }
  }
  if (queued) {
    // After the unlock, so the woken thread does not block on the mutex at once.
    state_->work.notify_one();
    return;
  }
  try {
    std::thread(&State::Run, state_, std::move(job)).detach();
  } catch (...) {
    std::lock_guard lock(state_->mutex);
    --state_->threads;
    throw;
  }
}

void ExecutorPool::Stop() {
  std::unique_lock lock(state_->mutex);
  state_->stopping = true;
  state_->work.notify_all();
  // Only idle threads are waited for (they leave at once); a busy job may
  // never return. Stop may run on a pool thread (see the header): that one is
  // busy, so it is not waited for either.
  state_->left.wait(lock, [&] { return state_->waiting == 0; });
}

int ExecutorPool::threads() const {
  std::lock_guard lock(state_->mutex);
  return state_->threads;
}

int ExecutorPool::idle() const {
  std::lock_guard lock(state_->mutex);
  return state_->waiting;
}

}  // namespace temporal::detail
