// The Client's schedule calls: create, address, list. What a schedule can do
// once it exists is in schedule_handle.cc.
#include "client/client_core.h"
#include "client/schedule_proto.h"
#include "common/uuid.h"
#include "temporal/client/client.h"

namespace temporal {
namespace {

namespace wfs = temporal::api::workflowservice::v1;
using detail::ClientCore;

}  // namespace

Result<ScheduleHandle> Client::CreateSchedule(const ScheduleOptions& options) const {
  if (options.id.empty()) return Error(ErrorCode::kInvalidArgument, "ScheduleOptions::id is empty");
  wfs::CreateScheduleRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_schedule_id(options.id);
  if (Status filled =
          detail::ScheduleToProto(core_->converter(), options.schedule, request.mutable_schedule());
      !filled) {
    return filled.error();
  }
  if (options.trigger_immediately) {
    request.mutable_initial_patch()->mutable_trigger_immediately()->set_overlap_policy(
        options.schedule.policies.overlap);
  }
  for (const ScheduleBackfill& backfill : options.backfills)
    detail::BackfillToProto(backfill, request.mutable_initial_patch()->add_backfill_request());
  request.set_identity(core_->identity());
  request.set_request_id(options.request_id.empty() ? detail::RandomUuidV4() : options.request_id);
  if (Status memo = detail::EncodeMemo(core_->converter(), options.memo, request.mutable_memo());
      !memo) {
    return memo.error();
  }
  if (options.search_attributes.size() > 0)
    *request.mutable_search_attributes() = options.search_attributes.ToProto();
  auto response = core_->Call("CreateSchedule", &ClientCore::Stub::CreateSchedule, request);
  if (!response) {
    // The server reports a taken id as ALREADY_EXISTS (with a "workflow
    // already started" detail: a schedule runs as a workflow); say what it means.
    if (response.error().code() == ErrorCode::kAlreadyExists) {
      return Error(ErrorCode::kAlreadyExists, "schedule " + options.id + " already exists (" +
                                                  response.error().message() + ")");
    }
    return response.error();
  }
  return ScheduleHandle(core_, options.id);
}

ScheduleHandle Client::GetScheduleHandle(const std::string& schedule_id) const {
  return ScheduleHandle(core_, schedule_id);
}

Result<ScheduleListPage> Client::ListSchedulesPage(const std::string& query,
                                                   const std::string& page_token,
                                                   int page_size) const {
  wfs::ListSchedulesRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_maximum_page_size(page_size);
  request.set_next_page_token(page_token);
  request.set_query(query);
  auto response = core_->Call("ListSchedules", &ClientCore::Stub::ListSchedules, request);
  if (!response) return response.error();
  ScheduleListPage page;
  for (const auto& proto : response->schedules()) {
    Result<ScheduleListEntry> entry = detail::ListEntryFromProto(core_->converter(), proto);
    if (!entry) return entry.error();
    page.schedules.push_back(std::move(*entry));
  }
  page.next_page_token = response->next_page_token();
  return page;
}

Result<std::vector<ScheduleListEntry>> Client::ListSchedules(const std::string& query) const {
  std::vector<ScheduleListEntry> all;
  std::string token;
  do {
    Result<ScheduleListPage> page = ListSchedulesPage(query, token);
    if (!page) return page.error();
    for (auto& entry : page->schedules) all.push_back(std::move(entry));
    token = page->next_page_token;
  } while (!token.empty());
  return all;
}

}  // namespace temporal
