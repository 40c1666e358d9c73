#include "workflow/workflow_instance.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "common/proto_time.h"
#include "workflow/history_events.h"

namespace temporal::workflow::detail {
namespace {

namespace enums = temporal::api::enums::v1;
using temporal::api::failure::v1::Failure;

thread_local Runtime* current_runtime = nullptr;

// Sets the thread's current runtime for a scope (the engine's entry points).
class RuntimeGuard {
 public:
  explicit RuntimeGuard(Runtime* runtime) : previous_(current_runtime) {
    current_runtime = runtime;
  }
  ~RuntimeGuard() { current_runtime = previous_; }

 private:
  Runtime* previous_;
};

std::uint64_t SeedFrom(const std::string& run_id) {
  // FNV-1a: stable across platforms and releases, unlike std::hash.
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : run_id) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

// Whether a failure (or any of its causes) is a cancellation.
bool IsCancellation(const Failure& failure) {
  for (const Failure* f = &failure; f != nullptr; f = f->has_cause() ? &f->cause() : nullptr) {
    if (f->has_canceled_failure_info()) return true;
  }
  return false;
}

Failure UnexpectedFailure(const std::string& message) {
  Failure failure;
  failure.set_message(message);
  failure.set_source("CppSDK");
  failure.mutable_application_failure_info()->set_type("WorkflowTaskError");
  return failure;
}

// The command event a result event refers to.
std::int64_t InitiatedEventId(const HistoryEvent& event) {
  switch (event.event_type()) {
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
      return event.start_child_workflow_execution_failed_event_attributes().initiated_event_id();
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
      return event.child_workflow_execution_started_event_attributes().initiated_event_id();
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
      return event.child_workflow_execution_completed_event_attributes().initiated_event_id();
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
      return event.child_workflow_execution_failed_event_attributes().initiated_event_id();
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
      return event.child_workflow_execution_canceled_event_attributes().initiated_event_id();
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
      return event.child_workflow_execution_timed_out_event_attributes().initiated_event_id();
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
      return event.child_workflow_execution_terminated_event_attributes().initiated_event_id();
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
      return event.external_workflow_execution_signaled_event_attributes().initiated_event_id();
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
      return event.signal_external_workflow_execution_failed_event_attributes()
          .initiated_event_id();
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      return event.external_workflow_execution_cancel_requested_event_attributes()
          .initiated_event_id();
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
      return event.request_cancel_external_workflow_execution_failed_event_attributes()
          .initiated_event_id();
    default:
      return 0;
  }
}

template <typename Machine>
Machine* Dispatch(const std::map<std::int64_t, Machine*>& machines, std::int64_t initiated_id,
                  const HistoryEvent& event) {
  auto it = machines.find(initiated_id);
  if (it == machines.end()) {
    throw NondeterminismError(event.event_id(), enums::EventType_Name(event.event_type()) +
                                                    " refers to event " +
                                                    std::to_string(initiated_id) +
                                                    ", which is no command this workflow issued");
  }
  return it->second;
}

Task<void> RunRoot(Task<std::vector<Payload>> main, std::optional<std::vector<Payload>>* result,
                   std::exception_ptr* error, bool* done) {
  try {
    *result = co_await std::move(main);
  } catch (...) {
    *error = std::current_exception();
  }
  *done = true;
}

}  // namespace

namespace {
// ReadOnlyScope marks code that must not change the run (a query handler, an
// update validator) for as long as it runs.
class ReadOnlyScope {
 public:
  ReadOnlyScope(const char*& slot, const char* what) : slot_(slot), previous_(slot) {
    slot_ = what;
  }
  ~ReadOnlyScope() { slot_ = previous_; }
  ReadOnlyScope(const ReadOnlyScope&) = delete;
  ReadOnlyScope& operator=(const ReadOnlyScope&) = delete;

 private:
  const char*& slot_;
  const char* previous_;
};
}  // namespace

Runtime* Runtime::Current() { return current_runtime; }

// For the instance's other translation units (local activities), which set
// the thread's runtime around the workflow code they run.
Runtime*& CurrentRuntimeSlot() { return current_runtime; }

WorkflowInstance::WorkflowInstance(WorkflowFunction function, std::string namespace_,
                                   std::string workflow_id, std::string run_id,
                                   DataConverter converter)
    : function_(std::move(function)),
      converter_(std::move(converter)),
      random_(SeedFrom(run_id)),
      root_scope_(std::make_shared<CancellationScopeState>()) {
  info_.namespace_ = std::move(namespace_);
  info_.workflow_id = std::move(workflow_id);
  info_.run_id = std::move(run_id);
  current_scope_ = root_scope_.get();
}

WorkflowInstance::~WorkflowInstance() {
  // Coroutine frames go first (their locals may refer to machines and scopes).
  for (SpawnedTask& task : spawned_) task.destroy();
  spawned_.clear();
  root_ = Task<void>();
}

void WorkflowInstance::Schedule(std::coroutine_handle<> handle, CancellationScopeState* scope) {
  ready_.push_back({handle, scope});
}

void WorkflowInstance::Spawn(std::coroutine_handle<> handle, std::function<void()> destroy,
                             CancellationScopeState* scope) {
  if (read_only_ != nullptr) {
    destroy();  // never started: nothing of it may run
    RequireMutable("workflow::Spawn (or a coroutine signal handler)");
  }
  spawned_.push_back({handle, std::move(destroy)});
  ready_.push_back({handle, scope});
}

namespace {
// EncodeFields encodes each payload of a memo or header map.
Status EncodeFields(const DataConverter& converter,
                    google::protobuf::Map<std::string, Payload>* fields) {
  for (auto& [key, value] : *fields) {
    if (Status encoded = converter.EncodePayload(&value); !encoded) return encoded;
  }
  return OkStatus();
}
}  // namespace

// Every payload of every command goes through the codec, as in the official
// SDKs; search attributes are the exception (the server indexes them).
// Continue-as-new memo and header, and upserted memo, are encoded already.
Status WorkflowInstance::EncodeCommandPayloads(Command* command) const {
  // A command's header and input, the pair most commands carry.
  const auto header_and_input = [this](temporal::api::common::v1::Header* header,
                                       temporal::api::common::v1::Payloads* input) -> Status {
    if (Status encoded = EncodeFields(converter_, header->mutable_fields()); !encoded)
      return encoded;
    return converter_.EncodePayloads(input);
  };
  switch (command->command_type()) {
    case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
      auto* attributes = command->mutable_schedule_activity_task_command_attributes();
      return header_and_input(attributes->mutable_header(), attributes->mutable_input());
    }
    case enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
      auto* attributes = command->mutable_start_child_workflow_execution_command_attributes();
      if (Status encoded = EncodeFields(converter_, attributes->mutable_memo()->mutable_fields());
          !encoded)
        return encoded;
      return header_and_input(attributes->mutable_header(), attributes->mutable_input());
    }
    case enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
      auto* attributes = command->mutable_signal_external_workflow_execution_command_attributes();
      return header_and_input(attributes->mutable_header(), attributes->mutable_input());
    }
    case enums::COMMAND_TYPE_RECORD_MARKER: {
      auto* attributes = command->mutable_record_marker_command_attributes();
      for (auto& [key, payloads] : *attributes->mutable_details()) {
        if (Status encoded = converter_.EncodePayloads(&payloads); !encoded) return encoded;
      }
      // A local activity's failure may carry details (and its message may be
      // encoded by a failure converter): it goes through the codec too.
      if (attributes->has_failure()) return converter_.EncodeFailure(attributes->mutable_failure());
      return OkStatus();
    }
    case enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      return converter_.EncodePayloads(
          command->mutable_complete_workflow_execution_command_attributes()->mutable_result());
    case enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      return converter_.EncodeFailure(
          command->mutable_fail_workflow_execution_command_attributes()->mutable_failure());
    case enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
      return converter_.EncodePayloads(
          command->mutable_cancel_workflow_execution_command_attributes()->mutable_details());
    case enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
      return converter_.EncodePayloads(
          command->mutable_continue_as_new_workflow_execution_command_attributes()
              ->mutable_input());
    default:
      return OkStatus();
  }
}

