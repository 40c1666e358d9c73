// Private: what every command state machine offers the workflow instance, and
// what the instance offers them.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "temporal/api/command/v1/message.pb.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "temporal/api/history/v1/message.pb.h"
#include "temporal/converter/data_converter.h"

namespace temporal::workflow::detail {

using temporal::api::command::v1::Command;
using temporal::api::history::v1::HistoryEvent;

class CommandMachine;

/// MachineHost is the workflow instance as machines see it.
class MachineHost {
 public:
  virtual ~MachineHost() = default;
  /// AddCommand appends a command this machine issued, in issue order.
  virtual void AddCommand(Command command, CommandMachine* machine) = 0;
  /// RemoveUnsentCommand drops `machine`'s command if the server has not seen
  /// it yet (cancelled in the same workflow task); true if it was dropped.
  virtual bool RemoveUnsentCommand(CommandMachine* machine) = 0;
  virtual const DataConverter& converter() const = 0;
  virtual const std::string& task_queue() const = 0;
};

/// CommandMachine follows one command (and the events it causes) through history.
class CommandMachine {
 public:
  virtual ~CommandMachine() = default;
  /// Describe names the command for non-determinism messages.
  virtual std::string Describe() const = 0;
  /// RecordingEventType is the event type that records `command` in history.
  /// Most command types have one (EventTypeForCommand); a PROTOCOL_MESSAGE
  /// command's depends on the message it names, which only its machine knows.
  virtual temporal::api::enums::v1::EventType RecordingEventType(const Command& command) const;
  /// OnCommandEvent receives the history event that records a command this
  /// machine issued (already checked to be of the command's event type); it
  /// checks the details (type, id) and throws NondeterminismError on mismatch.
  virtual void OnCommandEvent(const HistoryEvent& event) = 0;
};

}  // namespace temporal::workflow::detail
