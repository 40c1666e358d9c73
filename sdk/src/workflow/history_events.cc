#include "workflow/history_events.h"

#include "workflow/machines/command_machine.h"

namespace temporal::workflow::detail {

namespace enums = temporal::api::enums::v1;

// The event type that records a command of `type` in history.
enums::EventType EventTypeForCommand(enums::CommandType type) {
  switch (type) {
    case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK:
      return enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
    case enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
      return enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED;
    case enums::COMMAND_TYPE_START_TIMER:
      return enums::EVENT_TYPE_TIMER_STARTED;
    case enums::COMMAND_TYPE_CANCEL_TIMER:
      return enums::EVENT_TYPE_TIMER_CANCELED;
    case enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
    case enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED;
    case enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED;
    case enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
    case enums::COMMAND_TYPE_RECORD_MARKER:
      return enums::EVENT_TYPE_MARKER_RECORDED;
    case enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      return enums::EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES;
    case enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED;
    case enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
    case enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
    case enums::COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
      return enums::EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED;
    default:
      return enums::EVENT_TYPE_UNSPECIFIED;
  }
}

enums::EventType CommandMachine::RecordingEventType(const Command& command) const {
  return EventTypeForCommand(command.command_type());
}

bool IsCommandEvent(enums::EventType type) {
  switch (type) {
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
    case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED:
    case enums::EVENT_TYPE_TIMER_STARTED:
    case enums::EVENT_TYPE_TIMER_CANCELED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
    case enums::EVENT_TYPE_MARKER_RECORDED:
    case enums::EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
    case enums::EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
      return true;
    default:
      return false;
  }
}

}  // namespace temporal::workflow::detail
