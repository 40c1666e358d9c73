// Private: one run of one workflow, replayed from and driven by its history.
//
// The instance owns the workflow's coroutines, its deterministic scheduler, its
// command state machines and its signal/query handlers. It consumes history
// events in order (full history after a cache miss, the new tail on a sticky
// hit). Command events (TimerStarted, ActivityTaskScheduled, ...) are matched
// at once against the commands the previous task issued. Every other event
// (signals, results, cancellation) is kept until the WorkflowTaskStarted it
// belongs to: there the task's replay flag, clock and recorded markers are set
// first, then its events are applied as one activation (signals first, then
// the rest in history order, as sdk-core orders jobs), then the workflow code
// runs until every coroutine is blocked. So a signal handler sees the same
// state whether the run was cached or replayed from scratch. The commands that
// run issues are matched, in order, against the command events that follow in
// history (replay), or, for the last workflow task, sent to the server. Any
// disagreement is a NondeterminismError.
//
// Thread-safety: none. The worker serializes all calls for one run.
#pragma once

#include <atomic>
#include <chrono>
#include <coroutine>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "temporal/api/enums/v1/failed_cause.pb.h"
#include "temporal/api/failure/v1/message.pb.h"
#include "temporal/common/search_attributes.h"
#include "temporal/workflow/workflow.h"
#include "workflow/machines/activity_machine.h"
#include "workflow/machines/child_workflow_machine.h"
#include "workflow/machines/command_machine.h"
#include "workflow/machines/completion_machine.h"
#include "workflow/machines/external_machines.h"
#include "workflow/machines/local_activity_machine.h"
#include "workflow/machines/marker_machine.h"
#include "workflow/machines/timer_machine.h"
#include "workflow/machines/update_machine.h"
#include "workflow/sdk_flags.h"

