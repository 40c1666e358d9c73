#include "worker/local_activity_executor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <thread>

#include "activity/activity_execution.h"
#include "worker/worker_core.h"

namespace temporal::detail {

namespace enums = temporal::api::enums::v1;
using temporal::api::failure::v1::Failure;
using workflow::detail::LocalActivityFailure;
using workflow::detail::LocalActivityOutcome;
using workflow::detail::LocalActivityRequest;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// LocalActivityMailbox
// ---------------------------------------------------------------------------

void LocalActivityMailbox::Post(Outcome outcome) {
  {
    std::lock_guard lock(mutex_);
    outcomes_.push_back(std::move(outcome));
  }
  posted_.notify_all();
}

bool LocalActivityMailbox::WaitUntil(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return posted_.wait_until(lock, deadline, [&] { return !outcomes_.empty(); });
}

std::optional<LocalActivityMailbox::Outcome> LocalActivityMailbox::TakeOne() {
  std::lock_guard lock(mutex_);
  if (outcomes_.empty()) return std::nullopt;
  Outcome outcome = std::move(outcomes_.front());
  outcomes_.pop_front();
  return outcome;
}

// ---------------------------------------------------------------------------
// The executor's shared state
// ---------------------------------------------------------------------------

namespace {

// Attempt is one run of the activity function, on its own thread.
struct Attempt {
  explicit Attempt(ActivityInfo info) : execution(std::move(info), {}, nullptr) {}
  ActivityExecution execution;
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;  // guarded by mutex
  std::vector<Payload> result;
  std::exception_ptr error;
};

// Control is how Cancel and Shutdown reach a scheduling.
struct Control {
  std::mutex mutex;
  std::condition_variable changed;
  CancellationReason cancelled = CancellationReason::kNone;  // guarded by mutex
  std::shared_ptr<Attempt> attempt;                          // guarded by mutex
};

Failure TimeoutCause(enums::TimeoutType type) {
  Failure failure;
  failure.set_message(std::string("activity ") +
                      (type == enums::TIMEOUT_TYPE_START_TO_CLOSE      ? "StartToClose"
                       : type == enums::TIMEOUT_TYPE_SCHEDULE_TO_START ? "ScheduleToStart"
                                                                       : "ScheduleToClose") +
                      " timeout");
  failure.set_source("CppSDK");
  failure.mutable_timeout_failure_info()->set_timeout_type(type);
  return failure;
}

Failure CanceledCause(const std::string& message) {
  Failure failure;
  failure.set_message(message);
  failure.set_source("CppSDK");
  failure.mutable_canceled_failure_info();
  return failure;
}

bool IsNonRetryable(const Failure& cause, const RetryPolicy& policy) {
  if (!cause.has_application_failure_info()) return false;
  const auto& info = cause.application_failure_info();
  if (info.non_retryable()) return true;
  return std::find(policy.non_retryable_error_types.begin(), policy.non_retryable_error_types.end(),
                   info.type()) != policy.non_retryable_error_types.end();
}

// The wait before attempt `attempt + 1`, by the server's rule for activities.
std::chrono::milliseconds Backoff(const RetryPolicy& policy, int attempt) {
  const double initial =
      static_cast<double>(policy.initial_interval.value_or(std::chrono::seconds(1)).count());
  const double coefficient = policy.backoff_coefficient.value_or(2.0);
  const double maximum = policy.maximum_interval
                             ? static_cast<double>(policy.maximum_interval->count())
                             : initial * 100.0;
  const double interval = std::min(initial * std::pow(coefficient, attempt - 1), maximum);
  return std::chrono::milliseconds(static_cast<std::int64_t>(interval));
}

}  // namespace

struct LocalActivityExecutor::State : std::enable_shared_from_this<State> {
  int max_concurrent = 100;
  Lookup lookup;
  const WorkerMetrics* metrics = nullptr;

  std::mutex mutex;
  std::condition_variable changed;
  int used = 0;           // guarded by mutex: slots taken
  bool stopping = false;  // guarded by mutex
  std::map<std::pair<const LocalActivityMailbox*, int>, std::shared_ptr<Control>>
      running;  // guarded by mutex

