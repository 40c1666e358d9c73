#include "worker/workflow_worker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <random>

#include "common/proto_time.h"
#include "temporal/version.h"
#include "workflow/nondeterminism_error.h"

namespace temporal::detail {
namespace {

namespace wfs = temporal::api::workflowservice::v1;
namespace enums = temporal::api::enums::v1;
using temporal::api::failure::v1::Failure;
using workflow::detail::NondeterminismError;
using workflow::detail::WorkflowInstance;
using workflow::detail::WorkflowTaskError;

constexpr std::chrono::milliseconds kPollTimeout{70000};

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

}  // namespace

WorkflowWorker::WorkflowWorker(std::shared_ptr<ClientCore> client, WorkerOptions options)
    : client_(std::move(client)), options_(std::move(options)), sticky_queue_(StickyQueueName()) {
  if (options_.identity.empty()) options_.identity = client_->identity();
}

WorkflowWorker::~WorkflowWorker() { Shutdown(); }

void WorkflowWorker::Register(const std::string& name, WorkflowFunction function) {
  workflows_[name] = std::move(function);
}

void WorkflowWorker::Start() {
  if (started_ || workflows_.empty()) return;
  started_ = true;
  for (int i = 0; i < options_.workflow_pollers; ++i)
    pollers_.emplace_back([this] { PollLoop(false); });
  pollers_.emplace_back([this] { PollLoop(true); });
  spdlog::info("worker polling workflow task queue {} (sticky queue {})", options_.task_queue,
               sticky_queue_);
}

void WorkflowWorker::Shutdown() {
  if (!started_) return;
  canceller_.CancelAll();
  for (std::thread& poller : pollers_) {
    if (poller.joinable()) poller.join();
  }
  pollers_.clear();
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
  started_ = false;
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
  return run;
}

void WorkflowWorker::Evict(const std::string& run_id) {
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(run_id);
  if (it == cache_.end()) return;
  lru_.erase(it->second.second);
  cache_.erase(it);
}

void WorkflowWorker::PollLoop(bool sticky) {
  std::chrono::milliseconds backoff = options_.poll_backoff_initial;
  bool failing = false;
  while (!canceller_.cancelled()) {
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
    auto task = client_->Call("PollWorkflowTaskQueue", &ClientCore::Stub::PollWorkflowTaskQueue,
                              request, call);
    if (!task) {
      if (canceller_.cancelled()) return;
      if (task.error().code() == ErrorCode::kDeadlineExceeded) continue;
      if (!failing) {
        spdlog::warn("workflow task queue {}{}: polling failed, retrying with backoff: {}",
                     options_.task_queue, sticky ? " (sticky)" : "", task.error().ToString());
        failing = true;
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, options_.poll_backoff_maximum);
      continue;
    }
    if (failing) {
      spdlog::info("workflow task queue {}{}: polling recovered", options_.task_queue,
                   sticky ? " (sticky)" : "");
      failing = false;
    }
    backoff = options_.poll_backoff_initial;
    if (task->task_token().empty()) continue;
    HandleTask(std::move(*task));
  }
}

Status WorkflowWorker::FetchRemainingPages(
    const temporal::api::common::v1::WorkflowExecution& execution, std::string token,
    temporal::api::history::v1::History* history) {
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
    const temporal::api::common::v1::WorkflowExecution& execution,
    temporal::api::history::v1::History* history) {
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

Result<std::unique_ptr<WorkflowInstance>> WorkflowWorker::NewInstance(
    const wfs::PollWorkflowTaskQueueResponse& task) {
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

void WorkflowWorker::HandleLegacyQuery(const wfs::PollWorkflowTaskQueueResponse& task,
                                       CachedRun& run) {
  wfs::RespondQueryTaskCompletedRequest response;
  response.set_namespace_(client_->namespace_());
  response.set_task_token(task.task_token());
  std::unique_ptr<WorkflowInstance> replayed;
  WorkflowInstance* instance = run.instance.get();
  std::string error;
  if (instance == nullptr) {
    // Not cached: rebuild the state from the whole history, without keeping it.
    temporal::api::history::v1::History history;
    auto created = NewInstance(task);
    if (!created) {
      error = created.error().message();
    } else if (Status fetched = FetchFullHistory(task.workflow_execution(), &history); !fetched) {
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
  auto result = client_->Call("RespondQueryTaskCompleted",
                              &ClientCore::Stub::RespondQueryTaskCompleted, response);
  if (!result) spdlog::warn("RespondQueryTaskCompleted: {}", result.error().ToString());
}

void WorkflowWorker::HandleTask(wfs::PollWorkflowTaskQueueResponse task) {
  const std::string run_id = task.workflow_execution().run_id();
  std::shared_ptr<CachedRun> run = Lookup(run_id);
  std::lock_guard run_lock(run->mutex);

  if (task.has_query()) {
    HandleLegacyQuery(task, *run);
    return;
  }

  temporal::api::history::v1::History history = std::move(*task.mutable_history());
  if (Status fetched =
          FetchRemainingPages(task.workflow_execution(), task.next_page_token(), &history);
      !fetched) {
    spdlog::warn("workflow {}: cannot fetch history pages: {}",
                 task.workflow_execution().workflow_id(), fetched.error().ToString());
    run->instance.reset();
    Evict(run_id);
    return;  // the task times out and is retried
  }
  const bool full = history.events_size() > 0 && history.events(0).event_id() == 1;
  const bool continues =
      run->instance != nullptr &&
      run->instance->last_started_event_id() == task.previous_started_event_id() &&
      history.events_size() > 0 &&
      history.events(0).event_id() == run->instance->last_event_id() + 1;
  if (!continues) {
    // A cache miss (or a run whose last task failed): replay from the start.
    run->instance.reset();
    if (!full) {
      if (Status fetched = FetchFullHistory(task.workflow_execution(), &history); !fetched) {
        spdlog::warn("workflow {}: cannot fetch full history: {}",
                     task.workflow_execution().workflow_id(), fetched.error().ToString());
        Evict(run_id);
        return;
      }
    }
    auto created = NewInstance(task);
    if (!created) {
      RespondFailed(task.task_token(),
                    enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                    TaskFailure(created.error().message(), "NotFoundError"), task.attempt());
      Evict(run_id);
      return;
    }
    run->instance = std::move(*created);
  }

  WorkflowInstance& instance = *run->instance;
  std::vector<temporal::api::command::v1::Command> commands;
  try {
    instance.ApplyEvents(history.events());
    commands = instance.TakeNewCommands();
  } catch (const NondeterminismError& error) {
    if (task.attempt() <= 1)
      spdlog::error("workflow {} ({}): {}", instance.info().workflow_id,
                    instance.info().workflow_type, error.what());
    RespondFailed(task.task_token(), enums::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR,
                  TaskFailure(error.what(), "NondeterminismError"), task.attempt());
    run->instance.reset();
    Evict(run_id);
    return;
  } catch (const WorkflowTaskError& error) {
    if (task.attempt() <= 1)
      spdlog::warn("workflow {} ({}): workflow task failed: {}", instance.info().workflow_id,
                   instance.info().workflow_type, error.failure.message());
    RespondFailed(task.task_token(), error.cause, error.failure, task.attempt());
    run->instance.reset();
    Evict(run_id);
    return;
  } catch (const std::exception& error) {
    RespondFailed(task.task_token(),
                  enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                  TaskFailure(std::string("SDK error: ") + error.what(), "WorkflowTaskError"),
                  task.attempt());
    run->instance.reset();
    Evict(run_id);
    return;
  }

  wfs::RespondWorkflowTaskCompletedRequest request;
  request.set_namespace_(client_->namespace_());
  request.set_task_token(task.task_token());
  request.set_identity(options_.identity);
  for (auto& command : commands) *request.add_commands() = std::move(command);
  auto* sticky = request.mutable_sticky_attributes();
  sticky->mutable_worker_task_queue()->set_name(sticky_queue_);
  sticky->mutable_worker_task_queue()->set_kind(enums::TASK_QUEUE_KIND_STICKY);
  sticky->mutable_worker_task_queue()->set_normal_name(options_.task_queue);
  SetDuration(sticky->mutable_schedule_to_start_timeout(),
              options_.sticky_schedule_to_start_timeout);
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
  auto response = client_->Call("RespondWorkflowTaskCompleted",
                                &ClientCore::Stub::RespondWorkflowTaskCompleted, request);
  if (!response) {
    spdlog::warn("workflow {}: RespondWorkflowTaskCompleted: {}", instance.info().workflow_id,
                 response.error().ToString());
    run->instance.reset();
    Evict(run_id);
    return;
  }
  if (instance.closed()) {
    run->instance.reset();
    Evict(run_id);
  }
}

}  // namespace temporal::detail
