#include "worker/workflow_worker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "common/proto_time.h"
#include "temporal/version.h"
#include "workflow/nondeterminism_error.h"

namespace temporal::detail {
namespace {

namespace wfs = temporal::api::workflowservice::v1;
namespace enums = temporal::api::enums::v1;
using temporal::api::failure::v1::Failure;
using temporal::api::history::v1::History;
using workflow::detail::NondeterminismError;
using workflow::detail::WorkflowInstance;
using workflow::detail::WorkflowTaskError;

constexpr std::chrono::milliseconds kPollTimeout{70000};

// The most activities one workflow task asks to run eagerly, as in the Go SDK
// and sdk-core: a task that schedules many leaves the rest to matching, which
// spreads them over the queue's workers.
constexpr int kMaxEagerActivitiesPerTask = 3;

std::string StickyQueueName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::mt19937_64 rng{std::random_device{}()};
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + suffix;
}

Failure TaskFailure(const std::string& message, const std::string& type) {
  Failure failure;
  failure.set_message(message);
  failure.set_source("CppSDK");
  failure.mutable_application_failure_info()->set_type(type);
  return failure;
}

// A task's history is whole when it starts at the first event; a sticky task
// carries only what happened since the run's last workflow task.
bool IsFullHistory(const History& history) {
  return history.events_size() > 0 && history.events(0).event_id() == 1;
}

}  // namespace

// Watch shows a task's execution to the deadlock watchdog while its workflow
// code may run. Finish (or the destructor) takes it away again and tells
// whether the watchdog failed the task meanwhile.
class WorkflowWorker::Watch {
 public:
  Watch(WorkflowWorker& worker, const PollResponse& task, const WorkflowInstance& instance)
      : worker_(worker) {
    execution_.task_token = task.task_token();
    execution_.attempt = task.attempt();
    execution_.workflow_id = task.workflow_execution().workflow_id();
    execution_.workflow_type = task.workflow_type().name();
    execution_.run_id = task.workflow_execution().run_id();
    execution_.instance = &instance;
    std::lock_guard lock(worker_.mutex_);
    worker_.watched_.insert(&execution_);
  }
  ~Watch() { (void)Finish(); }
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  /// Finish returns true when the task was declared deadlocked: the watchdog
  /// has already answered the server for it.
  [[nodiscard]] bool Finish() {
    std::lock_guard lock(worker_.mutex_);
    if (!finished_) {
      finished_ = true;
      worker_.watched_.erase(&execution_);
      if (execution_.poisoned) {
        --worker_.abandoned_;  // the code returned: Shutdown waits for this thread again
        worker_.changed_.notify_all();
      }
    }
    return execution_.poisoned;
  }

 private:
  WorkflowWorker& worker_;
  WatchedExecution execution_;
  bool finished_ = false;
};

