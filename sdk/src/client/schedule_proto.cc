#include "client/schedule_proto.h"

#include "common/proto_time.h"

namespace temporal::detail {
namespace {

namespace schedule_pb = temporal::api::schedule::v1;
using RangeList = google::protobuf::RepeatedPtrField<schedule_pb::Range>;

void RangesToProto(const std::vector<ScheduleRange>& ranges, const ScheduleRange& fallback,
                   bool has_fallback, RangeList* out) {
  if (ranges.empty()) {
    // An empty field of a structured calendar matches nothing on the server;
    // the official SDKs send the documented default instead.
    if (!has_fallback) return;
    schedule_pb::Range* range = out->Add();
    range->set_start(fallback.start);
    range->set_end(fallback.end);
    range->set_step(fallback.step);
    return;
  }
  for (const ScheduleRange& value : ranges) {
    schedule_pb::Range* range = out->Add();
    range->set_start(value.start);
    range->set_end(value.end);
    range->set_step(value.step);
  }
}

std::vector<ScheduleRange> RangesFromProto(const RangeList& ranges) {
  std::vector<ScheduleRange> out;
  for (const schedule_pb::Range& range : ranges)
    out.push_back(ScheduleRange{range.start(), range.end(), range.step()});
  return out;
}

void CalendarToProto(const ScheduleCalendarSpec& calendar,
                     schedule_pb::StructuredCalendarSpec* out) {
  RangesToProto(calendar.second, {0}, true, out->mutable_second());
  RangesToProto(calendar.minute, {0}, true, out->mutable_minute());
  RangesToProto(calendar.hour, {0}, true, out->mutable_hour());
  RangesToProto(calendar.day_of_month, {1, 31}, true, out->mutable_day_of_month());
  RangesToProto(calendar.month, {1, 12}, true, out->mutable_month());
  RangesToProto(calendar.year, {}, false, out->mutable_year());  // empty = every year
  RangesToProto(calendar.day_of_week, {0, 6}, true, out->mutable_day_of_week());
  out->set_comment(calendar.comment);
}

ScheduleCalendarSpec CalendarFromProto(const schedule_pb::StructuredCalendarSpec& proto) {
  ScheduleCalendarSpec calendar;
  calendar.second = RangesFromProto(proto.second());
  calendar.minute = RangesFromProto(proto.minute());
  calendar.hour = RangesFromProto(proto.hour());
  calendar.day_of_month = RangesFromProto(proto.day_of_month());
  calendar.month = RangesFromProto(proto.month());
  calendar.year = RangesFromProto(proto.year());
  calendar.day_of_week = RangesFromProto(proto.day_of_week());
  calendar.comment = proto.comment();
  return calendar;
}

Status SpecToProto(const ScheduleSpec& spec, schedule_pb::ScheduleSpec* out) {
  for (const ScheduleCalendarSpec& calendar : spec.calendars)
    CalendarToProto(calendar, out->add_structured_calendar());
  for (const ScheduleIntervalSpec& interval : spec.intervals) {
    if (interval.every.count() <= 0) {
      return Error(ErrorCode::kInvalidArgument, "ScheduleIntervalSpec::every must be positive");
    }
    if (interval.offset.count() < 0) {
      return Error(ErrorCode::kInvalidArgument, "ScheduleIntervalSpec::offset is negative");
    }
    schedule_pb::IntervalSpec* proto = out->add_interval();
    SetDuration(proto->mutable_interval(), interval.every);
    SetDuration(proto->mutable_phase(), interval.offset);
  }
  for (const std::string& cron : spec.cron_expressions) out->add_cron_string(cron);
  for (const ScheduleCalendarSpec& calendar : spec.skip)
    CalendarToProto(calendar, out->add_exclude_structured_calendar());
  if (spec.start_at) SetTimestamp(out->mutable_start_time(), *spec.start_at);
  if (spec.end_at) SetTimestamp(out->mutable_end_time(), *spec.end_at);
  if (spec.jitter.count() < 0)
    return Error(ErrorCode::kInvalidArgument, "ScheduleSpec::jitter is negative");
  if (spec.jitter.count() > 0) SetDuration(out->mutable_jitter(), spec.jitter);
  out->set_timezone_name(spec.time_zone_name);
  return OkStatus();
}

std::optional<std::chrono::milliseconds> OptionalDuration(bool has,
                                                          const google::protobuf::Duration& value) {
  if (!has) return std::nullopt;
  std::chrono::milliseconds duration = ToMilliseconds(value);
  if (duration.count() == 0) return std::nullopt;  // the server's "unset"
  return duration;
}

Status ActionToProto(const DataConverter& converter, const ScheduleWorkflowAction& action,
                     schedule_pb::ScheduleAction* out) {
  if (action.workflow_type.empty()) {
    return Error(ErrorCode::kInvalidArgument, "ScheduleWorkflowAction::workflow_type is empty");
  }
  if (action.task_queue.empty()) {
    return Error(ErrorCode::kInvalidArgument, "ScheduleWorkflowAction::task_queue is empty");
  }
  temporal::api::workflow::v1::NewWorkflowExecutionInfo* start = out->mutable_start_workflow();
  start->set_workflow_id(action.workflow_id);
  start->mutable_workflow_type()->set_name(action.workflow_type);
  start->mutable_task_queue()->set_name(action.task_queue);
  start->mutable_task_queue()->set_kind(temporal::api::enums::v1::TASK_QUEUE_KIND_NORMAL);
  std::vector<Payload> args = action.args;
  if (Status encoded = converter.EncodePayloads(&args); !encoded) return encoded;
  for (Payload& payload : args) *start->mutable_input()->add_payloads() = std::move(payload);
  if (action.execution_timeout)
    SetDuration(start->mutable_workflow_execution_timeout(), *action.execution_timeout);
  if (action.run_timeout) SetDuration(start->mutable_workflow_run_timeout(), *action.run_timeout);
  if (action.task_timeout)
    SetDuration(start->mutable_workflow_task_timeout(), *action.task_timeout);
  if (action.retry_policy) *start->mutable_retry_policy() = action.retry_policy->ToProto();
  if (Status memo = EncodeMemo(converter, action.memo, start->mutable_memo()); !memo) return memo;
  if (action.search_attributes.size() > 0)
    *start->mutable_search_attributes() = action.search_attributes.ToProto();
  return OkStatus();
}

Result<ScheduleWorkflowAction> ActionFromProto(const DataConverter& converter,
                                               const schedule_pb::ScheduleAction& proto) {
  if (!proto.has_start_workflow()) {
    return Error(ErrorCode::kUnimplemented,
                 "the schedule's action is not a workflow start, the only action this SDK knows");
  }
  const auto& start = proto.start_workflow();
  ScheduleWorkflowAction action;
  action.workflow_id = start.workflow_id();
  action.workflow_type = start.workflow_type().name();
  action.task_queue = start.task_queue().name();
  action.args.assign(start.input().payloads().begin(), start.input().payloads().end());
  if (Status decoded = converter.DecodePayloads(&action.args); !decoded) return decoded.error();
  action.execution_timeout =
      OptionalDuration(start.has_workflow_execution_timeout(), start.workflow_execution_timeout());
  action.run_timeout =
      OptionalDuration(start.has_workflow_run_timeout(), start.workflow_run_timeout());
  action.task_timeout =
      OptionalDuration(start.has_workflow_task_timeout(), start.workflow_task_timeout());
  if (start.has_retry_policy()) action.retry_policy = RetryPolicy::FromProto(start.retry_policy());
  Result<std::map<std::string, Payload>> memo = DecodeMemo(converter, start.memo());
  if (!memo) return memo.error();
  action.memo = std::move(*memo);
  action.search_attributes = SearchAttributes::FromProto(start.search_attributes());
  return action;
}

}  // namespace

Status ScheduleToProto(const DataConverter& converter, const Schedule& schedule,
                       schedule_pb::Schedule* out) {
  if (Status spec = SpecToProto(schedule.spec, out->mutable_spec()); !spec) return spec;
  if (Status action = ActionToProto(converter, schedule.action, out->mutable_action()); !action)
    return action;
  schedule_pb::SchedulePolicies* policies = out->mutable_policies();
  policies->set_overlap_policy(schedule.policies.overlap);
  // Left unset, the server applies its default window (one year); sent as
  // zero it would apply its minimum (10 s) instead.
  if (schedule.policies.catchup_window)
    SetDuration(policies->mutable_catchup_window(), *schedule.policies.catchup_window);
  policies->set_pause_on_failure(schedule.policies.pause_on_failure);
  schedule_pb::ScheduleState* state = out->mutable_state();
  state->set_notes(schedule.state.note);
  state->set_paused(schedule.state.paused);
  state->set_limited_actions(schedule.state.limited_actions);
  state->set_remaining_actions(schedule.state.remaining_actions);
  return OkStatus();
}

ScheduleSpec SpecFromProto(const schedule_pb::ScheduleSpec& proto) {
  ScheduleSpec spec;
  for (const auto& calendar : proto.structured_calendar())
    spec.calendars.push_back(CalendarFromProto(calendar));
  for (const auto& interval : proto.interval()) {
    spec.intervals.push_back(ScheduleIntervalSpec{ToMilliseconds(interval.interval()),
                                                  ToMilliseconds(interval.phase())});
  }
  spec.cron_expressions.assign(proto.cron_string().begin(), proto.cron_string().end());
  for (const auto& calendar : proto.exclude_structured_calendar())
    spec.skip.push_back(CalendarFromProto(calendar));
  spec.start_at = OptionalTime(proto.has_start_time(), proto.start_time());
  spec.end_at = OptionalTime(proto.has_end_time(), proto.end_time());
  spec.jitter = ToMilliseconds(proto.jitter());
  spec.time_zone_name = proto.timezone_name();
  return spec;
}

Result<Schedule> ScheduleFromProto(const DataConverter& converter,
                                   const schedule_pb::Schedule& proto) {
  Schedule schedule;
  schedule.spec = SpecFromProto(proto.spec());
  Result<ScheduleWorkflowAction> action = ActionFromProto(converter, proto.action());
  if (!action) return action.error();
  schedule.action = std::move(*action);
  schedule.policies.overlap = proto.policies().overlap_policy();
  schedule.policies.catchup_window =
      OptionalDuration(proto.policies().has_catchup_window(), proto.policies().catchup_window());
  schedule.policies.pause_on_failure = proto.policies().pause_on_failure();
  schedule.state.note = proto.state().notes();
  schedule.state.paused = proto.state().paused();
  schedule.state.limited_actions = proto.state().limited_actions();
  schedule.state.remaining_actions = proto.state().remaining_actions();
  return schedule;
}

std::vector<ScheduleActionResult> ActionResultsFromProto(
    const google::protobuf::RepeatedPtrField<schedule_pb::ScheduleActionResult>& proto) {
  std::vector<ScheduleActionResult> results;
  for (const auto& action : proto) {
    ScheduleActionResult result;
    result.schedule_time = ToTimePoint(action.schedule_time());
    result.actual_time = ToTimePoint(action.actual_time());
    result.workflow.workflow_id = action.start_workflow_result().workflow_id();
    result.workflow.first_execution_run_id = action.start_workflow_result().run_id();
    result.workflow_status = action.start_workflow_status();
    results.push_back(std::move(result));
  }
  return results;
}

void BackfillToProto(const ScheduleBackfill& backfill, schedule_pb::BackfillRequest* out) {
  SetTimestamp(out->mutable_start_time(), backfill.start);
  SetTimestamp(out->mutable_end_time(), backfill.end);
  out->set_overlap_policy(backfill.overlap);
}

Status EncodeMemo(const DataConverter& converter, const std::map<std::string, Payload>& memo,
                  temporal::api::common::v1::Memo* out) {
  for (const auto& [key, value] : memo) {
    Payload payload = value;
    if (Status encoded = converter.EncodePayload(&payload); !encoded) return encoded;
    (*out->mutable_fields())[key] = std::move(payload);
  }
  return OkStatus();
}

Result<std::map<std::string, Payload>> DecodeMemo(const DataConverter& converter,
                                                  const temporal::api::common::v1::Memo& memo) {
  std::map<std::string, Payload> out;
  for (const auto& [key, value] : memo.fields()) {
    Payload payload = value;
    if (Status decoded = converter.DecodePayload(&payload); !decoded) return decoded.error();
    out.emplace(key, std::move(payload));
  }
  return out;
}

}  // namespace temporal::detail
