// temporal/workflow/child_workflow.h: child workflows, and signalling or
// cancelling other workflows from workflow code.
//
//   auto child = workflow::StartChildWorkflow<std::string>("ProvisionStack", options, stack);
//   std::string child_run_id = co_await child.started;    // the child is running
//   co_await child.Signal("approve", decision);           // talk to it
//   std::string outcome = co_await child.result;          // its result (or FailureError)
//
// A child's failure arrives as FailureError whose failure() is a
// ChildWorkflowFailure (kind kChildWorkflow) caused by the child's own failure.
// Cancelling the scope a child was started in cancels the child, as
// `cancellation_type` says.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/common/retry_policy.h"
#include "temporal/common/search_attributes.h"
#include "temporal/converter/payload.h"
#include "temporal/failure.h"
#include "temporal/workflow/future.h"

namespace temporal::workflow {

/// ChildWorkflowCancellationType: what cancelling a started child means.
enum class ChildWorkflowCancellationType {
  /// Request cancellation and wait until the child closes (default).
  kWaitCancellationCompleted,
  /// Request cancellation and resume at once.
  kTryCancel,
  /// Request cancellation and resume once the request is delivered.
  kWaitCancellationRequested,
  /// Do not request cancellation; resume at once; the child runs on.
  kAbandon,
};

/// ParentClosePolicy: what happens to the child when the parent closes.
using ParentClosePolicy = temporal::api::enums::v1::ParentClosePolicy;

/// ChildWorkflowOptions configures StartChildWorkflow.
struct ChildWorkflowOptions {
  /// workflow_id defaults to a deterministic UUID.
  std::string workflow_id;
  /// task_queue defaults to the parent's.
  std::string task_queue;
  std::optional<std::chrono::milliseconds> execution_timeout;
  std::optional<std::chrono::milliseconds> run_timeout;
  std::optional<std::chrono::milliseconds> task_timeout;
  std::optional<RetryPolicy> retry_policy;
  ParentClosePolicy parent_close_policy = temporal::api::enums::v1::PARENT_CLOSE_POLICY_TERMINATE;
  ChildWorkflowCancellationType cancellation_type =
      ChildWorkflowCancellationType::kWaitCancellationCompleted;
  temporal::api::enums::v1::WorkflowIdReusePolicy id_reuse_policy =
      temporal::api::enums::v1::WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED;
  SearchAttributes search_attributes;
  std::map<std::string, Payload> memo;
};

namespace detail {
using ChildResultCallback = std::function<void(std::vector<Payload>, std::exception_ptr)>;
/// StartChild issues the start command; returns the child's workflow id and its start Future (run
/// id).
std::pair<std::string, Future<std::string>> StartChild(const std::string& workflow_type,
                                                       const ChildWorkflowOptions& options,
                                                       std::vector<Payload> arguments,
                                                       ChildResultCallback on_result);
Future<void> SignalExternalPayloads(const std::string& workflow_id, const std::string& run_id,
                                    const std::string& signal_name, std::vector<Payload> arguments,
                                    bool child_only);
Future<void> CancelExternal(const std::string& workflow_id, const std::string& run_id);
}  // namespace detail

/// ChildWorkflowHandle refers to a child started by StartChildWorkflow.
template <typename T>
struct ChildWorkflowHandle {
  /// workflow_id is the child's workflow id.
  std::string workflow_id;
  /// started resolves with the child's run id once it runs (or throws if it could not start).
  Future<std::string> started;
  /// result resolves with the child's result (or throws FailureError).
  Future<T> result;

  /// Signal sends signal `name` to the child.
  template <typename... Args>
  Future<void> Signal(const std::string& name, const Args&... args) const {
    Result<std::vector<Payload>> payloads = ToPayloads(args...);
    if (!payloads) {
      Future<void> failed;
      failed.state()->SetException(std::make_exception_ptr(ApplicationFailure(
          "signal " + name + ": " + payloads.error().message(), "DataConversionError", true)));
      return failed;
    }
    return detail::SignalExternalPayloads(workflow_id, "", name, std::move(*payloads),
                                          /*child_only=*/true);
  }
};

/// StartChildWorkflow starts workflow `workflow_type` as a child of this one.
template <typename T, typename... Args>
ChildWorkflowHandle<T> StartChildWorkflow(const std::string& workflow_type,
                                          const ChildWorkflowOptions& options,
                                          const Args&... args) {
  auto result = std::make_shared<typename Future<T>::State>();
  Result<std::vector<Payload>> payloads = ToPayloads(args...);
  if (!payloads) {
    result->SetException(std::make_exception_ptr(ApplicationFailure(
        "child " + workflow_type + ": cannot encode arguments: " + payloads.error().message(),
        "DataConversionError", true)));
    Future<std::string> started;
    started.state()->SetException(std::make_exception_ptr(ApplicationFailure(
        "child " + workflow_type + " not started", "DataConversionError", true)));
    return {"", started, Future<T>(result)};
  }
  auto [workflow_id, started] = detail::StartChild(
      workflow_type, options, std::move(*payloads),
      [result, workflow_type](std::vector<Payload> values, std::exception_ptr error) {
        if (error) {
          result->SetException(error);
          return;
        }
        if constexpr (std::is_void_v<T>) {
          result->SetValue(detail::Unit{});
        } else {
          Result<T> value =
              values.empty() ? FromPayload<T>(*ToPayload(nullptr)) : FromPayload<T>(values.front());
          if (value) {
            result->SetValue(std::move(*value));
          } else {
            result->SetException(std::make_exception_ptr(ApplicationFailure(
                "child " + workflow_type + ": cannot decode result: " + value.error().message(),
                "DataConversionError", true)));
          }
        }
      });
  return {workflow_id, started, Future<T>(result)};
}

/// ExecuteChildWorkflow starts a child and returns the Future of its result.
template <typename T, typename... Args>
Future<T> ExecuteChildWorkflow(const std::string& workflow_type,
                               const ChildWorkflowOptions& options, const Args&... args) {
  return StartChildWorkflow<T>(workflow_type, options, args...).result;
}

/// SignalExternalWorkflow signals any workflow by id (run id may be empty).
template <typename... Args>
Future<void> SignalExternalWorkflow(const std::string& workflow_id, const std::string& run_id,
                                    const std::string& signal_name, const Args&... args) {
  Result<std::vector<Payload>> payloads = ToPayloads(args...);
  if (!payloads) {
    Future<void> failed;
    failed.state()->SetException(std::make_exception_ptr(ApplicationFailure(
        "signal " + signal_name + ": " + payloads.error().message(), "DataConversionError", true)));
    return failed;
  }
  return detail::SignalExternalPayloads(workflow_id, run_id, signal_name, std::move(*payloads),
                                        false);
}

/// CancelExternalWorkflow asks any workflow (by id) to cancel.
inline Future<void> CancelExternalWorkflow(const std::string& workflow_id,
                                           const std::string& run_id = "") {
  return detail::CancelExternal(workflow_id, run_id);
}

}  // namespace temporal::workflow
