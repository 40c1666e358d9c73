// HistoryBuilder: canned workflow histories for replay tests.
//
// Each call appends one event, numbered from 1, with an event time one second
// after the previous one. Events that refer to earlier ones are linked for
// you: a WorkflowTaskStarted to the last WorkflowTaskScheduled, a command
// event (TimerStarted, ActivityTaskScheduled, WorkflowExecutionCompleted, ...)
// to the last WorkflowTaskCompleted, TimerFired to its TimerStarted (by timer
// id), activity events to their ActivityTaskScheduled and ActivityTaskStarted
// (by activity id). An id that was never started or scheduled links to event
// 0; Edit() changes the last event when a test needs a broken link.
//
//   History history = HistoryBuilder()
//                         .Started("SleepThenCount", 300)  // 1
//                         .WorkflowTask()                  // 2, 3, 4
//                         .TimerStarted("1")               // 5
//                         .TimerFired("1")                 // 6
//                         .WorkflowTask()                  // 7, 8, 9
//                         .WorkflowExecutionCompleted(300) // 10
//                         .Build();
//
// This is the shape the server writes: the commands of a workflow task follow
// its WorkflowTaskCompleted, in the order the code issued them.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "temporal/api/history/v1/message.pb.h"
#include "temporal/converter/payload.h"

namespace temporal::testing {

namespace enums = temporal::api::enums::v1;

/// HistoryBuilder appends numbered, linked history events (see the top of this file).
class HistoryBuilder {
 public:
  using History = temporal::api::history::v1::History;
  using HistoryEvent = temporal::api::history::v1::HistoryEvent;

  /// kRunId is the run id every built history records (it seeds workflow::Random).
  static constexpr const char* kRunId = "0c7d3a52-canned-run";

  /// Build returns the history built so far.
  History Build() const { return history_; }
  /// last_event_id is the id of the last appended event (0 when empty).
  std::int64_t last_event_id() const { return next_id_ - 1; }

  /// Edit calls `change` on the last appended event.
  HistoryBuilder& Edit(const std::function<void(HistoryEvent&)>& change) {
    change(*history_.mutable_events(history_.events_size() - 1));
    return *this;
  }

  // --- The run ------------------------------------------------------------

  /// Started appends WorkflowExecutionStarted of `workflow_type` with `args`
  /// (converted with ToPayloads) as input.
  template <typename... Args>
  HistoryBuilder& Started(const std::string& workflow_type, const Args&... args) {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
                   .mutable_workflow_execution_started_event_attributes();
    a.mutable_workflow_type()->set_name(workflow_type);
    a.mutable_task_queue()->set_name("canned");
    a.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
    SetPayloads(a.mutable_input(), args...);
    a.set_original_execution_run_id(kRunId);
    a.set_first_execution_run_id(kRunId);
    a.set_attempt(1);
    a.mutable_workflow_task_timeout()->set_seconds(10);
    return *this;
  }

  /// Signaled appends WorkflowExecutionSignaled `name` with `args`.
  template <typename... Args>
  HistoryBuilder& Signaled(const std::string& name, const Args&... args) {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                   .mutable_workflow_execution_signaled_event_attributes();
    a.set_signal_name(name);
    SetPayloads(a.mutable_input(), args...);
    a.set_identity("canned-client");
    return *this;
  }

  /// CancelRequested appends WorkflowExecutionCancelRequested (a client cancelled the run).
  HistoryBuilder& CancelRequested(const std::string& cause = "canned cancel") {
    Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
        .mutable_workflow_execution_cancel_requested_event_attributes()
        ->set_cause(cause);
    return *this;
  }

  // --- Workflow tasks -----------------------------------------------------

