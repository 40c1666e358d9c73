#include "worker/worker_core.h"

#include <spdlog/spdlog.h>

#include "common/proto_time.h"

namespace temporal::detail {
namespace {

namespace wfs = temporal::api::workflowservice::v1;

// The official SDKs' long-poll deadline; the server returns an empty task a
// little before it.
constexpr std::chrono::milliseconds kPollTimeout{70000};

ActivityInfo InfoFromTask(const wfs::PollActivityTaskQueueResponse& task,
                          const std::string& namespace_, const std::string& task_queue) {
  ActivityInfo info;
  info.task_token = task.task_token();
  info.namespace_ = task.workflow_namespace().empty() ? namespace_ : task.workflow_namespace();
  info.task_queue = task_queue;
  info.workflow_id = task.workflow_execution().workflow_id();
  info.workflow_run_id = task.workflow_execution().run_id();
  info.workflow_type = task.workflow_type().name();
  info.activity_id = task.activity_id();
  info.activity_type = task.activity_type().name();
  info.attempt = task.attempt();
  info.scheduled_time = ToTimePoint(task.scheduled_time());
  info.current_attempt_scheduled_time = ToTimePoint(task.current_attempt_scheduled_time());
  info.started_time = ToTimePoint(task.started_time());
  info.heartbeat_timeout = ToMilliseconds(task.heartbeat_timeout());
  info.start_to_close_timeout = ToMilliseconds(task.start_to_close_timeout());
  info.schedule_to_close_timeout = ToMilliseconds(task.schedule_to_close_timeout());
  return info;
}

template <typename Response>
void LogResponseError(const Result<Response>& response, const ActivityInfo& info,
                      const char* what) {
  if (response) return;
  // NOT_FOUND: the attempt timed out or was completed elsewhere; the server moved on.
  if (response.error().code() == ErrorCode::kNotFound) {
    spdlog::info("activity {} ({}) attempt {}: {} not accepted: {}", info.activity_id,
                 info.activity_type, info.attempt, what, response.error().message());
  } else {
    spdlog::warn("activity {} ({}) attempt {}: {} failed: {}", info.activity_id, info.activity_type,
                 info.attempt, what, response.error().ToString());
  }
}

}  // namespace

WorkerCore::WorkerCore(std::shared_ptr<ClientCore> client, WorkerOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      metrics_(options_.metrics, options_.task_queue) {
  if (options_.identity.empty()) options_.identity = client_->identity();
}

WorkerCore::~WorkerCore() { Shutdown(); }

void WorkerCore::Register(const std::string& name, ActivityFunction function) {
  std::lock_guard lock(mutex_);
  if (started_) {
    spdlog::error("RegisterActivity({}) after Start is ignored", name);
    return;
  }
  activities_[name] = std::move(function);
}

std::string WorkerCore::RegisteredTypes() const {
  std::string names;
  for (const auto& [name, function] : activities_) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

Status WorkerCore::Start(bool allow_no_activities) {
  if (options_.task_queue.empty())
    return Error(ErrorCode::kInvalidArgument, "WorkerOptions::task_queue is empty");
  if (options_.max_concurrent_activities < 1 || options_.activity_pollers < 1) {
    return Error(
        ErrorCode::kInvalidArgument,
        "WorkerOptions: max_concurrent_activities and activity_pollers must be at least 1");
  }
  std::lock_guard lock(mutex_);
  if (started_) return Error(ErrorCode::kFailedPrecondition, "worker already started");
  if (stopping_) return Error(ErrorCode::kFailedPrecondition, "worker already shut down");
  if (activities_.empty() && !allow_no_activities) {
    return Error(ErrorCode::kFailedPrecondition, "no workflow or activity registered");
  }
  started_ = true;
  heartbeats_ = std::make_unique<HeartbeatManager>(client_, options_.identity);
  if (activities_.empty()) return OkStatus();  // a workflow-only worker
  ReportSlots();
  for (int i = 0; i < options_.activity_pollers; ++i) pollers_.emplace_back([this] { PollLoop(); });
  spdlog::info("worker polling activity task queue {} ({} pollers, up to {} concurrent activities)",
               options_.task_queue, options_.activity_pollers, options_.max_concurrent_activities);
  return OkStatus();
}

void WorkerCore::ReportSlots() const {
  metrics_.Slots("ActivityWorker", running_ + reserved_, options_.max_concurrent_activities);
}

void WorkerCore::ReportPollHealth(PollHealth health, const std::string& detail) {
  // Logged once per change of state, not once per failed poll.
  std::lock_guard lock(mutex_);
  if (health == poll_health_) return;
  poll_health_ = health;
  if (health == PollHealth::kFailing) {
    spdlog::warn("task queue {}: polling failed, retrying with backoff: {}", options_.task_queue,
                 detail);
  } else {
    spdlog::info("task queue {}: polling recovered", options_.task_queue);
  }
}

void WorkerCore::PollLoop() {
  std::chrono::milliseconds backoff = options_.poll_backoff_initial;
  while (true) {
    {
      // Take a slot before asking for work, so a task is never received
      // without room to run it.
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || running_ + reserved_ < options_.max_concurrent_activities;
      });
      if (stopping_) return;
      ++reserved_;
      ReportSlots();
    }
    wfs::PollActivityTaskQueueRequest request;
    request.set_namespace_(client_->namespace_());
    request.mutable_task_queue()->set_name(options_.task_queue);
    request.mutable_task_queue()->set_kind(temporal::api::enums::v1::TASK_QUEUE_KIND_NORMAL);
    request.set_identity(options_.identity);
    CallOptions call;
    call.timeout = kPollTimeout;
    call.retry = false;  // this loop does its own capped backoff
    call.canceller = &poll_canceller_;
    const auto poll_started = std::chrono::steady_clock::now();
    auto task = client_->Call("PollActivityTaskQueue", &ClientCore::Stub::PollActivityTaskQueue,
                              request, call);
    metrics_.PollLatency("PollActivityTaskQueue", std::chrono::steady_clock::now() - poll_started);

    std::unique_lock lock(mutex_);
    --reserved_;
    if (!task) {
      if (stopping_) return;
      if (task.error().code() == ErrorCode::kDeadlineExceeded) continue;  // an empty long poll
      lock.unlock();
      ReportPollHealth(PollHealth::kFailing, task.error().ToString());
      lock.lock();
      changed_.wait_for(lock, backoff, [&] { return stopping_; });
      backoff = std::min(backoff * 2, options_.poll_backoff_maximum);
      continue;
    }
    backoff = options_.poll_backoff_initial;
    if (poll_health_ == PollHealth::kFailing) {
      lock.unlock();
      ReportPollHealth(PollHealth::kHealthy, "");
      lock.lock();
    }
    if (task->task_token().empty()) {  // the server's empty answer to a long poll
      ReportSlots();
      continue;
    }
    ++running_;
    ReportSlots();
    // Submitted without the lock: starting a thread takes a while.
    lock.unlock();
    Launch(std::move(*task));
  }
}

void WorkerCore::Launch(wfs::PollActivityTaskQueueResponse task) {
  metrics_.ActivityScheduleToStart(
      task.activity_type().name(),
      ToTimePoint(task.started_time()) - ToTimePoint(task.current_attempt_scheduled_time()));
  // An executor per activity, bounded by the slots. It keeps this object
  // alive while it executes: an activity that ignores cancellation may
  // outlive Shutdown (its thread stays busy; the pool starts another).
  executors_.Submit([self = shared_from_this(), task = std::move(task)]() mutable {
    self->Execute(std::move(task));
  });
}

bool WorkerCore::TryReserveEagerSlot(const std::string& activity_type) {
  std::lock_guard lock(mutex_);
  // activities_ is written only before Start, so reading it here is safe.
  if (!started_ || stopping_ || !activities_.contains(activity_type)) return false;
  if (running_ + reserved_ >= options_.max_concurrent_activities) return false;
  ++reserved_;
  ReportSlots();
  return true;
}

void WorkerCore::ReleaseEagerSlots(int count) {
  if (count <= 0) return;
  std::lock_guard lock(mutex_);
  reserved_ -= count;
  ReportSlots();
  changed_.notify_all();  // a poller may be waiting for one of these slots
}

void WorkerCore::RunEager(wfs::PollActivityTaskQueueResponse task) {
  {
    std::lock_guard lock(mutex_);
    --reserved_;
    if (stopped_) {
      // Shutdown is past its grace period (a workflow task declared
      // deadlocked completed late): nothing may start now. The server times
      // the attempt out and retries it elsewhere.
      ReportSlots();
      changed_.notify_all();
      spdlog::info("activity {} ({}): eager task received after shutdown; left to time out",
                   task.activity_id(), task.activity_type().name());
      return;
    }
    ++running_;
    ReportSlots();
  }
  metrics_.ActivityEagerStarted(task.activity_type().name());
  Launch(std::move(task));
}

void WorkerCore::Execute(wfs::PollActivityTaskQueueResponse task) {
  ActivityInfo info = InfoFromTask(task, client_->namespace_(), options_.task_queue);
  std::vector<Payload> input(task.input().payloads().begin(), task.input().payloads().end());
  std::vector<Payload> heartbeat_details(task.heartbeat_details().payloads().begin(),
                                         task.heartbeat_details().payloads().end());
  auto finish = [this] {
    std::lock_guard lock(mutex_);
    --running_;
    ReportSlots();
    changed_.notify_all();  // under the lock: Shutdown may return right after it is released
  };

  if (Status decoded = client_->converter().DecodePayloads(&input); !decoded) {
    // A codec failure (a missing key, say) may be fixed by deploying the key, so it is retryable.
    RespondFailed(
        info.task_token,
        ApplicationFailure("activity " + info.activity_type +
                               ": cannot decode input payloads: " + decoded.error().message(),
                           "PayloadCodecError")
            .ToProto(),
        info);
    finish();
    return;
  }
  if (Status decoded = client_->converter().DecodePayloads(&heartbeat_details); !decoded) {
    spdlog::warn(
        "activity {} ({}): last heartbeat details do not decode ({}); starting without them",
        info.activity_id, info.activity_type, decoded.error().ToString());
    heartbeat_details.clear();
  }
  auto function = activities_.find(info.activity_type);
  if (function == activities_.end()) {
    // Retryable, as in the Go SDK: another worker on the queue may know the type.
    RespondFailed(
        info.task_token,
        ApplicationFailure("activity type '" + info.activity_type +
                               "' is not registered on this worker (task queue " +
                               options_.task_queue + "); registered types: " + RegisteredTypes(),
                           "NotFoundError")
            .ToProto(),
        info);
    finish();
    return;
  }

  ActivityExecution execution(std::move(info), std::move(heartbeat_details), heartbeats_.get());
  {
    std::lock_guard lock(mutex_);
    running_executions_.insert(&execution);
    // Cancelled before it started: shutdown passed its grace period already.
    if (stopped_) execution.RequestCancel(CancellationReason::kWorkerShutdown);
  }
  std::exception_ptr error;
  std::vector<Payload> result;
  SetCurrentActivityContext(&execution.context());
  try {
    result = function->second(execution.context(), input);
  } catch (...) {
    error = std::current_exception();
  }
  SetCurrentActivityContext(nullptr);
  std::optional<std::vector<Payload>> last_details = heartbeats_->Forget(&execution);
  {
    std::lock_guard lock(mutex_);
    running_executions_.erase(&execution);
  }
  Respond(execution, error, std::move(result), std::move(last_details));
  finish();
}

void WorkerCore::Respond(ActivityExecution& execution, std::exception_ptr error,
                         std::vector<Payload> result,
                         std::optional<std::vector<Payload>> last_heartbeat_details) {
  const ActivityInfo& info = execution.info();
  const CancellationReason reason = execution.cancellation_reason();
  if (reason == CancellationReason::kGone) return;  // the server no longer waits for this attempt

  if (!error) {
    if (execution.context().completes_async()) return;
    if (Status encoded = client_->converter().EncodePayloads(&result); !encoded) {
      RespondFailed(info.task_token,
                    ApplicationFailure("activity " + info.activity_type +
                                           ": cannot encode result: " + encoded.error().message(),
                                       "PayloadCodecError")
                        .ToProto(),
                    info);
      return;
    }
    wfs::RespondActivityTaskCompletedRequest request;
    request.set_namespace_(client_->namespace_());
    request.set_task_token(info.task_token);
    for (Payload& payload : result) *request.mutable_result()->add_payloads() = std::move(payload);
    request.set_identity(options_.identity);
    LogResponseError(client_->Call("RespondActivityTaskCompleted",
                                   &ClientCore::Stub::RespondActivityTaskCompleted, request),
                     info, "completion");
    return;
  }

  bool is_cancellation = false;
  std::vector<Payload> cancel_details;
  try {
    std::rethrow_exception(error);
  } catch (const CanceledFailure& canceled) {
    is_cancellation = true;
    cancel_details = canceled.details();
  } catch (...) {
  }
  if (is_cancellation && reason == CancellationReason::kRequested) {
    if (Status encoded = client_->converter().EncodePayloads(&cancel_details); !encoded)
      cancel_details.clear();
    wfs::RespondActivityTaskCanceledRequest request;
    request.set_namespace_(client_->namespace_());
    request.set_task_token(info.task_token);
    for (Payload& payload : cancel_details)
      *request.mutable_details()->add_payloads() = std::move(payload);
    request.set_identity(options_.identity);
    LogResponseError(client_->Call("RespondActivityTaskCanceled",
                                   &ClientCore::Stub::RespondActivityTaskCanceled, request),
                     info, "cancellation");
    return;
  }
  if (reason == CancellationReason::kWorkerShutdown) {
    // Retryable, so another worker runs the next attempt.
    RespondFailed(info.task_token,
                  ApplicationFailure("activity " + info.activity_type +
                                         " was cancelled because its worker shut down",
                                     "WorkerShutdown")
                      .ToProto(),
                  info, std::move(last_heartbeat_details));
    return;
  }
  metrics_.ActivityFailed(info.activity_type);
  RespondFailed(info.task_token, FailureFromException(error), info,
                std::move(last_heartbeat_details));
}

void WorkerCore::RespondFailed(const std::string& task_token,
                               temporal::api::failure::v1::Failure failure,
                               const ActivityInfo& info,
                               std::optional<std::vector<Payload>> last_heartbeat_details) {
  if (Status encoded = client_->converter().EncodeFailure(&failure); !encoded) {
    failure = ApplicationFailure("activity failed, and its failure could not be encoded: " +
                                     encoded.error().message(),
                                 "PayloadCodecError")
                  .ToProto();
  }
  wfs::RespondActivityTaskFailedRequest request;
  request.set_namespace_(client_->namespace_());
  request.set_task_token(task_token);
  *request.mutable_failure() = std::move(failure);
  if (last_heartbeat_details &&
      client_->converter().EncodePayloads(&*last_heartbeat_details).ok()) {
    for (Payload& payload : *last_heartbeat_details) {
      *request.mutable_last_heartbeat_details()->add_payloads() = std::move(payload);
    }
  }
  request.set_identity(options_.identity);
  LogResponseError(client_->Call("RespondActivityTaskFailed",
                                 &ClientCore::Stub::RespondActivityTaskFailed, request),
                   info, "failure");
}

void WorkerCore::Shutdown() {
  std::unique_lock lock(mutex_);
  if (!started_) {
    // Shut down before it started: nothing runs, and it never will.
    stopping_ = stopped_ = shutdown_complete_ = true;
    changed_.notify_all();
    return;
  }
  if (stopping_) {
    // Another caller is shutting down: wait until it is done.
    changed_.wait(lock, [&] { return shutdown_complete_; });
    return;
  }
  stopping_ = true;
  changed_.notify_all();
  lock.unlock();
  poll_canceller_.CancelAll();
  for (std::thread& poller : pollers_) poller.join();
  lock.lock();

  if (!changed_.wait_for(lock, options_.graceful_shutdown_timeout, [&] { return running_ == 0; })) {
    spdlog::info(
        "task queue {}: {} activities still running after the {} ms grace period; cancelling them",
        options_.task_queue, running_, options_.graceful_shutdown_timeout.count());
    stopped_ = true;  // executions that start from now on cancel themselves
    for (ActivityExecution* execution : running_executions_) {
      execution->RequestCancel(CancellationReason::kWorkerShutdown);
    }
    if (!changed_.wait_for(lock, options_.shutdown_cancel_wait, [&] { return running_ == 0; })) {
      // Cancellation reaches an activity only when it heartbeats or checks
      // its context; one that does neither cannot be stopped. Its thread
      // holds this object alive and still reports its outcome if it ever
      // returns; Shutdown does not wait for it.
      abandoned_ = running_;
      spdlog::error(
          "task queue {}: {} activities ignored their cancellation for {} ms; shutting down "
          "without them (their threads are abandoned)",
          options_.task_queue, abandoned_, options_.shutdown_cancel_wait.count());
    }
  }
  stopped_ = true;
  lock.unlock();
  executors_.Stop();  // idle executors exit; abandoned ones exit if their activity returns
  lock.lock();
  // The heartbeat manager's thread is joined when no activity can still use
  // it; with abandoned ones it lives (idle) as long as they do.
  std::unique_ptr<HeartbeatManager> heartbeats = abandoned_ == 0 ? std::move(heartbeats_) : nullptr;
  lock.unlock();
  heartbeats.reset();
  lock.lock();
  shutdown_complete_ = true;
  changed_.notify_all();
}

void WorkerCore::WaitUntilShutdown() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return shutdown_complete_; });
}

}  // namespace temporal::detail

namespace temporal::detail {

Status WorkerCore::CheckNamespace() const {
  wfs::DescribeNamespaceRequest request;
  request.set_namespace_(client_->namespace_());
  CallOptions call;
  call.timeout = std::chrono::seconds(10);
  call.retry = false;
  auto response =
      client_->Call("DescribeNamespace", &ClientCore::Stub::DescribeNamespace, request, call);
  if (response) return OkStatus();
  if (response.error().code() == ErrorCode::kNotFound) {
    return Error(ErrorCode::kNotFound, "namespace '" + client_->namespace_() +
                                           "' does not exist on " + client_->options().target_host +
                                           " (create it, or fix ClientOptions::namespace_)");
  }
  // Unreachable now is not unknown: the pollers retry with backoff until the
  // server answers (the worker outlives server restarts).
  spdlog::warn("worker for task queue {}: cannot check namespace '{}' yet: {}", options_.task_queue,
               client_->namespace_(), response.error().ToString());
  return OkStatus();
}

}  // namespace temporal::detail