WorkflowWorker::WorkflowWorker(std::shared_ptr<ClientCore> client, WorkerOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      sticky_queue_(StickyQueueName()),
      metrics_(options_.metrics, options_.task_queue) {
  if (options_.identity.empty()) options_.identity = client_->identity();
}

WorkflowWorker::~WorkflowWorker() { Shutdown(); }

void WorkflowWorker::Register(const std::string& name, WorkflowFunction function) {
  workflows_[name] = std::move(function);
}

Status WorkflowWorker::ValidateOptions() const {
  if (options_.workflow_pollers < 1 || options_.sticky_workflow_pollers < 0 ||
      options_.max_concurrent_workflow_tasks < 1 || options_.max_concurrent_local_activities < 1 ||
      options_.deadlock_detection_timeout.count() < 0) {
    return Error(ErrorCode::kInvalidArgument,
                 "WorkerOptions: workflow_pollers, max_concurrent_workflow_tasks and "
                 "max_concurrent_local_activities must be at least 1, sticky_workflow_pollers "
                 "and deadlock_detection_timeout not negative");
  }
  return OkStatus();
}

void WorkflowWorker::Start() {
  std::lock_guard shutdown(shutdown_mutex_);
  if (started_ || workflows_.empty()) return;
  started_ = true;
  local_activities_ = std::make_unique<LocalActivityExecutor>(
      options_.max_concurrent_local_activities, activity_lookup_, &metrics_);
  for (int i = 0; i < options_.workflow_pollers; ++i)
    pollers_.emplace_back([this] { PollLoop(false); });
  for (int i = 0; i < options_.sticky_workflow_pollers; ++i)
    pollers_.emplace_back([this] { PollLoop(true); });
  if (options_.deadlock_detection_timeout.count() > 0)
    watchdog_ = std::thread([this] { WatchdogLoop(); });
  spdlog::info(
      "worker polling workflow task queue {} ({} pollers, sticky queue {} with {} pollers, up to "
      "{} "
      "concurrent workflow tasks)",
      options_.task_queue, options_.workflow_pollers, sticky_queue_,
      options_.sticky_workflow_pollers, options_.max_concurrent_workflow_tasks);
}

void WorkflowWorker::Shutdown() {
  std::lock_guard shutdown(shutdown_mutex_);
  if (!started_) return;
  started_ = false;  // final: Start refuses to run again once stopping_ is set
  // Tasks waiting for local activities complete now (with a new task forced),
  // so their runs go on elsewhere; the activities are cancelled below.
  shutting_down_.store(true);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }
  canceller_.CancelAll();
  for (std::thread& poller : pollers_) {
    if (poller.joinable()) poller.join();
  }
  pollers_.clear();
  {
    // Tasks already received are finished and answered. Code declared
    // deadlocked may never return: its threads are left behind (they keep
    // this object alive through their shared_ptr).
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return running_ == abandoned_; });
    if (abandoned_ > 0) {
      spdlog::error(
          "workflow task queue {}: shutting down while {} workflow tasks still run workflow code "
          "that never yielded; their threads are abandoned",
          options_.task_queue, abandoned_);
    }
    stopped_ = true;
    changed_.notify_all();
  }
  executors_.Stop();  // idle executors exit; abandoned ones exit if their code returns
  if (watchdog_.joinable()) watchdog_.join();
  if (local_activities_) local_activities_->Shutdown(options_.shutdown_cancel_wait);
  // Tell the server this sticky queue is gone, so its runs' next tasks go to
  // the normal queue at once instead of after the sticky timeout.
  wfs::ShutdownWorkerRequest request;
  request.set_namespace_(client_->namespace_());
  request.set_sticky_task_queue(sticky_queue_);
  request.set_identity(options_.identity);
  request.set_reason("graceful shutdown");
  CallOptions call;
  call.retry = false;
  (void)client_->Call("ShutdownWorker", &ClientCore::Stub::ShutdownWorker, request, call);
  std::lock_guard lock(cache_mutex_);
  cache_.clear();
  lru_.clear();
}

std::size_t WorkflowWorker::cached_runs() const {
  std::lock_guard lock(cache_mutex_);
  return cache_.size();
}

std::shared_ptr<WorkflowWorker::CachedRun> WorkflowWorker::Lookup(const std::string& run_id) {
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(run_id);
  if (it != cache_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.second);
    return it->second.first;
  }
  auto run = std::make_shared<CachedRun>();
  lru_.push_front(run_id);
  cache_[run_id] = {run, lru_.begin()};
  while (cache_.size() > static_cast<std::size_t>(std::max(1, options_.max_cached_workflows))) {
    // The least recently used run goes; if a thread still works on it, its
    // shared_ptr keeps it alive until that task is done.
    const std::string victim = lru_.back();
    lru_.pop_back();
    cache_.erase(victim);
  }
  metrics_.CacheSize(cache_.size());
  return run;
}

void WorkflowWorker::ReportSlots() const {
  metrics_.Slots("WorkflowWorker", running_ + reserved_, options_.max_concurrent_workflow_tasks);
}

std::shared_ptr<WorkflowWorker::CachedRun> WorkflowWorker::Find(const std::string& run_id) {
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(run_id);
  if (it == cache_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.second);
  return it->second.first;
}

void WorkflowWorker::Evict(const std::string& run_id) {
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(run_id);
  if (it == cache_.end()) return;
  lru_.erase(it->second.second);
  cache_.erase(it);
  metrics_.CacheSize(cache_.size());
}

