// Private: conversions between the public schedule types and the
// temporal.api.schedule.v1 protos. Payloads cross the client's data converter
// here: encoded on the way to the server, decoded on the way back. Search
// attributes are copied as they are.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "temporal/api/common/v1/message.pb.h"
#include "temporal/api/schedule/v1/message.pb.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"
#include "temporal/client/schedule_description.h"
#include "temporal/client/schedule_options.h"
#include "temporal/converter/data_converter.h"
#include "temporal/error.h"

namespace temporal::detail {

/// ScheduleToProto checks `schedule` (an action with a workflow type and task
/// queue) and writes it, payloads encoded, into `out`.
Status ScheduleToProto(const DataConverter& converter, const Schedule& schedule,
                       temporal::api::schedule::v1::Schedule* out);

/// ScheduleFromProto reads a described schedule, payloads decoded.
Result<Schedule> ScheduleFromProto(const DataConverter& converter,
                                   const temporal::api::schedule::v1::Schedule& proto);

/// SpecFromProto reads a spec (no payloads in it).
ScheduleSpec SpecFromProto(const temporal::api::schedule::v1::ScheduleSpec& proto);

/// ActionResultsFromProto reads recent actions.
std::vector<ScheduleActionResult> ActionResultsFromProto(
    const google::protobuf::RepeatedPtrField<temporal::api::schedule::v1::ScheduleActionResult>&
        proto);

/// BackfillToProto writes one backfill request.
void BackfillToProto(const ScheduleBackfill& backfill,
                     temporal::api::schedule::v1::BackfillRequest* out);

/// EncodeMemo encodes `memo` into `out` (a no-op for an empty memo).
Status EncodeMemo(const DataConverter& converter, const std::map<std::string, Payload>& memo,
                  temporal::api::common::v1::Memo* out);

/// DecodeMemo decodes a memo's fields.
Result<std::map<std::string, Payload>> DecodeMemo(const DataConverter& converter,
                                                  const temporal::api::common::v1::Memo& memo);

/// DescriptionFromProto reads DescribeSchedule's answer (schedule_description.cc).
Result<ScheduleDescription> DescriptionFromProto(
    const DataConverter& converter, const std::string& schedule_id,
    temporal::api::workflowservice::v1::DescribeScheduleResponse response);

/// ListEntryFromProto reads one ListSchedules row (schedule_description.cc).
Result<ScheduleListEntry> ListEntryFromProto(
    const DataConverter& converter, const temporal::api::schedule::v1::ScheduleListEntry& proto);

}  // namespace temporal::detail
