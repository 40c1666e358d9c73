#include "temporal/worker/replayer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "workflow/history_events.h"
#include "workflow/nondeterminism_error.h"
#include "workflow/workflow_instance.h"

namespace temporal {
namespace {

namespace enums = temporal::api::enums::v1;
using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;
using temporal::api::command::v1::Command;
using temporal::api::history::v1::History;
using temporal::api::history::v1::HistoryEvent;
using workflow::detail::IsCommandEvent;
using workflow::detail::NondeterminismError;
using workflow::detail::WorkflowInstance;
using workflow::detail::WorkflowTaskError;

// Histories do not record the namespace; workflow::Info() reports this one.
constexpr const char kReplayNamespace[] = "default";
// Used when a history does not record its run id (the seed of workflow::Random).
constexpr const char kReplayRunId[] = "replay-run-id";

// ---------------------------------------------------------------------------
// Legacy history JSON: PascalCase enum values.
//
// Histories written by older tools (tctl, the Go SDK before its protojson
// switch) spell enum values in PascalCase without the enum's prefix
// ("WorkflowExecutionStarted" for EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).
// Rather than keep a list of them, the JSON is walked alongside the History
// descriptor and every enum string that is not a value name is rewritten to
// PREFIX + SCREAMING_SNAKE, the prefix being what all of the enum's value
// names share. Then protobuf's own JSON parser reads the result.
// ---------------------------------------------------------------------------

// ScreamingSnake turns "NonRetryableFailure" into "NON_RETRYABLE_FAILURE". An
// upper-case letter starts a word after a lower-case letter or digit, or when
// it ends a run of capitals ("HTTPServer" -> "HTTP_SERVER").
std::string ScreamingSnake(const std::string& pascal) {
  std::string out;
  for (std::size_t i = 0; i < pascal.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(pascal[i]);
    if (std::isupper(c) && i > 0) {
      const unsigned char previous = static_cast<unsigned char>(pascal[i - 1]);
      const bool next_lower =
          i + 1 < pascal.size() && std::islower(static_cast<unsigned char>(pascal[i + 1]));
      if (std::islower(previous) || std::isdigit(previous) ||
          (std::isupper(previous) && next_lower)) {
        out += '_';
      }
    }
    out += static_cast<char>(std::toupper(c));
  }
  return out;
}

// EnumPrefix returns what all value names of `type` start with, up to and
// including the last underscore: "EVENT_TYPE_" for EventType.
std::string EnumPrefix(const EnumDescriptor* type) {
  std::string prefix = type->value(0)->name();
  for (int i = 1; i < type->value_count(); ++i) {
    const std::string& name = type->value(i)->name();
    std::size_t common = 0;
    while (common < prefix.size() && common < name.size() && prefix[common] == name[common])
      ++common;
    prefix.resize(common);
  }
  const std::size_t underscore = prefix.rfind('_');
  return underscore == std::string::npos ? std::string() : prefix.substr(0, underscore + 1);
}

// Messages whose JSON form is not an object of their fields (Timestamp as a
// string, Struct as any object, ...): nothing inside them is rewritten.
bool HasSpecialJson(const Descriptor* type) { return type->file()->package() == "google.protobuf"; }

class LegacyEnumRewriter {
 public:
  // RewriteMessage rewrites legacy enum values inside `node`, a JSON value
  // for a message of `type` found at `path`. Shapes that do not fit the
  // descriptor are left alone for the protobuf parser to report.
  Status RewriteMessage(json& node, const Descriptor* type, const std::string& path) {
    if (!node.is_object() || HasSpecialJson(type)) return OkStatus();
    const auto& fields = FieldsOf(type);
    for (auto& [key, value] : node.items()) {
      auto field = fields.find(key);
      if (field == fields.end() || value.is_null()) continue;  // unknown fields are ignored
      const FieldDescriptor* descriptor = field->second;
      const std::string field_path = path.empty() ? key : path + "." + key;
      if (descriptor->is_map()) {
        if (!value.is_object()) continue;
        const FieldDescriptor* map_value = descriptor->message_type()->map_value();
        for (auto& [map_key, entry] : value.items()) {
          if (Status s = RewriteValue(entry, map_value, field_path + "[\"" + map_key + "\"]"); !s)
            return s;
        }
      } else if (descriptor->is_repeated()) {
        if (!value.is_array()) continue;
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (Status s =
                  RewriteValue(value[i], descriptor, field_path + "[" + std::to_string(i) + "]");
              !s)
            return s;
        }
      } else if (Status s = RewriteValue(value, descriptor, field_path); !s) {
        return s;
      }
    }
    return OkStatus();
  }

