#include "workflow/machines/child_workflow_machine.h"

#include "common/proto_time.h"
#include "temporal/failure.h"
#include "temporal/workflow/workflow.h"

namespace temporal::workflow::detail {

namespace enums = temporal::api::enums::v1;
using temporal::api::failure::v1::Failure;

const char* ChildStateName(ChildState state) {
  switch (state) {
    case CS::kCreated:
      return "Created";
    case CS::kInitiated:
      return "Initiated";
    case CS::kStarted:
      return "Started";
    case CS::kStartFailed:
      return "StartFailed";
    case CS::kCompleted:
      return "Completed";
    case CS::kFailed:
      return "Failed";
    case CS::kCanceled:
      return "Canceled";
    case CS::kTimedOut:
      return "TimedOut";
    case CS::kTerminated:
      return "Terminated";
    case CS::kCanceledBeforeSent:
      return "CanceledBeforeSent";
    case CS::kAbandoned:
      return "Abandoned";
  }
  return "?";
}

const char* ChildEventName(ChildEvent event) {
  switch (event) {
    case CE::kInitiated:
      return "StartChildWorkflowExecutionInitiated";
    case CE::kStartFailed:
      return "StartChildWorkflowExecutionFailed";
    case CE::kStarted:
      return "ChildWorkflowExecutionStarted";
    case CE::kCompleted:
      return "ChildWorkflowExecutionCompleted";
    case CE::kFailed:
      return "ChildWorkflowExecutionFailed";
    case CE::kCanceled:
      return "ChildWorkflowExecutionCanceled";
    case CE::kTimedOut:
      return "ChildWorkflowExecutionTimedOut";
    case CE::kTerminated:
      return "ChildWorkflowExecutionTerminated";
    case CE::kCancel:
      return "Cancel";
  }
  return "?";
}

ChildWorkflowMachine::ChildWorkflowMachine(
    MachineHost& host, ChildHost& child_host, const std::string& namespace_name,
    std::string workflow_id, std::string workflow_type, const ChildWorkflowOptions& options,
    std::vector<Payload> arguments,
    std::function<void(std::vector<Payload>, std::exception_ptr)> on_result)
    : host_(host),
      child_host_(child_host),
      namespace_(namespace_name),
      workflow_id_(std::move(workflow_id)),
      workflow_type_(std::move(workflow_type)),
      cancellation_type_(options.cancellation_type),
      machine_("ChildWorkflowMachine", kChildTransitions, CS::kCreated, ChildStateName,
               ChildEventName),
      on_result_(std::move(on_result)) {
  using temporal::detail::SetDuration;
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION);
  auto* attributes = command.mutable_start_child_workflow_execution_command_attributes();
  // The command's namespace field is deprecated: children run in the parent's namespace.
  attributes->set_workflow_id(workflow_id_);
  attributes->mutable_workflow_type()->set_name(workflow_type_);
  attributes->mutable_task_queue()->set_name(options.task_queue.empty() ? host_.task_queue()
                                                                        : options.task_queue);
  attributes->mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  for (Payload& payload : arguments)
    *attributes->mutable_input()->add_payloads() = std::move(payload);
  if (options.execution_timeout)
    SetDuration(attributes->mutable_workflow_execution_timeout(), *options.execution_timeout);
  if (options.run_timeout)
    SetDuration(attributes->mutable_workflow_run_timeout(), *options.run_timeout);
  if (options.task_timeout)
    SetDuration(attributes->mutable_workflow_task_timeout(), *options.task_timeout);
  if (options.retry_policy) *attributes->mutable_retry_policy() = options.retry_policy->ToProto();
  attributes->set_parent_close_policy(options.parent_close_policy);
  attributes->set_workflow_id_reuse_policy(options.id_reuse_policy);
  if (options.search_attributes.size() > 0)
    *attributes->mutable_search_attributes() = options.search_attributes.ToProto();
  for (const auto& [key, value] : options.memo)
    (*attributes->mutable_memo()->mutable_fields())[key] = value;
  host_.AddCommand(std::move(command), this);
}

std::string ChildWorkflowMachine::Describe() const {
  return "child workflow " + workflow_id_ + " (type " + workflow_type_ + ")";
}

void ChildWorkflowMachine::OnCommandEvent(const HistoryEvent& event) {
  const auto& attributes = event.start_child_workflow_execution_initiated_event_attributes();
  if (attributes.workflow_type().name() != workflow_type_ ||
      attributes.workflow_id() != workflow_id_) {
    throw NondeterminismError(event.event_id(), "history started child " +
                                                    attributes.workflow_id() + " (type " +
                                                    attributes.workflow_type().name() +
                                                    ") where the workflow started " + Describe());
  }
  initiated_event_id_ = event.event_id();
  machine_.Fire(CE::kInitiated, event.event_id());
}

void ChildWorkflowMachine::Resolve(std::vector<Payload> result, std::exception_ptr error) {
  if (resolved_) return;
  resolved_ = true;
  on_result_(std::move(result), std::move(error));
}

std::exception_ptr ChildWorkflowMachine::ChildFailure(const Failure& cause,
                                                      enums::RetryState retry_state,
                                                      std::int64_t started_event_id) {
  Failure failure;
  failure.set_message("child workflow execution error");
  failure.set_source("CppSDK");
  auto* info = failure.mutable_child_workflow_execution_failure_info();
  info->set_namespace_(namespace_);
  info->mutable_workflow_execution()->set_workflow_id(workflow_id_);
  info->mutable_workflow_execution()->set_run_id(run_id_);
  info->mutable_workflow_type()->set_name(workflow_type_);
  info->set_initiated_event_id(initiated_event_id_);
  info->set_started_event_id(started_event_id);
  info->set_retry_state(retry_state);
  *failure.mutable_cause() = cause;
  if (Status decoded = host_.converter().DecodeFailure(&failure); !decoded) {
    return std::make_exception_ptr(ApplicationFailure(
        "child " + workflow_id_ +
            " failed and its failure does not decode: " + decoded.error().message(),
        "PayloadCodecError", true));
  }
  return std::make_exception_ptr(FailureError(temporal::Failure(std::move(failure))));
}

