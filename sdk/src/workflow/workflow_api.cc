// The free functions of temporal/workflow/workflow.h: each forwards to the
// workflow instance running on this thread.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <stdexcept>

#include "common/uuid.h"
#include "temporal/workflow/workflow.h"
#include "workflow/workflow_instance.h"

namespace temporal::workflow {
namespace {

detail::WorkflowInstance& Instance() {
  auto* instance = dynamic_cast<detail::WorkflowInstance*>(detail::Runtime::Current());
  if (instance == nullptr) {
    // Calling workflow APIs from outside workflow code (another thread, a
    // static initializer) is a programming error that must not go unnoticed.
    throw std::logic_error("temporal::workflow API called outside workflow code");
  }
  return *instance;
}

}  // namespace

FailureError::FailureError(Failure failure)
    : failure_(std::move(failure)), what_(failure_.ToString()) {}

namespace detail {

void ScheduleActivity(const std::string& activity_type, const ActivityOptions& options,
                      std::vector<Payload> arguments, PayloadsCallback on_done) {
  Instance().StartActivity(activity_type, options, std::move(arguments), std::move(on_done));
}

void ScheduleLocalActivity(const std::string& activity_type, const LocalActivityOptions& options,
                           std::vector<Payload> arguments, PayloadsCallback on_done) {
  Instance().StartLocalActivity(activity_type, options, std::move(arguments), std::move(on_done));
}

void SetSignalHandlerPayloads(const std::string& name, SignalFunction handler) {
  Instance().SetSignalHandler(name, std::move(handler));
}

void SetUpdateHandlerPayloads(const std::string& name, UpdateFunction handler,
                              UpdateValidatorFunction validator) {
  Instance().SetUpdateHandler(name, std::move(handler), std::move(validator));
}

void SetQueryHandlerPayloads(const std::string& name, QueryFunction handler) {
  Instance().SetQueryHandler(name, std::move(handler));
}

Future<bool> WaitConditionImpl(std::function<bool()> predicate,
                               std::optional<std::chrono::milliseconds> timeout) {
  return Instance().WaitCondition(std::move(predicate), timeout);
}

void DropUndecodableSignal(const std::string& name, const Error& error) {
  auto& instance = Instance();
  if (instance.replaying()) return;
  spdlog::warn("workflow {} ({}): dropped signal '{}': its arguments do not convert: {}",
               instance.info().workflow_id, instance.info().workflow_type, name, error.message());
}

void ReportHandlerFailure(std::exception_ptr error) {
  Instance().ReportHandlerFailure(std::move(error));
}

void HandlerStarted() { Instance().HandlerStarted(); }
void HandlerFinished() { Instance().HandlerFinished(); }

void ThrowDataConversion(const std::string& what, const Error& error) {
  throw ApplicationFailure(what + ": " + error.message(), "DataConversionError",
                           /*non_retryable=*/true);
}

std::pair<std::string, Future<std::string>> StartChild(const std::string& workflow_type,
                                                       const ChildWorkflowOptions& options,
                                                       std::vector<Payload> arguments,
                                                       ChildResultCallback on_result) {
  return Instance().StartChild(workflow_type, options, std::move(arguments), std::move(on_result));
}

Future<void> SignalExternalPayloads(const std::string& workflow_id, const std::string& run_id,
                                    const std::string& signal_name, std::vector<Payload> arguments,
                                    bool child_only) {
  return Instance().SignalExternal(workflow_id, run_id, signal_name, std::move(arguments),
                                   child_only);
}

Future<void> CancelExternal(const std::string& workflow_id, const std::string& run_id) {
  return Instance().CancelExternal(workflow_id, run_id, /*child_only=*/false);
}

Payload SideEffectPayload(const std::function<Result<Payload>()>& compute) {
  return Instance().SideEffect(compute);
}

CancellationScopeState::~CancellationScopeState() = default;

void CancellationScopeState::Cancel() {
  if (cancelled) return;
  cancelled = true;
  auto pending = callbacks;  // callbacks may start new work in other scopes
  for (auto& [id, callback] : pending) callback();
  for (CancellationScopeState* child : children) child->Cancel();
}

int CancellationScopeState::OnCancel(std::function<void()> callback) {
  const int id = next_callback_id++;
  callbacks.emplace_back(id, std::move(callback));
  return id;
}

void CancellationScopeState::RemoveCallback(int id) {
  for (auto it = callbacks.begin(); it != callbacks.end(); ++it) {
    if (it->first == id) {
      callbacks.erase(it);
      return;
    }
  }
}

}  // namespace detail

const WorkflowInfo& Info() { return Instance().info(); }
std::chrono::system_clock::time_point Now() { return Instance().now(); }
bool IsReplaying() { return Instance().replaying(); }
bool AllHandlersFinished() { return Instance().running_handlers() == 0; }
std::uint64_t Random() { return Instance().NextRandom(); }

std::string NewUuid() {
  auto& instance = Instance();
  const std::uint64_t high = instance.NextRandom();
  return temporal::detail::FormatUuidV4(high, instance.NextRandom());
}

void LogInfo(std::string_view message) {
  auto& instance = Instance();
  if (instance.replaying()) return;
  spdlog::info("workflow {} ({}): {}", instance.info().workflow_id, instance.info().workflow_type,
               message);
}

void LogWarning(std::string_view message) {
  auto& instance = Instance();
  if (instance.replaying()) return;
  spdlog::warn("workflow {} ({}): {}", instance.info().workflow_id, instance.info().workflow_type,
               message);
}

Future<void> Sleep(std::chrono::milliseconds duration) { return Instance().StartTimer(duration); }

bool Patched(const std::string& patch_id) {
  return Instance().Patched(patch_id, /*deprecated=*/false);
}
void DeprecatePatch(const std::string& patch_id) {
  (void)Instance().Patched(patch_id, /*deprecated=*/true);
}

void UpsertSearchAttributes(const SearchAttributes& attributes) {
  Instance().UpsertSearchAttributes(attributes);
}
void UpsertMemo(const std::map<std::string, Payload>& memo) { Instance().UpsertMemo(memo); }

CancellationScope::CancellationScope()
    : state_(std::make_shared<detail::CancellationScopeState>()) {
  auto& instance = Instance();
  // Checked before the scope is linked into its parent (queries are read-only).
  instance.RequireMutable("workflow::CancellationScope");
  state_->parent = instance.CurrentScope();
  if (state_->parent != nullptr) {
    state_->parent->children.push_back(state_.get());
    state_->cancelled = state_->parent->cancelled;
  }
  instance.KeepAlive(state_);
}

CancellationScope CancellationScope::Detached() {
  Instance().RequireMutable("workflow::CancellationScope::Detached");
  auto state = std::make_shared<detail::CancellationScopeState>();
  Instance().KeepAlive(state);
  return CancellationScope(std::move(state));
}

void CancellationScope::Cancel() { state_->Cancel(); }

bool CancellationScope::IsCancelled() const { return state_->cancelled; }

}  // namespace temporal::workflow