temporal::api::history::v1::MarkerRecordedEventAttributes WorkflowInstance::DecodedMarker(
    const HistoryEvent& event) const {
  auto attributes = event.marker_recorded_event_attributes();
  for (auto& [key, payloads] : *attributes.mutable_details()) {
    if (Status decoded = converter_.DecodePayloads(&payloads); !decoded) {
      throw WorkflowTaskError{
          enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
          UnexpectedFailure("marker " + attributes.marker_name() + " (event " +
                            std::to_string(event.event_id()) +
                            "): details do not decode: " + decoded.error().ToString())};
    }
  }
  if (attributes.has_failure()) {
    if (Status decoded = converter_.DecodeFailure(attributes.mutable_failure()); !decoded) {
      throw WorkflowTaskError{
          enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
          UnexpectedFailure("marker " + attributes.marker_name() + " (event " +
                            std::to_string(event.event_id()) +
                            "): failure does not decode: " + decoded.error().ToString())};
    }
  }
  return attributes;
}

void WorkflowInstance::AddCommand(Command command, CommandMachine* machine) {
  commands_.push_back({std::move(command), machine, std::nullopt, false, batch_});
}

void WorkflowInstance::AddProtocolCommand(Command command, Message message,
                                          CommandMachine* machine) {
  commands_.push_back({std::move(command), machine, std::move(message), false, batch_});
}

void WorkflowInstance::AddRejection(Message message) {
  // Only a validator rejects, and validators never run on replay: the
  // message is for the task being answered now.
  rejections_.push_back(std::move(message));
}

std::vector<Message> WorkflowInstance::TakeNewMessages() {
  std::vector<Message> out = std::exchange(outgoing_messages_, {});
  for (Message& rejection : rejections_) out.push_back(std::move(rejection));
  rejections_.clear();
  return out;
}

void WorkflowInstance::AddProtocolMessages(
    const google::protobuf::RepeatedPtrField<Message>& messages) {
  for (const Message& message : messages) {
    temporal::api::update::v1::Request request;
    if (!message.body().Is<temporal::api::update::v1::Request>() ||
        !message.body().UnpackTo(&request)) {
      spdlog::warn(
          "workflow {}: ignored protocol message {} of type {}: this SDK knows only "
          "update requests",
          info_.workflow_id, message.id(), message.body().type_url());
      continue;
    }
    UpdateRequest update;
    update.message_id = message.id();
    update.protocol_instance_id = message.protocol_instance_id();
    update.sequencing_event_id = message.has_event_id() ? message.event_id() : 0;
    update.request = std::move(request);
    new_update_requests_.push_back(std::move(update));
  }
}

bool WorkflowInstance::RemoveUnsentCommand(CommandMachine* machine) {
  for (auto it = commands_.begin(); it != commands_.end(); ++it) {
    if (it->machine == machine && !it->sent) {
      commands_.erase(it);
      return true;
    }
  }
  return false;
}

std::vector<Command> WorkflowInstance::TakeNewCommands() {
  std::vector<Command> out;
  for (CommandEntry& entry : commands_) {
    if (entry.sent) continue;
    entry.sent = true;
    if (entry.message) outgoing_messages_.push_back(*entry.message);
    Command command = entry.command;
    if (Status encoded = EncodeCommandPayloads(&command); !encoded) {
      throw WorkflowTaskError{
          enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
          UnexpectedFailure("cannot encode command payloads: " + encoded.error().ToString())};
    }
    out.push_back(std::move(command));
  }
  return out;
}