void WorkflowWorker::PollLoop(bool sticky) {
  std::chrono::milliseconds backoff = options_.poll_backoff_initial;
  bool failing = false;
  while (true) {
    {
      // Take a slot before asking for work, so a task is never received
      // without room to run it.
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || running_ + reserved_ < options_.max_concurrent_workflow_tasks;
      });
      if (stopping_) return;
      ++reserved_;
      ReportSlots();
    }
    wfs::PollWorkflowTaskQueueRequest request;
    request.set_namespace_(client_->namespace_());
    if (sticky) {
      request.mutable_task_queue()->set_name(sticky_queue_);
      request.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_STICKY);
      request.mutable_task_queue()->set_normal_name(options_.task_queue);
    } else {
      request.mutable_task_queue()->set_name(options_.task_queue);
      request.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
    }
    request.set_identity(options_.identity);
    CallOptions call;
    call.timeout = kPollTimeout;
    call.retry = false;
    call.canceller = &canceller_;
    const auto poll_started = std::chrono::steady_clock::now();
    auto task = client_->Call("PollWorkflowTaskQueue", &ClientCore::Stub::PollWorkflowTaskQueue,
                              request, call);
    metrics_.PollLatency("PollWorkflowTaskQueue", std::chrono::steady_clock::now() - poll_started);
    if (task && !task->task_token().empty()) {
      if (!task->has_query()) {
        metrics_.WorkflowTaskScheduleToStart(
            task->workflow_type().name(),
            ToTimePoint(task->started_time()) - ToTimePoint(task->scheduled_time()));
      }
      if (failing) {
        spdlog::info("workflow task queue {}{}: polling recovered", options_.task_queue,
                     sticky ? " (sticky)" : "");
        failing = false;
      }
      backoff = options_.poll_backoff_initial;
      Dispatch(std::move(*task));  // turns the reserved slot into a running one
      continue;
    }
    std::unique_lock lock(mutex_);
    --reserved_;
    ReportSlots();
    changed_.notify_all();
    if (task) continue;  // the server's empty answer to a long poll
    if (stopping_) return;
    if (task.error().code() == ErrorCode::kDeadlineExceeded) continue;
    if (!failing) {
      spdlog::warn("workflow task queue {}{}: polling failed, retrying with backoff: {}",
                   options_.task_queue, sticky ? " (sticky)" : "", task.error().ToString());
      failing = true;
    }
    changed_.wait_for(lock, backoff, [&] { return stopping_; });
    backoff = std::min(backoff * 2, options_.poll_backoff_maximum);
  }
}

void WorkflowWorker::Dispatch(PollResponse task) {
  {
    std::lock_guard lock(mutex_);
    --reserved_;
    auto [run, idle] = busy_runs_.try_emplace(task.workflow_execution().run_id());
    if (!idle) {
      // An executor is working on this run: it runs this task next, keeping
      // one thread per run. A newer workflow task supersedes one still
      // waiting (the server gave up on that attempt); queries all wait.
      std::deque<PollResponse>& waiting = run->second;
      if (!task.has_query()) {
        std::erase_if(waiting, [](const PollResponse& queued) { return !queued.has_query(); });
      }
      waiting.push_back(std::move(task));
      ReportSlots();
      changed_.notify_all();  // the reserved slot is free again
      return;
    }
    ++running_;
    ReportSlots();
  }
  // An executor per execution, bounded by the slots above. It holds a
  // shared_ptr to this worker while it executes: code that never yields may
  // outlive Shutdown.
  executors_.Submit([self = shared_from_this(), task = std::move(task)]() mutable {
    self->Execute(std::move(task));
  });
}

