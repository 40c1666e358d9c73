// temporal/client/client.h: the Temporal client.
//
// A Client holds one gRPC connection to the frontend service and a data
// converter. It starts workflows and hands out WorkflowHandles for everything
// else. Cheap to copy (copies share the connection); thread-safe.
//
// Example:
//
//   temporal::ClientOptions options;
//   options.target_host = "127.0.0.1:7233";
//   temporal::Result<temporal::Client> client = temporal::Client::Connect(options);
//   if (!client) return fail(client.error());
//
//   temporal::StartWorkflowOptions start;
//   start.id = "app-42";
//   start.task_queue = "provisioning";
//   auto handle = client->StartWorkflow("ProvisionApplication", start, request);
//   auto result = handle->GetResult<nlohmann::json>();
//
// Schedules (temporal/client/schedule_handle.h) are created with
// CreateSchedule and addressed with GetScheduleHandle:
//
//   temporal::ScheduleOptions schedule;
//   schedule.id = "nightly-drift";
//   schedule.schedule.spec.cron_expressions = {"0 2 * * *"};
//   schedule.schedule.action.workflow_type = "DetectDrift";
//   schedule.schedule.action.task_queue = "provisioning";
//   auto handle = client->CreateSchedule(schedule);   // kAlreadyExists for a taken id
//
// Every call returns Result/Status; transient gRPC errors are retried per
// ClientOptions::rpc_retry, others come back as Errors keeping their gRPC code.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "temporal/api/workflowservice/v1/request_response.pb.h"
#include "temporal/client/async_activity_handle.h"
#include "temporal/client/client_options.h"
#include "temporal/client/schedule_description.h"
#include "temporal/client/schedule_handle.h"
#include "temporal/client/schedule_options.h"
#include "temporal/client/workflow_description.h"
#include "temporal/client/workflow_handle.h"
#include "temporal/client/workflow_options.h"
#include "temporal/converter/payload.h"
#include "temporal/error.h"

namespace temporal {

/// ServerInfo is what GetSystemInfo told Connect.
struct ServerInfo {
  std::string server_version;
  temporal::api::workflowservice::v1::GetSystemInfoResponse::Capabilities capabilities;
};

/// ListPage is one page of ListWorkflows.
struct ListPage {
  std::vector<WorkflowExecutionSummary> executions;
  /// next_page_token is empty on the last page.
  std::string next_page_token;
};

/// UpdateWithStartResult is what Client::UpdateWithStart returns.
struct UpdateWithStartResult {
  WorkflowHandle workflow;
  UpdateHandle update;
  /// started is false when the update went to a run that was already open.
  bool started = false;
};

class Client {
 public:
  /// Connect opens the connection and calls GetSystemInfo to check it. An
  /// unreachable server gives kUnavailable (or kDeadlineExceeded) after
  /// `connect_timeout`.
  static Result<Client> Connect(ClientOptions options);

  /// server_info returns the version and capabilities read at Connect.
  const ServerInfo& server_info() const;
  /// options returns the options this client was connected with.
  const ClientOptions& options() const;

  /// StartWorkflow starts `workflow_type` with `args`. kAlreadyExists when a
  /// run with the id is open and the conflict policy is FAIL.
  template <typename... Args>
  Result<WorkflowHandle> StartWorkflow(const std::string& workflow_type,
                                       const StartWorkflowOptions& options,
                                       const Args&... args) const {
    Result<std::vector<Payload>> payloads = ToPayloads(args...);
    if (!payloads) return payloads.error();
    return StartWorkflowPayloads(workflow_type, options, std::move(*payloads));
  }
  Result<WorkflowHandle> StartWorkflowPayloads(const std::string& workflow_type,
                                               const StartWorkflowOptions& options,
                                               std::vector<Payload> args) const;

  /// SignalWithStart signals the workflow, starting it first (with
  /// `workflow_args`) if it is not running. Build the argument lists with
  /// temporal::ToPayloads(...).
  Result<WorkflowHandle> SignalWithStart(const std::string& workflow_type,
                                         const StartWorkflowOptions& options,
                                         const std::string& signal_name,
                                         std::vector<Payload> signal_args,
                                         std::vector<Payload> workflow_args) const;

  /// UpdateWithStart sends update `update_name` to workflow `options.id`,
  /// starting it first (with `workflow_args`) when no run with that id is
  /// open, in one request (ExecuteMultiOperation): the update reaches the
  /// run's first workflow task, before the workflow could close. Build the
  /// argument lists with temporal::ToPayloads(...). `options.id_conflict_policy`
  /// must be set: USE_EXISTING updates a running workflow, FAIL refuses it
  /// (kAlreadyExists). The call returns when the update reached
  /// `update_options.wait_for_stage`; a validator rejection gives kUpdateFailed.
  Result<UpdateWithStartResult> UpdateWithStart(const std::string& workflow_type,
                                                const StartWorkflowOptions& options,
                                                std::vector<Payload> workflow_args,
                                                const UpdateOptions& update_options,
                                                const std::string& update_name,
                                                std::vector<Payload> update_args) const;

  /// GetHandle addresses an existing workflow; an empty run id means its latest run.
  WorkflowHandle GetHandle(const std::string& workflow_id, const std::string& run_id = "") const;

  /// ListWorkflows returns every execution matching a visibility query (all pages).
  Result<std::vector<WorkflowExecutionSummary>> ListWorkflows(const std::string& query) const;
  /// ListWorkflowsPage returns one page, for callers that page themselves.
  Result<ListPage> ListWorkflowsPage(const std::string& query, const std::string& page_token,
                                     int page_size = 100) const;
  /// CountWorkflows counts executions matching a visibility query.
  Result<std::int64_t> CountWorkflows(const std::string& query) const;

  /// CreateSchedule creates a schedule (temporal/client/schedule_options.h).
  /// A schedule with the same id gives kAlreadyExists; a spec or action the
  /// server refuses gives kInvalidArgument.
  Result<ScheduleHandle> CreateSchedule(const ScheduleOptions& options) const;
  /// GetScheduleHandle addresses an existing schedule by id (no call is made).
  ScheduleHandle GetScheduleHandle(const std::string& schedule_id) const;
  /// ListSchedules returns every schedule matching a visibility query (all
  /// pages; empty query = all). Visibility is eventually consistent: a schedule
  /// created a moment ago may not be listed yet.
  Result<std::vector<ScheduleListEntry>> ListSchedules(const std::string& query = "") const;
  /// ListSchedulesPage returns one page of at most `page_size` schedules, for
  /// callers that page themselves; pass the previous page's next_page_token.
  Result<ScheduleListPage> ListSchedulesPage(const std::string& query,
                                             const std::string& page_token,
                                             int page_size = 100) const;

  /// GetAsyncActivityHandle addresses an activity attempt by task token.
  AsyncActivityHandle GetAsyncActivityHandle(const std::string& task_token) const;
  /// GetAsyncActivityHandle addresses an activity by ids (run id may be empty).
  AsyncActivityHandle GetAsyncActivityHandle(const std::string& workflow_id,
                                             const std::string& run_id,
                                             const std::string& activity_id) const;

  /// core is the SDK's shared connection state (used by Worker).
  const std::shared_ptr<detail::ClientCore>& core() const { return core_; }

 private:
  explicit Client(std::shared_ptr<detail::ClientCore> core);
  std::shared_ptr<detail::ClientCore> core_;
};

}  // namespace temporal
