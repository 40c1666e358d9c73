// temporal/workflow/future.h: Future<T>, the eager result of a workflow operation.
//
// Operations (activities, timers, spawned tasks) start when called and return a
// Future; `co_await` it for the value. Starting several before awaiting any is
// how a workflow fans out:
//
//   auto a = workflow::ExecuteActivity<int>("Count", options, "a");
//   auto b = workflow::ExecuteActivity<int>("Count", options, "b");
//   int total = co_await a + co_await b;          // both ran in parallel
//
// A Future may be copied and awaited by several coroutines; each gets a copy of
// the value (or the exception).
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace temporal::workflow {

namespace detail {

struct CancellationScopeState;

/// Runtime is the running workflow instance, as the header-only parts of the
/// workflow API see it. Set (thread-locally) only while the engine runs workflow code.
class Runtime {
 public:
  virtual ~Runtime() = default;
  static Runtime* Current();
  /// Schedule queues `handle` to resume (FIFO, deterministic) inside `scope`.
  virtual void Schedule(std::coroutine_handle<> handle, CancellationScopeState* scope) = 0;
  /// CurrentScope is the cancellation scope of the coroutine running now.
  virtual CancellationScopeState* CurrentScope() = 0;
  /// SetCurrentScope changes it (operations started next belong to `scope`).
  virtual void SetCurrentScope(CancellationScopeState* scope) = 0;
  /// KeepAlive keeps a scope alive for the rest of the run (waiters point to it).
  virtual void KeepAlive(std::shared_ptr<CancellationScopeState> scope) = 0;
  /// Spawn takes ownership of a coroutine and starts it inside `scope`.
  virtual void Spawn(std::coroutine_handle<> handle, std::function<void()> destroy,
                     CancellationScopeState* scope) = 0;
};

/// FutureState is what a Future and its producer share.
template <typename T>
class FutureState {
 public:
  bool ready() const { return ready_; }

  template <typename U>
  void SetValue(U&& value) {
    if (ready_) return;
    value_.emplace(std::forward<U>(value));
    Complete();
  }
  void SetException(std::exception_ptr exception) {
    if (ready_) return;
    exception_ = std::move(exception);
    Complete();
  }
  /// OnReady runs `callback` when the state resolves (at once if it already has).
  void OnReady(std::function<void()> callback) {
    if (ready_) {
      callback();
    } else {
      callbacks_.push_back(std::move(callback));
    }
  }
  void AddWaiter(std::coroutine_handle<> handle) {
    Runtime* runtime = Runtime::Current();
    waiters_.push_back({handle, runtime != nullptr ? runtime->CurrentScope() : nullptr});
  }
  T Get() const {
    if (exception_) std::rethrow_exception(exception_);
    return *value_;
  }
  bool failed() const { return static_cast<bool>(exception_); }

 private:
  struct Waiter {
    std::coroutine_handle<> handle;
    CancellationScopeState* scope;
  };
  void Complete() {
    ready_ = true;
    Runtime* runtime = Runtime::Current();
    for (const Waiter& waiter : waiters_) {
      if (runtime != nullptr) runtime->Schedule(waiter.handle, waiter.scope);
    }
    waiters_.clear();
    auto callbacks = std::move(callbacks_);
    for (auto& callback : callbacks) callback();
  }

  bool ready_ = false;
  std::optional<T> value_;
  std::exception_ptr exception_;
  std::vector<Waiter> waiters_;
  std::vector<std::function<void()>> callbacks_;
};

/// Unit stands for "no value" inside Future<void>.
struct Unit {};

template <typename T>
using StoredType = std::conditional_t<std::is_void_v<T>, Unit, T>;

}  // namespace detail

/// Future is the eventual value (or exception) of an operation already started.
template <typename T = void>
class Future {
 public:
  using State = detail::FutureState<detail::StoredType<T>>;

  Future() : state_(std::make_shared<State>()) {}
  explicit Future(std::shared_ptr<State> state) : state_(std::move(state)) {}

  /// ready tells whether the operation has finished.
  bool ready() const { return state_->ready(); }

  auto operator co_await() const noexcept {
    struct Awaiter {
      std::shared_ptr<State> state;
      bool await_ready() const noexcept { return state->ready(); }
      void await_suspend(std::coroutine_handle<> handle) { state->AddWaiter(handle); }
      T await_resume() const {
        if constexpr (std::is_void_v<T>) {
          state->Get();
        } else {
          return state->Get();
        }
      }
    };
    return Awaiter{state_};
  }

  /// state gives operations and combinators access to the shared state.
  const std::shared_ptr<State>& state() const { return state_; }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace temporal::workflow
