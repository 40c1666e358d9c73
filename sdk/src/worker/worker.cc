#include "temporal/worker/worker.h"

#include "worker/worker_core.h"

namespace temporal {

Worker::Worker(const Client& client, WorkerOptions options)
    : core_(std::make_unique<detail::WorkerCore>(client.core(), std::move(options))) {}

Worker::~Worker() { core_->Shutdown(); }

Worker& Worker::RegisterActivityFunction(const std::string& name,
                                         detail::ActivityFunction function) {
  core_->Register(name, std::move(function));
  return *this;
}

Status Worker::Start() { return core_->Start(); }

void Worker::Shutdown() { core_->Shutdown(); }

Status Worker::Run() {
  if (Status started = Start(); !started) return started;
  core_->WaitUntilShutdown();
  return OkStatus();
}

const std::string& Worker::task_queue() const { return core_->options().task_queue; }

}  // namespace temporal