  void ReportSlots() const {
    if (metrics != nullptr) metrics->Slots("LocalActivityWorker", used, max_concurrent);
  }

  void Run(std::shared_ptr<LocalActivityMailbox> mailbox, LocalActivityTarget target,
           LocalActivityRequest request, std::shared_ptr<Control> control);
  // RunAttempt runs one attempt and waits for it, for the deadline, or for a
  // cancellation (then for the function to return, up to the deadline).
  // Returns the failure cause, or nullopt on success (result in *result).
  std::optional<Failure> RunAttempt(const ActivityFunction& function, ActivityInfo info,
                                    const std::vector<Payload>& arguments,
                                    std::optional<Clock::time_point> deadline,
                                    enums::TimeoutType deadline_type,
                                    const std::shared_ptr<Control>& control,
                                    std::vector<Payload>* result);
};

LocalActivityExecutor::LocalActivityExecutor(int max_concurrent, Lookup lookup,
                                             const WorkerMetrics* metrics)
    : state_(std::make_shared<State>()) {
  state_->max_concurrent = std::max(1, max_concurrent);
  state_->lookup = std::move(lookup);
  state_->metrics = metrics;
}

LocalActivityExecutor::~LocalActivityExecutor() { Shutdown(std::chrono::milliseconds(0)); }

void LocalActivityExecutor::Start(std::shared_ptr<LocalActivityMailbox> mailbox,
                                  const LocalActivityTarget& target, LocalActivityRequest request) {
  auto control = std::make_shared<Control>();
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopping) control->cancelled = CancellationReason::kWorkerShutdown;
    state_->running[{mailbox.get(), request.seq}] = control;
  }
  std::thread([state = state_, mailbox = std::move(mailbox), target, request = std::move(request),
               control]() mutable {
    state->Run(std::move(mailbox), std::move(target), std::move(request), std::move(control));
  }).detach();
}

void LocalActivityExecutor::Cancel(const LocalActivityMailbox* mailbox, int seq) {
  std::shared_ptr<Control> control;
  {
    std::lock_guard lock(state_->mutex);
    auto it = state_->running.find({mailbox, seq});
    if (it == state_->running.end()) return;
    control = it->second;
  }
  std::lock_guard lock(control->mutex);
  if (control->cancelled == CancellationReason::kNone)
    control->cancelled = CancellationReason::kRequested;
  if (control->attempt) control->attempt->execution.RequestCancel(CancellationReason::kRequested);
  control->changed.notify_all();
  state_->changed.notify_all();  // one waiting for a slot gives up
}

void LocalActivityExecutor::Shutdown(std::chrono::milliseconds wait) {
  std::unique_lock lock(state_->mutex);
  state_->stopping = true;
  for (auto& [key, control] : state_->running) {
    std::lock_guard control_lock(control->mutex);
    if (control->cancelled == CancellationReason::kNone)
      control->cancelled = CancellationReason::kWorkerShutdown;
    if (control->attempt)
      control->attempt->execution.RequestCancel(CancellationReason::kWorkerShutdown);
    control->changed.notify_all();
  }
  state_->changed.notify_all();
  if (!state_->changed.wait_for(lock, wait, [&] { return state_->running.empty(); })) {
    spdlog::warn(
        "local activities: {} still running after the shutdown wait; their threads are abandoned",
        state_->running.size());
  }
}