void WorkflowWorker::Execute(PollResponse task) {
  const std::string run_id = task.workflow_execution().run_id();
  while (true) {
    try {
      HandleTask(std::move(task));
    } catch (const std::exception& error) {
      spdlog::error("workflow run {}: workflow task not handled: {}", run_id, error.what());
    } catch (...) {
      spdlog::error("workflow run {}: workflow task not handled: unknown exception", run_id);
    }
    std::lock_guard lock(mutex_);
    auto run = busy_runs_.find(run_id);
    if (!stopped_ && !run->second.empty()) {
      task = std::move(run->second.front());
      run->second.pop_front();
      continue;
    }
    // After Shutdown, tasks still waiting are left to time out: the server
    // hands them to another worker.
    busy_runs_.erase(run);
    --running_;
    ReportSlots();
    changed_.notify_all();
    return;
  }
}

void WorkflowWorker::WatchdogLoop() {
  const std::chrono::milliseconds limit = options_.deadlock_detection_timeout;
  const std::chrono::milliseconds tick =
      std::clamp(limit / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(100));
  std::unique_lock lock(mutex_);
  while (!stopped_) {
    changed_.wait_for(lock, tick, [&] { return stopped_; });
    const auto now = std::chrono::steady_clock::now();
    std::vector<WatchedExecution> overdue;
    for (WatchedExecution* execution : watched_) {
      if (execution->poisoned) continue;
      const auto since = execution->instance->code_running_since();
      if (!since || now - *since < limit) continue;
      execution->poisoned = true;
      ++abandoned_;
      overdue.push_back(*execution);
    }
    if (overdue.empty()) continue;
    changed_.notify_all();  // Shutdown does not wait for these
    lock.unlock();
    for (const WatchedExecution& execution : overdue) {
      // The thread cannot be stopped; the run can. Answer the server now, as
      // the Go SDK's deadlock detector does, so the failure is in history
      // and the task is retried instead of timing out.
      const std::string message =
          "[TMPRL1101] Potential deadlock detected: the code of workflow " + execution.workflow_id +
          " (type " + execution.workflow_type + ", run " + execution.run_id +
          ") ran for more than " + std::to_string(limit.count()) +
          " ms without yielding. Workflow code must not block, sleep or loop without "
          "co_await; use workflow timers, activities and WaitCondition (the limit is "
          "WorkerOptions::deadlock_detection_timeout)";
      spdlog::error(
          "{}. Failing its workflow task (attempt {}) and evicting the run; its executor slot "
          "stays taken until the code returns, and what it returns is discarded",
          message, execution.attempt);
      metrics_.WorkflowTaskFailed(execution.workflow_type, "DeadlockDetected");
      RespondFailed(execution.task_token,
                    enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                    TaskFailure(message, "PotentialDeadlockError"), execution.attempt);
    }
    lock.lock();
  }
}

Status WorkflowWorker::FetchRemainingPages(
    const temporal::api::common::v1::WorkflowExecution& execution, std::string token,
    History* history) {
  while (!token.empty()) {
    wfs::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(client_->namespace_());
    *request.mutable_execution() = execution;
    request.set_next_page_token(token);
    auto response = client_->Call("GetWorkflowExecutionHistory",
                                  &ClientCore::Stub::GetWorkflowExecutionHistory, request);
    if (!response) return response.error();
    for (auto& event : *response->mutable_history()->mutable_events())
      *history->add_events() = std::move(event);
    token = response->next_page_token();
  }
  return OkStatus();
}

Status WorkflowWorker::FetchFullHistory(
    const temporal::api::common::v1::WorkflowExecution& execution, History* history) {
  history->Clear();
  wfs::GetWorkflowExecutionHistoryRequest request;
  request.set_namespace_(client_->namespace_());
  *request.mutable_execution() = execution;
  auto response = client_->Call("GetWorkflowExecutionHistory",
                                &ClientCore::Stub::GetWorkflowExecutionHistory, request);
  if (!response) return response.error();
  *history = std::move(*response->mutable_history());
  return FetchRemainingPages(execution, response->next_page_token(), history);
}

Result<std::unique_ptr<WorkflowInstance>> WorkflowWorker::NewInstance(const PollResponse& task) {
  auto function = workflows_.find(task.workflow_type().name());
  if (function == workflows_.end()) {
    std::string known;
    for (const auto& [name, unused] : workflows_) known += (known.empty() ? "" : ", ") + name;
    return Error(ErrorCode::kNotFound, "workflow type '" + task.workflow_type().name() +
                                           "' is not registered on this worker (task queue " +
                                           options_.task_queue + "); registered types: " + known);
  }
  return std::make_unique<WorkflowInstance>(
      function->second, client_->namespace_(), task.workflow_execution().workflow_id(),
      task.workflow_execution().run_id(), client_->converter());
}

