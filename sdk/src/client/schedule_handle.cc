#include "temporal/client/schedule_handle.h"

#include "client/client_core.h"
#include "client/schedule_proto.h"
#include "common/uuid.h"

namespace temporal {
namespace {

namespace wfs = temporal::api::workflowservice::v1;
namespace schedule_pb = temporal::api::schedule::v1;
using detail::ClientCore;

// Pause, unpause, trigger and backfill are all one PatchSchedule call.
Status Patch(const ClientCore& core, const std::string& schedule_id,
             schedule_pb::SchedulePatch patch) {
  wfs::PatchScheduleRequest request;
  request.set_namespace_(core.namespace_());
  request.set_schedule_id(schedule_id);
  *request.mutable_patch() = std::move(patch);
  request.set_identity(core.identity());
  request.set_request_id(detail::RandomUuidV4());
  auto response = core.Call("PatchSchedule", &ClientCore::Stub::PatchSchedule, request);
  if (!response) return response.error();
  return OkStatus();
}

}  // namespace

ScheduleHandle::ScheduleHandle(std::shared_ptr<detail::ClientCore> core, std::string id)
    : core_(std::move(core)), id_(std::move(id)) {}

Result<ScheduleDescription> ScheduleHandle::Describe() const {
  wfs::DescribeScheduleRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_schedule_id(id_);
  auto response = core_->Call("DescribeSchedule", &ClientCore::Stub::DescribeSchedule, request);
  if (!response) return response.error();
  return detail::DescriptionFromProto(core_->converter(), id_, std::move(*response));
}

Status ScheduleHandle::Update(const ScheduleUpdater& updater) const {
  if (!updater) return Error(ErrorCode::kInvalidArgument, "ScheduleHandle::Update: no updater");
  Result<ScheduleDescription> current = Describe();
  if (!current) return current.error();
  std::optional<ScheduleUpdate> update = updater(*current);
  if (!update) return OkStatus();
  wfs::UpdateScheduleRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_schedule_id(id_);
  if (Status filled =
          detail::ScheduleToProto(core_->converter(), update->schedule, request.mutable_schedule());
      !filled) {
    return filled;
  }
  request.set_conflict_token(current->conflict_token);
  request.set_identity(core_->identity());
  request.set_request_id(detail::RandomUuidV4());
  if (update->search_attributes)
    *request.mutable_search_attributes() = update->search_attributes->ToProto();
  if (update->memo) {
    if (Status memo = detail::EncodeMemo(core_->converter(), *update->memo, request.mutable_memo());
        !memo) {
      return memo;
    }
  }
  auto response = core_->Call("UpdateSchedule", &ClientCore::Stub::UpdateSchedule, request);
  if (!response) return response.error();
  return OkStatus();
}

Status ScheduleHandle::Pause(const std::string& note) const {
  schedule_pb::SchedulePatch patch;
  patch.set_pause(note.empty() ? "Paused via C++ SDK" : note);
  return Patch(*core_, id_, std::move(patch));
}

Status ScheduleHandle::Unpause(const std::string& note) const {
  schedule_pb::SchedulePatch patch;
  patch.set_unpause(note.empty() ? "Unpaused via C++ SDK" : note);
  return Patch(*core_, id_, std::move(patch));
}

Status ScheduleHandle::Trigger(ScheduleOverlapPolicy overlap) const {
  schedule_pb::SchedulePatch patch;
  patch.mutable_trigger_immediately()->set_overlap_policy(overlap);
  return Patch(*core_, id_, std::move(patch));
}

Status ScheduleHandle::Backfill(const std::vector<ScheduleBackfill>& backfills) const {
  if (backfills.empty()) return Error(ErrorCode::kInvalidArgument, "Backfill: no ranges");
  schedule_pb::SchedulePatch patch;
  for (const ScheduleBackfill& backfill : backfills) {
    if (backfill.end < backfill.start) {
      return Error(ErrorCode::kInvalidArgument, "Backfill: a range ends before it starts");
    }
    detail::BackfillToProto(backfill, patch.add_backfill_request());
  }
  return Patch(*core_, id_, std::move(patch));
}

Status ScheduleHandle::Delete() const {
  wfs::DeleteScheduleRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_schedule_id(id_);
  request.set_identity(core_->identity());
  auto response = core_->Call("DeleteSchedule", &ClientCore::Stub::DeleteSchedule, request);
  if (!response) return response.error();
  return OkStatus();
}

}  // namespace temporal