 private:
  Status RewriteValue(json& value, const FieldDescriptor* field, const std::string& path) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_ENUM:
        return RewriteEnum(value, field->enum_type(), path);
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return RewriteMessage(value, field->message_type(), path);
      default:
        return OkStatus();
    }
  }

  Status RewriteEnum(json& value, const EnumDescriptor* type, const std::string& path) {
    if (!value.is_string()) return OkStatus();  // a number is valid proto3 JSON
    const std::string name = value.get<std::string>();
    if (type->FindValueByName(name) != nullptr) return OkStatus();
    const std::string canonical = PrefixOf(type) + ScreamingSnake(name);
    if (type->FindValueByName(canonical) == nullptr) {
      return Error(ErrorCode::kInvalidArgument,
                   "history JSON: " + path + ": \"" + name + "\" is not a value of enum " +
                       type->full_name() + " (nor is " + canonical + ")");
    }
    value = canonical;
    return OkStatus();
  }

  const std::string& PrefixOf(const EnumDescriptor* type) {
    auto it = prefixes_.find(type);
    if (it == prefixes_.end()) it = prefixes_.emplace(type, EnumPrefix(type)).first;
    return it->second;
  }

  // FieldsOf maps both spellings protobuf's parser accepts (json_name and the
  // proto field name) to the field.
  const std::unordered_map<std::string, const FieldDescriptor*>& FieldsOf(const Descriptor* type) {
    auto it = fields_.find(type);
    if (it != fields_.end()) return it->second;
    std::unordered_map<std::string, const FieldDescriptor*> fields;
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      fields.emplace(field->json_name(), field);
      fields.emplace(field->name(), field);
    }
    return fields_.emplace(type, std::move(fields)).first->second;
  }

  std::unordered_map<const EnumDescriptor*, std::string> prefixes_;
  std::unordered_map<const Descriptor*, std::unordered_map<std::string, const FieldDescriptor*>>
      fields_;
};

// ---------------------------------------------------------------------------
// Replay.
// ---------------------------------------------------------------------------

bool IsWorkflowTaskOutcome(enums::EventType type) {
  return type == enums::EVENT_TYPE_WORKFLOW_TASK_FAILED ||
         type == enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT;
}

// LastRecordedTaskEnd finds the last workflow task the engine will run whose
// completion history records, and returns the index of the last event that
// records one of its commands (its WorkflowTaskCompleted when it issued none),
// or -1 when the last task run has no completion in history (still in flight)
// or no task ran. `completed_index` receives the WorkflowTaskCompleted index.
// The server writes a task's command events right after its completion, with
// only events the commands themselves cause in between (ActivityTaskCanceled
// for an activity cancelled before it started); events that arrived while the
// task ran follow them, before the next WorkflowTaskScheduled.
int LastRecordedTaskEnd(const History& history, int* completed_index) {
  const auto& events = history.events();
  int started = -1;
  for (int i = events.size() - 1; i >= 0; --i) {
    if (events[i].event_type() != enums::EVENT_TYPE_WORKFLOW_TASK_STARTED) continue;
    const bool ran = i + 1 >= events.size() || !IsWorkflowTaskOutcome(events[i + 1].event_type());
    if (ran) {
      started = i;
      break;
    }
  }
  if (started < 0 || started + 1 >= events.size() ||
      events[started + 1].event_type() != enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
    return -1;
  }
  *completed_index = started + 1;
  int end = started + 1;
  for (int i = started + 2; i < events.size(); ++i) {
    const enums::EventType type = events[i].event_type();
    if (type == enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED ||
        type == enums::EVENT_TYPE_WORKFLOW_TASK_STARTED)
      break;
    if (IsCommandEvent(type)) end = i;
  }
  return end;
}

std::string DescribeCommand(const Command& command) {
  std::string text = enums::CommandType_Name(command.command_type());
  switch (command.command_type()) {
    case enums::COMMAND_TYPE_START_TIMER:
      return text + " for timer " + command.start_timer_command_attributes().timer_id();
    case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
      const auto& attributes = command.schedule_activity_task_command_attributes();
      return text + " for activity " + attributes.activity_id() + " (type " +
             attributes.activity_type().name() + ")";
    }
    case enums::COMMAND_TYPE_CANCEL_TIMER:
      return text + " for timer " + command.cancel_timer_command_attributes().timer_id();
    case enums::COMMAND_TYPE_RECORD_MARKER:
      return text + " " + command.record_marker_command_attributes().marker_name();
    default:
      return text;
  }
}

// Applies `events[begin, end)` to `instance`.
void ApplyRange(WorkflowInstance& instance, const History& history, int begin, int end) {
  if (begin >= end) return;
  google::protobuf::RepeatedPtrField<HistoryEvent> range(history.events().begin() + begin,
                                                         history.events().begin() + end);
  instance.ApplyEvents(range);
}

}  // namespace

Replayer::Replayer() = default;