void WorkflowWorker::RespondFailed(const std::string& task_token,
                                   enums::WorkflowTaskFailedCause cause, Failure failure,
                                   int attempt) {
  // Only the first attempt reports the failure. The server would schedule a
  // retry at once, and the same code fails the same way: a hot loop. Letting
  // later attempts time out retries at the pace of the task timeout instead
  // (what sdk-core does too); the failure is already in history.
  if (attempt > 1) return;
  (void)client_->converter().EncodeFailure(&failure);
  wfs::RespondWorkflowTaskFailedRequest request;
  request.set_namespace_(client_->namespace_());
  request.set_task_token(task_token);
  request.set_cause(cause);
  *request.mutable_failure() = std::move(failure);
  request.set_identity(options_.identity);
  auto response = client_->Call("RespondWorkflowTaskFailed",
                                &ClientCore::Stub::RespondWorkflowTaskFailed, request);
  if (!response) spdlog::warn("RespondWorkflowTaskFailed: {}", response.error().ToString());
}

void WorkflowWorker::HandleLegacyQuery(PollResponse& task) {
  wfs::RespondQueryTaskCompletedRequest response;
  response.set_namespace_(client_->namespace_());
  response.set_task_token(task.task_token());
  // A query that comes with the whole history is answered from that history:
  // a cached instance may be stale (another worker may have advanced the run
  // since). Only a sticky query, with a partial history, uses the cache, as
  // in the Go SDK. No query ever adds a cache entry: queries of runs this
  // worker does not hold must not evict the runs it does.
  const bool full = IsFullHistory(task.history());
  std::shared_ptr<CachedRun> cached = full ? nullptr : Find(task.workflow_execution().run_id());
  WorkflowInstance* instance = cached != nullptr ? cached->instance.get() : nullptr;
  std::unique_ptr<WorkflowInstance> replayed;
  std::string error;
  if (instance == nullptr) {
    History history = std::move(*task.mutable_history());
    Status fetched =
        full ? FetchRemainingPages(task.workflow_execution(), task.next_page_token(), &history)
             : FetchFullHistory(task.workflow_execution(), &history);
    auto created = NewInstance(task);
    if (!created) {
      error = created.error().message();
    } else if (!fetched) {
      error = fetched.error().message();
    } else {
      try {
        (*created)->ApplyEvents(history.events());
        replayed = std::move(*created);
        instance = replayed.get();
      } catch (const std::exception& failure) {
        error = failure.what();
      } catch (const WorkflowTaskError& failure) {
        error = failure.failure.message();
      } catch (...) {
        error = "replaying the history for the query failed with an unknown exception";
      }
    }
  }
  if (instance != nullptr) {
    std::vector<Payload> arguments(task.query().query_args().payloads().begin(),
                                   task.query().query_args().payloads().end());
    auto answer = instance->Query(task.query().query_type(), std::move(arguments));
    if (answer) {
      response.set_completed_type(enums::QUERY_RESULT_TYPE_ANSWERED);
      for (Payload& payload : *answer)
        *response.mutable_query_result()->add_payloads() = std::move(payload);
    } else {
      error = answer.error().message();
    }
  }
  if (!error.empty()) {
    response.set_completed_type(enums::QUERY_RESULT_TYPE_FAILED);
    response.set_error_message(error);
    *response.mutable_failure() = TaskFailure(error, "QueryFailed");
  }
  RespondQuery(std::move(response));
}

