// The workflow instance's side of local activities: schedulings handed to the
// worker, their outcomes recorded as markers, and replay from those markers.
// The marker format is documented in docs/determinism.md ("Local activities").
#include <nlohmann/json.hpp>

#include "workflow/workflow_instance.h"

namespace temporal::workflow::detail {
namespace {

namespace enums = temporal::api::enums::v1;
using temporal::api::history::v1::MarkerRecordedEventAttributes;

std::int64_t EpochMillis(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::chrono::system_clock::time_point FromEpochMillis(std::int64_t millis) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(millis));
}

Payload JsonPlain(const std::string& json) {
  Payload payload;
  (*payload.mutable_metadata())["encoding"] = "json/plain";
  payload.set_data(json);
  return payload;
}

// The marker's id detail: the scheduling's seq, so that replay matches each
// marker to the scheduling that recorded it.
Payload MarkerId(int seq) { return JsonPlain(std::to_string(seq)); }

// Sets up the engine's entry for a live outcome: the runtime of this thread,
// and the command batch of the task that is still open.
class LiveResolution {
 public:
  LiveResolution(Runtime*& slot, Runtime* runtime, int& batch)
      : slot_(slot), previous_(slot), batch_(batch) {
    slot_ = runtime;
    --batch_;  // commands issued now belong to the task that ran last
  }
  ~LiveResolution() {
    slot_ = previous_;
    ++batch_;
  }
  LiveResolution(const LiveResolution&) = delete;
  LiveResolution& operator=(const LiveResolution&) = delete;

 private:
  Runtime*& slot_;
  Runtime* previous_;
  int& batch_;
};

}  // namespace

// Defined in workflow_instance.cc.
Runtime*& CurrentRuntimeSlot();

std::chrono::milliseconds WorkflowInstance::workflow_task_timeout() const {
  if (!task_timeout_) return std::chrono::seconds(10);
  const auto millis = task_timeout_->seconds() * 1000 + task_timeout_->nanos() / 1000000;
  return std::chrono::milliseconds(millis > 0 ? millis : 10000);
}

void WorkflowInstance::StartLocalActivity(const std::string& activity_type,
                                          const LocalActivityOptions& options,
                                          std::vector<Payload> arguments,
                                          PayloadsCallback on_done) {
  RequireMutable("workflow::ExecuteLocalActivity");
  if (!options.start_to_close_timeout && !options.schedule_to_close_timeout) {
    on_done({}, std::make_exception_ptr(ApplicationFailure(
                    "local activity " + activity_type +
                        ": set start_to_close_timeout or schedule_to_close_timeout",
                    "InvalidArgument", /*non_retryable=*/true)));
    return;
  }
  CancellationScopeState* scope = current_scope_;
  if (scope->cancelled) {
    on_done({}, std::make_exception_ptr(
                    CanceledFailure("local activity not scheduled: scope cancelled")));
    return;
  }
  auto machine = std::make_unique<LocalActivityMachine>(*this, activity_type, options,
                                                        std::move(arguments), std::move(on_done));
  LocalActivityMachine* activity = machine.get();
  local_activity_machines_.push_back(std::move(machine));
  scope->OnCancel([activity] { activity->Cancel(); });
}

void WorkflowInstance::BeginScheduling(LocalActivityMachine* machine, LocalActivityRequest request,
                                       bool live) {
  local_activities_[request.seq] = machine;
  if (!live) return;
  running_local_activities_[request.seq] = request;
  local_activity_requests_.push_back(std::move(request));
}

void WorkflowInstance::EndScheduling(int seq) {
  local_activities_.erase(seq);
  running_local_activities_.erase(seq);
}

void WorkflowInstance::CancelExecution(int seq) {
  // A request the worker has not taken yet is simply withdrawn.
  const auto queued =
      std::find_if(local_activity_requests_.begin(), local_activity_requests_.end(),
                   [seq](const LocalActivityRequest& request) { return request.seq == seq; });
  if (queued != local_activity_requests_.end()) {
    local_activity_requests_.erase(queued);
    return;
  }
  local_activity_cancels_.push_back(seq);
}

std::vector<LocalActivityRequest> WorkflowInstance::TakeLocalActivityRequests() {
  return std::exchange(local_activity_requests_, {});
}

std::vector<int> WorkflowInstance::TakeLocalActivityCancels() {
  return std::exchange(local_activity_cancels_, {});
}

int WorkflowInstance::running_local_activities() const {
  // EndScheduling drops a withdrawn (abandoned, try-cancelled) scheduling
  // from both maps: whatever is still here is waited for.
  return static_cast<int>(running_local_activities_.size());
}

void WorkflowInstance::RecordLocalActivityMarker(const LocalActivityRequest& request,
                                                 const LocalActivityOutcome& outcome) {
  nlohmann::json data = {
      {"seq", request.seq},
      {"attempt", outcome.attempt},
      {"activity_id", request.activity_id},
      {"activity_type", request.activity_type},
      {"complete_time_ms", EpochMillis(outcome.complete_time)},
      {"original_schedule_time_ms", EpochMillis(request.original_schedule_time)},
      {"backoff_ms", outcome.status == LocalActivityOutcome::Status::kBackoff
                         ? nlohmann::json(outcome.backoff.count())
                         : nlohmann::json(nullptr)},
  };
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_RECORD_MARKER);
  auto* attributes = command.mutable_record_marker_command_attributes();
  attributes->set_marker_name(kLocalActivityMarkerName);
  auto& details = *attributes->mutable_details();
  const Payload id = MarkerId(request.seq);
  *details[kMarkerIdKey].add_payloads() = id;
  *details[kMarkerDataKey].add_payloads() = JsonPlain(data.dump());
  if (outcome.status == LocalActivityOutcome::Status::kCompleted) {
    auto& result = details[kLocalActivityResultKey];
    for (const Payload& payload : outcome.result) *result.add_payloads() = payload;
  }
  if (outcome.failure) *attributes->mutable_failure() = *outcome.failure;
  const std::string identity = std::string(kLocalActivityMarkerName) + "/" + id.data();
  machines_.push_back(std::make_unique<RecordedCommandMachine>(
      *this, std::move(command),
      "marker " + identity + " of local activity " + request.activity_type, identity));
}

