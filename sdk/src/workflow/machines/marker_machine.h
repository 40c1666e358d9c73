// Private: the state machine of a command that history only records, with no
// later outcome: RecordMarker (side effects, patches), UpsertWorkflowSearchAttributes
// and ModifyWorkflowProperties (memo).
#pragma once

#include <string>

#include "workflow/machines/command_machine.h"
#include "workflow/machines/state_machine.h"

namespace temporal::workflow::detail {

enum class RecordedState { kCreated, kRecorded };
enum class RecordedEvent { kRecorded };

const char* RecordedStateName(RecordedState state);
const char* RecordedEventName(RecordedEvent event);

inline constexpr std::array<Transition<RecordedState, RecordedEvent>, 1> kRecordedTransitions{{
    {RecordedState::kCreated, RecordedEvent::kRecorded, RecordedState::kRecorded},
}};

class RecordedCommandMachine : public CommandMachine {
 public:
  /// RecordedCommandMachine issues `command`; `identity` (a marker's name/id)
  /// must match the recorded event's, when given.
  RecordedCommandMachine(MachineHost& host, Command command, std::string description,
                         std::string identity = "");
  std::string Describe() const override { return description_; }
  void OnCommandEvent(const HistoryEvent& event) override;

  /// MarkerIdentity is how a marker event is recognized: "<name>/<id>".
  static std::string MarkerIdentity(const HistoryEvent& event);
  static std::string MarkerIdentity(
      const temporal::api::history::v1::MarkerRecordedEventAttributes& attributes);

 private:
  std::string description_;
  std::string identity_;
  StateMachine<RecordedState, RecordedEvent, kRecordedTransitions.size()> machine_;
};

/// Marker names and detail keys of this SDK's versioning and side-effect
/// scheme (docs/determinism.md). Never change them: histories hold them.
inline constexpr const char kPatchMarkerName[] = "core_patch";
inline constexpr const char kSideEffectMarkerName[] = "SideEffect";
inline constexpr const char kMarkerIdKey[] = "id";
inline constexpr const char kMarkerDataKey[] = "data";
inline constexpr const char kPatchDeprecatedKey[] = "deprecated";

}  // namespace temporal::workflow::detail