namespace temporal::workflow::detail {

/// WorkflowFunction is a registered workflow after type erasure.
using WorkflowFunction = std::function<Task<std::vector<Payload>>(std::vector<Payload> input)>;

/// WorkflowTaskError makes the worker fail the workflow task (not the
/// workflow): the server retries it, and the run is evicted from the cache.
struct WorkflowTaskError {
  temporal::api::enums::v1::WorkflowTaskFailedCause cause;
  temporal::api::failure::v1::Failure failure;
};

class WorkflowInstance : public Runtime,
                         public MachineHost,
                         public ChildHost,
                         public UpdateHost,
                         public LocalActivityHost {
 public:
  WorkflowInstance(WorkflowFunction function, std::string namespace_, std::string workflow_id,
                   std::string run_id, DataConverter converter);
  ~WorkflowInstance() override;
  WorkflowInstance(const WorkflowInstance&) = delete;
  WorkflowInstance& operator=(const WorkflowInstance&) = delete;

  /// ApplyEvents consumes history events in order, running workflow code at
  /// each WorkflowTaskStarted. Throws NondeterminismError or WorkflowTaskError.
  void ApplyEvents(const google::protobuf::RepeatedPtrField<HistoryEvent>& events);

  /// CheckTrailingEvents applies the events kept for a task that has not
  /// started (the history ends before it), without running workflow code: the
  /// Replayer's end of history, where they must still refer to commands the
  /// code issued. The instance is for inspection only afterwards.
  void CheckTrailingEvents();

  /// AddProtocolMessages takes the protocol messages of the workflow task
  /// about to be applied (update requests): they are delivered in the
  /// activation of the task's last WorkflowTaskStarted, after its signals.
  /// A message this SDK does not know is logged and ignored.
  void AddProtocolMessages(const google::protobuf::RepeatedPtrField<Message>& messages);

  /// TakeNewCommands returns the commands not yet sent (payloads encoded) and
  /// marks them sent.
  std::vector<Command> TakeNewCommands();
  /// TakeNewMessages returns the protocol messages for the response: those
  /// named by the commands the last TakeNewCommands returned, in their order,
  /// then the rejections. Call it right after TakeNewCommands.
  std::vector<Message> TakeNewMessages();

  /// Query answers query `name`; kQueryFailed for an unknown type, a failing
  /// handler, or a handler that tried to change the run (queries are read-only).
  Result<std::vector<Payload>> Query(const std::string& name, std::vector<Payload> arguments);
  /// RequireMutable throws std::logic_error naming `operation` while a query
  /// handler runs: every state-changing workflow call checks it first.
  void RequireMutable(const char* operation) const;

  /// last_started_event_id is the WorkflowTaskStarted of the last task run.
  std::int64_t last_started_event_id() const { return last_started_event_id_; }
  /// last_event_id is the id of the last event consumed.
  std::int64_t last_event_id() const { return last_event_id_; }
  bool closed() const { return completion_ != nullptr; }
  const WorkflowInfo& info() const { return info_; }
  bool replaying() const override { return replaying_; }
  std::chrono::system_clock::time_point now() const override { return now_; }
  /// workflow_task_timeout is the run's workflow task timeout (10 s unless
  /// the start or continue-as-new set another).
  std::chrono::milliseconds workflow_task_timeout() const;
  /// code_running_since is when the workflow code running now (one
  /// RunUntilBlocked: every ready coroutine, until all are blocked) began, or
  /// nullopt when none runs. Thread-safe, unlike the rest of this class: the
  /// worker's deadlock watchdog polls it from its own thread.
  std::optional<std::chrono::steady_clock::time_point> code_running_since() const;

  // Runtime
  void Schedule(std::coroutine_handle<> handle, CancellationScopeState* scope) override;
  CancellationScopeState* CurrentScope() override { return current_scope_; }
  void SetCurrentScope(CancellationScopeState* scope) override { current_scope_ = scope; }
  void KeepAlive(std::shared_ptr<CancellationScopeState> scope) override {
    scopes_.push_back(std::move(scope));
  }
  void Spawn(std::coroutine_handle<> handle, std::function<void()> destroy,
             CancellationScopeState* scope) override;

  // MachineHost
  void AddCommand(Command command, CommandMachine* machine) override;
  // UpdateHost
  void AddProtocolCommand(Command command, Message message, CommandMachine* machine) override;
  void AddRejection(Message message) override;
  // LocalActivityHost
  int NextLocalActivitySeq() override { return next_local_activity_seq_++; }
  void BeginScheduling(LocalActivityMachine* machine, LocalActivityRequest request,
                       bool live) override;
  void EndScheduling(int seq) override;
  void CancelExecution(int seq) override;
  void RecordLocalActivityMarker(const LocalActivityRequest& request,
                                 const LocalActivityOutcome& outcome) override;
  TimerMachine* StartBackoffTimer(std::chrono::milliseconds duration) override;
  bool RemoveUnsentCommand(CommandMachine* machine) override;
  const DataConverter& converter() const override { return converter_; }
  const std::string& task_queue() const override { return info_.task_queue; }

  // The workflow API (workflow_api.cc) calls these on the current instance.
  Future<void> StartTimer(std::chrono::milliseconds duration);
  void StartActivity(const std::string& activity_type, const ActivityOptions& options,
                     std::vector<Payload> arguments, PayloadsCallback on_done);

  // Local activities (workflow_instance_local_activities.cc). The worker
  // runs what TakeLocalActivityRequests returns and stops what
  // TakeLocalActivityCancels names, then hands each outcome, one at a time,
  // to ResolveLocalActivity, which runs the workflow code it wakes: the order
  // the markers land in history is the order replay resolves them in.
  void StartLocalActivity(const std::string& activity_type, const LocalActivityOptions& options,
                          std::vector<Payload> arguments, PayloadsCallback on_done);
  std::vector<LocalActivityRequest> TakeLocalActivityRequests();
  std::vector<int> TakeLocalActivityCancels();
  /// ResolveLocalActivity applies a live outcome (ignored when its scheduling
  /// was abandoned). Throws as ApplyEvents does.
  void ResolveLocalActivity(LocalActivityOutcome outcome);
  /// running_local_activities counts the schedulings the worker runs for
  /// this run and whose outcome the run still waits for.
  int running_local_activities() const;
  void SetSignalHandler(const std::string& name, SignalFunction handler);
  void SetQueryHandler(const std::string& name, QueryFunction handler);
  void SetUpdateHandler(const std::string& name, UpdateFunction handler,
                        UpdateValidatorFunction validator);
  /// FinishUpdate records the outcome of an accepted update's handler.
  void FinishUpdate(UpdateMachine* update, std::vector<Payload> result, std::exception_ptr error);
  Future<bool> WaitCondition(std::function<bool()> predicate,
                             std::optional<std::chrono::milliseconds> timeout);
  std::uint64_t NextRandom() {
    RequireMutable("workflow::Random/NewUuid");
    return random_();
  }
  /// TryUseSdkFlag tells whether SDK behaviour `flag` applies (sdk_flags.h).
  bool TryUseSdkFlag(std::uint32_t flag);
  /// TakeNewSdkFlags returns the flags to record in the next task completion.
  std::vector<std::uint32_t> TakeNewSdkFlags();
  /// Patched implements workflow::Patched / DeprecatePatch (docs/determinism.md).
  bool Patched(const std::string& patch_id, bool deprecated);
  /// SideEffect runs `compute` once, records its result, and returns the
  /// recorded result on replay.
  Payload SideEffect(const std::function<Result<Payload>()>& compute);
  void UpsertSearchAttributes(const SearchAttributes& attributes);
  std::pair<std::string, Future<std::string>> StartChild(const std::string& workflow_type,
                                                         const ChildWorkflowOptions& options,
                                                         std::vector<Payload> arguments,
                                                         ChildResultCallback on_result);
  Future<void> SignalExternal(const std::string& workflow_id, const std::string& run_id,
                              const std::string& signal_name, std::vector<Payload> arguments,
                              bool child_only);
  Future<void> CancelExternal(const std::string& workflow_id, const std::string& run_id,
                              bool child_only);
  // ChildHost
  Future<void> RequestCancelChild(const std::string& workflow_id,
                                  const std::string& run_id) override;
  void UpsertMemo(const std::map<std::string, Payload>& memo);
  /// ReportHandlerFailure records an exception escaping a signal handler coroutine.
  void ReportHandlerFailure(std::exception_ptr error);
  /// HandlerStarted / HandlerFinished count the signal handler coroutines running.
  void HandlerStarted() { ++running_handlers_; }
  void HandlerFinished() { --running_handlers_; }
  int running_handlers() const { return running_handlers_; }

 private:
  struct CommandEntry {
    Command command;
    CommandMachine* machine;
    /// message is the protocol message a PROTOCOL_MESSAGE command names.
    std::optional<Message> message;
    bool sent = false;
    /// batch is the number of workflow-task runs before the command was
    /// issued. A command issued while the events before a task were applied
    /// (a cancel request cancelling a timer) belongs to that task's run.
    int batch = 0;
  };
  struct Ready {
    std::coroutine_handle<> handle;
    CancellationScopeState* scope;
  };
  struct Condition {
    std::function<bool()> predicate;
    std::shared_ptr<FutureState<bool>> state;
    TimerMachine* timer = nullptr;
  };
  struct SpawnedTask {
    std::coroutine_handle<> handle;
    std::function<void()> destroy;
  };

  TimerMachine* NewTimer(std::chrono::milliseconds duration);
  void OnStarted(const HistoryEvent& event);
  /// ApplyActivation applies the events kept for the task starting now.
  void ApplyActivation();
  /// ApplyActivationEvent applies one kept (non-command) event.
  void ApplyActivationEvent(const HistoryEvent& event);
  /// KeepPendingEvents copies the kept events still pointing into the
  /// caller's history, which ends before their task starts (a sticky tail).
  void KeepPendingEvents();
  /// DecodedMarker returns a marker event's attributes with its details decoded.
  temporal::api::history::v1::MarkerRecordedEventAttributes DecodedMarker(
      const HistoryEvent& event) const;
  void LogUnhandledSignals(const char* ending) const;
  void RunWorkflowTask(const HistoryEvent& started, bool replaying);
  void RunUntilBlocked();
  bool CheckConditions();
  void MatchCommandEvent(const HistoryEvent& event);
  void CollectUpcomingMarkers(const google::protobuf::RepeatedPtrField<HistoryEvent>& events,
                              int from);
  void RecordMarker(const std::string& name, const Payload& id, std::optional<Payload> data,
                    std::optional<bool> deprecated);
  void DeliverSignal(const std::string& name, std::vector<Payload> input);
  /// DeliverUpdate validates (unless from history) and accepts or rejects
  /// one update request, or keeps it until its handler is set.
  void DeliverUpdate(UpdateRequest request);
  /// DeliverActivationUpdates delivers the updates of the task starting now:
  /// its admitted events and protocol messages, or on replay the updates it
  /// accepted.
  void DeliverActivationUpdates(const std::vector<const HistoryEvent*>& events);
  /// RejectUnhandledUpdates rejects the updates whose handler the task that
  /// brought them never set.
  void RejectUnhandledUpdates();
  /// UpdateRequestFromHistory re-creates the request an accepted update
  /// event records (replay).
  static UpdateRequest UpdateRequestFromHistory(const HistoryEvent& event);
  void IssueCompletion();
  /// CodeRunning publishes code_running_since for as long as it lives (the
  /// worker's deadlock watchdog reads it from its own thread).
  class CodeRunning {
   public:
    explicit CodeRunning(std::atomic<std::chrono::steady_clock::rep>& since) : since_(since) {
      since_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                   std::memory_order_release);
    }
    ~CodeRunning() { since_.store(0, std::memory_order_release); }
    CodeRunning(const CodeRunning&) = delete;
    CodeRunning& operator=(const CodeRunning&) = delete;

   private:
    std::atomic<std::chrono::steady_clock::rep>& since_;
  };
  /// ResolveReplayedLocalActivities resolves, in history order, the local
  /// activities whose markers the replayed task recorded, running the code
  /// each one wakes before the next (as the live task did).
  void ResolveReplayedLocalActivities();
  /// GoLiveLocalActivities re-runs the schedulings replay found no marker for.
  void GoLiveLocalActivities();
  /// FinishCodeRun raises what the code run just ended left behind
  /// (non-determinism, a handler failure) and issues the completion.
  void FinishCodeRun(std::int64_t event_id);
  Status EncodeCommandPayloads(Command* command) const;

