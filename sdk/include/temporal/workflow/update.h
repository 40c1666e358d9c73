// temporal/workflow/update.h: update handlers in workflow code.
//
// An update is a request a client sends to a running workflow that the
// workflow answers: like a signal it may change the workflow's state, like a
// query it returns a value (or a failure), and unlike either it can be
// refused before it happens. A validator runs first, on the worker, with the
// update's arguments; if it throws, the update is rejected and nothing of it
// reaches history. Otherwise the update is accepted (recorded in history),
// and its handler runs as a coroutine of its own: it may call activities,
// timers and child workflows, and what it returns (or throws) is the
// update's outcome. An exception in a handler fails the update, never the
// workflow.
//
//   struct Decision { std::string plan_hash; bool approve; };
//   TEMPORAL_JSON_STRUCT(Decision, (plan_hash, "planHash"), (approve, "approve"));
//
//   std::string current_hash = ...;
//   workflow::SetUpdateHandler(
//       "Authorize",
//       [&](const workflow::UpdateInfo& info, Decision decision) -> workflow::Task<std::string> {
//         co_await workflow::ExecuteActivity<void>("Audit", options, info.id, decision);
//         co_return decision.approve ? "approved" : "rejected";
//       },
//       [&](const workflow::UpdateInfo&, const Decision& decision) {
//         if (decision.plan_hash != current_hash)
//           throw temporal::ApplicationFailure("the plan changed; re-read it", "StalePlan");
//       });
//
// Handlers and validators take the update's arguments, optionally preceded by
// `const workflow::UpdateInfo&` (the update's id, name and the sending
// client's identity). A handler returns a value, void, or Task<R>.
//
// Rules the engine keeps:
// - Validators run only when the update is new: never on replay (an update
//   accepted in history stays accepted, whatever today's validator says).
//   They must not change the workflow: like query handlers, they fail (and
//   so reject the update) if they call anything that would.
// - Arguments that do not convert to the handler's parameters reject the
//   update with a DataConversionError; no client can fail a run by sending
//   garbage.
// - An update with an id this run has already accepted is ignored: the
//   server answers its sender with the first outcome.
// - An update whose name has no handler waits until the end of the workflow
//   task in which it arrived (the handler may be set by code that runs in that
//   task, as when the update starts the workflow); then it is rejected.
// - Signals are delivered before updates of the same task, and both before
//   the task's other results.
// - UpdateInfo::identity is what the client says it is: use it for display
//   and audit, never for authorization (sign the decision instead).
#pragma once

#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "temporal/workflow/workflow.h"