  HistoryBuilder& WorkflowTaskScheduled() {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
                   .mutable_workflow_task_scheduled_event_attributes();
    a.mutable_task_queue()->set_name("canned");
    a.mutable_start_to_close_timeout()->set_seconds(10);
    a.set_attempt(1);
    last_workflow_task_scheduled_ = last_event_id();
    return *this;
  }
  HistoryBuilder& WorkflowTaskStarted() {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_TASK_STARTED)
                   .mutable_workflow_task_started_event_attributes();
    a.set_scheduled_event_id(last_workflow_task_scheduled_);
    a.set_identity("canned-worker");
    last_workflow_task_started_ = last_event_id();
    return *this;
  }
  HistoryBuilder& WorkflowTaskCompleted() {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
                   .mutable_workflow_task_completed_event_attributes();
    a.set_scheduled_event_id(last_workflow_task_scheduled_);
    a.set_started_event_id(last_workflow_task_started_);
    a.set_identity("canned-worker");
    last_workflow_task_completed_ = last_event_id();
    return *this;
  }
  /// WorkflowTaskFailed appends a failed workflow task (its commands never happened).
  HistoryBuilder& WorkflowTaskFailed(const std::string& message = "canned task failure") {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_TASK_FAILED)
                   .mutable_workflow_task_failed_event_attributes();
    a.set_scheduled_event_id(last_workflow_task_scheduled_);
    a.set_started_event_id(last_workflow_task_started_);
    a.set_cause(enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
    a.mutable_failure()->set_message(message);
    return *this;
  }
  /// WorkflowTask appends Scheduled, Started and Completed: one task the worker ran.
  HistoryBuilder& WorkflowTask() {
    return WorkflowTaskScheduled().WorkflowTaskStarted().WorkflowTaskCompleted();
  }

  // --- Timers -------------------------------------------------------------

  HistoryBuilder& TimerStarted(const std::string& timer_id,
                               std::chrono::seconds duration = std::chrono::seconds(1)) {
    auto& a = *Add(enums::EVENT_TYPE_TIMER_STARTED).mutable_timer_started_event_attributes();
    a.set_timer_id(timer_id);
    a.mutable_start_to_fire_timeout()->set_seconds(duration.count());
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    timers_[timer_id] = last_event_id();
    return *this;
  }
  HistoryBuilder& TimerFired(const std::string& timer_id) {
    auto& a = *Add(enums::EVENT_TYPE_TIMER_FIRED).mutable_timer_fired_event_attributes();
    a.set_timer_id(timer_id);
    a.set_started_event_id(Lookup(timers_, timer_id));
    return *this;
  }
  HistoryBuilder& TimerCanceled(const std::string& timer_id) {
    auto& a = *Add(enums::EVENT_TYPE_TIMER_CANCELED).mutable_timer_canceled_event_attributes();
    a.set_timer_id(timer_id);
    a.set_started_event_id(Lookup(timers_, timer_id));
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    a.set_identity("canned-worker");
    return *this;
  }

  // --- Activities ---------------------------------------------------------

