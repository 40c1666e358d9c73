#include "temporal/worker/worker.h"

#include "worker/worker_core.h"
#include "worker/workflow_worker.h"

namespace temporal {

Worker::Worker(const Client& client, WorkerOptions options)
    : core_(std::make_shared<detail::WorkerCore>(client.core(), options)),
      workflows_(std::make_shared<detail::WorkflowWorker>(client.core(), options)) {
  // Local activities run the functions registered as activities. The lookup
  // holds the core: a local activity may outlive this Worker object.
  workflows_->SetActivityLookup(
      [core = core_](const std::string& name) { return core->FindActivity(name); });
  workflows_->SetEagerActivities(core_);
}

Worker::~Worker() { Shutdown(); }

Worker& Worker::RegisterWorkflowFunction(
    const std::string& name,
    std::function<workflow::Task<std::vector<Payload>>(std::vector<Payload>)> function) {
  workflows_->Register(name, std::move(function));
  return *this;
}

Worker& Worker::RegisterActivityFunction(const std::string& name,
                                         detail::ActivityFunction function) {
  core_->Register(name, std::move(function));
  return *this;
}

Status Worker::Start() {
  if (Status valid = workflows_->ValidateOptions(); !valid) return valid;
  // Fail fast, with a clear error, on a namespace the server does not have:
  // the pollers would otherwise retry NOT_FOUND forever.
  if (Status known = core_->CheckNamespace(); !known) return known;
  if (Status started = core_->Start(/*allow_no_activities=*/!workflows_->empty()); !started)
    return started;
  workflows_->Start();
  return OkStatus();
}

void Worker::Shutdown() {
  workflows_->Shutdown();
  core_->Shutdown();
}

Status Worker::Run() {
  if (Status started = Start(); !started) return started;
  core_->WaitUntilShutdown();
  return OkStatus();
}

const std::string& Worker::task_queue() const { return core_->options().task_queue; }

}  // namespace temporal