  WorkflowFunction function_;
  DataConverter converter_;
  WorkflowInfo info_;
  std::vector<Payload> input_;
  std::mt19937_64 random_;

  std::deque<CommandEntry> commands_;
  std::vector<std::unique_ptr<CommandMachine>> machines_;
  std::map<std::int64_t, ActivityMachine*> activities_by_scheduled_id_;
  std::map<std::string, TimerMachine*> timers_;
  std::map<std::int64_t, ChildWorkflowMachine*> children_by_initiated_id_;
  std::map<std::int64_t, SignalExternalMachine*> signals_by_initiated_id_;
  std::map<std::int64_t, CancelExternalMachine*> cancels_by_initiated_id_;
  CompletionMachine* completion_ = nullptr;
  int batch_ = 0;  // incremented after each workflow-task run
  int next_timer_seq_ = 1;
  int next_activity_seq_ = 1;
  int next_side_effect_seq_ = 1;
  int next_local_activity_seq_ = 1;
  // Schedulings waiting for an outcome (live) or a marker (replay), by seq.
  std::map<int, LocalActivityMachine*> local_activities_;
  std::map<int, LocalActivityRequest> running_local_activities_;  // live ones, by seq
  std::vector<LocalActivityRequest> local_activity_requests_;     // for the worker
  std::vector<int> local_activity_cancels_;                       // for the worker
  std::vector<std::unique_ptr<LocalActivityMachine>> local_activity_machines_;
  // The local-activity markers the replayed task recorded, in history order.
  std::vector<std::pair<std::int64_t, temporal::api::history::v1::MarkerRecordedEventAttributes>>
      upcoming_local_activity_markers_;
  std::map<std::string, bool> patches_;
  std::map<std::string, temporal::api::history::v1::MarkerRecordedEventAttributes>
      upcoming_markers_;
  SdkFlags sdk_flags_;
  std::string nondeterminism_;  // found while workflow code ran; thrown after it