TimerMachine* WorkflowInstance::StartBackoffTimer(std::chrono::milliseconds duration) {
  auto machine = std::make_unique<TimerMachine>(*this, std::to_string(next_timer_seq_++), duration);
  TimerMachine* timer = machine.get();
  timers_[timer->timer_id()] = timer;
  machines_.push_back(std::move(machine));
  return timer;
}

namespace {

// OutcomeFromMarker reads a recorded local-activity marker (decoded).
LocalActivityOutcome OutcomeFromMarker(std::int64_t event_id,
                                       const MarkerRecordedEventAttributes& marker) {
  const auto bad = [event_id](const std::string& why) {
    return NondeterminismError(event_id, "local activity marker: " + why);
  };
  auto data_entry = marker.details().find(kMarkerDataKey);
  if (data_entry == marker.details().end() || data_entry->second.payloads_size() == 0)
    throw bad("no data");
  nlohmann::json data = nlohmann::json::parse(data_entry->second.payloads(0).data(), nullptr,
                                              /*allow_exceptions=*/false);
  if (!data.is_object() || !data.contains("seq") || !data["seq"].is_number_integer())
    throw bad("its data is not the documented JSON object");
  LocalActivityOutcome outcome;
  outcome.seq = data["seq"].get<int>();
  outcome.attempt = data.value("attempt", 1);
  outcome.complete_time = FromEpochMillis(data.value("complete_time_ms", std::int64_t{0}));
  outcome.original_schedule_time =
      FromEpochMillis(data.value("original_schedule_time_ms", std::int64_t{0}));
  if (marker.has_failure()) outcome.failure = marker.failure();
  if (data.contains("backoff_ms") && data["backoff_ms"].is_number_integer()) {
    outcome.status = LocalActivityOutcome::Status::kBackoff;
    outcome.backoff = std::chrono::milliseconds(data["backoff_ms"].get<std::int64_t>());
  } else if (!marker.has_failure()) {
    outcome.status = LocalActivityOutcome::Status::kCompleted;
    auto result = marker.details().find(kLocalActivityResultKey);
    if (result != marker.details().end())
      outcome.result.assign(result->second.payloads().begin(), result->second.payloads().end());
  } else if (marker.failure().has_cause() && marker.failure().cause().has_canceled_failure_info()) {
    outcome.status = LocalActivityOutcome::Status::kCanceled;
  } else {
    outcome.status = LocalActivityOutcome::Status::kFailed;
  }
  return outcome;
}

std::string MarkerActivityType(const MarkerRecordedEventAttributes& marker) {
  auto data_entry = marker.details().find(kMarkerDataKey);
  if (data_entry == marker.details().end() || data_entry->second.payloads_size() == 0) return "";
  nlohmann::json data = nlohmann::json::parse(data_entry->second.payloads(0).data(), nullptr,
                                              /*allow_exceptions=*/false);
  return data.is_object() ? data.value("activity_type", std::string()) : std::string();
}

}  // namespace

void WorkflowInstance::ResolveReplayedLocalActivities() {
  // In history order, as the live task resolved them. A marker whose
  // scheduling the code has not made (or already ended, by cancelling) is
  // left to MatchCommandEvent, which finds the mismatch if there is one.
  const auto markers = std::exchange(upcoming_local_activity_markers_, {});
  for (const auto& [event_id, marker] : markers) {
    const LocalActivityOutcome outcome = OutcomeFromMarker(event_id, marker);
    auto waiting = local_activities_.find(outcome.seq);
    if (waiting == local_activities_.end()) continue;
    LocalActivityMachine* machine = waiting->second;
    if (machine->state() != LocalActivityState::kReplaying &&
        machine->state() != LocalActivityState::kCancelWaiting)
      continue;
    const std::string recorded_type = MarkerActivityType(marker);
    if (recorded_type != machine->activity_type()) {
      throw NondeterminismError(event_id, "history recorded local activity seq " +
                                              std::to_string(outcome.seq) + " of type " +
                                              recorded_type + " where the workflow ran " +
                                              machine->Describe());
    }
    machine->OnOutcome(outcome, event_id);
    RunUntilBlocked();
  }
}

void WorkflowInstance::GoLiveLocalActivities() {
  std::vector<LocalActivityMachine*> replaying;
  for (const auto& [seq, machine] : local_activities_) {
    if (running_local_activities_.count(seq) == 0) replaying.push_back(machine);
  }
  if (replaying.empty()) return;
  for (LocalActivityMachine* machine : replaying) machine->GoLive();
  RunUntilBlocked();
}

void WorkflowInstance::ResolveLocalActivity(LocalActivityOutcome outcome) {
  LiveResolution live(CurrentRuntimeSlot(), this, batch_);
  auto waiting = local_activities_.find(outcome.seq);
  if (waiting == local_activities_.end() || running_local_activities_.count(outcome.seq) == 0)
    return;  // abandoned, or try-cancelled: its outcome no longer matters
  CodeRunning code_running(code_running_since_);
  waiting->second->OnOutcome(outcome, 0);
  RunUntilBlocked();
  FinishCodeRun(last_started_event_id_);
}

}  // namespace temporal::workflow::detail
