// temporal/worker/metrics.h: the measurements a Worker reports, for operators.
//
// A Worker reports through the MetricsHandler in WorkerOptions::metrics (none
// by default). The application exports them as it likes: the platform serves
// them in the Prometheus text format. The names and labels follow the
// official SDKs, so dashboards built for them read these too:
//
// clang-format off
// | Name                                              | Kind     | Labels                                      | What |
// |---------------------------------------------------|----------|---------------------------------------------|------|
// | temporal_worker_task_slots_used                   | gauge    | worker_type, task_queue                     | slots taken (running or polling for a task) |
// | temporal_worker_task_slots_available              | gauge    | worker_type, task_queue                     | slots free |
// | temporal_long_request_latency                     | duration | operation, task_queue                       | one long poll, from call to answer |
// | temporal_workflow_task_schedule_to_start_latency  | duration | task_queue, workflow_type                   | task scheduled → picked up |
// | temporal_activity_schedule_to_start_latency       | duration | task_queue, activity_type                   | attempt scheduled → picked up |
// | temporal_activity_eager_started                   | counter  | task_queue, activity_type                   | attempts handed back with a workflow task's completion, not polled (this SDK's own) |
// | temporal_workflow_task_execution_failed           | counter  | task_queue, workflow_type, failure_reason   | workflow tasks answered as failed |
// | temporal_activity_execution_failed                | counter  | task_queue, activity_type                   | activity attempts that failed |
// | temporal_sticky_cache_size                        | gauge    | task_queue                                  | runs held in the workflow cache |
// | temporal_sticky_cache_hit                         | counter  | task_queue                                  | tasks that continued a cached run |
// | temporal_sticky_cache_miss                        | counter  | task_queue                                  | tasks that replayed their run from history |
// clang-format on
//
// worker_type is WorkflowWorker, ActivityWorker or LocalActivityWorker. failure_reason is one of
// NonDeterminismError, WorkflowError (a bug in workflow code or a task-level
// failure), DeadlockDetected, GrpcMessageTooLarge, NotRegistered.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace temporal {

/// MetricLabels are a metric's labels, in a fixed order per metric name.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// MetricsHandler receives a Worker's measurements. The worker calls it from
/// many threads at once, so implementations must be thread-safe, and quick:
/// the calls are on the task paths.
class MetricsHandler {
 public:
  virtual ~MetricsHandler() = default;
  /// AddCounter adds `delta` to counter `name`.
  virtual void AddCounter(std::string_view name, const MetricLabels& labels,
                          std::uint64_t delta) = 0;
  /// SetGauge sets gauge `name` to `value`.
  virtual void SetGauge(std::string_view name, const MetricLabels& labels, double value) = 0;
  /// RecordDuration records one observation of duration (histogram) `name`.
  virtual void RecordDuration(std::string_view name, const MetricLabels& labels,
                              std::chrono::nanoseconds value) = 0;
};

}  // namespace temporal