void ChildWorkflowMachine::OnResultEvent(const HistoryEvent& event) {
  const bool abandoned = machine_.state() == CS::kAbandoned;
  switch (event.event_type()) {
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED: {
      machine_.Fire(CE::kStartFailed, event.event_id());
      auto error = std::make_exception_ptr(
          ApplicationFailure("child workflow " + workflow_id_ +
                                 " could not start: a workflow with this id is already running",
                             "WorkflowExecutionAlreadyStarted", true));
      started_.state()->SetException(error);
      if (!abandoned) Resolve({}, error);
      return;
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
      machine_.Fire(CE::kStarted, event.event_id());
      run_id_ =
          event.child_workflow_execution_started_event_attributes().workflow_execution().run_id();
      started_.state()->SetValue(run_id_);
      if (cancel_pending_) SendCancel();
      return;
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED: {
      machine_.Fire(CE::kCompleted, event.event_id());
      if (abandoned) return;
      const auto& result = event.child_workflow_execution_completed_event_attributes().result();
      std::vector<Payload> values(result.payloads().begin(), result.payloads().end());
      if (Status decoded = host_.converter().DecodePayloads(&values); !decoded) {
        Resolve({}, std::make_exception_ptr(ApplicationFailure(
                        "child result does not decode: " + decoded.error().message(),
                        "PayloadCodecError", true)));
        return;
      }
      Resolve(std::move(values), nullptr);
      return;
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED: {
      machine_.Fire(CE::kFailed, event.event_id());
      if (abandoned) return;
      const auto& attributes = event.child_workflow_execution_failed_event_attributes();
      Resolve({}, ChildFailure(attributes.failure(), attributes.retry_state(),
                               attributes.started_event_id()));
      return;
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED: {
      machine_.Fire(CE::kCanceled, event.event_id());
      if (abandoned) return;
      Failure canceled;
      canceled.set_message("child workflow cancelled");
      canceled.set_source("CppSDK");
      *canceled.mutable_canceled_failure_info()->mutable_details() =
          event.child_workflow_execution_canceled_event_attributes().details();
      Resolve({},
              ChildFailure(
                  canceled, enums::RETRY_STATE_CANCEL_REQUESTED,
                  event.child_workflow_execution_canceled_event_attributes().started_event_id()));
      return;
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT: {
      machine_.Fire(CE::kTimedOut, event.event_id());
      if (abandoned) return;
      const auto& attributes = event.child_workflow_execution_timed_out_event_attributes();
      Failure timeout;
      timeout.set_message("child workflow timed out");
      timeout.set_source("CppSDK");
      timeout.mutable_timeout_failure_info()->set_timeout_type(enums::TIMEOUT_TYPE_START_TO_CLOSE);
      Resolve({}, ChildFailure(timeout, attributes.retry_state(), attributes.started_event_id()));
      return;
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED: {
      machine_.Fire(CE::kTerminated, event.event_id());
      if (abandoned) return;
      Failure terminated;
      terminated.set_message("child workflow terminated");
      terminated.set_source("CppSDK");
      terminated.mutable_terminated_failure_info();
      Resolve({},
              ChildFailure(
                  terminated, enums::RETRY_STATE_NON_RETRYABLE_FAILURE,
                  event.child_workflow_execution_terminated_event_attributes().started_event_id()));
      return;
    }
    default:
      throw NondeterminismError(
          event.event_id(),
          "unexpected event " + enums::EventType_Name(event.event_type()) + " for " + Describe());
  }
}

void ChildWorkflowMachine::SendCancel() {
  cancel_pending_ = false;
  Future<void> delivered = child_host_.RequestCancelChild(workflow_id_, run_id_);
  if (cancellation_type_ == ChildWorkflowCancellationType::kWaitCancellationRequested) {
    delivered.state()->OnReady([this] {
      Resolve({}, std::make_exception_ptr(
                      CanceledFailure("child workflow " + workflow_id_ + " cancel requested")));
    });
  }
}

void ChildWorkflowMachine::Cancel() {
  const ChildState before = machine_.state();
  if (before == CS::kCreated) {
    machine_.Fire(CE::kCancel, 0);
    host_.RemoveUnsentCommand(this);
    auto error =
        std::make_exception_ptr(CanceledFailure("child workflow cancelled before it was started"));
    started_.state()->SetException(error);
    Resolve({}, error);
    return;
  }
  if (before != CS::kInitiated && before != CS::kStarted) {
    machine_.Fire(CE::kCancel, 0);
    return;
  }
  if (cancellation_type_ == ChildWorkflowCancellationType::kAbandon) {
    // A local decision the history never records; later events are ignored.
    machine_.Enter(CS::kAbandoned);
    Resolve({}, std::make_exception_ptr(
                    CanceledFailure("child workflow " + workflow_id_ + " abandoned")));
    return;
  }
  machine_.Fire(CE::kCancel, 0);
  if (before == CS::kStarted) {
    SendCancel();
  } else {
    cancel_pending_ = true;  // sent once the child has started
  }
  if (cancellation_type_ == ChildWorkflowCancellationType::kTryCancel) {
    Resolve({}, std::make_exception_ptr(
                    CanceledFailure("child workflow " + workflow_id_ + " cancelled")));
  }
}

}  // namespace temporal::workflow::detail
