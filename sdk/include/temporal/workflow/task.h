// temporal/workflow/task.h: Task<T>, the coroutine type of workflow code.
//
// A workflow (and any helper coroutine it calls) returns a lazy Task<T>: nothing
// runs until the task is co_awaited (or spawned). Tasks run on the workflow's
// deterministic single-threaded scheduler; never hand one to another thread.
//
//   temporal::workflow::Task<std::string> Greet(std::string name) {
//     co_await temporal::workflow::Sleep(std::chrono::seconds(1));
//     co_return "hello " + name;
//   }
//
// Lifetime pitfalls (as with every lazy coroutine type):
//
//   BAD:  Task<int> Bad(const std::string& s);   // s may dangle once the caller moves on
//         auto t = Bad(std::string("temp"));      // the temporary dies before t runs
//   GOOD: Task<int> Good(std::string s);          // take parameters by value
//
//   BAD:  auto t = Work(); /* never awaited */    // nothing runs, silently
//   GOOD: co_await Work();  or  auto f = Spawn(Work()); ... co_await f;
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace temporal::workflow {

template <typename T>
class Task;

namespace detail {

// Shared by Task<T> promises: the exception and the coroutine to resume when
// this one finishes (its awaiter).
class TaskPromiseBase {
 public:
  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> handle) noexcept {
      std::coroutine_handle<> continuation = handle.promise().continuation_;
      return continuation ? continuation : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }

  void set_continuation(std::coroutine_handle<> continuation) { continuation_ = continuation; }
  void rethrow_if_failed() {
    if (exception_) std::rethrow_exception(exception_);
  }

 private:
  std::coroutine_handle<> continuation_;
  std::exception_ptr exception_;
};

template <typename T>
class TaskPromise : public TaskPromiseBase {
 public:
  Task<T> get_return_object() noexcept;
  template <typename U>
  void return_value(U&& value) {
    value_.emplace(std::forward<U>(value));
  }
  T take_result() {
    rethrow_if_failed();
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
};

template <>
class TaskPromise<void> : public TaskPromiseBase {
 public:
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take_result() { rethrow_if_failed(); }
};

}  // namespace detail

/// Task is a lazy, move-only coroutine producing a T (or throwing). Await it
/// with `co_await` from another Task; the awaiting coroutine resumes when it
/// finishes, with its value or its exception.
template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle handle) : handle_(handle) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  /// valid tells whether this Task holds a coroutine.
  bool valid() const { return static_cast<bool>(handle_); }
  /// done tells whether the coroutine ran to completion.
  bool done() const { return handle_ && handle_.done(); }

  auto operator co_await() && noexcept {
    struct Awaiter {
      Handle handle;
      bool await_ready() noexcept { return !handle || handle.done(); }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        handle.promise().set_continuation(awaiting);
        return handle;  // symmetric transfer: start the child now
      }
      T await_resume() { return handle.promise().take_result(); }
    };
    return Awaiter{handle_};
  }
  auto operator co_await() & noexcept { return std::move(*this).operator co_await(); }

  /// handle gives the engine access to the coroutine (to start it as a root).
  Handle handle() const { return handle_; }
  /// Result returns the finished coroutine's value or rethrows its exception.
  T Result() { return handle_.promise().take_result(); }

 private:
  Handle handle_;
};

namespace detail {
template <typename T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace temporal::workflow
