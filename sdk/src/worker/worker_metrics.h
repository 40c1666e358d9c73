// Private: the Worker's typed reporting onto the application's MetricsHandler
// (temporal/worker/metrics.h, which lists the names). Every call is a no-op
// without a handler.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "temporal/worker/metrics.h"

namespace temporal::detail {

class WorkerMetrics {
 public:
  WorkerMetrics(std::shared_ptr<MetricsHandler> handler, std::string task_queue)
      : handler_(std::move(handler)), task_queue_(std::move(task_queue)) {}

  /// Slots reports the slots of one kind of worker: taken and free.
  void Slots(const char* worker_type, int used, int capacity) const {
    if (!handler_) return;
    const MetricLabels labels{{"worker_type", worker_type}, {"task_queue", task_queue_}};
    handler_->SetGauge("temporal_worker_task_slots_used", labels, used);
    handler_->SetGauge("temporal_worker_task_slots_available", labels, capacity - used);
  }
  void PollLatency(const char* operation, std::chrono::nanoseconds latency) const {
    if (!handler_) return;
    handler_->RecordDuration("temporal_long_request_latency",
                             {{"operation", operation}, {"task_queue", task_queue_}}, latency);
  }
  void WorkflowTaskScheduleToStart(const std::string& workflow_type,
                                   std::chrono::nanoseconds latency) const {
    if (!handler_) return;
    handler_->RecordDuration("temporal_workflow_task_schedule_to_start_latency",
                             {{"task_queue", task_queue_}, {"workflow_type", workflow_type}},
                             latency);
  }
  void ActivityScheduleToStart(const std::string& activity_type,
                               std::chrono::nanoseconds latency) const {
    if (!handler_) return;
    handler_->RecordDuration("temporal_activity_schedule_to_start_latency",
                             {{"task_queue", task_queue_}, {"activity_type", activity_type}},
                             latency);
  }
  void ActivityEagerStarted(const std::string& activity_type) const {
    if (!handler_) return;
    handler_->AddCounter("temporal_activity_eager_started",
                         {{"task_queue", task_queue_}, {"activity_type", activity_type}}, 1);
  }
  void WorkflowTaskFailed(const std::string& workflow_type, const char* reason) const {
    if (!handler_) return;
    handler_->AddCounter(
        "temporal_workflow_task_execution_failed",
        {{"task_queue", task_queue_}, {"workflow_type", workflow_type}, {"failure_reason", reason}},
        1);
  }
  void ActivityFailed(const std::string& activity_type) const {
    if (!handler_) return;
    handler_->AddCounter("temporal_activity_execution_failed",
                         {{"task_queue", task_queue_}, {"activity_type", activity_type}}, 1);
  }
  void CacheSize(std::size_t size) const {
    if (!handler_) return;
    handler_->SetGauge("temporal_sticky_cache_size", {{"task_queue", task_queue_}},
                       static_cast<double>(size));
  }
  void CacheLookup(bool hit) const {
    if (!handler_) return;
    handler_->AddCounter(hit ? "temporal_sticky_cache_hit" : "temporal_sticky_cache_miss",
                         {{"task_queue", task_queue_}}, 1);
  }

 private:
  std::shared_ptr<MetricsHandler> handler_;
  std::string task_queue_;
};

}  // namespace temporal::detail
