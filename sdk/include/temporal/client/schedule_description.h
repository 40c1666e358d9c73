// temporal/client/schedule_description.h: what ScheduleHandle::Describe and
// Client::ListSchedules return.
//
// Example:
//
//   temporal::Result<temporal::ScheduleDescription> description = schedule->Describe();
//   if (!description) return fail(description.error());
//   for (const temporal::ScheduleActionResult& action : description->info.recent_actions)
//     std::cout << action.workflow_id << "\n";      // the runs it started, oldest first
//   if (!description->info.next_action_times.empty())
//     std::cout << "next at " << FormatTime(description->info.next_action_times.front());
//   if (description->schedule.state.paused)
//     std::cout << "paused: " << description->schedule.state.note << "\n";
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"
#include "temporal/client/schedule_options.h"
#include "temporal/common/search_attributes.h"
#include "temporal/converter/payload.h"

namespace temporal {

/// ScheduleWorkflowExecution names a workflow a schedule started: its id and
/// the first run of its chain.
struct ScheduleWorkflowExecution {
  std::string workflow_id;
  std::string first_execution_run_id;
};

/// ScheduleActionResult is one action the schedule took.
struct ScheduleActionResult {
  /// schedule_time is when the action was due (before jitter).
  std::chrono::system_clock::time_point schedule_time;
  /// actual_time is when it was taken.
  std::chrono::system_clock::time_point actual_time;
  /// workflow is the workflow it started.
  ScheduleWorkflowExecution workflow;
  /// workflow_status is the started workflow's status as the server last
  /// recorded it (UNSPECIFIED when this server does not track it; ask the
  /// workflow itself, via Client::GetHandle, to be sure).
  temporal::api::enums::v1::WorkflowExecutionStatus workflow_status{};
};

/// ScheduleInfo is what the server counts and plans for a schedule.
struct ScheduleInfo {
  /// num_actions counts the actions taken (scheduled, triggered, backfilled).
  std::int64_t num_actions = 0;
  /// num_actions_missed_catchup_window counts actions dropped as too late.
  std::int64_t num_actions_missed_catchup_window = 0;
  /// num_actions_skipped_overlap counts actions dropped by the overlap policy.
  std::int64_t num_actions_skipped_overlap = 0;
  /// running_workflows are the started workflows still open.
  std::vector<ScheduleWorkflowExecution> running_workflows;
  /// recent_actions are the latest actions taken, oldest first (the server keeps a few).
  std::vector<ScheduleActionResult> recent_actions;
  /// next_action_times are the next times the spec matches (the server lists a few).
  std::vector<std::chrono::system_clock::time_point> next_action_times;
  /// created_at is when the schedule was created.
  std::optional<std::chrono::system_clock::time_point> created_at;
  /// last_updated_at is when it was last updated or patched, if ever.
  std::optional<std::chrono::system_clock::time_point> last_updated_at;
};

/// ScheduleDescription is a schedule as the server holds it now. Its
/// `schedule` is ready to be changed and handed back in ScheduleHandle::Update.
struct ScheduleDescription {
  /// id is the schedule id.
  std::string id;
  /// schedule is the current definition. The server may have normalized it:
  /// cron strings become calendars, unset fields get defaults.
  Schedule schedule;
  /// info holds counts, recent actions and future action times.
  ScheduleInfo info;
  /// memo is the schedule's own memo, decoded by the codec.
  std::map<std::string, Payload> memo;
  /// search_attributes are the schedule's own search attributes.
  SearchAttributes search_attributes;
  /// conflict_token identifies this version of the schedule; Update sends it
  /// back so that a concurrent change is not overwritten.
  std::string conflict_token;
  /// raw is the server's full response (payloads inside are still encoded).
  temporal::api::workflowservice::v1::DescribeScheduleResponse raw;
};

/// ScheduleListEntry is one row of ListSchedules: a summary, not the whole
/// schedule (Describe the id for that).
struct ScheduleListEntry {
  /// id is the schedule id.
  std::string id;
  /// spec is the schedule's spec, as Describe would show it.
  ScheduleSpec spec;
  /// workflow_type is the type of the workflow the schedule starts.
  std::string workflow_type;
  /// note is the state's note.
  std::string note;
  /// paused tells whether the schedule is paused.
  bool paused = false;
  /// recent_actions are the latest actions taken, oldest first.
  std::vector<ScheduleActionResult> recent_actions;
  /// next_action_times are the next times the spec matches.
  std::vector<std::chrono::system_clock::time_point> next_action_times;
  /// memo is the schedule's own memo, decoded by the codec.
  std::map<std::string, Payload> memo;
  /// search_attributes are the schedule's own search attributes.
  SearchAttributes search_attributes;
};

/// ScheduleListPage is one page of Client::ListSchedulesPage.
struct ScheduleListPage {
  /// schedules on this page.
  std::vector<ScheduleListEntry> schedules;
  /// next_page_token is empty on the last page.
  std::string next_page_token;
};

}  // namespace temporal
