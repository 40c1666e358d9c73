#include "workflow/machines/local_activity_machine.h"

namespace temporal::workflow::detail {

namespace enums = temporal::api::enums::v1;
using temporal::api::failure::v1::Failure;

const char* LocalActivityStateName(LocalActivityState state) {
  switch (state) {
    case LS::kExecuting:
      return "Executing";
    case LS::kReplaying:
      return "Replaying";
    case LS::kCancelWaiting:
      return "CancelWaiting";
    case LS::kBackoff:
      return "Backoff";
    case LS::kResolved:
      return "Resolved";
  }
  return "?";
}

const char* LocalActivityEventName(LocalActivityEvent event) {
  switch (event) {
    case LE::kFinalOutcome:
      return "FinalOutcome";
    case LE::kBackoffOutcome:
      return "BackoffOutcome";
    case LE::kCancel:
      return "Cancel";
    case LE::kCancelAndWait:
      return "CancelAndWait";
    case LE::kRetryLive:
      return "RetryLive";
    case LE::kRetryReplaying:
      return "RetryReplaying";
    case LE::kGoLive:
      return "GoLive";
  }
  return "?";
}

Failure LocalActivityFailure(const LocalActivityRequest& request, Failure cause,
                             enums::RetryState retry_state) {
  Failure failure;
  failure.set_message("activity error");
  failure.set_source("CppSDK");
  auto* info = failure.mutable_activity_failure_info();
  info->mutable_activity_type()->set_name(request.activity_type);
  info->set_activity_id(request.activity_id);
  info->set_retry_state(retry_state);
  *failure.mutable_cause() = std::move(cause);
  return failure;
}

LocalActivityMachine::LocalActivityMachine(LocalActivityHost& host, std::string activity_type,
                                           LocalActivityOptions options,
                                           std::vector<Payload> arguments, PayloadsCallback on_done)
    : host_(host),
      activity_type_(std::move(activity_type)),
      options_(std::move(options)),
      arguments_(std::move(arguments)),
      on_done_(std::move(on_done)),
      machine_("LocalActivityMachine", kLocalActivityTransitions,
               host.replaying() ? LS::kReplaying : LS::kExecuting, LocalActivityStateName,
               LocalActivityEventName) {
  Schedule(1, host_.now());
}

std::string LocalActivityMachine::Describe() const {
  return "local activity " + current_.activity_id + " (type " + activity_type_ + ", seq " +
         std::to_string(current_.seq) + ")";
}

void LocalActivityMachine::Schedule(int attempt,
                                    std::chrono::system_clock::time_point original_schedule_time) {
  LocalActivityRequest request;
  request.seq = host_.NextLocalActivitySeq();
  // The id stays the first scheduling's across backoffs, as an activity's id
  // stays the same across its retries.
  request.activity_id = !current_.activity_id.empty()  ? current_.activity_id
                        : options_.activity_id.empty() ? std::to_string(request.seq)
                                                       : options_.activity_id;
  request.activity_type = activity_type_;
  request.arguments = arguments_;
  request.attempt = attempt;
  request.original_schedule_time = original_schedule_time;
  request.options = options_;
  current_ = request;
  current_.arguments.clear();  // the host keeps the request it runs
  host_.BeginScheduling(this, std::move(request), machine_.state() == LS::kExecuting);
}

void LocalActivityMachine::Resolve(std::vector<Payload> result, std::exception_ptr error) {
  if (resolved_) return;
  resolved_ = true;
  on_done_(std::move(result), std::move(error));
}

LocalActivityOutcome LocalActivityMachine::CancelledOutcome(const std::string& why) const {
  LocalActivityOutcome outcome;
  outcome.seq = current_.seq;
  outcome.status = LocalActivityOutcome::Status::kCanceled;
  Failure cause;
  cause.set_message(why);
  cause.set_source("CppSDK");
  cause.mutable_canceled_failure_info();
  outcome.failure =
      LocalActivityFailure(current_, std::move(cause), enums::RETRY_STATE_CANCEL_REQUESTED);
  outcome.attempt = current_.attempt;
  outcome.original_schedule_time = current_.original_schedule_time;
  outcome.complete_time = host_.now();
  return outcome;
}

void LocalActivityMachine::ResolveCancelled(const std::string& why) {
  Resolve({}, std::make_exception_ptr(CanceledFailure(why)));
}

std::exception_ptr LocalActivityMachine::ErrorFrom(const Failure& failure) const {
  // A cancelled call throws CanceledFailure, as a cancelled ExecuteActivity does.
  if (failure.has_cause() && failure.cause().has_canceled_failure_info())
    return std::make_exception_ptr(CanceledFailure(failure.cause().message()));
  return std::make_exception_ptr(FailureError(temporal::Failure(failure)));
}

void LocalActivityMachine::OnOutcome(const LocalActivityOutcome& outcome,
                                     long long history_event_id) {
  const bool backoff = outcome.status == LocalActivityOutcome::Status::kBackoff;
  const LS before = machine_.state();
  machine_.Fire(backoff ? LE::kBackoffOutcome : LE::kFinalOutcome, history_event_id);
  if (before == LS::kResolved) return;  // abandoned or try-cancelled: nothing recorded
  host_.RecordLocalActivityMarker(current_, outcome);
  host_.EndScheduling(current_.seq);
  if (before == LS::kCancelWaiting && backoff) {
    ResolveCancelled("local activity " + current_.activity_id + " cancelled");
    return;
  }
  if (backoff) {
    backoff_timer_ = host_.StartBackoffTimer(outcome.backoff);
    const int next_attempt = outcome.attempt + 1;
    const auto original = outcome.original_schedule_time;
    backoff_timer_->future().state()->OnReady([this, next_attempt, original] {
      // Cancelled timers resolve too: only a fired one starts the next attempt.
      if (machine_.state() != LS::kBackoff || backoff_timer_->state() != TimerState::kFired) return;
      machine_.Fire(host_.replaying() ? LE::kRetryReplaying : LE::kRetryLive, 0);
      Schedule(next_attempt, original);
    });
    return;
  }
  if (outcome.status == LocalActivityOutcome::Status::kCompleted) {
    Resolve(outcome.result, nullptr);
  } else if (outcome.failure) {
    Resolve({}, ErrorFrom(*outcome.failure));
  } else {
    Resolve({},
            std::make_exception_ptr(ApplicationFailure(
                Describe() + " failed without a recorded failure", "LocalActivityError", true)));
  }
}

void LocalActivityMachine::GoLive() {
  const LS before = machine_.state();
  if (before != LS::kReplaying && before != LS::kCancelWaiting) return;
  machine_.Fire(LE::kGoLive, 0);
  if (before == LS::kReplaying) {
    LocalActivityRequest request = current_;
    request.arguments = arguments_;
    host_.BeginScheduling(this, std::move(request), /*live=*/true);
    return;
  }
  const std::string why = "local activity " + current_.activity_id + " cancelled";
  host_.RecordLocalActivityMarker(current_, CancelledOutcome(why));
  host_.EndScheduling(current_.seq);
  ResolveCancelled(why);
}

void LocalActivityMachine::Cancel() {
  const LS before = machine_.state();
  if (before == LS::kBackoff) {
    machine_.Fire(LE::kCancel, 0);
    backoff_timer_->Cancel();
    ResolveCancelled("local activity " + current_.activity_id + " cancelled during its backoff");
    return;
  }
  if (options_.cancellation_type == ActivityCancellationType::kWaitCancellationCompleted) {
    machine_.Fire(LE::kCancelAndWait, 0);
    if (before == LS::kExecuting) host_.CancelExecution(current_.seq);
    return;
  }
  machine_.Fire(LE::kCancel, 0);
  if (before != LS::kExecuting && before != LS::kReplaying) return;
  if (before == LS::kExecuting &&
      options_.cancellation_type == ActivityCancellationType::kTryCancel)
    host_.CancelExecution(current_.seq);
  // The outcome is decided here, by the workflow: recorded so replay agrees.
  const std::string why = "local activity " + current_.activity_id + " cancelled";
  host_.RecordLocalActivityMarker(current_, CancelledOutcome(why));
  host_.EndScheduling(current_.seq);
  ResolveCancelled(why);
}

}  // namespace temporal::workflow::detail