Replayer& Replayer::RegisterWorkflowFunction(const std::string& name, WorkflowFunction function) {
  workflows_[name] = std::move(function);
  return *this;
}

Replayer& Replayer::SetDataConverter(DataConverter converter) {
  converter_ = std::move(converter);
  return *this;
}

std::vector<std::string> Replayer::workflow_types() const {
  std::vector<std::string> names;
  for (const auto& [name, unused] : workflows_) names.push_back(name);
  return names;
}

Status Replayer::ReplayHistory(const History& history, const std::string& workflow_id) const {
  if (history.events_size() == 0) {
    return Error(ErrorCode::kInvalidArgument, "cannot replay an empty history");
  }
  const HistoryEvent& first = history.events(0);
  if (first.event_type() != enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
    return Error(ErrorCode::kInvalidArgument,
                 "a history must start with EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, not " +
                     enums::EventType_Name(first.event_type()) + " (event " +
                     std::to_string(first.event_id()) + ")");
  }
  const auto& started = first.workflow_execution_started_event_attributes();
  const std::string& type = started.workflow_type().name();
  auto function = workflows_.find(type);
  if (function == workflows_.end()) {
    std::string known;
    for (const auto& [name, unused] : workflows_) known += (known.empty() ? "" : ", ") + name;
    return Error(ErrorCode::kNotFound, "workflow type '" + type +
                                           "' is not registered with this Replayer; registered "
                                           "types: " +
                                           (known.empty() ? "(none)" : known));
  }
  // The run id seeds workflow::Random, so replay must use the recorded one.
  // original_execution_run_id is the run's own id (kept across resets).
  const std::string run_id = started.original_execution_run_id().empty()
                                 ? std::string(kReplayRunId)
                                 : started.original_execution_run_id();
  WorkflowInstance instance(function->second, kReplayNamespace, workflow_id, run_id, converter_);
  try {
    // The engine reports a command that history lacks when the next workflow
    // task starts. The last recorded task has no next task, so its commands
    // are checked here: apply history up to the last command it recorded,
    // then nothing the code issued may be left unmatched.
    int completed_index = -1;
    const int end = LastRecordedTaskEnd(history, &completed_index);
    if (end >= 0) {
      ApplyRange(instance, history, 0, end + 1);
      std::vector<Command> unmatched = instance.TakeNewCommands();
      if (!unmatched.empty()) {
        throw NondeterminismError(
            history.events(completed_index).event_id(),
            "the workflow issued " + DescribeCommand(unmatched.front()) +
                ", which history does not record after this workflow task completed" +
                (unmatched.size() > 1
                     ? " (and " + std::to_string(unmatched.size() - 1) + " more commands)"
                     : ""));
      }
    }
    ApplyRange(instance, history, end + 1, history.events_size());
    instance.CheckTrailingEvents();
  } catch (const NondeterminismError& error) {
    return Error(ErrorCode::kNondeterminism, error.what());
  } catch (const WorkflowTaskError& error) {
    return Error(ErrorCode::kInternal,
                 "workflow task failed (" + enums::WorkflowTaskFailedCause_Name(error.cause) +
                     ") after history event " + std::to_string(instance.last_event_id()) + ": " +
                     error.failure.message());
  } catch (const std::exception& error) {
    return Error(ErrorCode::kInternal, "replay failed after history event " +
                                           std::to_string(instance.last_event_id()) + ": " +
                                           error.what());
  }
  return OkStatus();
}

Result<History> Replayer::LoadHistoryJson(std::string_view text) {
  json document;
  try {
    document = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& error) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string("history JSON is malformed: ") + error.what());
  }
  // A bare array of events is accepted too (some tools wrote that).
  if (document.is_array()) document = json{{"events", std::move(document)}};
  if (!document.is_object() || !document.contains("events")) {
    return Error(ErrorCode::kInvalidArgument,
                 "history JSON must be an object with an \"events\" array");
  }
  LegacyEnumRewriter rewriter;
  if (Status rewritten = rewriter.RewriteMessage(document, History::descriptor(), ""); !rewritten)
    return rewritten.error();

  History history;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto parsed = google::protobuf::util::JsonStringToMessage(document.dump(), &history, options);
  if (!parsed.ok()) {
    return Error(ErrorCode::kInvalidArgument,
                 "history JSON does not match temporal.api.history.v1.History: " +
                     std::string(parsed.message()));
  }
  return history;
}

Result<History> Replayer::LoadHistoryFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error(ErrorCode::kNotFound, "cannot read history file " + path);
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return Error(ErrorCode::kNotFound, "cannot read history file " + path);
  Result<History> history = LoadHistoryJson(contents.str());
  if (!history) return Error(history.error().code(), path + ": " + history.error().message());
  return history;
}

}  // namespace temporal