std::optional<Failure> LocalActivityExecutor::State::RunAttempt(
    const ActivityFunction& function, ActivityInfo info, const std::vector<Payload>& arguments,
    std::optional<Clock::time_point> deadline, enums::TimeoutType deadline_type,
    const std::shared_ptr<Control>& control, std::vector<Payload>* result) {
  auto attempt = std::make_shared<Attempt>(std::move(info));
  {
    std::lock_guard lock(control->mutex);
    control->attempt = attempt;
    if (control->cancelled != CancellationReason::kNone)
      attempt->execution.RequestCancel(control->cancelled);
  }
  // The attempt's thread owns a copy of everything it reads: it may outlive
  // this scheduling when it overruns its timeout.
  std::thread([attempt, function, arguments] {
    SetCurrentActivityContext(&attempt->execution.context());
    std::vector<Payload> value;
    std::exception_ptr error;
    try {
      value = function(attempt->execution.context(), arguments);
    } catch (...) {
      error = std::current_exception();
    }
    SetCurrentActivityContext(nullptr);
    std::lock_guard lock(attempt->mutex);
    attempt->result = std::move(value);
    attempt->error = error;
    attempt->done = true;
    attempt->finished.notify_all();
  }).detach();

  std::unique_lock lock(attempt->mutex);
  const auto finished = [&] { return attempt->done; };
  const bool in_time = deadline ? attempt->finished.wait_until(lock, *deadline, finished)
                                : (attempt->finished.wait(lock, finished), true);
  {
    std::lock_guard control_lock(control->mutex);
    control->attempt.reset();
  }
  if (!in_time) {
    // The thread cannot be stopped: it is asked to, and left behind.
    attempt->execution.RequestCancel(CancellationReason::kGone);
    return TimeoutCause(deadline_type);
  }
  if (!attempt->error) {
    *result = std::move(attempt->result);
    return std::nullopt;
  }
  return FailureFromException(attempt->error);
}