void WorkflowWorker::RespondQuery(wfs::RespondQueryTaskCompletedRequest response) {
  auto result = client_->Call("RespondQueryTaskCompleted",
                              &ClientCore::Stub::RespondQueryTaskCompleted, response);
  if (result) return;
  if (!IsMessageTooLarge(result.error())) {
    spdlog::warn("RespondQueryTaskCompleted: {}", result.error().ToString());
    return;
  }
  // The answer does not fit in a gRPC message: answer with that failure
  // instead, so the caller learns why rather than waiting for a timeout.
  const std::string message =
      "the query answer (" + std::to_string(response.ByteSizeLong()) +
      " bytes) is larger than the server accepts: " + result.error().message();
  spdlog::warn("RespondQueryTaskCompleted: {}", message);
  response.clear_query_result();
  response.set_completed_type(enums::QUERY_RESULT_TYPE_FAILED);
  response.set_error_message(message);
  *response.mutable_failure() = TaskFailure(message, "GrpcMessageTooLarge");
  response.set_cause(enums::WORKFLOW_TASK_FAILED_CAUSE_GRPC_MESSAGE_TOO_LARGE);
  result = client_->Call("RespondQueryTaskCompleted", &ClientCore::Stub::RespondQueryTaskCompleted,
                         response);
  if (!result) spdlog::warn("RespondQueryTaskCompleted: {}", result.error().ToString());
}