  std::deque<Ready> ready_;
  std::vector<SpawnedTask> spawned_;
  std::vector<Condition> conditions_;
  std::shared_ptr<CancellationScopeState> root_scope_;
  std::vector<std::shared_ptr<CancellationScopeState>> scopes_;
  CancellationScopeState* current_scope_ = nullptr;

  // Events of the coming activation, in history order: pointers into the
  // history being applied, or into pending_storage_ once that is gone.
  std::vector<const HistoryEvent*> pending_events_;
  std::deque<HistoryEvent> pending_storage_;

  std::map<std::string, SignalFunction> signal_handlers_;
  // Replaced handlers live until the run ends: a suspended handler coroutine
  // may still use its closure's captures.
  std::vector<SignalFunction> retired_signal_handlers_;
  // read_only_ names the read-only code running now ("a query handler", "an
  // update validator"), or is null: such code must not change the run.
  const char* read_only_ = nullptr;
  int running_handlers_ = 0;
  std::map<std::string, std::deque<std::vector<Payload>>> buffered_signals_;
  std::map<std::string, QueryFunction> query_handlers_;

  struct UpdateHandler {
    UpdateFunction run;
    UpdateValidatorFunction validate;
  };
  std::map<std::string, UpdateHandler> update_handlers_;
  // Update requests of the coming activation: from the task's protocol
  // messages (new) or from the accepted events that follow a replayed task.
  std::vector<UpdateRequest> new_update_requests_;
  std::vector<UpdateRequest> upcoming_updates_;
  // Requests of this task still without a handler (rejected at its end).
  std::vector<UpdateRequest> unhandled_updates_;
  std::map<std::string, UpdateMachine*> updates_;  // by update id: accepted ones
  std::vector<Message> outgoing_messages_;         // named by commands taken
  std::vector<Message> rejections_;                // for the next response

  Task<void> root_;
  bool root_started_ = false;
  bool root_done_ = false;
  std::optional<std::vector<Payload>> root_result_;
  std::exception_ptr root_error_;
  std::exception_ptr handler_error_;
  bool cancel_requested_ = false;

  // What continue-as-new carries over unless overridden (ContinueAsNewOptions):
  // the start event's values, with upserts applied. Memo payloads are kept
  // encoded, as history holds them.
  std::map<std::string, Payload> memo_;
  google::protobuf::Map<std::string, Payload> search_attributes_;
  std::optional<temporal::api::common::v1::RetryPolicy> retry_policy_;
  temporal::api::common::v1::Header header_;
  std::optional<google::protobuf::Duration> run_timeout_;
  std::optional<google::protobuf::Duration> task_timeout_;

  bool replaying_ = true;
  std::chrono::system_clock::time_point now_;
  std::int64_t last_started_event_id_ = 0;
  std::int64_t last_event_id_ = 0;
  std::atomic<std::chrono::steady_clock::rep> code_running_since_{0};  // 0: no code runs
};

}  // namespace temporal::workflow::detail
