#include "workflow/machines/activity_machine.h"

#include "common/proto_time.h"

namespace temporal::workflow::detail {

namespace enums = temporal::api::enums::v1;
using temporal::api::failure::v1::Failure;

const char* ActivityStateName(ActivityState state) {
  switch (state) {
    case AS::kCreated:
      return "Created";
    case AS::kScheduled:
      return "Scheduled";
    case AS::kStarted:
      return "Started";
    case AS::kCancelCommandCreated:
      return "CancelCommandCreated";
    case AS::kCancelRequested:
      return "CancelRequested";
    case AS::kCompleted:
      return "Completed";
    case AS::kFailed:
      return "Failed";
    case AS::kTimedOut:
      return "TimedOut";
    case AS::kCanceled:
      return "Canceled";
    case AS::kCanceledBeforeSent:
      return "CanceledBeforeSent";
    case AS::kAbandoned:
      return "Abandoned";
  }
  return "?";
}

const char* ActivityEventName(ActivityEvent event) {
  switch (event) {
    case AE::kScheduled:
      return "ActivityTaskScheduled";
    case AE::kStarted:
      return "ActivityTaskStarted";
    case AE::kCompleted:
      return "ActivityTaskCompleted";
    case AE::kFailed:
      return "ActivityTaskFailed";
    case AE::kTimedOut:
      return "ActivityTaskTimedOut";
    case AE::kCancel:
      return "Cancel";
    case AE::kCancelRequested:
      return "ActivityTaskCancelRequested";
    case AE::kCanceled:
      return "ActivityTaskCanceled";
  }
  return "?";
}

ActivityMachine::ActivityMachine(MachineHost& host, std::string activity_id,
                                 const std::string& activity_type, const ActivityOptions& options,
                                 std::vector<Payload> arguments, PayloadsCallback on_done)
    : host_(host),
      activity_id_(std::move(activity_id)),
      activity_type_(activity_type),
      cancellation_type_(options.cancellation_type),
      machine_("ActivityMachine", kActivityTransitions, AS::kCreated, ActivityStateName,
               ActivityEventName),
      on_done_(std::move(on_done)) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
  auto* attributes = command.mutable_schedule_activity_task_command_attributes();
  attributes->set_activity_id(activity_id_);
  attributes->mutable_activity_type()->set_name(activity_type_);
  attributes->mutable_task_queue()->set_name(options.task_queue.empty() ? host_.task_queue()
                                                                        : options.task_queue);
  attributes->mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  for (Payload& payload : arguments)
    *attributes->mutable_input()->add_payloads() = std::move(payload);
  using temporal::detail::SetDuration;
  if (options.schedule_to_close_timeout) {
    SetDuration(attributes->mutable_schedule_to_close_timeout(),
                *options.schedule_to_close_timeout);
  }
  if (options.schedule_to_start_timeout) {
    SetDuration(attributes->mutable_schedule_to_start_timeout(),
                *options.schedule_to_start_timeout);
  }
  if (options.start_to_close_timeout) {
    SetDuration(attributes->mutable_start_to_close_timeout(), *options.start_to_close_timeout);
  }
  if (options.heartbeat_timeout)
    SetDuration(attributes->mutable_heartbeat_timeout(), *options.heartbeat_timeout);
  if (options.retry_policy) *attributes->mutable_retry_policy() = options.retry_policy->ToProto();
  host_.AddCommand(std::move(command), this);
}

std::string ActivityMachine::Describe() const {
  return "activity " + activity_id_ + " (type " + activity_type_ + ")";
}

void ActivityMachine::OnCommandEvent(const HistoryEvent& event) {
  if (event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
    const auto& attributes = event.activity_task_scheduled_event_attributes();
    if (attributes.activity_type().name() != activity_type_ ||
        attributes.activity_id() != activity_id_) {
      throw NondeterminismError(
          event.event_id(), "history scheduled activity " + attributes.activity_id() + " (type " +
                                attributes.activity_type().name() +
                                ") where the workflow scheduled " + Describe());
    }
    scheduled_event_id_ = event.event_id();
    machine_.Fire(AE::kScheduled, event.event_id());
  } else {  // ACTIVITY_TASK_CANCEL_REQUESTED
    machine_.Fire(AE::kCancelRequested, event.event_id());
  }
}

void ActivityMachine::Resolve(std::vector<Payload> result, std::exception_ptr error) {
  if (resolved_) return;
  resolved_ = true;
  on_done_(std::move(result), std::move(error));
}

