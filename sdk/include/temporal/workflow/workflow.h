// temporal/workflow/workflow.h: what workflow code may call.
//
// Workflow code must be deterministic: given the same history it must issue the
// same commands in the same order. Everything here is safe to call from
// workflow code; everything outside it (threads, clocks, random devices, I/O,
// static mutable state) is not. See docs/determinism.md.
//
// A complete workflow:
//
//   namespace wf = temporal::workflow;
//
//   wf::Task<std::string> Provision(std::string application) {
//     wf::ActivityOptions options;
//     options.start_to_close_timeout = std::chrono::minutes(5);
//     options.heartbeat_timeout = std::chrono::seconds(10);
//     std::optional<std::string> region;
//     wf::SetSignalHandler("approve", [&](std::string chosen) { region = chosen; });
//     wf::SetQueryHandler("state", [&] { return region ? "approved" : "waiting"; });
//     if (!co_await wf::WaitCondition([&] { return region.has_value(); }, std::chrono::minutes(2)))
//     {
//       throw temporal::ApplicationFailure("not approved in time", "ApprovalTimeout", true);
//     }
//     co_return co_await wf::ExecuteActivity<std::string>("CreateStack", options, application,
//     *region);
//   }
//
//   worker.RegisterWorkflow("Provision", Provision);
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "temporal/common/retry_policy.h"
#include "temporal/common/search_attributes.h"
#include "temporal/converter/payload.h"
#include "temporal/detail/callable_traits.h"
#include "temporal/failure.h"
#include "temporal/workflow/cancellation_scope.h"
#include "temporal/workflow/child_workflow.h"
#include "temporal/workflow/future.h"
#include "temporal/workflow/task.h"

namespace temporal::workflow {

/// ActivityCancellationType says what cancelling a scheduled activity means.
enum class ActivityCancellationType {
  /// Ask the server to cancel and resume the workflow at once (default).
  kTryCancel,
  /// Ask the server to cancel and wait until the activity reports back.
  kWaitCancellationCompleted,
  /// Resume at once and tell the server nothing; the activity runs on.
  kAbandon,
};

/// ActivityOptions configures ExecuteActivity. At least one of
/// start_to_close_timeout and schedule_to_close_timeout is required.
struct ActivityOptions {
  /// task_queue defaults to the workflow's own task queue.
  std::string task_queue;
  std::optional<std::chrono::milliseconds> schedule_to_close_timeout;
  std::optional<std::chrono::milliseconds> schedule_to_start_timeout;
  std::optional<std::chrono::milliseconds> start_to_close_timeout;
  std::optional<std::chrono::milliseconds> heartbeat_timeout;
  std::optional<RetryPolicy> retry_policy;
  ActivityCancellationType cancellation_type = ActivityCancellationType::kTryCancel;
  /// activity_id defaults to the command's sequence number.
  std::string activity_id;
};

/// WorkflowInfo describes the running workflow.
struct WorkflowInfo {
  std::string namespace_;
  std::string workflow_id;
  std::string run_id;
  std::string first_execution_run_id;
  std::string continued_execution_run_id;
  std::string workflow_type;
  std::string task_queue;
  int attempt = 1;
  std::chrono::system_clock::time_point start_time;
  /// history_length is the number of events in history when the current
  /// workflow task started (its WorkflowTaskStarted event id).
  std::int64_t history_length = 0;
  /// history_size_bytes is the server's size of the history at that point.
  std::int64_t history_size_bytes = 0;
  /// continue_as_new_suggested is set when the server suggests continuing as
  /// new (the history is getting long or large). Long-running workflows check
  /// it between units of work and call ContinueAsNew.
  bool continue_as_new_suggested = false;
};

/// FailureError is thrown into workflow code when an activity fails (after its
/// retries), times out or is cancelled: failure() is an ActivityFailure whose
/// cause says why. Left uncaught it fails the workflow with that failure.
class FailureError : public std::exception {
 public:
  explicit FailureError(Failure failure);
  const char* what() const noexcept override { return what_.c_str(); }
  const Failure& failure() const { return failure_; }

