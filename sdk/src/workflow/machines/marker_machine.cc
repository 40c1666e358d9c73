#include "workflow/machines/marker_machine.h"

namespace temporal::workflow::detail {

namespace enums = temporal::api::enums::v1;

const char* RecordedStateName(RecordedState state) {
  return state == RecordedState::kCreated ? "Created" : "Recorded";
}
const char* RecordedEventName(RecordedEvent) { return "Recorded"; }

RecordedCommandMachine::RecordedCommandMachine(MachineHost& host, Command command,
                                               std::string description, std::string identity)
    : description_(std::move(description)),
      identity_(std::move(identity)),
      machine_("RecordedCommandMachine", kRecordedTransitions, RecordedState::kCreated,
               RecordedStateName, RecordedEventName) {
  host.AddCommand(std::move(command), this);
}

std::string RecordedCommandMachine::MarkerIdentity(const HistoryEvent& event) {
  return MarkerIdentity(event.marker_recorded_event_attributes());
}

std::string RecordedCommandMachine::MarkerIdentity(
    const temporal::api::history::v1::MarkerRecordedEventAttributes& attributes) {
  std::string id;
  auto it = attributes.details().find(kMarkerIdKey);
  if (it != attributes.details().end() && it->second.payloads_size() > 0)
    id = it->second.payloads(0).data();
  return attributes.marker_name() + "/" + id;
}

void RecordedCommandMachine::OnCommandEvent(const HistoryEvent& event) {
  if (!identity_.empty() && event.event_type() == enums::EVENT_TYPE_MARKER_RECORDED &&
      MarkerIdentity(event) != identity_) {
    throw NondeterminismError(event.event_id(), "history recorded marker " + MarkerIdentity(event) +
                                                    " where the workflow recorded " + identity_);
  }
  machine_.Fire(RecordedEvent::kRecorded, event.event_id());
}

}  // namespace temporal::workflow::detail
