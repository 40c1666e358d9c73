// temporal/client/workflow_handle.h: one workflow, by id (and optionally run id).
//
// Example:
//
//   auto handle = client->StartWorkflow("ProvisionApplication", options, request);
//   handle->Signal("authorize", decision);
//   auto state = handle->Query<std::string>("GetState");
//   auto result = handle->GetResult<ProvisionResult>();   // waits for the close
//   if (!result && result.error().code() == temporal::ErrorCode::kWorkflowFailed) {
//     std::cerr << result.error().failure()->ToString();
//   }
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "temporal/api/enums/v1/query.pb.h"
#include "temporal/api/enums/v1/update.pb.h"
#include "temporal/api/history/v1/message.pb.h"
#include "temporal/client/workflow_description.h"
#include "temporal/converter/payload.h"
#include "temporal/error.h"

namespace temporal {

namespace detail {
class ClientCore;
}

/// QueryRejectCondition: reject a query when the workflow is closed
/// (NOT_OPEN) or closed other than completed (NOT_COMPLETED_CLEANLY).
using QueryRejectCondition = temporal::api::enums::v1::QueryRejectCondition;

/// UpdateWaitStage: how far StartUpdate waits (ACCEPTED or COMPLETED).
using UpdateWaitStage = temporal::api::enums::v1::UpdateWorkflowExecutionLifecycleStage;

/// GetResultOptions configures WorkflowHandle::GetResult.
struct GetResultOptions {
  /// follow_runs follows continue-as-new, retry and cron runs to the last one.
  bool follow_runs = true;
  /// timeout bounds the whole wait; none = wait as long as the workflow runs.
  std::optional<std::chrono::milliseconds> timeout;
};

/// UpdateOptions configures WorkflowHandle::StartUpdate.
struct UpdateOptions {
  /// update_id deduplicates: a second update with the same id gets the first's outcome.
  std::string update_id;
  /// wait_for_stage is the stage StartUpdate returns at (ACCEPTED by default).
  UpdateWaitStage wait_for_stage =
      temporal::api::enums::v1::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
};

/// UpdateHandle refers to one accepted (or completed) update.
class UpdateHandle {
 public:
  /// id returns the update id.
  const std::string& id() const { return update_id_; }
  /// GetResult waits for the update's outcome and decodes it as T. A rejected
  /// or failed update gives ErrorCode::kUpdateFailed with the failure.
  template <typename T>
  Result<T> GetResult() const {
    Result<std::vector<Payload>> payloads = GetResultPayloads();
    if (!payloads) return payloads.error();
    return DecodeFirst<T>(*payloads);
  }
  /// GetResultPayloads waits for the outcome and returns its decoded payloads.
  Result<std::vector<Payload>> GetResultPayloads() const;

 private:
  friend class WorkflowHandle;
  friend class Client;
  UpdateHandle(std::shared_ptr<detail::ClientCore> core, std::string workflow_id,
               std::string run_id, std::string update_id,
               std::optional<temporal::api::update::v1::Outcome> outcome);
  template <typename T>
  static Result<T> DecodeFirst(const std::vector<Payload>& payloads) {
    if constexpr (std::is_void_v<T>) {
      return OkStatus();
    } else {
      // No payload at all (a workflow returning nothing) reads like binary/null.
      if (payloads.empty()) return FromPayload<T>(*ToPayload(nullptr));
      return FromPayload<T>(payloads.front());
    }
  }

  std::shared_ptr<detail::ClientCore> core_;
  std::string workflow_id_;
  std::string run_id_;
  std::string update_id_;
  std::optional<temporal::api::update::v1::Outcome> outcome_;
};

/// WorkflowHandle addresses a workflow execution. Cheap to copy; thread-safe.
/// A handle from StartWorkflow or SignalWithStart sends signals, queries,
/// updates, cancel, terminate and describe to the latest run of its chain
/// (after continue-as-new, that is the new run); GetResult follows the chain
/// from the started run, and FetchHistory reads the started run. A handle from
/// GetHandle(id, run_id) is pinned to that run (the latest when run_id is empty).
class WorkflowHandle {
 public:
  /// workflow_id returns the workflow id.
  const std::string& workflow_id() const { return workflow_id_; }
  /// run_id returns the run this handle was created for (empty = latest).
  const std::string& run_id() const { return run_id_; }

