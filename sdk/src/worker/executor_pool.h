// Private: persistent executor threads for the workers' tasks (workflow
// tasks, activities), instead of a new std::thread per task.
//
// Submit hands a job to an idle thread, or starts a new thread when none is
// idle. The pool never waits for a busy thread and never bounds how many run:
// the callers bound concurrency with their slots. A thread whose job never
// returns (workflow code declared deadlocked, an activity that ignores
// cancellation) simply stays busy, and the next Submit that finds no idle
// thread starts another one in its place.
//
// A thread that stays idle for `idle_timeout` exits. Stop makes idle threads
// exit now and busy ones exit as soon as their job returns; it waits only for
// the idle ones (never for a busy job), and jobs submitted after Stop still
// run, each on a thread that exits after it.
//
// Lifetime: the threads are detached and share the pool's state, not the
// pool: a job may own (and be the last owner of) the object that owns the
// pool, so the pool may be destroyed on one of its own threads. A job is
// destroyed before its thread counts as idle again, so whatever it captured
// is released when the job is done.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace temporal::detail {

class ExecutorPool {
 public:
  using Job = std::function<void()>;

  explicit ExecutorPool(std::chrono::milliseconds idle_timeout = std::chrono::seconds(30));
  ~ExecutorPool();  // Stop
  ExecutorPool(const ExecutorPool&) = delete;
  ExecutorPool& operator=(const ExecutorPool&) = delete;

  /// Submit runs `job` on a pool thread. Throws std::system_error when a
  /// needed thread cannot be started (as std::thread does).
  void Submit(Job job);
  /// Stop: see above. Idempotent.
  void Stop();

  /// threads returns how many pool threads are alive (busy or idle); idle
  /// how many of them wait for a job. For tests and diagnostics.
  int threads() const;
  int idle() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace temporal::detail