void WorkflowInstance::ApplyEvents(const google::protobuf::RepeatedPtrField<HistoryEvent>& events) {
  RuntimeGuard guard(this);
  for (int i = 0; i < events.size(); ++i) {
    const HistoryEvent& event = events[i];
    last_event_id_ = event.event_id();
    const enums::EventType type = event.event_type();
    if (IsCommandEvent(type)) {
      MatchCommandEvent(event);
      continue;
    }
    switch (type) {
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        OnStarted(event);
        break;
      case enums::EVENT_TYPE_WORKFLOW_TASK_STARTED: {
        const bool has_next = i + 1 < events.size();
        const enums::EventType next =
            has_next ? events[i + 1].event_type() : enums::EVENT_TYPE_UNSPECIFIED;
        // A task that failed or timed out never happened as far as the
        // workflow is concerned: its events are seen by the next attempt.
        if (next == enums::EVENT_TYPE_WORKFLOW_TASK_FAILED ||
            next == enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
          break;
        if (has_next) CollectUpcomingMarkers(events, i + 1);
        RunWorkflowTask(event, /*replaying=*/has_next);
        break;
      }
      case enums::EVENT_TYPE_WORKFLOW_TASK_FAILED: {
        // A reset run starts with a failed task that names the new run: from
        // here on its random values (and default child ids) must differ from
        // the original run's, as in the Go SDK and sdk-core.
        const auto& attributes = event.workflow_task_failed_event_attributes();
        if (attributes.cause() == enums::WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW &&
            !attributes.new_run_id().empty()) {
          random_.seed(SeedFrom(attributes.new_run_id()));
        }
        break;
      }
      case enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
      case enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        break;
      default:
        // Signals, results and cancellation belong to the next task that
        // starts: they are applied there, after its replay state is set.
        pending_events_.push_back(&event);
        break;
    }
  }
  KeepPendingEvents();
}

void WorkflowInstance::CheckTrailingEvents() {
  RuntimeGuard guard(this);
  ApplyActivation();
}

void WorkflowInstance::KeepPendingEvents() {
  if (pending_events_.empty()) return;
  // std::deque keeps element addresses across push_back and swap.
  std::deque<HistoryEvent> kept;
  for (const HistoryEvent* event : pending_events_) kept.push_back(*event);
  pending_storage_.swap(kept);
  for (std::size_t i = 0; i < pending_events_.size(); ++i)
    pending_events_[i] = &pending_storage_[i];
}

void WorkflowInstance::ApplyActivation() {
  const std::vector<const HistoryEvent*> events = std::exchange(pending_events_, {});
  const auto is_signal = [](const HistoryEvent* event) {
    return event->event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
  };
  const auto is_admitted = [](const HistoryEvent* event) {
    return event->event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED;
  };
  const bool mixed = std::any_of(events.begin(), events.end(), is_signal) &&
                     !std::all_of(events.begin(), events.end(), is_signal);
  // sdk-core's activation order: signals, then updates, then the other
  // resolutions. Tasks recorded before this behaviour (without the flag, and
  // from before this SDK had updates) keep history order.
  if (mixed && !TryUseSdkFlag(static_cast<std::uint32_t>(SdkFlag::kSignalsBeforeResolutions))) {
    for (const HistoryEvent* event : events)
      if (!is_admitted(event)) ApplyActivationEvent(*event);
    DeliverActivationUpdates(events);
  } else {
    for (const HistoryEvent* event : events)
      if (is_signal(event)) ApplyActivationEvent(*event);
    DeliverActivationUpdates(events);
    for (const HistoryEvent* event : events)
      if (!is_signal(event) && !is_admitted(event)) ApplyActivationEvent(*event);
  }
  pending_storage_.clear();
}

void WorkflowInstance::DeliverActivationUpdates(const std::vector<const HistoryEvent*>& events) {
  if (replaying_) {
    // Replay: exactly the updates the task accepted, from their accepted
    // events. Admitted events are skipped: a rejected one left no trace.
    std::vector<UpdateRequest> accepted = std::exchange(upcoming_updates_, {});
    for (UpdateRequest& request : accepted) DeliverUpdate(std::move(request));
    return;
  }
  for (const HistoryEvent* event : events) {
    if (event->event_type() != enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED) continue;
    // A durable update request (update-with-start): the request as a message would carry it.
    const auto& attributes = event->workflow_execution_update_admitted_event_attributes();
    UpdateRequest request;
    request.protocol_instance_id = attributes.request().meta().update_id();
    request.message_id = request.protocol_instance_id + "/request";
    request.sequencing_event_id = event->event_id();
    request.request = attributes.request();
    DeliverUpdate(std::move(request));
  }
  std::vector<UpdateRequest> requests = std::exchange(new_update_requests_, {});
  for (UpdateRequest& request : requests) DeliverUpdate(std::move(request));
}

void WorkflowInstance::ApplyActivationEvent(const HistoryEvent& event) {
  const enums::EventType type = event.event_type();
  switch (type) {
    case enums::EVENT_TYPE_ACTIVITY_TASK_STARTED:
    case enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
    case enums::EVENT_TYPE_ACTIVITY_TASK_FAILED:
    case enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
      std::int64_t scheduled_id = 0;
      if (event.has_activity_task_started_event_attributes()) {
        scheduled_id = event.activity_task_started_event_attributes().scheduled_event_id();
      } else if (event.has_activity_task_completed_event_attributes()) {
        scheduled_id = event.activity_task_completed_event_attributes().scheduled_event_id();
      } else if (event.has_activity_task_failed_event_attributes()) {
        scheduled_id = event.activity_task_failed_event_attributes().scheduled_event_id();
      } else if (event.has_activity_task_timed_out_event_attributes()) {
        scheduled_id = event.activity_task_timed_out_event_attributes().scheduled_event_id();
      } else if (event.has_activity_task_canceled_event_attributes()) {
        scheduled_id = event.activity_task_canceled_event_attributes().scheduled_event_id();
      }
      auto it = activities_by_scheduled_id_.find(scheduled_id);
      if (it == activities_by_scheduled_id_.end()) {
        throw NondeterminismError(event.event_id(), enums::EventType_Name(type) +
                                                        " for scheduled event " +
                                                        std::to_string(scheduled_id) +
                                                        ", which the workflow never scheduled");
      }
      it->second->OnResultEvent(event);
      break;
    }
    case enums::EVENT_TYPE_TIMER_FIRED: {
      const std::string& timer_id = event.timer_fired_event_attributes().timer_id();
      auto it = timers_.find(timer_id);
      if (it == timers_.end()) {
        throw NondeterminismError(event.event_id(),
                                  "timer " + timer_id + " fired, which the workflow never started");
      }
      it->second->OnFired(event);
      break;
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
      const auto& attributes = event.workflow_execution_signaled_event_attributes();
      std::vector<Payload> input(attributes.input().payloads().begin(),
                                 attributes.input().payloads().end());
      if (Status decoded = converter_.DecodePayloads(&input); !decoded) {
        // Dropped, not fatal: anyone who may signal must not be able to fail
        // or stall the run with a payload the codec cannot read.
        if (!replaying_) {
          spdlog::warn(
              "workflow {} ({}): dropped signal '{}' (event {}): its payloads do not decode: {}",
              info_.workflow_id, info_.workflow_type, attributes.signal_name(), event.event_id(),
              decoded.error().ToString());
        }
        break;
      }
      DeliverSignal(attributes.signal_name(), std::move(input));
      break;
    }
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
      Dispatch(children_by_initiated_id_, InitiatedEventId(event), event)->OnResultEvent(event);
      break;
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
      Dispatch(signals_by_initiated_id_, InitiatedEventId(event), event)->OnResultEvent(event);
      break;
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
      Dispatch(cancels_by_initiated_id_, InitiatedEventId(event), event)->OnResultEvent(event);
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      cancel_requested_ = true;
      root_scope_->Cancel();
      break;
    default:
      // Events this SDK does not act on (yet) change nothing in the workflow's state.
      break;
  }
}

void WorkflowInstance::OnStarted(const HistoryEvent& event) {
  const auto& attributes = event.workflow_execution_started_event_attributes();
  info_.workflow_type = attributes.workflow_type().name();
  info_.task_queue = attributes.task_queue().name();
  info_.attempt = attributes.attempt();
  info_.first_execution_run_id = attributes.first_execution_run_id();
  info_.continued_execution_run_id = attributes.continued_execution_run_id();
  info_.start_time = temporal::detail::ToTimePoint(event.event_time());
  // Seeded from the original run id, so a reset run replays the same values
  // for the events before the reset point (as sdk-core does).
  if (!attributes.original_execution_run_id().empty())
    random_.seed(SeedFrom(attributes.original_execution_run_id()));
  for (const auto& [key, value] : attributes.memo().fields()) memo_[key] = value;
  search_attributes_ = attributes.search_attributes().indexed_fields();
  if (attributes.has_retry_policy()) retry_policy_ = attributes.retry_policy();
  header_ = attributes.header();
  if (attributes.has_workflow_run_timeout()) run_timeout_ = attributes.workflow_run_timeout();
  if (attributes.has_workflow_task_timeout()) task_timeout_ = attributes.workflow_task_timeout();
  input_.assign(attributes.input().payloads().begin(), attributes.input().payloads().end());
  if (Status decoded = converter_.DecodePayloads(&input_); !decoded) {
    throw WorkflowTaskError{
        enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
        UnexpectedFailure("workflow input does not decode: " + decoded.error().ToString())};
  }
}