void WorkflowWorker::HandleTask(PollResponse task) {
  if (task.has_query()) {
    HandleLegacyQuery(task);
    return;
  }
  const auto task_started = std::chrono::steady_clock::now();
  const std::string run_id = task.workflow_execution().run_id();
  std::shared_ptr<CachedRun> run = Lookup(run_id);

  History history = std::move(*task.mutable_history());
  if (Status fetched =
          FetchRemainingPages(task.workflow_execution(), task.next_page_token(), &history);
      !fetched) {
    spdlog::warn("workflow {}: cannot fetch history pages: {}",
                 task.workflow_execution().workflow_id(), fetched.error().ToString());
    run->instance.reset();
    Evict(run_id);
    return;  // the task times out and is retried
  }
  const bool continues =
      run->instance != nullptr &&
      run->instance->last_started_event_id() == task.previous_started_event_id() &&
      history.events_size() > 0 &&
      history.events(0).event_id() == run->instance->last_event_id() + 1;
  metrics_.CacheLookup(continues);
  if (!continues) {
    // A cache miss (or a run whose last task failed): replay from the start.
    run->instance.reset();
    if (!IsFullHistory(history)) {
      if (Status fetched = FetchFullHistory(task.workflow_execution(), &history); !fetched) {
        spdlog::warn("workflow {}: cannot fetch full history: {}",
                     task.workflow_execution().workflow_id(), fetched.error().ToString());
        Evict(run_id);
        return;
      }
    }
    auto created = NewInstance(task);
    if (!created) {
      metrics_.WorkflowTaskFailed(task.workflow_type().name(), "NotRegistered");
      RespondFailed(task.task_token(),
                    enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                    TaskFailure(created.error().message(), "NotFoundError"), task.attempt());
      Evict(run_id);
      return;
    }
    run->instance = std::move(*created);
    run->mailbox = std::make_shared<LocalActivityMailbox>();
  }

  WorkflowInstance& instance = *run->instance;
  std::vector<temporal::api::command::v1::Command> commands;
  std::vector<temporal::api::protocol::v1::Message> messages;
  std::exception_ptr error;
  bool deadlocked = false;
  bool force_new_task = false;
  {
    Watch watch(*this, task, instance);
    try {
      instance.AddProtocolMessages(task.messages());
      instance.ApplyEvents(history.events());
      force_new_task = RunLocalActivities(*run, instance, task, task_started);
      commands = instance.TakeNewCommands();
      messages = instance.TakeNewMessages();
    } catch (...) {
      error = std::current_exception();
    }
    deadlocked = watch.Finish();
  }
  if (deadlocked) {
    spdlog::error(
        "workflow {} ({}): the workflow code declared deadlocked has returned; its outcome is "
        "discarded",
        task.workflow_execution().workflow_id(), task.workflow_type().name());
    run->instance.reset();
    Evict(run_id);
    return;
  }
  if (error) {
    const std::string& workflow_type = task.workflow_type().name();
    try {
      std::rethrow_exception(error);
    } catch (const NondeterminismError& failure) {
      metrics_.WorkflowTaskFailed(workflow_type, "NonDeterminismError");
      if (task.attempt() <= 1)
        spdlog::error("workflow {} ({}): {}", instance.info().workflow_id,
                      instance.info().workflow_type, failure.what());
      RespondFailed(task.task_token(), enums::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR,
                    TaskFailure(failure.what(), "NondeterminismError"), task.attempt());
    } catch (const WorkflowTaskError& failure) {
      metrics_.WorkflowTaskFailed(workflow_type, "WorkflowError");
      if (task.attempt() <= 1)
        spdlog::warn("workflow {} ({}): workflow task failed: {}", instance.info().workflow_id,
                     instance.info().workflow_type, failure.failure.message());
      RespondFailed(task.task_token(), failure.cause, failure.failure, task.attempt());
    } catch (const std::exception& failure) {
      metrics_.WorkflowTaskFailed(workflow_type, "WorkflowError");
      RespondFailed(task.task_token(),
                    enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                    TaskFailure(std::string("SDK error: ") + failure.what(), "WorkflowTaskError"),
                    task.attempt());
    } catch (...) {
      metrics_.WorkflowTaskFailed(workflow_type, "WorkflowError");
      RespondFailed(
          task.task_token(), enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
          TaskFailure("SDK error: unknown exception", "WorkflowTaskError"), task.attempt());
    }
    run->instance.reset();
    Evict(run_id);
    return;
  }

  wfs::RespondWorkflowTaskCompletedRequest request;
  request.set_namespace_(client_->namespace_());
  request.set_task_token(task.task_token());
  request.set_identity(options_.identity);
  for (auto& command : commands) *request.add_commands() = std::move(command);
  for (auto& message : messages) *request.add_messages() = std::move(message);
  if (options_.sticky_workflow_pollers > 0) {
    auto* sticky = request.mutable_sticky_attributes();
    sticky->mutable_worker_task_queue()->set_name(sticky_queue_);
    sticky->mutable_worker_task_queue()->set_kind(enums::TASK_QUEUE_KIND_STICKY);
    sticky->mutable_worker_task_queue()->set_normal_name(options_.task_queue);
    SetDuration(sticky->mutable_schedule_to_start_timeout(),
                options_.sticky_schedule_to_start_timeout);
  }
  // A local activity still runs: this completion only keeps the run alive,
  // and the server schedules the next task at once.
  if (force_new_task) request.set_force_create_new_workflow_task(true);
  request.mutable_sdk_metadata()->set_sdk_name(kSdkName);
  request.mutable_sdk_metadata()->set_sdk_version(kSdkVersion);
  for (std::uint32_t flag : instance.TakeNewSdkFlags())
    request.mutable_sdk_metadata()->add_lang_used_flags(flag);
  for (const auto& [query_id, query] : task.queries()) {
    std::vector<Payload> arguments(query.query_args().payloads().begin(),
                                   query.query_args().payloads().end());
    auto answer = instance.Query(query.query_type(), std::move(arguments));
    auto& result = (*request.mutable_query_results())[query_id];
    if (answer) {
      result.set_result_type(enums::QUERY_RESULT_TYPE_ANSWERED);
      for (Payload& payload : *answer)
        *result.mutable_answer()->add_payloads() = std::move(payload);
    } else {
      result.set_result_type(enums::QUERY_RESULT_TYPE_FAILED);
      result.set_error_message(answer.error().message());
      *result.mutable_failure() = TaskFailure(answer.error().message(), "QueryFailed");
    }
  }
  const int eager_reserved = RequestEagerActivities(request);
  auto response = client_->Call("RespondWorkflowTaskCompleted",
                                &ClientCore::Stub::RespondWorkflowTaskCompleted, request);
  if (eager_reserved > 0) {
    // The server returns at most the activities asked for; a slot no task
    // came for is given back.
    int received = 0;
    if (response) {
      for (auto& activity_task : *response->mutable_activity_tasks()) {
        if (received == eager_reserved) break;
        ++received;
        eager_->RunEager(std::move(activity_task));
      }
    }
    eager_->ReleaseEagerSlots(eager_reserved - received);
  }
  if (!response) {
    if (IsMessageTooLarge(response.error())) {
      // The server never saw this completion, so nothing of it is in
      // history. Say why in history instead of letting the task time out
      // (the Go SDK and sdk-core do the same).
      const std::string message =
          "the workflow task completion (" + std::to_string(request.ByteSizeLong()) +
          " bytes) is larger than the server accepts: " + response.error().message();
      metrics_.WorkflowTaskFailed(instance.info().workflow_type, "GrpcMessageTooLarge");
      spdlog::error("workflow {} ({}): {}; failing the workflow task (GRPC_MESSAGE_TOO_LARGE)",
                    instance.info().workflow_id, instance.info().workflow_type, message);
      RespondFailed(task.task_token(), enums::WORKFLOW_TASK_FAILED_CAUSE_GRPC_MESSAGE_TOO_LARGE,
                    TaskFailure(message, "GrpcMessageTooLarge"), task.attempt());
    } else if (response.error().message().find("UnhandledCommand") != std::string::npos) {
      // The server refuses to close a run while events it has not shown us
      // wait (a signal, an update that arrived while this task ran). It
      // schedules a new task with them; the run is replayed there.
      spdlog::info(
          "workflow {} ({}): the server refused the task's completion because new events "
          "arrived while it ran; the next workflow task handles them",
          instance.info().workflow_id, instance.info().workflow_type);
    } else {
      spdlog::warn("workflow {}: RespondWorkflowTaskCompleted: {}", instance.info().workflow_id,
                   response.error().ToString());
    }
    run->instance.reset();
    Evict(run_id);
    return;
  }
  // A speculative task that only rejected updates leaves no trace: the
  // server drops its events, so this instance ran a task history will never
  // hold. The next task replays from the real history.
  if (instance.closed() || response->reset_history_event_id() != 0) {
    run->instance.reset();
    Evict(run_id);
  }
}

