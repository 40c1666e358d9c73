// temporal/worker/worker.h: a Worker polls one task queue and runs the
// workflows and activities registered on it.
//
// Example:
//
//   temporal::WorkerOptions options;
//   options.task_queue = "provisioning";
//   temporal::Worker worker(*client, options);
//   worker.RegisterActivity("CreateDirectory", [](temporal::ActivityContext& context,
//                                                  std::string path) {
//     std::filesystem::create_directories(path);
//     return path;
//   });
//   worker.Start();            // polls on background threads
//   ...
//   worker.Shutdown();         // stop polling, drain, cancel after the grace period
//
// An activity function takes its arguments by value or const reference,
// optionally preceded by `temporal::ActivityContext&`, and returns a value (or
// void). Arguments and results go through the client's data converter. To fail,
// throw temporal::ApplicationFailure (any other exception fails the attempt as
// a retryable ApplicationFailure named after the exception type).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "temporal/activity/activity_context.h"
#include "temporal/client/client.h"
#include "temporal/converter/payload.h"
#include "temporal/detail/callable_traits.h"
#include "temporal/detail/workflow_wrapper.h"
#include "temporal/failure.h"
#include "temporal/worker/worker_options.h"

namespace temporal {

namespace detail {
class WorkerCore;
class WorkflowWorker;

/// ActivityFunction is a registered activity after type erasure: decoded input
/// payloads in, result payloads out; failures are thrown.
using ActivityFunction =
    std::function<std::vector<Payload>(ActivityContext&, const std::vector<Payload>&)>;

// The failure type for arguments or results that do not convert; not retryable,
// since the same bytes will not convert on the next attempt either.
inline constexpr const char kDataConversionErrorType[] = "DataConversionError";

template <typename Tuple>
struct DecodeArgumentTuple;
template <typename... Args>
struct DecodeArgumentTuple<std::tuple<Args...>> {
  static Result<std::tuple<Args...>> From(const std::vector<Payload>& input) {
    return FromPayloads<Args...>(input);
  }
};

template <typename F>
ActivityFunction WrapActivity(F function) {
  using Traits = CallableTraits<F>;
  using Parameters = typename Traits::Parameters;
  using R = typename Traits::Return;
  constexpr bool kTakesContext = [] {
    if constexpr (std::tuple_size_v<Parameters> == 0) {
      return false;
    } else {
      return std::is_same_v<std::tuple_element_t<0, Parameters>, ActivityContext&>;
    }
  }();
  using ArgumentTuple = typename DecayedTuple<
      std::conditional_t<kTakesContext, typename TupleTail<Parameters>::type, Parameters>>::type;

  return [function = std::move(function)](
             ActivityContext& context, const std::vector<Payload>& input) -> std::vector<Payload> {
    auto arguments = DecodeArgumentTuple<ArgumentTuple>::From(input);
    if (!arguments) {
      throw ApplicationFailure("activity " + context.info().activity_type +
                                   ": cannot decode arguments: " + arguments.error().message(),
                               kDataConversionErrorType, /*non_retryable=*/true);
    }
    auto call = [&]() -> decltype(auto) {
      if constexpr (kTakesContext) {
        return std::apply(
            [&](auto&&... args) -> decltype(auto) { return function(context, std::move(args)...); },
            std::move(*arguments));
      } else {
        return std::apply(
            [&](auto&&... args) -> decltype(auto) { return function(std::move(args)...); },
            std::move(*arguments));
      }
    };
    if constexpr (std::is_void_v<R>) {
      call();
      return {};
    } else {
      Result<std::vector<Payload>> result = ToPayloads(call());
      if (!result) {
        throw ApplicationFailure("activity " + context.info().activity_type +
                                     ": cannot encode result: " + result.error().message(),
                                 kDataConversionErrorType, /*non_retryable=*/true);
      }
      return std::move(*result);
    }
  };
}
}  // namespace detail

/// Worker polls `options.task_queue` for activity tasks and runs registered
/// activities on its own threads. Register everything before Start. Not
/// copyable; destroying a running Worker shuts it down.
class Worker {
 public:
  Worker(const Client& client, WorkerOptions options);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// RegisterActivity registers `function` under activity type `name`.
  template <typename F>
  Worker& RegisterActivity(const std::string& name, F function) {
    return RegisterActivityFunction(name, detail::WrapActivity(std::move(function)));
  }
  /// RegisterActivityFunction registers an already type-erased activity.
  Worker& RegisterActivityFunction(const std::string& name, detail::ActivityFunction function);

  /// RegisterWorkflow registers `function` (returning temporal::workflow::Task<R>)
  /// under workflow type `name`.
  template <typename F>
  Worker& RegisterWorkflow(const std::string& name, F function) {
    return RegisterWorkflowFunction(name, detail::WrapWorkflow(std::move(function)));
  }
  /// RegisterWorkflowFunction registers an already type-erased workflow.
  Worker& RegisterWorkflowFunction(
      const std::string& name,
      std::function<workflow::Task<std::vector<Payload>>(std::vector<Payload>)> function);

  /// Start checks that the server has the client's namespace (DescribeNamespace:
  /// kNotFound naming it otherwise), then begins polling on background threads.
  /// kFailedPrecondition when nothing is registered or already started;
  /// kInvalidArgument on bad options.
  Status Start();
  /// Shutdown stops polling, lets running activities finish within
  /// graceful_shutdown_timeout, then cancels the rest and waits for them at most
  /// shutdown_cancel_wait (an activity that ignores cancellation is abandoned,
  /// and logged). Idempotent.
  void Shutdown();
  /// Run is Start, then blocks until Shutdown is called from another thread.
  Status Run();

  /// task_queue returns the polled task queue.
  const std::string& task_queue() const;

 private:
  // Shared: activity threads that ignore cancellation may outlive Shutdown.
  std::shared_ptr<detail::WorkerCore> core_;
  // Shared: threads running workflow code that never yields may outlive Shutdown.
  std::shared_ptr<detail::WorkflowWorker> workflows_;
};

}  // namespace temporal