void WorkflowInstance::CollectUpcomingMarkers(
    const google::protobuf::RepeatedPtrField<HistoryEvent>& events, int from) {
  // The markers a replayed task recorded follow it in history; side effects
  // and patches read them while the task's code runs (as the Go SDK does).
  upcoming_markers_.clear();
  upcoming_updates_.clear();
  upcoming_local_activity_markers_.clear();
  for (int j = from; j < events.size(); ++j) {
    const enums::EventType type = events[j].event_type();
    if (type == enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      // A flag recorded by a task applies to every later task of the run too.
      sdk_flags_.AddRecorded(
          events[j].workflow_task_completed_event_attributes().sdk_metadata().lang_used_flags());
    }
    if (type == enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED ||
        type == enums::EVENT_TYPE_WORKFLOW_TASK_STARTED)
      break;
    if (type == enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
      // The task accepted this update: replay delivers it in the task's
      // activation again, as accepted (no validator), as sdk-core does.
      upcoming_updates_.push_back(UpdateRequestFromHistory(events[j]));
    }
    if (type == enums::EVENT_TYPE_MARKER_RECORDED) {
      auto marker = DecodedMarker(events[j]);
      if (marker.marker_name() == kLocalActivityMarkerName)
        upcoming_local_activity_markers_.emplace_back(events[j].event_id(), marker);
      std::string identity = RecordedCommandMachine::MarkerIdentity(marker);
      upcoming_markers_[std::move(identity)] = std::move(marker);
    }
  }
}

void WorkflowInstance::MatchCommandEvent(const HistoryEvent& recorded) {
  // Marker details go through the codec like every other payload; machines
  // compare the decoded ones.
  std::optional<HistoryEvent> decoded_marker;
  if (recorded.event_type() == enums::EVENT_TYPE_MARKER_RECORDED) {
    decoded_marker = recorded;
    *decoded_marker->mutable_marker_recorded_event_attributes() = DecodedMarker(recorded);
  }
  const HistoryEvent& event = decoded_marker ? *decoded_marker : recorded;
  if (decoded_marker &&
      event.marker_recorded_event_attributes().marker_name() == kPatchMarkerName) {
    // sdk-core's patch table: a marker the code does not ask about here is
    // skipped if it was deprecated (removing a DeprecatePatch call is safe),
    // and is non-determinism otherwise (a live Patched call was removed).
    const auto marker_id = [](const auto& details) {
      auto id = details.find(kMarkerIdKey);
      return id != details.end() && id->second.payloads_size() > 0 ? id->second.payloads(0).data()
                                                                   : std::string();
    };
    const std::string patch_id = marker_id(event.marker_recorded_event_attributes().details());
    bool asked = false;
    if (!commands_.empty()) {
      const Command& next = commands_.front().command;
      asked = next.command_type() == enums::COMMAND_TYPE_RECORD_MARKER &&
              next.record_marker_command_attributes().marker_name() == kPatchMarkerName &&
              marker_id(next.record_marker_command_attributes().details()) == patch_id;
    }
    if (!asked) {
      const auto& details = event.marker_recorded_event_attributes().details();
      auto deprecated = details.find(kPatchDeprecatedKey);
      const bool was_deprecated = deprecated != details.end() &&
                                  deprecated->second.payloads_size() > 0 &&
                                  deprecated->second.payloads(0).data() == "true";
      if (was_deprecated) return;
      throw NondeterminismError(
          event.event_id(),
          "history recorded patch " + patch_id +
              " here, which the workflow code no longer checks: a Patched() call was removed "
              "while runs that took it are open (replace it with DeprecatePatch first)");
    }
  }
  if (commands_.empty()) {
    throw NondeterminismError(event.event_id(), "history has " +
                                                    enums::EventType_Name(event.event_type()) +
                                                    " but the workflow issued no matching command");
  }
  CommandEntry entry = std::move(commands_.front());
  const enums::EventType expected = entry.machine->RecordingEventType(entry.command);
  if (expected != event.event_type()) {
    throw NondeterminismError(event.event_id(),
                              "history has " + enums::EventType_Name(event.event_type()) +
                                  " where the workflow issued " +
                                  enums::CommandType_Name(entry.command.command_type()) + " for " +
                                  entry.machine->Describe());
  }
  commands_.pop_front();
  entry.machine->OnCommandEvent(event);
  switch (event.event_type()) {
    case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
      activities_by_scheduled_id_[event.event_id()] = static_cast<ActivityMachine*>(entry.machine);
      break;
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
      children_by_initiated_id_[event.event_id()] =
          static_cast<ChildWorkflowMachine*>(entry.machine);
      break;
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
      signals_by_initiated_id_[event.event_id()] =
          static_cast<SignalExternalMachine*>(entry.machine);
      break;
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
      cancels_by_initiated_id_[event.event_id()] =
          static_cast<CancelExternalMachine*>(entry.machine);
      break;
    default:
      break;
  }
}

void WorkflowInstance::RunWorkflowTask(const HistoryEvent& started, bool replaying) {
  // Every command issued by the previous task must have been matched by now.
  // Every command issued by an earlier task run must have been matched by
  // now; commands issued while this task's events were applied are its own.
  if (!commands_.empty() && commands_.front().batch < batch_) {
    const CommandEntry& entry = commands_.front();
    throw NondeterminismError(started.event_id(),
                              "the workflow issued " +
                                  enums::CommandType_Name(entry.command.command_type()) + " for " +
                                  entry.machine->Describe() + ", which history does not record");
  }
  replaying_ = replaying;
  // The workflow clock never goes backwards, even if the server's task start
  // times do (clock skew between history hosts).
  now_ = std::max(now_, temporal::detail::ToTimePoint(started.event_time()));
  last_started_event_id_ = started.event_id();
  const auto& started_attributes = started.workflow_task_started_event_attributes();
  info_.history_length = started.event_id();
  info_.history_size_bytes = started_attributes.history_size_bytes();
  info_.continue_as_new_suggested = started_attributes.suggest_continue_as_new();
  // Published for the worker's deadlock watchdog (worker/workflow_worker.h),
  // from the activation on: signal handlers are workflow code too.
  CodeRunning code_running(code_running_since_);
  ApplyActivation();
  if (!root_started_) {
    root_started_ = true;
    root_ = RunRoot(function_(input_), &root_result_, &root_error_, &root_done_);
    ready_.push_back({root_.handle(), root_scope_.get()});
  }
  RunUntilBlocked();
  if (replaying_) {
    ResolveReplayedLocalActivities();
  } else {
    GoLiveLocalActivities();
  }
  upcoming_markers_.clear();
  upcoming_local_activity_markers_.clear();
  RejectUnhandledUpdates();
  FinishCodeRun(started.event_id());
  ++batch_;
}

void WorkflowInstance::FinishCodeRun(std::int64_t event_id) {
  if (!nondeterminism_.empty()) {
    throw NondeterminismError(event_id, std::exchange(nondeterminism_, std::string()));
  }
  if (handler_error_) {
    std::exception_ptr error = std::exchange(handler_error_, nullptr);
    if (!root_done_) {
      // A failing signal handler fails the workflow like the main coroutine would.
      root_done_ = true;
      root_error_ = error;
    }
  }
  if (root_done_ && completion_ == nullptr) IssueCompletion();
}

