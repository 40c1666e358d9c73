// Test support: drive one WorkflowInstance with canned history, as the worker
// does, and read the commands its last (new) workflow task issued.
//
// A history that ends with WorkflowTaskScheduled + WorkflowTaskStarted has a
// new last task: the instance runs it live and the test reads its commands.
// Feeding a history in several ApplyEvents calls is a sticky worker's view
// (the cached run gets only the new events).
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "history_builder.h"
#include "temporal/detail/workflow_wrapper.h"
#include "workflow/workflow_instance.h"

namespace temporal::testing {

using temporal::api::command::v1::Command;
using temporal::api::history::v1::History;
using workflow::detail::WorkflowInstance;

/// LogCapture sends the SDK's log to a string while it lives (tests that
/// assert on the worker log).
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_)));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string text() const { return log_.str(); }

 private:
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_;
};

/// NewInstance makes a run of `workflow` with the canned run id.
template <typename F>
std::unique_ptr<WorkflowInstance> NewInstance(F workflow,
                                              DataConverter converter = DataConverter::Default()) {
  return std::make_unique<WorkflowInstance>(temporal::detail::WrapWorkflow(std::move(workflow)),
                                            "default", "canned-workflow", HistoryBuilder::kRunId,
                                            std::move(converter));
}

/// Apply feeds `events` to `instance` and returns the commands not sent yet.
inline std::vector<Command> Apply(
    WorkflowInstance& instance,
    const google::protobuf::RepeatedPtrField<temporal::api::history::v1::HistoryEvent>& events) {
  instance.ApplyEvents(events);
  return instance.TakeNewCommands();
}
inline std::vector<Command> Apply(WorkflowInstance& instance, const History& history) {
  return Apply(instance, history.events());
}

/// Slice returns events [begin, end) of `history` (0-based indexes).
inline google::protobuf::RepeatedPtrField<temporal::api::history::v1::HistoryEvent> Slice(
    const History& history, int begin, int end) {
  return {history.events().begin() + begin, history.events().begin() + end};
}

/// CommandTypes names the commands, in order, for readable expectations.
inline std::vector<std::string> CommandTypes(const std::vector<Command>& commands) {
  std::vector<std::string> names;
  for (const Command& command : commands)
    names.push_back(temporal::api::enums::v1::CommandType_Name(command.command_type()));
  return names;
}

/// ResultOf decodes the result of a CompleteWorkflowExecution command as T.
template <typename T>
T ResultOf(const Command& command) {
  const auto& payloads = command.complete_workflow_execution_command_attributes().result();
  auto value = FromPayload<T>(payloads.payloads(0));
  if (!value) throw std::runtime_error("result does not decode: " + value.error().message());
  return *value;
}

}  // namespace temporal::testing
