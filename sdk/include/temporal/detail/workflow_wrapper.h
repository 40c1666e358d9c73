// Internal: turns a typed workflow function `Task<R>(Args...)` into the
// type-erased form the engine runs (payloads in, payloads out).
#pragma once

#include <memory>
#include <tuple>
#include <type_traits>
#include <vector>

#include "temporal/converter/payload.h"
#include "temporal/detail/callable_traits.h"
#include "temporal/failure.h"
#include "temporal/workflow/future.h"
#include "temporal/workflow/task.h"

namespace temporal::detail {

template <typename T>
struct TaskValue;
template <typename T>
struct TaskValue<workflow::Task<T>> {
  using type = T;
};

template <typename Tuple>
struct DecodeWorkflowArguments;
template <typename... Args>
struct DecodeWorkflowArguments<std::tuple<Args...>> {
  static Result<std::tuple<Args...>> From(const std::vector<Payload>& input) {
    return FromPayloads<Args...>(input);
  }
};

// A free coroutine (not a lambda) so its parameters live in the coroutine
// frame: a capturing coroutine lambda would outlive its captures.
template <typename F>
workflow::Task<std::vector<Payload>> RunTypedWorkflow(std::shared_ptr<F> function,
                                                      std::vector<Payload> input) {
  using Traits = CallableTraits<F>;
  using Arguments = typename DecayedTuple<typename Traits::Parameters>::type;
  using R = typename TaskValue<typename Traits::Return>::type;
  auto arguments = DecodeWorkflowArguments<Arguments>::From(input);
  if (!arguments) {
    throw ApplicationFailure("cannot decode workflow arguments: " + arguments.error().message(),
                             "DataConversionError", /*non_retryable=*/true);
  }
  auto task = std::apply([&](auto&&... args) { return (*function)(std::move(args)...); },
                         std::move(*arguments));
  if constexpr (std::is_void_v<R>) {
    co_await std::move(task);
    co_return std::vector<Payload>{};
  } else {
    R value = co_await std::move(task);
    Result<std::vector<Payload>> payloads = ToPayloads(value);
    if (!payloads) {
      throw ApplicationFailure("cannot encode workflow result: " + payloads.error().message(),
                               "DataConversionError",
                               /*non_retryable=*/true);
    }
    co_return std::move(*payloads);
  }
}

template <typename F>
std::function<workflow::Task<std::vector<Payload>>(std::vector<Payload>)> WrapWorkflow(F function) {
  auto shared = std::make_shared<F>(std::move(function));
  return [shared](std::vector<Payload> input) {
    return RunTypedWorkflow<F>(shared, std::move(input));
  };
}

}  // namespace temporal::detail