std::optional<std::chrono::steady_clock::time_point> WorkflowInstance::code_running_since() const {
  const std::chrono::steady_clock::rep ticks = code_running_since_.load(std::memory_order_acquire);
  if (ticks == 0) return std::nullopt;
  return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(ticks));
}

void WorkflowInstance::RunUntilBlocked() {
  do {
    while (!ready_.empty()) {
      Ready next = ready_.front();
      ready_.pop_front();
      current_scope_ = next.scope != nullptr ? next.scope : root_scope_.get();
      next.handle.resume();
    }
  } while (CheckConditions());
  current_scope_ = root_scope_.get();
}

bool WorkflowInstance::CheckConditions() {
  bool resolved = false;
  for (std::size_t i = 0; i < conditions_.size();) {
    Condition& condition = conditions_[i];
    if (condition.state->ready()) {
      conditions_.erase(conditions_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    bool holds = false;
    try {
      holds = condition.predicate();
    } catch (...) {
      // A predicate is workflow code: what escapes it fails the task, as an
      // unexpected exception in the workflow function does.
      throw WorkflowTaskError{enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                              FailureFromException(std::current_exception())};
    }
    if (holds) {
      auto state = condition.state;
      TimerMachine* timer = condition.timer;
      conditions_.erase(conditions_.begin() + static_cast<std::ptrdiff_t>(i));
      state->SetValue(true);
      if (timer != nullptr &&
          (timer->state() == TimerState::kCreated || timer->state() == TimerState::kStarted)) {
        timer->Cancel();
      }
      resolved = true;
      continue;
    }
    ++i;
  }
  return resolved;
}

void WorkflowInstance::IssueCompletion() {
  Command command;
  if (!root_error_) {
    command.set_command_type(enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
    auto* result =
        command.mutable_complete_workflow_execution_command_attributes()->mutable_result();
    for (Payload& payload : *root_result_) *result->add_payloads() = std::move(payload);
  } else {
    try {
      std::rethrow_exception(root_error_);
    } catch (const ContinueAsNewRequest& request) {
      command.set_command_type(enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION);
      auto* attributes = command.mutable_continue_as_new_workflow_execution_command_attributes();
      attributes->mutable_workflow_type()->set_name(request.options.workflow_type.empty()
                                                        ? info_.workflow_type
                                                        : request.options.workflow_type);
      attributes->mutable_task_queue()->set_name(
          request.options.task_queue.empty() ? info_.task_queue : request.options.task_queue);
      for (const Payload& payload : request.arguments)
        *attributes->mutable_input()->add_payloads() = payload;
      // The server inherits none of these: carry the current values over
      // unless the options override them (as the Go SDK and sdk-core do).
      if (request.options.run_timeout) {
        temporal::detail::SetDuration(attributes->mutable_workflow_run_timeout(),
                                      *request.options.run_timeout);
      } else if (run_timeout_) {
        *attributes->mutable_workflow_run_timeout() = *run_timeout_;
      }
      if (request.options.task_timeout) {
        temporal::detail::SetDuration(attributes->mutable_workflow_task_timeout(),
                                      *request.options.task_timeout);
      } else if (task_timeout_) {
        *attributes->mutable_workflow_task_timeout() = *task_timeout_;
      }
      if (request.options.retry_policy) {
        *attributes->mutable_retry_policy() = request.options.retry_policy->ToProto();
      } else if (retry_policy_) {
        *attributes->mutable_retry_policy() = *retry_policy_;
      }
      if (request.options.memo) {
        std::vector<Payload> values;
        for (const auto& [key, value] : *request.options.memo) values.push_back(value);
        if (Status encoded = converter_.EncodePayloads(&values); !encoded) {
          throw WorkflowTaskError{
              enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
              UnexpectedFailure("continue-as-new memo does not encode: " +
                                encoded.error().ToString())};
        }
        auto value = values.begin();
        for (const auto& [key, unused] : *request.options.memo)
          (*attributes->mutable_memo()->mutable_fields())[key] = std::move(*value++);
      } else {
        for (const auto& [key, value] : memo_)
          (*attributes->mutable_memo()->mutable_fields())[key] = value;
      }
      if (request.options.search_attributes) {
        *attributes->mutable_search_attributes() = request.options.search_attributes->ToProto();
      } else if (!search_attributes_.empty()) {
        *attributes->mutable_search_attributes()->mutable_indexed_fields() = search_attributes_;
      }
      if (header_.fields_size() > 0) *attributes->mutable_header() = header_;
    } catch (const FailureError& error) {
      if (cancel_requested_ && IsCancellation(error.failure().proto())) {
        command.set_command_type(enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
      } else {
        command.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
        *command.mutable_fail_workflow_execution_command_attributes()->mutable_failure() =
            error.failure().proto();
      }
    } catch (const CanceledFailure& canceled) {
      if (cancel_requested_) {
        command.set_command_type(enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
        for (const Payload& payload : canceled.details()) {
          *command.mutable_cancel_workflow_execution_command_attributes()
               ->mutable_details()
               ->add_payloads() = payload;
        }
      } else {
        command.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
        *command.mutable_fail_workflow_execution_command_attributes()->mutable_failure() =
            canceled.ToProto();
      }
    } catch (const ApplicationFailure& failure) {
      command.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
      *command.mutable_fail_workflow_execution_command_attributes()->mutable_failure() =
          failure.ToProto();
    } catch (...) {
      // Any other exception is a bug in the workflow or the SDK: fail the
      // task so the server retries it (a fixed deployment can continue),
      // as the official SDKs do. The run must be re-created from history.
      Failure failure = FailureFromException(std::current_exception());
      root_done_ = false;
      throw WorkflowTaskError{enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                              failure};
    }
  }
  LogUnhandledSignals(command.command_type() ==
                              enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION
                          ? "continues as new"
                          : "completes");
  auto machine = std::make_unique<CompletionMachine>(*this, std::move(command));
  completion_ = machine.get();
  machines_.push_back(std::move(machine));
}

void WorkflowInstance::LogUnhandledSignals(const char* ending) const {
  if (replaying_) return;
  if (running_handlers_ > 0) {
    spdlog::warn(
        "workflow {} ({}) {} while {} signal or update handler(s) still run: they are abandoned "
        "(wait with WaitCondition(AllHandlersFinished) before returning)",
        info_.workflow_id, info_.workflow_type, ending, running_handlers_);
  }
  for (const auto& [name, inputs] : buffered_signals_) {
    if (inputs.empty()) continue;
    spdlog::warn(
        "workflow {} ({}) {} with {} unhandled signal(s) '{}': no handler was ever set for "
        "them, and they are dropped",
        info_.workflow_id, info_.workflow_type, ending, inputs.size(), name);
  }
}

void WorkflowInstance::DeliverSignal(const std::string& name, std::vector<Payload> input) {
  auto handler = signal_handlers_.find(name);
  if (handler == signal_handlers_.end()) {
    buffered_signals_[name].push_back(std::move(input));
    return;
  }
  try {
    handler->second(input);
  } catch (...) {
    ReportHandlerFailure(std::current_exception());
  }
}

void WorkflowInstance::ReportHandlerFailure(std::exception_ptr error) {
  if (!handler_error_) handler_error_ = std::move(error);
}

void WorkflowInstance::RequireMutable(const char* operation) const {
  if (read_only_ != nullptr) {
    throw std::logic_error(std::string(operation) + " called in " + read_only_ +
                           ": it is read-only and must not change the workflow's state");
  }
}

void WorkflowInstance::SetSignalHandler(const std::string& name, SignalFunction handler) {
  RequireMutable("workflow::SetSignalHandler");
  auto existing = signal_handlers_.find(name);
  if (existing != signal_handlers_.end()) {
    retired_signal_handlers_.push_back(std::move(existing->second));
    existing->second = std::move(handler);
  } else {
    signal_handlers_.emplace(name, std::move(handler));
  }
  auto buffered = buffered_signals_.find(name);
  if (buffered == buffered_signals_.end()) return;
  std::deque<std::vector<Payload>> pending = std::move(buffered->second);
  buffered_signals_.erase(buffered);
  for (auto& input : pending) DeliverSignal(name, std::move(input));
}

void WorkflowInstance::SetQueryHandler(const std::string& name, QueryFunction handler) {
  RequireMutable("workflow::SetQueryHandler");
  query_handlers_[name] = std::move(handler);
}

Result<std::vector<Payload>> WorkflowInstance::Query(const std::string& name,
                                                     std::vector<Payload> arguments) {
  RuntimeGuard guard(this);
  auto handler = query_handlers_.find(name);
  if (handler == query_handlers_.end()) {
    std::string known;
    for (const auto& [known_name, unused] : query_handlers_)
      known += (known.empty() ? "" : ", ") + known_name;
    return Error(ErrorCode::kQueryFailed,
                 "unknown query type '" + name +
                     "'; this workflow handles: " + (known.empty() ? "(none)" : known));
  }
  if (Status decoded = converter_.DecodePayloads(&arguments); !decoded) return decoded.error();
  try {
    std::vector<Payload> answer;
    {
      ReadOnlyScope read_only(read_only_, "a query handler");
      answer = handler->second(arguments);
    }
    if (Status encoded = converter_.EncodePayloads(&answer); !encoded) return encoded.error();
    return answer;
  } catch (const std::exception& error) {
    return Error(ErrorCode::kQueryFailed, "query " + name + " failed: " + error.what());
  } catch (const ContinueAsNewRequest&) {
    return Error(ErrorCode::kQueryFailed,
                 "query " + name +
                     " failed: ContinueAsNew called in a query handler (queries "
                     "are read-only)");
  } catch (...) {
    // Whatever a handler throws must not take the worker process down.
    return Error(ErrorCode::kQueryFailed,
                 "query " + name + " failed: an exception not derived from std::exception");
  }
}

TimerMachine* WorkflowInstance::NewTimer(std::chrono::milliseconds duration) {
  CancellationScopeState* scope = current_scope_;
  if (scope->cancelled) return nullptr;
  auto machine = std::make_unique<TimerMachine>(*this, std::to_string(next_timer_seq_++), duration);
  TimerMachine* timer = machine.get();
  timers_[timer->timer_id()] = timer;
  machines_.push_back(std::move(machine));
  scope->OnCancel([timer] { timer->Cancel(); });
  return timer;
}

namespace {
// A negative duration is a bug in the workflow: thrown into its code, never
// sent (the server would refuse the command on every attempt).
std::exception_ptr NegativeDuration(const char* operation, std::chrono::milliseconds duration) {
  return std::make_exception_ptr(ApplicationFailure(
      std::string(operation) + ": negative duration " + std::to_string(duration.count()) + " ms",
      "InvalidArgument", /*non_retryable=*/true));
}
}  // namespace

Future<void> WorkflowInstance::StartTimer(std::chrono::milliseconds duration) {
  RequireMutable("workflow::Sleep");
  if (duration.count() <= 0) {
    Future<void> now;
    if (duration.count() < 0) {
      now.state()->SetException(NegativeDuration("workflow::Sleep", duration));
    } else {
      now.state()->SetValue(Unit{});  // nothing to wait for: no timer, no command
    }
    return now;
  }
  TimerMachine* timer = NewTimer(duration);
  if (timer == nullptr) {
    Future<void> cancelled;
    cancelled.state()->SetException(
        std::make_exception_ptr(CanceledFailure("timer not started: scope cancelled")));
    return cancelled;
  }
  return timer->future();
}

void WorkflowInstance::StartActivity(const std::string& activity_type,
                                     const ActivityOptions& options, std::vector<Payload> arguments,
                                     PayloadsCallback on_done) {
  RequireMutable("workflow::ExecuteActivity");
  CancellationScopeState* scope = current_scope_;
  if (scope->cancelled) {
    on_done({},
            std::make_exception_ptr(CanceledFailure("activity not scheduled: scope cancelled")));
    return;
  }
  const int seq = next_activity_seq_++;
  std::string activity_id = options.activity_id.empty() ? std::to_string(seq) : options.activity_id;
  auto machine =
      std::make_unique<ActivityMachine>(*this, std::move(activity_id), activity_type, options,
                                        std::move(arguments), std::move(on_done));
  ActivityMachine* activity = machine.get();
  machines_.push_back(std::move(machine));
  scope->OnCancel([activity] { activity->Cancel(); });
}

Future<bool> WorkflowInstance::WaitCondition(std::function<bool()> predicate,
                                             std::optional<std::chrono::milliseconds> timeout) {
  RequireMutable("workflow::WaitCondition");
  auto state = std::make_shared<FutureState<bool>>();
  if (timeout && timeout->count() < 0) {
    state->SetException(NegativeDuration("workflow::WaitCondition timeout", *timeout));
    return Future<bool>(state);
  }
  if (predicate()) {
    state->SetValue(true);
    return Future<bool>(state);
  }
  if (timeout && timeout->count() == 0) {
    state->SetValue(false);  // checked once; no timer
    return Future<bool>(state);
  }
  Condition condition{std::move(predicate), state, nullptr};
  if (timeout) {
    condition.timer = NewTimer(*timeout);
    if (condition.timer == nullptr) {
      state->SetException(std::make_exception_ptr(CanceledFailure("wait cancelled")));
      return Future<bool>(state);
    }
    Future<void> timer = condition.timer->future();
    timer.state()->OnReady([state, timer] {
      if (timer.state()->failed()) {
        state->SetException(std::make_exception_ptr(CanceledFailure("wait cancelled")));
      } else {
        state->SetValue(false);
      }
    });
  } else {
    current_scope_->OnCancel([state] {
      state->SetException(std::make_exception_ptr(CanceledFailure("wait cancelled")));
    });
  }
  conditions_.push_back(std::move(condition));
  return Future<bool>(state);
}

}  // namespace temporal::workflow::detail

namespace temporal::workflow::detail {
namespace {

Payload JsonPayload(const std::string& json) {
  Payload payload;
  (*payload.mutable_metadata())["encoding"] = "json/plain";
  payload.set_data(json);
  return payload;
}

std::string JsonString(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void WorkflowInstance::RecordMarker(const std::string& name, const Payload& id,
                                    std::optional<Payload> data, std::optional<bool> deprecated) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_RECORD_MARKER);
  auto* attributes = command.mutable_record_marker_command_attributes();
  attributes->set_marker_name(name);
  *(*attributes->mutable_details())[kMarkerIdKey].add_payloads() = id;
  if (data) *(*attributes->mutable_details())[kMarkerDataKey].add_payloads() = *data;
  if (deprecated) {
    *(*attributes->mutable_details())[kPatchDeprecatedKey].add_payloads() =
        JsonPayload(*deprecated ? "true" : "false");
  }
  auto machine = std::make_unique<RecordedCommandMachine>(
      *this, std::move(command), "marker " + name + " " + id.data(), name + "/" + id.data());
  machines_.push_back(std::move(machine));
}

bool WorkflowInstance::TryUseSdkFlag(std::uint32_t flag) {
  return sdk_flags_.TryUse(flag, replaying_);
}

std::vector<std::uint32_t> WorkflowInstance::TakeNewSdkFlags() {
  return sdk_flags_.TakeNewlyUsed();
}

bool WorkflowInstance::Patched(const std::string& patch_id, bool deprecated) {
  RequireMutable("workflow::Patched/DeprecatePatch");
  auto memo = patches_.find(patch_id);
  if (memo != patches_.end()) return memo->second;
  const Payload id = JsonPayload(JsonString(patch_id));
  bool result = true;
  if (replaying_) {
    // Replaying: the patch is in effect only if this task recorded its marker.
    result = upcoming_markers_.count(std::string(kPatchMarkerName) + "/" + id.data()) != 0;
  }
  if (result) RecordMarker(kPatchMarkerName, id, std::nullopt, deprecated);
  patches_[patch_id] = result;
  return result;
}

Payload WorkflowInstance::SideEffect(const std::function<Result<Payload>()>& compute) {
  RequireMutable("workflow::SideEffect");
  const int seq = next_side_effect_seq_++;
  const Payload id = JsonPayload(std::to_string(seq));
  if (replaying_) {
    auto marker = upcoming_markers_.find(std::string(kSideEffectMarkerName) + "/" + id.data());
    if (marker == upcoming_markers_.end() || marker->second.details().count(kMarkerDataKey) == 0 ||
        marker->second.details().at(kMarkerDataKey).payloads_size() == 0) {
      if (nondeterminism_.empty()) {
        nondeterminism_ =
            "side effect " + std::to_string(seq) + " has no recorded marker in this workflow task";
      }
      return Payload();
    }
    // Upcoming markers are kept decoded (CollectUpcomingMarkers).
    Payload recorded = marker->second.details().at(kMarkerDataKey).payloads(0);
    RecordMarker(kSideEffectMarkerName, id, recorded, std::nullopt);
    return recorded;
  }
  Result<Payload> value = compute();
  if (!value) ThrowDataConversion("side effect result", value.error());
  RecordMarker(kSideEffectMarkerName, id, *value, std::nullopt);
  return *value;
}

void WorkflowInstance::UpsertSearchAttributes(const SearchAttributes& attributes) {
  RequireMutable("workflow::UpsertSearchAttributes");
  const temporal::api::common::v1::SearchAttributes upserted = attributes.ToProto();
  for (const auto& [key, value] : upserted.indexed_fields()) {
    // An empty payload unsets the attribute.
    if (value.data().empty() && value.metadata().empty()) {
      search_attributes_.erase(key);
    } else {
      search_attributes_[key] = value;
    }
  }
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
  *command.mutable_upsert_workflow_search_attributes_command_attributes()
       ->mutable_search_attributes() = attributes.ToProto();
  machines_.push_back(std::make_unique<RecordedCommandMachine>(*this, std::move(command),
                                                               "upsert search attributes"));
}

void WorkflowInstance::UpsertMemo(const std::map<std::string, Payload>& memo) {
  RequireMutable("workflow::UpsertMemo");
  // Encoded here, once, for the command and for what continue-as-new carries
  // over (memo_ holds memo as history does: encoded).
  std::vector<Payload> values;
  for (const auto& [key, value] : memo) values.push_back(value);
  if (Status encoded = converter_.EncodePayloads(&values); !encoded) {
    ThrowDataConversion("memo upsert", encoded.error());
  }
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES);
  auto* fields = command.mutable_modify_workflow_properties_command_attributes()
                     ->mutable_upserted_memo()
                     ->mutable_fields();
  auto value = values.begin();
  for (const auto& [key, unused] : memo) {
    memo_[key] = *value;
    (*fields)[key] = std::move(*value++);
  }
  machines_.push_back(
      std::make_unique<RecordedCommandMachine>(*this, std::move(command), "upsert memo"));
}

}  // namespace temporal::workflow::detail

namespace temporal::workflow::detail {

std::pair<std::string, Future<std::string>> WorkflowInstance::StartChild(
    const std::string& workflow_type, const ChildWorkflowOptions& options,
    std::vector<Payload> arguments, ChildResultCallback on_result) {
  RequireMutable("workflow::StartChildWorkflow");
  std::string workflow_id = options.workflow_id;
  if (workflow_id.empty()) {
    RuntimeGuard guard(this);
    workflow_id = workflow::NewUuid();
  }
  CancellationScopeState* scope = current_scope_;
  if (scope->cancelled) {
    auto error =
        std::make_exception_ptr(CanceledFailure("child workflow not started: scope cancelled"));
    Future<std::string> started;
    started.state()->SetException(error);
    on_result({}, error);
    return {workflow_id, started};
  }
  auto machine = std::make_unique<ChildWorkflowMachine>(*this, *this, info_.namespace_, workflow_id,
                                                        workflow_type, options,
                                                        std::move(arguments), std::move(on_result));
  ChildWorkflowMachine* child = machine.get();
  machines_.push_back(std::move(machine));
  scope->OnCancel([child] { child->Cancel(); });
  return {workflow_id, child->started()};
}

Future<void> WorkflowInstance::SignalExternal(const std::string& workflow_id,
                                              const std::string& run_id,
                                              const std::string& signal_name,
                                              std::vector<Payload> arguments, bool child_only) {
  RequireMutable("workflow::SignalExternalWorkflow");
  auto machine = std::make_unique<SignalExternalMachine>(
      *this, info_.namespace_, workflow_id, run_id, signal_name, std::move(arguments), child_only);
  SignalExternalMachine* signal = machine.get();
  machines_.push_back(std::move(machine));
  current_scope_->OnCancel([signal] { signal->Cancel(); });
  return signal->future();
}

Future<void> WorkflowInstance::CancelExternal(const std::string& workflow_id,
                                              const std::string& run_id, bool child_only) {
  RequireMutable("workflow::CancelExternalWorkflow");
  auto machine = std::make_unique<CancelExternalMachine>(*this, info_.namespace_, workflow_id,
                                                         run_id, child_only);
  Future<void> future = machine->future();
  machines_.push_back(std::move(machine));
  return future;
}

Future<void> WorkflowInstance::RequestCancelChild(const std::string& workflow_id,
                                                  const std::string& run_id) {
  return CancelExternal(workflow_id, run_id, /*child_only=*/true);
}

}  // namespace temporal::workflow::detail

namespace temporal::workflow::detail {
namespace {

// Runs an accepted update's handler and hands its outcome to the engine.
Task<void> RunUpdateHandler(WorkflowInstance* instance, UpdateMachine* update,
                            Task<std::vector<Payload>> handler) {
  std::vector<Payload> result;
  std::exception_ptr error;
  try {
    result = co_await std::move(handler);
  } catch (...) {
    error = std::current_exception();
  }
  instance->FinishUpdate(update, std::move(result), error);
}

// The failure an update's handler or validator threw, as the client gets it.
Failure UpdateFailure(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const FailureError& failure) {
    return failure.failure().proto();
  } catch (...) {
    return FailureFromException(std::current_exception());
  }
}

}  // namespace

UpdateRequest WorkflowInstance::UpdateRequestFromHistory(const HistoryEvent& event) {
  const auto& attributes = event.workflow_execution_update_accepted_event_attributes();
  UpdateRequest request;
  request.message_id = attributes.accepted_request_message_id();
  request.protocol_instance_id = attributes.protocol_instance_id();
  request.sequencing_event_id = attributes.accepted_request_sequencing_event_id();
  request.request = attributes.accepted_request();
  request.from_history = true;
  return request;
}

void WorkflowInstance::SetUpdateHandler(const std::string& name, UpdateFunction handler,
                                        UpdateValidatorFunction validator) {
  RequireMutable("workflow::SetUpdateHandler");
  update_handlers_[name] = UpdateHandler{std::move(handler), std::move(validator)};
  // Updates of this task that arrived before their handler existed.
  std::vector<UpdateRequest> waiting;
  for (auto it = unhandled_updates_.begin(); it != unhandled_updates_.end();) {
    if (it->request.input().name() == name) {
      waiting.push_back(std::move(*it));
      it = unhandled_updates_.erase(it);
    } else {
      ++it;
    }
  }
  for (UpdateRequest& request : waiting) DeliverUpdate(std::move(request));
}

void WorkflowInstance::DeliverUpdate(UpdateRequest request) {
  const std::string id = request.request.meta().update_id();
  const std::string name = request.request.input().name();
  if (updates_.count(id) != 0) {
    // The server answers a repeated id with the first outcome; accepting it
    // twice would run the handler twice.
    if (!replaying_) {
      spdlog::info("workflow {}: update {} ('{}') was accepted already; the repeat is ignored",
                   info_.workflow_id, id, name);
    }
    return;
  }
  auto handler = update_handlers_.find(name);
  if (handler == update_handlers_.end()) {
    unhandled_updates_.push_back(std::move(request));
    return;
  }
  UpdateInfo info{id, name, request.request.meta().identity()};
  std::vector<Payload> input(request.request.input().args().payloads().begin(),
                             request.request.input().args().payloads().end());
  const Status decoded = converter_.DecodePayloads(&input);
  const bool from_history = request.from_history;
  auto owned = std::make_unique<UpdateMachine>(*this, std::move(request));
  UpdateMachine* update = owned.get();
  machines_.push_back(std::move(owned));
  if (!from_history) {
    std::exception_ptr rejected;
    if (!decoded) {
      rejected = std::make_exception_ptr(ApplicationFailure(
          "update " + name + ": payloads do not decode: " + decoded.error().ToString(),
          "DataConversionError", /*non_retryable=*/true));
    } else {
      try {
        ReadOnlyScope read_only(read_only_, "an update validator");
        handler->second.validate(info, input);
      } catch (...) {
        rejected = std::current_exception();
      }
    }
    if (rejected) {
      Failure failure = UpdateFailure(rejected);
      if (Status encoded = converter_.EncodeFailure(&failure); !encoded) {
        throw WorkflowTaskError{
            enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
            UnexpectedFailure("update " + name +
                              ": rejection does not encode: " + encoded.error().ToString())};
      }
      update->Reject(std::move(failure));
      return;
    }
  } else if (!decoded) {
    // Accepted in history, unreadable now (the codec lost its key): the
    // handler cannot run the same way, so the task cannot proceed.
    throw WorkflowTaskError{
        enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
        UnexpectedFailure("accepted update " + id + " (" + name +
                          "): payloads do not decode: " + decoded.error().ToString())};
  }
  update->Accept();
  updates_[id] = update;
  HandlerStarted();
  Task<void> driver = RunUpdateHandler(this, update, handler->second.run(info, std::move(input)));
  auto handle = driver.handle();
  auto* kept = new Task<void>(std::move(driver));
  Spawn(
      handle, [kept] { delete kept; }, root_scope_.get());
}

void WorkflowInstance::RejectUnhandledUpdates() {
  std::vector<UpdateRequest> unhandled = std::exchange(unhandled_updates_, {});
  for (UpdateRequest& request : unhandled) {
    const std::string name = request.request.input().name();
    if (request.from_history) {
      throw NondeterminismError(
          last_started_event_id_,
          "history accepted update " + request.request.meta().update_id() + " ('" + name +
              "') in this workflow task, but the workflow code no longer sets a handler for it");
    }
    std::string known;
    for (const auto& [known_name, unused] : update_handlers_)
      known += (known.empty() ? "" : ", ") + known_name;
    Failure failure = ApplicationFailure("unknown update '" + name + "'; this workflow handles: " +
                                             (known.empty() ? "(none)" : known),
                                         "UnknownUpdate", /*non_retryable=*/true)
                          .ToProto();
    if (Status encoded = converter_.EncodeFailure(&failure); !encoded) {
      throw WorkflowTaskError{enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                              UnexpectedFailure("update " + name + ": rejection does not encode: " +
                                                encoded.error().ToString())};
    }
    auto update = std::make_unique<UpdateMachine>(*this, std::move(request));
    update->Reject(std::move(failure));
    machines_.push_back(std::move(update));
  }
}

void WorkflowInstance::FinishUpdate(UpdateMachine* update, std::vector<Payload> result,
                                    std::exception_ptr error) {
  HandlerFinished();
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const ContinueAsNewRequest&) {
      // Ending the run is the main coroutine's business; from a handler it
      // ends the run as if the main coroutine had asked (the update is then
      // failed by the server: the run closed before it completed).
      ReportHandlerFailure(error);
      return;
    } catch (...) {
    }
    Failure failure = UpdateFailure(error);
    if (Status encoded = converter_.EncodeFailure(&failure); !encoded) {
      throw WorkflowTaskError{
          enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
          UnexpectedFailure("update " + update->name() +
                            ": failure does not encode: " + encoded.error().ToString())};
    }
    update->Fail(std::move(failure));
    return;
  }
  if (Status encoded = converter_.EncodePayloads(&result); !encoded) {
    Failure failure =
        ApplicationFailure(
            "update " + update->name() + ": result does not encode: " + encoded.error().ToString(),
            "DataConversionError", /*non_retryable=*/true)
            .ToProto();
    update->Fail(std::move(failure));
    return;
  }
  update->Complete(std::move(result));
}

}  // namespace temporal::workflow::detail
