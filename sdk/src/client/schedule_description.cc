// Reading the server's schedule descriptions and list rows into the public
// types, payloads decoded by the client's data converter.
#include "temporal/client/schedule_description.h"

#include "client/schedule_proto.h"
#include "common/proto_time.h"

namespace temporal::detail {
namespace {

std::vector<std::chrono::system_clock::time_point> TimesFromProto(
    const google::protobuf::RepeatedPtrField<google::protobuf::Timestamp>& times) {
  std::vector<std::chrono::system_clock::time_point> out;
  for (const auto& time : times) out.push_back(ToTimePoint(time));
  return out;
}

}  // namespace

Result<ScheduleDescription> DescriptionFromProto(
    const DataConverter& converter, const std::string& schedule_id,
    temporal::api::workflowservice::v1::DescribeScheduleResponse response) {
  ScheduleDescription description;
  description.id = schedule_id;
  Result<Schedule> schedule = ScheduleFromProto(converter, response.schedule());
  if (!schedule) return schedule.error();
  description.schedule = std::move(*schedule);

  const temporal::api::schedule::v1::ScheduleInfo& info = response.info();
  description.info.num_actions = info.action_count();
  description.info.num_actions_missed_catchup_window = info.missed_catchup_window();
  description.info.num_actions_skipped_overlap = info.overlap_skipped();
  for (const auto& running : info.running_workflows()) {
    description.info.running_workflows.push_back(
        ScheduleWorkflowExecution{running.workflow_id(), running.run_id()});
  }
  description.info.recent_actions = ActionResultsFromProto(info.recent_actions());
  description.info.next_action_times = TimesFromProto(info.future_action_times());
  description.info.created_at = OptionalTime(info.has_create_time(), info.create_time());
  description.info.last_updated_at = OptionalTime(info.has_update_time(), info.update_time());

  Result<std::map<std::string, Payload>> memo = DecodeMemo(converter, response.memo());
  if (!memo) return memo.error();
  description.memo = std::move(*memo);
  description.search_attributes = SearchAttributes::FromProto(response.search_attributes());
  description.conflict_token = response.conflict_token();
  description.raw = std::move(response);
  return description;
}

Result<ScheduleListEntry> ListEntryFromProto(
    const DataConverter& converter, const temporal::api::schedule::v1::ScheduleListEntry& proto) {
  ScheduleListEntry entry;
  entry.id = proto.schedule_id();
  entry.spec = SpecFromProto(proto.info().spec());
  entry.workflow_type = proto.info().workflow_type().name();
  entry.note = proto.info().notes();
  entry.paused = proto.info().paused();
  entry.recent_actions = ActionResultsFromProto(proto.info().recent_actions());
  entry.next_action_times = TimesFromProto(proto.info().future_action_times());
  Result<std::map<std::string, Payload>> memo = DecodeMemo(converter, proto.memo());
  if (!memo) return memo.error();
  entry.memo = std::move(*memo);
  entry.search_attributes = SearchAttributes::FromProto(proto.search_attributes());
  return entry;
}

}  // namespace temporal::detail