int WorkflowWorker::RequestEagerActivities(wfs::RespondWorkflowTaskCompletedRequest& request) {
  if (!eager_ || options_.disable_eager_activities) return 0;
  int reserved = 0;
  for (auto& command : *request.mutable_commands()) {
    if (reserved == kMaxEagerActivitiesPerTask) break;
    if (command.command_type() != enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK) continue;
    auto* attributes = command.mutable_schedule_activity_task_command_attributes();
    // Only this worker's own queue: an activity sent elsewhere must reach
    // the workers of that queue.
    if (attributes->task_queue().name() != options_.task_queue) continue;
    if (!eager_->TryReserveEagerSlot(attributes->activity_type().name())) continue;
    attributes->set_request_eager_execution(true);
    ++reserved;
  }
  return reserved;
}

bool WorkflowWorker::RunLocalActivities(CachedRun& run, WorkflowInstance& instance,
                                        const PollResponse& task,
                                        std::chrono::steady_clock::time_point task_started) {
  const auto deadline = task_started + instance.workflow_task_timeout() * 4 / 5;
  LocalActivityTarget target;
  target.namespace_ = client_->namespace_();
  target.task_queue = options_.task_queue;
  target.workflow_id = task.workflow_execution().workflow_id();
  target.run_id = task.workflow_execution().run_id();
  target.workflow_type = task.workflow_type().name();
  while (true) {
    for (int seq : instance.TakeLocalActivityCancels())
      local_activities_->Cancel(run.mailbox.get(), seq);
    for (auto& request : instance.TakeLocalActivityRequests())
      local_activities_->Start(run.mailbox, target, std::move(request));
    if (instance.closed() || instance.running_local_activities() == 0) return false;
    // Waits in slices, so a shutdown is noticed within one.
    bool posted = false;
    while (!posted) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline || shutting_down_.load()) return true;
      posted = run.mailbox->WaitUntil(std::min(deadline, now + std::chrono::milliseconds(100)));
    }
    while (auto outcome = run.mailbox->TakeOne()) {
      if (instance.closed()) break;
      instance.ResolveLocalActivity(std::move(*outcome));
    }
  }
}

}  // namespace temporal::detail