namespace temporal::workflow {

/// UpdateInfo describes the update a handler or validator is running for.
struct UpdateInfo {
  /// id is the update id: the client's, or one the server generated. Unique
  /// per run; a second update with the same id gets the first one's outcome.
  std::string id;
  /// name is the update's name (what SetUpdateHandler registered).
  std::string name;
  /// identity is the sending client's self-declared identity (meta.identity).
  std::string identity;
};

namespace detail {
using UpdateFunction =
    std::function<Task<std::vector<Payload>>(UpdateInfo info, std::vector<Payload> input)>;
using UpdateValidatorFunction =
    std::function<void(const UpdateInfo& info, const std::vector<Payload>& input)>;
void SetUpdateHandlerPayloads(const std::string& name, UpdateFunction handler,
                              UpdateValidatorFunction validator);

template <typename Tuple>
struct TakesUpdateInfo : std::false_type {};
template <typename First, typename... Rest>
struct TakesUpdateInfo<std::tuple<First, Rest...>> : std::is_same<std::decay_t<First>, UpdateInfo> {
};

// The parameters after an optional leading UpdateInfo, decayed.
template <typename F>
struct UpdateParameters {
  using All = typename temporal::detail::CallableTraits<F>::Parameters;
  static constexpr bool kTakesInfo = TakesUpdateInfo<All>::value;
  using Arguments = typename temporal::detail::DecayedTuple<
      std::conditional_t<kTakesInfo, typename temporal::detail::TupleTail<All>::type, All>>::type;
};

template <typename F, typename Arguments>
decltype(auto) InvokeUpdateCallable(F& function, const UpdateInfo& info, Arguments&& arguments) {
  if constexpr (UpdateParameters<F>::kTakesInfo) {
    return std::apply([&](auto&&... args) -> decltype(auto) { return function(info, args...); },
                      std::forward<Arguments>(arguments));
  } else {
    return std::apply([&](auto&&... args) -> decltype(auto) { return function(args...); },
                      std::forward<Arguments>(arguments));
  }
}

template <typename T>
struct TaskTraits {
  static constexpr bool kIsTask = false;
};
template <typename T>
struct TaskTraits<Task<T>> {
  static constexpr bool kIsTask = true;
  using Value = T;
};

// A free coroutine (not a lambda) so its parameters live in its frame.
template <typename F>
Task<std::vector<Payload>> RunTypedUpdate(std::shared_ptr<F> handler, UpdateInfo info,
                                          std::vector<Payload> input) {
  using Arguments = typename UpdateParameters<F>::Arguments;
  auto arguments = DecodeTuple<Arguments>::From(input);
  if (!arguments) ThrowDataConversion("update " + info.name + " arguments", arguments.error());
  using Return = decltype(InvokeUpdateCallable(*handler, info, std::move(*arguments)));
  if constexpr (TaskTraits<std::decay_t<Return>>::kIsTask) {
    using R = typename TaskTraits<std::decay_t<Return>>::Value;
    if constexpr (std::is_void_v<R>) {
      co_await InvokeUpdateCallable(*handler, info, std::move(*arguments));
      co_return std::vector<Payload>{};
    } else {
      R value = co_await InvokeUpdateCallable(*handler, info, std::move(*arguments));
      auto payloads = ToPayloads(value);
      if (!payloads) ThrowDataConversion("update " + info.name + " result", payloads.error());
      co_return std::move(*payloads);
    }
  } else if constexpr (std::is_void_v<Return>) {
    InvokeUpdateCallable(*handler, info, std::move(*arguments));
    co_return std::vector<Payload>{};
  } else {
    auto payloads = ToPayloads(InvokeUpdateCallable(*handler, info, std::move(*arguments)));
    if (!payloads) ThrowDataConversion("update " + info.name + " result", payloads.error());
    co_return std::move(*payloads);
  }
}

// NoUpdateValidator accepts every update whose arguments convert.
struct NoUpdateValidator {};
}  // namespace detail

/// SetUpdateHandler handles update `name` with `handler`, after `validator`
/// (optional) accepted it. See the top of this file for the rules. Setting a
/// handler again replaces it for updates that arrive from then on.
template <typename Handler, typename Validator = detail::NoUpdateValidator>
void SetUpdateHandler(const std::string& name, Handler handler, Validator validator = {}) {
  using HandlerArguments = typename detail::UpdateParameters<Handler>::Arguments;
  auto shared_handler = std::make_shared<Handler>(std::move(handler));
  detail::UpdateFunction run = [shared_handler](UpdateInfo info, std::vector<Payload> input) {
    return detail::RunTypedUpdate<Handler>(shared_handler, std::move(info), std::move(input));
  };
  detail::UpdateValidatorFunction validate = [validator = std::move(validator)](
                                                 const UpdateInfo& info,
                                                 const std::vector<Payload>& input) mutable {
    // The arguments must convert to the handler's parameters: checked
    // here, so a malformed update is rejected rather than accepted and failed.
    auto arguments = detail::DecodeTuple<HandlerArguments>::From(input);
    if (!arguments) {
      detail::ThrowDataConversion("update " + info.name + " arguments", arguments.error());
    }
    if constexpr (!std::is_same_v<Validator, detail::NoUpdateValidator>) {
      static_assert(
          std::is_same_v<typename detail::UpdateParameters<Validator>::Arguments, HandlerArguments>,
          "an update validator takes the same arguments as its handler (each optionally "
          "preceded by const UpdateInfo&)");
      detail::InvokeUpdateCallable(validator, info, std::move(*arguments));
    } else {
      (void)validator;
    }
  };
  detail::SetUpdateHandlerPayloads(name, std::move(run), std::move(validate));
}

}  // namespace temporal::workflow
