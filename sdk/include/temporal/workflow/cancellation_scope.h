// temporal/workflow/cancellation_scope.h: structured cancellation for workflow code.
//
// Every operation (timer, activity) belongs to the cancellation scope that was
// current when it started. Cancelling a scope cancels everything in it and in
// its child scopes. The root scope is cancelled when a client cancels the
// workflow. A *detached* scope is not a child of anything, so work started in
// it survives that cancellation: this is how a workflow cleans up after being
// cancelled (the reference demo destroys what it provisioned this way).
//
//   std::exception_ptr cancelled;
//   try {
//     co_await workflow::ExecuteActivity<std::string>("Provision", options, request);
//   } catch (const temporal::CanceledFailure&) {
//     cancelled = std::current_exception();   // C++ forbids co_await in a catch block
//   }
//   if (cancelled) {
//     workflow::CancellationScope cleanup = workflow::CancellationScope::Detached();
//     co_await cleanup.RunOperation([&] { return workflow::ExecuteActivity<std::string>("Destroy",
//     options, request); }); std::rethrow_exception(cancelled);    // the workflow still ends as
//     cancelled
//   }
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "temporal/workflow/future.h"
#include "temporal/workflow/task.h"

namespace temporal::workflow {

namespace detail {
/// CancellationScopeState is a node of the scope tree. Internal.
struct CancellationScopeState {
  CancellationScopeState* parent = nullptr;
  bool cancelled = false;
  std::vector<CancellationScopeState*> children;
  /// callbacks cancel the operations started in this scope, in start order.
  std::vector<std::pair<int, std::function<void()>>> callbacks;
  int next_callback_id = 0;

  ~CancellationScopeState();
  void Cancel();
  int OnCancel(std::function<void()> callback);
  void RemoveCallback(int id);
};
}  // namespace detail

/// CancellationScope owns a scope; cheap to copy (copies share it).
class CancellationScope {
 public:
  /// CancellationScope makes a child of the current scope.
  CancellationScope();
  /// Detached makes a scope with no parent: cancelling the workflow does not cancel it.
  static CancellationScope Detached();

  /// Run starts `task` inside this scope and returns its Future.
  template <typename T>
  Future<T> Run(Task<T> task);
  /// Run a Future-returning operation: `operation` is called inside this scope.
  template <typename F>
  auto RunOperation(F&& operation) -> decltype(operation());

  /// Cancel cancels every operation in this scope and its children.
  void Cancel();
  /// IsCancelled tells whether Cancel (of this scope or an ancestor) happened.
  bool IsCancelled() const;

  std::shared_ptr<detail::CancellationScopeState> state() const { return state_; }

 private:
  explicit CancellationScope(std::shared_ptr<detail::CancellationScopeState> state)
      : state_(std::move(state)) {}
  std::shared_ptr<detail::CancellationScopeState> state_;
};

}  // namespace temporal::workflow
