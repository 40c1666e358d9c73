#include "temporal/client/workflow_description.h"

#include "common/proto_time.h"

namespace temporal {

WorkflowExecutionSummary WorkflowExecutionSummary::FromProto(
    const temporal::api::workflow::v1::WorkflowExecutionInfo& info) {
  WorkflowExecutionSummary summary;
  summary.workflow_id = info.execution().workflow_id();
  summary.run_id = info.execution().run_id();
  summary.workflow_type = info.type().name();
  summary.task_queue = info.task_queue();
  summary.status = info.status();
  summary.start_time = detail::OptionalTime(info.has_start_time(), info.start_time());
  summary.close_time = detail::OptionalTime(info.has_close_time(), info.close_time());
  summary.history_length = info.history_length();
  summary.search_attributes = SearchAttributes::FromProto(info.search_attributes());
  for (const auto& [key, value] : info.memo().fields()) summary.memo[key] = value;
  return summary;
}

}  // namespace temporal