std::exception_ptr ActivityMachine::ActivityFailureFrom(const Failure& cause,
                                                        enums::RetryState retry_state,
                                                        std::int64_t started_event_id,
                                                        const std::string& identity) {
  Failure failure;
  failure.set_message("activity error");
  failure.set_source("CppSDK");
  auto* info = failure.mutable_activity_failure_info();
  info->set_scheduled_event_id(scheduled_event_id_);
  info->set_started_event_id(started_event_id);
  info->set_identity(identity);
  info->mutable_activity_type()->set_name(activity_type_);
  info->set_activity_id(activity_id_);
  info->set_retry_state(retry_state);
  *failure.mutable_cause() = cause;
  if (Status decoded = host_.converter().DecodeFailure(&failure); !decoded) {
    return std::make_exception_ptr(ApplicationFailure(
        "activity " + activity_id_ +
            " failed and its failure does not decode: " + decoded.error().message(),
        "PayloadCodecError", true));
  }
  return std::make_exception_ptr(FailureError(temporal::Failure(std::move(failure))));
}

void ActivityMachine::OnResultEvent(const HistoryEvent& event) {
  switch (event.event_type()) {
    case enums::EVENT_TYPE_ACTIVITY_TASK_STARTED:
      machine_.Fire(AE::kStarted, event.event_id());
      return;
    case enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
      const ActivityState before = machine_.state();
      machine_.Fire(AE::kCompleted, event.event_id());
      if (before == AS::kCancelCommandCreated) host_.RemoveUnsentCommand(this);
      if (before == AS::kAbandoned) return;
      const auto& attributes = event.activity_task_completed_event_attributes();
      std::vector<Payload> result(attributes.result().payloads().begin(),
                                  attributes.result().payloads().end());
      if (Status decoded = host_.converter().DecodePayloads(&result); !decoded) {
        Resolve({}, std::make_exception_ptr(ApplicationFailure(
                        "activity " + activity_id_ +
                            " result does not decode: " + decoded.error().message(),
                        "PayloadCodecError", true)));
        return;
      }
      Resolve(std::move(result), nullptr);
      return;
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_FAILED: {
      const ActivityState before = machine_.state();
      machine_.Fire(AE::kFailed, event.event_id());
      if (before == AS::kCancelCommandCreated) host_.RemoveUnsentCommand(this);
      if (before == AS::kAbandoned) return;
      const auto& attributes = event.activity_task_failed_event_attributes();
      Resolve({}, ActivityFailureFrom(attributes.failure(), attributes.retry_state(),
                                      attributes.started_event_id(), attributes.identity()));
      return;
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
      const ActivityState before = machine_.state();
      machine_.Fire(AE::kTimedOut, event.event_id());
      if (before == AS::kCancelCommandCreated) host_.RemoveUnsentCommand(this);
      if (before == AS::kAbandoned) return;
      const auto& attributes = event.activity_task_timed_out_event_attributes();
      Resolve({}, ActivityFailureFrom(attributes.failure(), attributes.retry_state(), 0, ""));
      return;
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
      const bool abandoned = machine_.state() == AS::kAbandoned;
      machine_.Fire(AE::kCanceled, event.event_id());
      if (abandoned) return;
      const auto& attributes = event.activity_task_canceled_event_attributes();
      Failure canceled;
      canceled.set_message("activity cancelled");
      canceled.set_source("CppSDK");
      *canceled.mutable_canceled_failure_info()->mutable_details() = attributes.details();
      Resolve({}, ActivityFailureFrom(canceled, enums::RETRY_STATE_CANCEL_REQUESTED,
                                      attributes.started_event_id(), attributes.identity()));
      return;
    }
    default:
      throw NondeterminismError(
          event.event_id(),
          "unexpected event " + enums::EventType_Name(event.event_type()) + " for " + Describe());
  }
}

void ActivityMachine::Cancel() {
  const ActivityState before = machine_.state();
  if (before == AS::kCreated) {
    machine_.Fire(AE::kCancel, 0);
    host_.RemoveUnsentCommand(this);
    Resolve({}, std::make_exception_ptr(CanceledFailure("activity " + activity_id_ +
                                                        " cancelled before it was scheduled")));
    return;
  }
  if (before != AS::kScheduled && before != AS::kStarted) {
    machine_.Fire(AE::kCancel, 0);  // already finished or cancelling: nothing to do
    return;
  }
  if (cancellation_type_ == ActivityCancellationType::kAbandon) {
    // Not a table transition: abandoning is a local decision the history never records.
    machine_.Enter(AS::kAbandoned);
    Resolve({},
            std::make_exception_ptr(CanceledFailure("activity " + activity_id_ + " abandoned")));
    return;
  }
  machine_.Fire(AE::kCancel, 0);
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK);
  command.mutable_request_cancel_activity_task_command_attributes()->set_scheduled_event_id(
      scheduled_event_id_);
  host_.AddCommand(std::move(command), this);
  if (cancellation_type_ == ActivityCancellationType::kTryCancel) {
    Resolve({},
            std::make_exception_ptr(CanceledFailure("activity " + activity_id_ + " cancelled")));
  }
}

}  // namespace temporal::workflow::detail