  /// GetResult waits (long-polling the close event) and decodes the result as T.
  /// A close other than completed gives an Error: kWorkflowFailed (with the
  /// failure chain), kWorkflowCanceled, kWorkflowTerminated, kWorkflowTimedOut,
  /// or kWorkflowContinuedAsNew when not following runs.
  template <typename T>
  Result<T> GetResult(const GetResultOptions& options = {}) const {
    Result<std::vector<Payload>> payloads = GetResultPayloads(options);
    if (!payloads) return payloads.error();
    return UpdateHandle::DecodeFirst<T>(*payloads);
  }
  /// GetResultPayloads is GetResult without decoding (the codec is applied).
  Result<std::vector<Payload>> GetResultPayloads(const GetResultOptions& options = {}) const;

  /// Signal sends signal `name` with `args`.
  template <typename... Args>
  Status Signal(const std::string& name, const Args&... args) const {
    Result<std::vector<Payload>> payloads = ToPayloads(args...);
    if (!payloads) return payloads.error();
    return SignalPayloads(name, std::move(*payloads));
  }
  Status SignalPayloads(const std::string& name, std::vector<Payload> args) const;

  /// Query runs query `name` and decodes its answer as T. An unknown query type
  /// or a query handler failure gives kQueryFailed naming it.
  template <typename T, typename... Args>
  Result<T> Query(const std::string& name, const Args&... args) const {
    return QueryWithRejectCondition<T>(temporal::api::enums::v1::QUERY_REJECT_CONDITION_NONE, name,
                                       args...);
  }
  /// QueryWithRejectCondition is Query that the server rejects (kQueryRejected)
  /// when the workflow's state matches `condition`.
  template <typename T, typename... Args>
  Result<T> QueryWithRejectCondition(QueryRejectCondition condition, const std::string& name,
                                     const Args&... args) const {
    Result<std::vector<Payload>> payloads = ToPayloads(args...);
    if (!payloads) return payloads.error();
    Result<std::vector<Payload>> answer = QueryPayloads(name, std::move(*payloads), condition);
    if (!answer) return answer.error();
    return UpdateHandle::DecodeFirst<T>(*answer);
  }
  Result<std::vector<Payload>> QueryPayloads(const std::string& name, std::vector<Payload> args,
                                             QueryRejectCondition condition) const;

  /// Update runs update `name` and waits for its result. A validator rejection
  /// or a failed handler gives kUpdateFailed with the failure.
  template <typename T, typename... Args>
  Result<T> Update(const std::string& name, const Args&... args) const {
    UpdateOptions options;
    options.wait_for_stage =
        temporal::api::enums::v1::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
    Result<UpdateHandle> handle = StartUpdate(options, name, args...);
    if (!handle) return handle.error();
    return handle->GetResult<T>();
  }
  /// StartUpdate sends the update and returns once it reached
  /// `options.wait_for_stage` (ACCEPTED by default).
  template <typename... Args>
  Result<UpdateHandle> StartUpdate(const UpdateOptions& options, const std::string& name,
                                   const Args&... args) const {
    Result<std::vector<Payload>> payloads = ToPayloads(args...);
    if (!payloads) return payloads.error();
    return StartUpdatePayloads(options, name, std::move(*payloads));
  }
  Result<UpdateHandle> StartUpdatePayloads(const UpdateOptions& options, const std::string& name,
                                           std::vector<Payload> args) const;
  /// GetUpdateHandle refers to an update started earlier (by any client).
  UpdateHandle GetUpdateHandle(const std::string& update_id) const;

  /// Cancel requests cancellation; the workflow decides how to react.
  Status Cancel(const std::string& reason = "") const;
  /// Terminate ends the workflow at once, with no chance to clean up.
  Status Terminate(const std::string& reason = "") const;

  /// Describe returns status, pending activities and more.
  Result<WorkflowDescription> Describe() const;

  /// FetchHistory returns the run's whole history (all pages); payloads stay
  /// as recorded (encoded).
  Result<temporal::api::history::v1::History> FetchHistory() const;
  /// FetchHistoryJson returns the history as proto3 JSON, in the shape
  /// `temporal workflow show --output json` writes (`{"events": [...]}`).
  Result<std::string> FetchHistoryJson() const;

 private:
  friend class Client;
  WorkflowHandle(std::shared_ptr<detail::ClientCore> core, std::string workflow_id,
                 std::string run_id, std::string first_execution_run_id, bool pinned);

  std::shared_ptr<detail::ClientCore> core_;
  std::string workflow_id_;
  std::string run_id_;
  std::string target_run_id_;
  std::string first_execution_run_id_;
};

}  // namespace temporal
