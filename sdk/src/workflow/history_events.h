// Private: how history events relate to commands; shared by the engine and
// the Replayer so the two can never disagree.
#pragma once

#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/event_type.pb.h"

namespace temporal::workflow::detail {

/// EventTypeForCommand is the event type that records a command of `type` in
/// history (EVENT_TYPE_UNSPECIFIED for commands this SDK does not issue).
temporal::api::enums::v1::EventType EventTypeForCommand(temporal::api::enums::v1::CommandType type);

/// IsCommandEvent tells whether events of `type` record a command (a workflow
/// task's output) rather than something that happened to the workflow.
bool IsCommandEvent(temporal::api::enums::v1::EventType type);

}  // namespace temporal::workflow::detail