 private:
  Failure failure_;
  std::string what_;
};

/// ContinueAsNewOptions changes what the next run gets. Every field left
/// empty carries the current run's value over (the server inherits none of
/// them by itself): workflow type, task queue, run and task timeouts, retry
/// policy, memo and search attributes (including upserted ones), and the
/// start header.
struct ContinueAsNewOptions {
  std::string workflow_type;
  std::string task_queue;
  std::optional<std::chrono::milliseconds> run_timeout;
  std::optional<std::chrono::milliseconds> task_timeout;
  std::optional<RetryPolicy> retry_policy;
  /// memo replaces the whole memo (values are encoded with the codec).
  std::optional<std::map<std::string, Payload>> memo;
  /// search_attributes replaces all search attributes.
  std::optional<SearchAttributes> search_attributes;
};

/// ContinueAsNewRequest is what ContinueAsNew throws; the engine turns it into
/// the ContinueAsNewWorkflowExecution command. Do not catch it.
struct ContinueAsNewRequest {
  std::vector<Payload> arguments;
  ContinueAsNewOptions options;
};

namespace detail {
using PayloadsCallback = std::function<void(std::vector<Payload> result, std::exception_ptr error)>;
void ScheduleActivity(const std::string& activity_type, const ActivityOptions& options,
                      std::vector<Payload> arguments, PayloadsCallback on_done);
using SignalFunction = std::function<void(const std::vector<Payload>&)>;
void SetSignalHandlerPayloads(const std::string& name, SignalFunction handler);
/// DropUndecodableSignal logs (outside replay) that signal `name` was dropped
/// because its arguments do not convert to the handler's parameters.
void DropUndecodableSignal(const std::string& name, const Error& error);
/// ReportHandlerFailure hands an exception that escaped a signal handler
/// coroutine to the engine, which treats it as the main coroutine's would be.
void ReportHandlerFailure(std::exception_ptr error);
/// HandlerStarted / HandlerFinished count the handler coroutines running.
void HandlerStarted();
void HandlerFinished();
using QueryFunction = std::function<std::vector<Payload>(const std::vector<Payload>&)>;
void SetQueryHandlerPayloads(const std::string& name, QueryFunction handler);
Future<bool> WaitConditionImpl(std::function<bool()> predicate,
                               std::optional<std::chrono::milliseconds> timeout);
[[noreturn]] void ThrowDataConversion(const std::string& what, const Error& error);
Payload SideEffectPayload(const std::function<Result<Payload>()>& compute);

template <typename Tuple>
struct DecodeTuple;
template <typename... Args>
struct DecodeTuple<std::tuple<Args...>> {
  static Result<std::tuple<Args...>> From(const std::vector<Payload>& input) {
    return FromPayloads<Args...>(input);
  }
};
}  // namespace detail

/// Info returns the running workflow's description.
const WorkflowInfo& Info();
/// Now returns the workflow's clock: the start time of the current workflow
/// task, the same on every replay. It never goes backwards, even when a later
/// task's recorded start time is earlier (clock skew between server hosts).
std::chrono::system_clock::time_point Now();
/// IsReplaying tells whether the code is re-running recorded history.
bool IsReplaying();
/// Random returns a deterministic pseudo-random number (seeded from the run id).
std::uint64_t Random();
/// NewUuid returns a deterministic version-4 UUID string.
std::string NewUuid();
/// LogInfo / LogWarning log through the SDK logger, silently during replay.
void LogInfo(std::string_view message);
void LogWarning(std::string_view message);

/// Patched is how workflow code changes safely while runs are open. It returns
/// true when the run should take the new code path: always for new runs and
/// tasks, and on replay only if the run recorded the patch marker the first
/// time it got here. Old runs replaying code from before the patch get false.
///
///   if (workflow::Patched("use-v2-provisioner")) {
///     co_await workflow::ExecuteActivity<void>("ProvisionV2", options, spec);
///   } else {
///     co_await workflow::ExecuteActivity<void>("Provision", options, spec);
///   }
///
/// Once no open run predates the patch, replace the call with
/// DeprecatePatch("use-v2-provisioner") and delete the old branch; once no
/// open run predates that deployment, delete the DeprecatePatch call too.
bool Patched(const std::string& patch_id);
/// DeprecatePatch marks a patch whose old branch has been removed (see Patched).
void DeprecatePatch(const std::string& patch_id);

/// SideEffect runs `compute` (non-deterministic code: a UUID from the OS, a
/// config read) once, records its result in history and returns the recorded
/// value on every replay. `compute` must not fail; keep it short.
template <typename F>
auto SideEffect(F compute) -> decltype(compute()) {
  using T = decltype(compute());
  Payload payload =
      detail::SideEffectPayload([&]() -> Result<Payload> { return ToPayload(compute()); });
  Result<T> value = FromPayload<T>(payload);
  if (!value) detail::ThrowDataConversion("side effect", value.error());
  return std::move(*value);
}

/// AllHandlersFinished tells whether no signal handler coroutine is still
/// running. A workflow that must not end while handlers work (an entity that
/// continues as new, say) waits for it before it returns:
///
///   co_await workflow::WaitCondition(workflow::AllHandlersFinished);
///   workflow::ContinueAsNew(state);
///
/// A run that completes or continues as new with handlers still running logs
/// a warning in the worker log (the handlers are abandoned).
bool AllHandlersFinished();

/// UpsertSearchAttributes adds or replaces indexed search attributes of this
/// workflow (visible to list queries once the task completes).
void UpsertSearchAttributes(const SearchAttributes& attributes);
/// UpsertMemo adds or replaces memo fields (codec applied).
void UpsertMemo(const std::map<std::string, Payload>& memo);

/// Sleep is a durable timer: the Future resolves after `duration` of
/// workflow time, or throws CanceledFailure when its scope is cancelled. A
/// zero duration resolves at once (no timer); a negative one throws an
/// ApplicationFailure of type "InvalidArgument" when awaited.
Future<void> Sleep(std::chrono::milliseconds duration);

/// WaitCondition resolves true once `predicate` holds (re-checked whenever
/// workflow state may have changed), or false when `timeout` passes first (a
/// zero timeout checks once; a negative one throws an ApplicationFailure of
/// type "InvalidArgument" when awaited). An exception thrown by `predicate`
/// while the engine re-checks it fails the workflow task.
inline Future<bool> WaitCondition(std::function<bool()> predicate,
                                  std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
  return detail::WaitConditionImpl(std::move(predicate), timeout);
}

/// ExecuteActivity schedules activity `activity_type` with `args`; the Future
/// gives its result as T, or throws FailureError.
namespace detail {
// ScheduleTyped encodes `args`, hands the payloads to `schedule` with a
// callback that resolves a Future<T> from the result (decoded as T), and
// returns that Future. `what` names the call in conversion errors
// ("activity X", "local activity X").
template <typename T, typename Schedule, typename... Args>
Future<T> ScheduleTyped(const std::string& what, Schedule schedule, const Args&... args) {
  auto state = std::make_shared<typename Future<T>::State>();
  Result<std::vector<Payload>> payloads = ToPayloads(args...);
  if (!payloads) {
    state->SetException(std::make_exception_ptr(
        ApplicationFailure(what + ": cannot encode arguments: " + payloads.error().message(),
                           "DataConversionError", true)));
    return Future<T>(state);
  }
  schedule(
      std::move(*payloads), [state, what](std::vector<Payload> result, std::exception_ptr error) {
        if (error) {
          state->SetException(error);
          return;
        }
        if constexpr (std::is_void_v<T>) {
          state->SetValue(Unit{});
        } else {
          Result<T> value =
              result.empty() ? FromPayload<T>(*ToPayload(nullptr)) : FromPayload<T>(result.front());
          if (value) {
            state->SetValue(std::move(*value));
          } else {
            state->SetException(std::make_exception_ptr(
                ApplicationFailure(what + ": cannot decode result: " + value.error().message(),
                                   "DataConversionError", true)));
          }
        }
      });
  return Future<T>(state);
}
}  // namespace detail

template <typename T, typename... Args>
Future<T> ExecuteActivity(const std::string& activity_type, const ActivityOptions& options,
                          const Args&... args) {
  return detail::ScheduleTyped<T>(
      "activity " + activity_type,
      [&](std::vector<Payload> payloads, detail::PayloadsCallback on_done) {
        detail::ScheduleActivity(activity_type, options, std::move(payloads), std::move(on_done));
      },
      args...);
}

namespace detail {
// Runs a signal handler coroutine and hands what escapes it to the engine
// (an exception left in a spawned Task would otherwise vanish).
inline Task<void> RunSignalHandler(Task<void> handler) {
  try {
    co_await std::move(handler);
  } catch (...) {
    ReportHandlerFailure(std::current_exception());
  }
  HandlerFinished();
}
}  // namespace detail

/// SetSignalHandler handles signal `name`: `handler` takes the signal's
/// arguments (decoded) and returns void or Task<void> (then it runs as its own
/// coroutine). Signals that arrived before the handler existed are delivered
/// to it at once, in order. Handlers run at the start of the workflow task
/// their signal belongs to, before the task's other results are delivered.
///
/// A signal whose payload the codec cannot decode, or whose arguments do not
/// convert to the handler's parameters (a wrong type, a missing field, not an
/// object), is dropped with a warning in the worker log: no client can fail
/// or stall a run by signalling garbage (the official Python SDK's choice).
/// An exception thrown by the handler itself is treated like one escaping the
/// workflow function: an ApplicationFailure fails the workflow, anything else
/// fails the workflow task.
template <typename F>
void SetSignalHandler(const std::string& name, F handler) {
  using Traits = temporal::detail::CallableTraits<F>;
  using Arguments = typename temporal::detail::DecayedTuple<typename Traits::Parameters>::type;
  detail::SetSignalHandlerPayloads(
      name, [handler = std::move(handler), name](const std::vector<Payload>& input) {
        auto arguments = detail::DecodeTuple<Arguments>::From(input);
        if (!arguments) {
          detail::DropUndecodableSignal(name, arguments.error());
          return;
        }
        if constexpr (std::is_void_v<typename Traits::Return>) {
          std::apply(handler, std::move(*arguments));
        } else {
          detail::HandlerStarted();
          Task<void> task = detail::RunSignalHandler(std::apply(handler, std::move(*arguments)));
          auto* runtime = detail::Runtime::Current();
          auto handle = task.handle();
          auto* owned = new Task<void>(std::move(task));
          runtime->Spawn(
              handle, [owned] { delete owned; }, runtime->CurrentScope());
        }
      });
}

/// SetQueryHandler answers query `name` with `handler`'s return value. Queries
/// are read-only: a call that would change the run (Sleep, ExecuteActivity,
/// Random, NewUuid, SideEffect, Patched, upserts, child workflows, signals to
/// other workflows, Spawn, ...) fails the query with a clear error and leaves
/// the run untouched.
///
/// Lifetime: a closed workflow can still be queried. The worker replays it to
/// its end and then calls the handler, when the workflow function has returned
/// and its local variables are destroyed. A handler must therefore own what it
/// reads:
///
///   // BAD: `state` is a local; querying the closed run reads freed memory.
///   State state;
///   wf::SetQueryHandler("GetState", [&] { return state; });
///
///   // GOOD: the handler shares ownership of the state.
///   auto state = std::make_shared<State>();
///   wf::SetQueryHandler("GetState", [state] { return *state; });
template <typename F>
void SetQueryHandler(const std::string& name, F handler) {
  using Traits = temporal::detail::CallableTraits<F>;
  using Arguments = typename temporal::detail::DecayedTuple<typename Traits::Parameters>::type;
  detail::SetQueryHandlerPayloads(
      name, [handler = std::move(handler), name](const std::vector<Payload>& input) {
        auto arguments = detail::DecodeTuple<Arguments>::From(input);
        if (!arguments) detail::ThrowDataConversion("query " + name, arguments.error());
        auto result = ToPayloads(std::apply(handler, std::move(*arguments)));
        if (!result) detail::ThrowDataConversion("query " + name + " result", result.error());
        return std::move(*result);
      });
}

/// Spawn starts `task` as its own coroutine in the current scope and returns its Future.
template <typename T>
Future<T> Spawn(Task<T> task) {
  auto state = std::make_shared<typename Future<T>::State>();
  auto driver = [](Task<T> inner, std::shared_ptr<typename Future<T>::State> out) -> Task<void> {
    try {
      if constexpr (std::is_void_v<T>) {
        co_await std::move(inner);
        out->SetValue(detail::Unit{});
      } else {
        out->SetValue(co_await std::move(inner));
      }
    } catch (...) {
      out->SetException(std::current_exception());
    }
  }(std::move(task), state);
  auto* runtime = detail::Runtime::Current();
  auto handle = driver.handle();
  auto* owned = new Task<void>(std::move(driver));
  runtime->Spawn(
      handle, [owned] { delete owned; }, runtime->CurrentScope());
  return Future<T>(state);
}

/// WhenAll waits for every future (all already running) and returns their values in order.
template <typename T>
Task<std::vector<T>> WhenAll(std::vector<Future<T>> futures) {
  std::vector<T> values;
  values.reserve(futures.size());
  for (auto& future : futures) values.push_back(co_await future);
  co_return values;
}
inline Task<void> WhenAll(std::vector<Future<void>> futures) {
  for (auto& future : futures) co_await future;
}

/// WhenAny resolves with the index of the first future to finish (in
/// deterministic order when several finish in the same workflow task).
template <typename T>
Future<std::size_t> WhenAny(const std::vector<Future<T>>& futures) {
  auto state = std::make_shared<detail::FutureState<std::size_t>>();
  for (std::size_t i = 0; i < futures.size(); ++i) {
    futures[i].state()->OnReady([state, i] { state->SetValue(i); });
  }
  return Future<std::size_t>(state);
}

/// ContinueAsNew ends this run and starts a new one with `args`, carrying over
/// the workflow type, task queue, timeouts, retry policy, memo, search
/// attributes and header (see ContinueAsNewOptions). It throws; code after it
/// does not run. Signals still buffered without a handler are dropped (and
/// logged): drain them first.
template <typename... Args>
[[noreturn]] void ContinueAsNew(const Args&... args) {
  Result<std::vector<Payload>> payloads = ToPayloads(args...);
  if (!payloads) detail::ThrowDataConversion("continue-as-new arguments", payloads.error());
  throw ContinueAsNewRequest{std::move(*payloads), {}};
}

/// ContinueAsNewWithOptions is ContinueAsNew with what the next run gets
/// changed (fields left empty carry the current values over).
template <typename... Args>
[[noreturn]] void ContinueAsNewWithOptions(ContinueAsNewOptions options, const Args&... args) {
  Result<std::vector<Payload>> payloads = ToPayloads(args...);
  if (!payloads) detail::ThrowDataConversion("continue-as-new arguments", payloads.error());
  throw ContinueAsNewRequest{std::move(*payloads), std::move(options)};
}

template <typename T>
Future<T> CancellationScope::Run(Task<T> task) {
  auto* runtime = detail::Runtime::Current();
  detail::CancellationScopeState* previous = runtime->CurrentScope();
  runtime->SetCurrentScope(state_.get());
  Future<T> future = Spawn(std::move(task));
  runtime->SetCurrentScope(previous);
  return future;
}

template <typename F>
auto CancellationScope::RunOperation(F&& operation) -> decltype(operation()) {
  auto* runtime = detail::Runtime::Current();
  detail::CancellationScopeState* previous = runtime->CurrentScope();
  runtime->SetCurrentScope(state_.get());
  auto result = operation();
  runtime->SetCurrentScope(previous);
  return result;
}

}  // namespace temporal::workflow

// Update handlers (SetUpdateHandler) live in their own header; it needs the
// declarations above, so it comes last.
#include "temporal/workflow/update.h"
// Local activities (ExecuteLocalActivity) too.
#include "temporal/workflow/local_activity.h"