void LocalActivityExecutor::State::Run(std::shared_ptr<LocalActivityMailbox> mailbox,
                                       LocalActivityTarget target, LocalActivityRequest request,
                                       std::shared_ptr<Control> control) {
  const workflow::LocalActivityOptions& options = request.options;
  const RetryPolicy policy = options.retry_policy.value_or(RetryPolicy{});
  LocalActivityOutcome outcome;
  outcome.seq = request.seq;
  outcome.original_schedule_time = request.original_schedule_time;
  outcome.attempt = request.attempt;
  const auto cancelled = [&] {
    std::lock_guard lock(control->mutex);
    return control->cancelled != CancellationReason::kNone;
  };
  const auto fail = [&](Failure cause, enums::RetryState retry_state,
                        LocalActivityOutcome::Status status) {
    outcome.status = status;
    outcome.failure = LocalActivityFailure(request, std::move(cause), retry_state);
  };
  // The schedule-to-close deadline counts from the first scheduling, in
  // wall-clock time (it spans workflow tasks, maybe workers).
  std::optional<Clock::time_point> close_deadline;
  if (options.schedule_to_close_timeout) {
    const auto remaining = request.original_schedule_time + *options.schedule_to_close_timeout -
                           std::chrono::system_clock::now();
    close_deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(remaining);
  }

  // A slot first, within the schedule-to-start timeout.
  bool have_slot = false;
  {
    std::unique_lock lock(mutex);
    const auto available = [&] { return stopping || used < max_concurrent || cancelled(); };
    bool got = true;
    if (options.schedule_to_start_timeout) {
      got = changed.wait_for(lock, *options.schedule_to_start_timeout, available);
    } else {
      changed.wait(lock, available);
    }
    if (!got) {
      fail(TimeoutCause(enums::TIMEOUT_TYPE_SCHEDULE_TO_START), enums::RETRY_STATE_TIMEOUT,
           LocalActivityOutcome::Status::kFailed);
    } else if (!stopping && !cancelled()) {
      ++used;
      have_slot = true;
      ReportSlots();
    }
  }

  const ActivityFunction* function = lookup ? lookup(request.activity_type) : nullptr;
  for (int attempt = request.attempt; have_slot; ++attempt) {
    outcome.attempt = attempt;
    if (cancelled()) break;
    if (function == nullptr) {
      fail(ApplicationFailure("local activity type '" + request.activity_type +
                                  "' is not registered on this worker",
                              "NotFoundError", /*non_retryable=*/true)
               .ToProto(),
           enums::RETRY_STATE_NON_RETRYABLE_FAILURE, LocalActivityOutcome::Status::kFailed);
      break;
    }
    ActivityInfo info;
    info.namespace_ = target.namespace_;
    info.task_queue = target.task_queue;
    info.workflow_id = target.workflow_id;
    info.workflow_run_id = target.run_id;
    info.workflow_type = target.workflow_type;
    info.activity_id = request.activity_id;
    info.activity_type = request.activity_type;
    info.attempt = attempt;
    info.is_local = true;
    info.scheduled_time = request.original_schedule_time;
    info.current_attempt_scheduled_time = std::chrono::system_clock::now();
    info.started_time = info.current_attempt_scheduled_time;
    if (options.start_to_close_timeout)
      info.start_to_close_timeout = *options.start_to_close_timeout;
    if (options.schedule_to_close_timeout)
      info.schedule_to_close_timeout = *options.schedule_to_close_timeout;

    std::optional<Clock::time_point> deadline;
    enums::TimeoutType deadline_type = enums::TIMEOUT_TYPE_START_TO_CLOSE;
    if (options.start_to_close_timeout) deadline = Clock::now() + *options.start_to_close_timeout;
    if (close_deadline && (!deadline || *close_deadline <= *deadline)) {
      deadline = close_deadline;
      deadline_type = enums::TIMEOUT_TYPE_SCHEDULE_TO_CLOSE;
    }
    std::vector<Payload> result;
    std::optional<Failure> cause = RunAttempt(*function, std::move(info), request.arguments,
                                              deadline, deadline_type, control, &result);
    if (!cause) {
      outcome.status = LocalActivityOutcome::Status::kCompleted;
      outcome.result = std::move(result);
      break;
    }
    if (cancelled()) break;
    if (cause->has_timeout_failure_info() &&
        cause->timeout_failure_info().timeout_type() == enums::TIMEOUT_TYPE_SCHEDULE_TO_CLOSE) {
      fail(std::move(*cause), enums::RETRY_STATE_TIMEOUT, LocalActivityOutcome::Status::kFailed);
      break;
    }
    if (IsNonRetryable(*cause, policy)) {
      fail(std::move(*cause), enums::RETRY_STATE_NON_RETRYABLE_FAILURE,
           LocalActivityOutcome::Status::kFailed);
      break;
    }
    if (policy.maximum_attempts > 0 && attempt >= policy.maximum_attempts) {
      fail(std::move(*cause), enums::RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
           LocalActivityOutcome::Status::kFailed);
      break;
    }
    // The failure may name its own delay (ApplicationFailure::WithNextRetryDelay).
    std::chrono::milliseconds backoff = Backoff(policy, attempt);
    if (cause->has_application_failure_info() &&
        cause->application_failure_info().has_next_retry_delay()) {
      const auto& delay = cause->application_failure_info().next_retry_delay();
      backoff = std::chrono::milliseconds(delay.seconds() * 1000 + delay.nanos() / 1000000);
    }
    if (close_deadline && Clock::now() + backoff >= *close_deadline) {
      fail(std::move(*cause), enums::RETRY_STATE_TIMEOUT, LocalActivityOutcome::Status::kFailed);
      break;
    }
    if (backoff > options.local_retry_threshold) {
      // Too long to hold a workflow task open: the workflow waits for it on
      // a durable timer, then schedules the next attempt.
      fail(std::move(*cause), enums::RETRY_STATE_IN_PROGRESS,
           LocalActivityOutcome::Status::kBackoff);
      outcome.backoff = backoff;
      break;
    }
    std::unique_lock lock(control->mutex);
    control->changed.wait_for(lock, backoff,
                              [&] { return control->cancelled != CancellationReason::kNone; });
  }
  if (cancelled() && outcome.status != LocalActivityOutcome::Status::kCompleted) {
    fail(CanceledCause("local activity " + request.activity_id + " cancelled"),
         enums::RETRY_STATE_CANCEL_REQUESTED, LocalActivityOutcome::Status::kCanceled);
  }
  outcome.complete_time = std::chrono::system_clock::now();
  mailbox->Post(std::move(outcome));
  std::lock_guard lock(mutex);
  if (have_slot) {
    --used;
    ReportSlots();
  }
  running.erase({mailbox.get(), request.seq});
  changed.notify_all();
}

}  // namespace temporal::detail
