#include "temporal/client/task_queue_pollers.h"

#include "client/client_core.h"

namespace temporal {

Result<std::vector<TaskQueuePoller>> DescribeTaskQueuePollers(const Client& client,
                                                              const std::string& task_queue,
                                                              TaskQueueKind kind) {
  namespace wfs = temporal::api::workflowservice::v1;
  namespace enums = temporal::api::enums::v1;
  wfs::DescribeTaskQueueRequest request;
  request.set_namespace_(client.core()->namespace_());
  request.mutable_task_queue()->set_name(task_queue);
  request.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  request.set_task_queue_type(kind == TaskQueueKind::kWorkflow ? enums::TASK_QUEUE_TYPE_WORKFLOW
                                                               : enums::TASK_QUEUE_TYPE_ACTIVITY);
  auto response = client.core()->Call("DescribeTaskQueue",
                                      &detail::ClientCore::Stub::DescribeTaskQueue, request);
  if (!response) return response.error();
  std::vector<TaskQueuePoller> pollers;
  for (const auto& poller : response->pollers()) {
    const auto& time = poller.last_access_time();
    pollers.push_back(
        {poller.identity(),
         std::chrono::system_clock::time_point(
             std::chrono::duration_cast<std::chrono::system_clock::duration>(
                 std::chrono::seconds(time.seconds()) + std::chrono::nanoseconds(time.nanos())))});
  }
  return pollers;
}

}  // namespace temporal