  /// ActivityScheduled appends ActivityTaskScheduled of `activity_type` with
  /// id `activity_id` (the engine's default ids are "1", "2", ... in issue order).
  template <typename... Args>
  HistoryBuilder& ActivityScheduled(const std::string& activity_id,
                                    const std::string& activity_type, const Args&... args) {
    auto& a = *Add(enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
                   .mutable_activity_task_scheduled_event_attributes();
    a.set_activity_id(activity_id);
    a.mutable_activity_type()->set_name(activity_type);
    a.mutable_task_queue()->set_name("canned");
    SetPayloads(a.mutable_input(), args...);
    a.mutable_start_to_close_timeout()->set_seconds(10);
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    activities_[activity_id] = last_event_id();
    return *this;
  }
  HistoryBuilder& ActivityStarted(const std::string& activity_id, int attempt = 1) {
    auto& a = *Add(enums::EVENT_TYPE_ACTIVITY_TASK_STARTED)
                   .mutable_activity_task_started_event_attributes();
    a.set_scheduled_event_id(Lookup(activities_, activity_id));
    a.set_identity("canned-worker");
    a.set_attempt(attempt);
    activity_starts_[activity_id] = last_event_id();
    return *this;
  }
  /// ActivityCompleted appends ActivityTaskCompleted with `result` as its result.
  template <typename T>
  HistoryBuilder& ActivityCompleted(const std::string& activity_id, const T& result) {
    auto& a = *Add(enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
                   .mutable_activity_task_completed_event_attributes();
    SetPayloads(a.mutable_result(), result);
    a.set_scheduled_event_id(Lookup(activities_, activity_id));
    a.set_started_event_id(Lookup(activity_starts_, activity_id));
    a.set_identity("canned-worker");
    return *this;
  }
  /// ActivityFailed appends ActivityTaskFailed with an ApplicationFailure cause.
  HistoryBuilder& ActivityFailed(const std::string& activity_id,
                                 const std::string& message = "canned activity failure",
                                 const std::string& type = "CannedError") {
    auto& a = *Add(enums::EVENT_TYPE_ACTIVITY_TASK_FAILED)
                   .mutable_activity_task_failed_event_attributes();
    a.mutable_failure()->set_message(message);
    a.mutable_failure()->mutable_application_failure_info()->set_type(type);
    a.mutable_failure()->mutable_application_failure_info()->set_non_retryable(true);
    a.set_scheduled_event_id(Lookup(activities_, activity_id));
    a.set_started_event_id(Lookup(activity_starts_, activity_id));
    a.set_identity("canned-worker");
    a.set_retry_state(enums::RETRY_STATE_NON_RETRYABLE_FAILURE);
    return *this;
  }
  /// ActivityTimedOut appends ActivityTaskTimedOut (`timeout`, e.g. START_TO_CLOSE).
  HistoryBuilder& ActivityTimedOut(
      const std::string& activity_id,
      enums::TimeoutType timeout = enums::TIMEOUT_TYPE_START_TO_CLOSE) {
    auto& a = *Add(enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
                   .mutable_activity_task_timed_out_event_attributes();
    a.mutable_failure()->set_message("activity timeout");
    a.mutable_failure()->mutable_timeout_failure_info()->set_timeout_type(timeout);
    a.set_scheduled_event_id(Lookup(activities_, activity_id));
    a.set_started_event_id(Lookup(activity_starts_, activity_id));
    a.set_retry_state(enums::RETRY_STATE_TIMEOUT);
    return *this;
  }
  /// ActivityCancelRequested appends ActivityTaskCancelRequested (the
  /// workflow's RequestCancelActivityTask command).
  HistoryBuilder& ActivityCancelRequested(const std::string& activity_id) {
    auto& a = *Add(enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
                   .mutable_activity_task_cancel_requested_event_attributes();
    a.set_scheduled_event_id(Lookup(activities_, activity_id));
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    activity_cancel_requests_[activity_id] = last_event_id();
    return *this;
  }
  /// ActivityCanceled appends ActivityTaskCanceled (the activity accepted the cancellation).
  HistoryBuilder& ActivityCanceled(const std::string& activity_id) {
    auto& a = *Add(enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED)
                   .mutable_activity_task_canceled_event_attributes();
    a.set_latest_cancel_requested_event_id(Lookup(activity_cancel_requests_, activity_id));
    a.set_scheduled_event_id(Lookup(activities_, activity_id));
    a.set_started_event_id(Lookup(activity_starts_, activity_id));
    a.set_identity("canned-worker");
    return *this;
  }

  // --- Closing the run ----------------------------------------------------

  /// WorkflowExecutionCompleted appends the run's completion with `result` (none: no payload).
  template <typename... Args>
  HistoryBuilder& WorkflowExecutionCompleted(const Args&... result) {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
                   .mutable_workflow_execution_completed_event_attributes();
    SetPayloads(a.mutable_result(), result...);
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    return *this;
  }
  HistoryBuilder& WorkflowExecutionFailed(const std::string& message = "canned workflow failure") {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)
                   .mutable_workflow_execution_failed_event_attributes();
    a.mutable_failure()->set_message(message);
    a.set_retry_state(enums::RETRY_STATE_RETRY_POLICY_NOT_SET);
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    return *this;
  }
  HistoryBuilder& WorkflowExecutionCanceled() {
    Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED)
        .mutable_workflow_execution_canceled_event_attributes()
        ->set_workflow_task_completed_event_id(last_workflow_task_completed_);
    return *this;
  }
  /// WorkflowExecutionContinuedAsNew appends the run's continue-as-new with the next run's input.
  template <typename... Args>
  HistoryBuilder& WorkflowExecutionContinuedAsNew(const std::string& workflow_type,
                                                  const Args&... input) {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)
                   .mutable_workflow_execution_continued_as_new_event_attributes();
    a.set_new_execution_run_id("0c7d3a52-canned-next-run");
    a.mutable_workflow_type()->set_name(workflow_type);
    a.mutable_task_queue()->set_name("canned");
    SetPayloads(a.mutable_input(), input...);
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    return *this;
  }

  // --- Child workflows, external workflows, markers --------------------------

  /// ChildInitiated appends StartChildWorkflowExecutionInitiated.
  HistoryBuilder& ChildInitiated(const std::string& workflow_id, const std::string& workflow_type) {
    auto& a = *Add(enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
                   .mutable_start_child_workflow_execution_initiated_event_attributes();
    a.set_namespace_("default");
    a.set_workflow_id(workflow_id);
    a.mutable_workflow_type()->set_name(workflow_type);
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    children_[workflow_id] = history_.events(history_.events_size() - 1).event_id();
    return *this;
  }
  /// ChildStarted appends ChildWorkflowExecutionStarted.
  HistoryBuilder& ChildStarted(const std::string& workflow_id) {
    auto& a = *Add(enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
                   .mutable_child_workflow_execution_started_event_attributes();
    a.set_initiated_event_id(Lookup(children_, workflow_id));
    a.mutable_workflow_execution()->set_workflow_id(workflow_id);
    a.mutable_workflow_execution()->set_run_id("child-run");
    return *this;
  }
  /// ChildCompleted appends ChildWorkflowExecutionCompleted with `result`.
  template <typename T>
  HistoryBuilder& ChildCompleted(const std::string& workflow_id, const T& result) {
    auto& a = *Add(enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED)
                   .mutable_child_workflow_execution_completed_event_attributes();
    a.set_initiated_event_id(Lookup(children_, workflow_id));
    SetPayloads(a.mutable_result(), result);
    return *this;
  }
  /// ChildFailed appends ChildWorkflowExecutionFailed with an application failure.
  HistoryBuilder& ChildFailed(const std::string& workflow_id, const std::string& type) {
    auto& a = *Add(enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED)
                   .mutable_child_workflow_execution_failed_event_attributes();
    a.set_initiated_event_id(Lookup(children_, workflow_id));
    a.mutable_failure()->set_message("canned child failure");
    a.mutable_failure()->mutable_application_failure_info()->set_type(type);
    return *this;
  }
  /// ChildStartFailed appends StartChildWorkflowExecutionFailed (id in use).
  HistoryBuilder& ChildStartFailed(const std::string& workflow_id) {
    auto& a = *Add(enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED)
                   .mutable_start_child_workflow_execution_failed_event_attributes();
    a.set_initiated_event_id(Lookup(children_, workflow_id));
    a.set_workflow_id(workflow_id);
    a.set_cause(enums::START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS);
    return *this;
  }
  /// SignalExternalInitiated appends SignalExternalWorkflowExecutionInitiated.
  HistoryBuilder& SignalExternalInitiated(const std::string& workflow_id,
                                          const std::string& signal_name) {
    auto& a = *Add(enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
                   .mutable_signal_external_workflow_execution_initiated_event_attributes();
    a.mutable_workflow_execution()->set_workflow_id(workflow_id);
    a.set_signal_name(signal_name);
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    external_ = history_.events(history_.events_size() - 1).event_id();
    return *this;
  }
  /// ExternalSignaled / SignalExternalFailed close the last SignalExternal.
  HistoryBuilder& ExternalSignaled() {
    Add(enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED)
        .mutable_external_workflow_execution_signaled_event_attributes()
        ->set_initiated_event_id(external_);
    return *this;
  }
  HistoryBuilder& SignalExternalFailed() {
    Add(enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
        .mutable_signal_external_workflow_execution_failed_event_attributes()
        ->set_initiated_event_id(external_);
    return *this;
  }
  /// CancelExternalInitiated / ExternalCancelRequested: RequestCancelExternal and its outcome.
  HistoryBuilder& CancelExternalInitiated(const std::string& workflow_id) {
    auto& a = *Add(enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
                   .mutable_request_cancel_external_workflow_execution_initiated_event_attributes();
    a.mutable_workflow_execution()->set_workflow_id(workflow_id);
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    external_ = history_.events(history_.events_size() - 1).event_id();
    return *this;
  }
  HistoryBuilder& ExternalCancelRequested() {
    Add(enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
        .mutable_external_workflow_execution_cancel_requested_event_attributes()
        ->set_initiated_event_id(external_);
    return *this;
  }
  /// Marker appends MarkerRecorded `name` with details id (json) and data.
  template <typename T>
  HistoryBuilder& Marker(const std::string& name, const std::string& id_json, const T& data) {
    auto& a = *Add(enums::EVENT_TYPE_MARKER_RECORDED).mutable_marker_recorded_event_attributes();
    a.set_marker_name(name);
    Payload id;
    (*id.mutable_metadata())["encoding"] = "json/plain";
    id.set_data(id_json);
    *(*a.mutable_details())["id"].add_payloads() = id;
    SetPayloads(&(*a.mutable_details())["data"], data);
    a.set_workflow_task_completed_event_id(last_workflow_task_completed_);
    return *this;
  }

  // --- Updates --------------------------------------------------------------

  /// UpdateAccepted appends WorkflowExecutionUpdateAccepted for update
  /// `update_id` (request message "<id>/request", from client "canned-client").
  template <typename... Args>
  HistoryBuilder& UpdateAccepted(const std::string& update_id, const std::string& name,
                                 const Args&... args) {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
                   .mutable_workflow_execution_update_accepted_event_attributes();
    a.set_protocol_instance_id(update_id);
    a.set_accepted_request_message_id(update_id + "/request");
    a.set_accepted_request_sequencing_event_id(last_workflow_task_started_ - 1);
    auto& request = *a.mutable_accepted_request();
    request.mutable_meta()->set_update_id(update_id);
    request.mutable_meta()->set_identity("canned-client");
    request.mutable_input()->set_name(name);
    SetPayloads(request.mutable_input()->mutable_args(), args...);
    updates_[update_id] = last_event_id();
    return *this;
  }
  /// UpdateCompleted appends WorkflowExecutionUpdateCompleted with `result`.
  template <typename T>
  HistoryBuilder& UpdateCompleted(const std::string& update_id, const T& result) {
    auto& a = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
                   .mutable_workflow_execution_update_completed_event_attributes();
    a.mutable_meta()->set_update_id(update_id);
    a.mutable_meta()->set_identity("canned-client");
    a.set_accepted_event_id(Lookup(updates_, update_id));
    SetPayloads(a.mutable_outcome()->mutable_success(), result);
    return *this;
  }

 private:
  template <typename... Args>
  static void SetPayloads(temporal::api::common::v1::Payloads* out, const Args&... args) {
    if constexpr (sizeof...(Args) > 0) {
      auto payloads = ToPayloads(args...);
      for (auto& payload : *payloads) *out->add_payloads() = std::move(payload);
    }
  }

  static std::int64_t Lookup(const std::map<std::string, std::int64_t>& ids,
                             const std::string& id) {
    auto it = ids.find(id);
    return it == ids.end() ? 0 : it->second;
  }

  HistoryEvent& Add(enums::EventType type) {
    HistoryEvent& event = *history_.add_events();
    event.set_event_id(next_id_);
    event.set_event_type(type);
    // 2024-01-01T00:00:00Z plus one second per event.
    event.mutable_event_time()->set_seconds(1704067200 + next_id_);
    ++next_id_;
    return event;
  }

  History history_;
  std::int64_t next_id_ = 1;
  std::int64_t last_workflow_task_scheduled_ = 0;
  std::int64_t last_workflow_task_started_ = 0;
  std::int64_t last_workflow_task_completed_ = 0;
  std::map<std::string, std::int64_t> timers_;
  std::map<std::string, std::int64_t> activities_;
  std::map<std::string, std::int64_t> activity_starts_;
  std::map<std::string, std::int64_t> activity_cancel_requests_;
  std::map<std::string, std::int64_t> children_;
  std::int64_t external_ = 0;
  std::map<std::string, std::int64_t> updates_;
};

}  // namespace temporal::testing
