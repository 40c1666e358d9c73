// temporal/client/schedule_options.h: what a schedule is made of.
//
// A Schedule starts a workflow at the times its ScheduleSpec names (cron
// strings, calendar specs, fixed intervals), governed by SchedulePolicies
// (what to do when runs overlap or were missed), in a ScheduleState (paused or
// not, with a note). The server runs it; the client creates and changes it.
//
// Example (every hour at :15, in Berlin time, one run at a time):
//
//   temporal::ScheduleOptions options;
//   options.id = "drift-detection";
//   options.schedule.spec.cron_expressions = {"15 * * * *"};
//   options.schedule.spec.time_zone_name = "Europe/Berlin";
//   options.schedule.spec.jitter = std::chrono::seconds(30);
//   options.schedule.action.workflow_id = "drift-detection";   // the server appends the time
//   options.schedule.action.workflow_type = "DetectDrift";
//   options.schedule.action.task_queue = "provisioning";
//   options.schedule.action.args = *temporal::ToPayloads(std::string("stack-7"));
//   options.schedule.policies.overlap = temporal::api::enums::v1::SCHEDULE_OVERLAP_POLICY_SKIP;
//   temporal::Result<temporal::ScheduleHandle> schedule = client->CreateSchedule(options);
//
// Payloads (action args, action memo, schedule memo) are plain, as ToPayload
// makes them: the client's data converter encodes them (codec included) on the
// way out and decodes them on the way back. Search attributes are never encoded.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "temporal/api/enums/v1/schedule.pb.h"
#include "temporal/common/retry_policy.h"
#include "temporal/common/search_attributes.h"
#include "temporal/converter/payload.h"

namespace temporal {

/// ScheduleOverlapPolicy says what happens when an action is due while the
/// previous run is still open: SKIP (the server default), BUFFER_ONE,
/// BUFFER_ALL, CANCEL_OTHER, TERMINATE_OTHER or ALLOW_ALL.
using ScheduleOverlapPolicy = temporal::api::enums::v1::ScheduleOverlapPolicy;

/// ScheduleRange is a set of integers for one calendar field: `start` to `end`
/// inclusive, every `step`. An `end` below `start` means just `start`; a zero
/// `step` means 1. ScheduleRange{5} is the single value 5. Described ranges
/// come back normalized (ScheduleRange{5} as {5, 5, 1}).
struct ScheduleRange {
  /// start is the first value (inclusive).
  int start = 0;
  /// end is the last value (inclusive); below `start` means `start`.
  int end = 0;
  /// step is the distance between values; 0 means 1.
  int step = 0;

  friend bool operator==(const ScheduleRange&, const ScheduleRange&) = default;
};

/// ScheduleCalendarSpec matches calendar times: a time matches when each field
/// matches one of its ranges. An empty field takes its default, as in the
/// official SDKs: second, minute and hour 0; day_of_month, month and
/// day_of_week every value; year every year.
struct ScheduleCalendarSpec {
  /// second: 0-59.
  std::vector<ScheduleRange> second;
  /// minute: 0-59.
  std::vector<ScheduleRange> minute;
  /// hour: 0-23.
  std::vector<ScheduleRange> hour;
  /// day_of_month: 1-31.
  std::vector<ScheduleRange> day_of_month;
  /// month: 1-12.
  std::vector<ScheduleRange> month;
  /// year: any year; empty = every year.
  std::vector<ScheduleRange> year;
  /// day_of_week: 0-6, 0 is Sunday.
  std::vector<ScheduleRange> day_of_week;
  /// comment describes the intention, for people.
  std::string comment;
};

/// ScheduleIntervalSpec matches epoch + n * every + offset, for every integer n
/// (both truncated to whole seconds by the server). Every hour with an offset
/// of 15 minutes matches xx:15:00.
struct ScheduleIntervalSpec {
  /// every is the period; required, positive.
  std::chrono::milliseconds every{0};
  /// offset shifts the times within the period (the proto's `phase`).
  std::chrono::milliseconds offset{0};
};

/// ScheduleSpec is the set of times a schedule acts at: the union of its
/// calendars, intervals and cron expressions, minus the times `skip` matches,
/// within [start_at, end_at].
///
/// The server compiles cron expressions into calendars (and intervals for
/// "@every"), so a described spec has `calendars` and `intervals` but no
/// `cron_expressions`.
struct ScheduleSpec {
  /// calendars are calendar-based times.
  std::vector<ScheduleCalendarSpec> calendars;
  /// intervals are fixed periods.
  std::vector<ScheduleIntervalSpec> intervals;
  /// cron_expressions are cron strings of 5, 6 or 7 fields ("0 12 * * MON-FRI"),
  /// or @hourly, @daily, ..., or "@every 10m[/2m]"; "CRON_TZ=<zone> " may lead.
  std::vector<std::string> cron_expressions;
  /// skip lists calendar times not to act at, even when another spec matches them.
  std::vector<ScheduleCalendarSpec> skip;
  /// start_at, when set, skips every time before it.
  std::optional<std::chrono::system_clock::time_point> start_at;
  /// end_at, when set, skips every time after it.
  std::optional<std::chrono::system_clock::time_point> end_at;
  /// jitter delays each action by a random amount up to this (0 = none).
  std::chrono::milliseconds jitter{0};
  /// time_zone_name is the IANA zone calendars and cron strings are read in
  /// ("America/New_York"); empty = UTC.
  std::string time_zone_name;
};

/// ScheduleWorkflowAction is the workflow a schedule starts each time: the
/// same options as StartWorkflowOptions, where they apply to a scheduled run.
struct ScheduleWorkflowAction {
  /// workflow_id is the base id; the server appends the scheduled time
  /// ("<id>-2026-01-01T00:00:00Z"). Empty = a random id.
  std::string workflow_id;
  /// workflow_type is the registered workflow name; required.
  std::string workflow_type;
  /// task_queue is where the workflow's tasks are polled; required.
  std::string task_queue;
  /// args are the workflow's arguments (build them with temporal::ToPayloads).
  std::vector<Payload> args;
  /// execution_timeout bounds each started chain of runs.
  std::optional<std::chrono::milliseconds> execution_timeout;
  /// run_timeout bounds one run.
  std::optional<std::chrono::milliseconds> run_timeout;
  /// task_timeout bounds one workflow task.
  std::optional<std::chrono::milliseconds> task_timeout;
  /// retry_policy, when set, makes the server retry a failed run.
  std::optional<RetryPolicy> retry_policy;
  /// memo is given to each started workflow (codec applied).
  std::map<std::string, Payload> memo;
  /// search_attributes are given to each started workflow (no codec).
  SearchAttributes search_attributes;
};

/// SchedulePolicies governs overlaps, missed actions and failures.
struct SchedulePolicies {
  /// overlap applies to scheduled actions; unspecified = SKIP.
  ScheduleOverlapPolicy overlap = temporal::api::enums::v1::SCHEDULE_OVERLAP_POLICY_UNSPECIFIED;
  /// catchup_window: after an outage, a missed action still runs if it is at
  /// most this late. Unset = the server default (one year); at least 10 s.
  std::optional<std::chrono::milliseconds> catchup_window;
  /// pause_on_failure pauses the schedule when a run fails or times out (after
  /// its retries).
  bool pause_on_failure = false;
};

/// ScheduleState is whether the schedule acts, and why not.
struct ScheduleState {
  /// note tells people why the schedule is (un)paused.
  std::string note;
  /// paused stops scheduled actions; Trigger and Backfill still act.
  bool paused = false;
  /// limited_actions makes the schedule stop after `remaining_actions`.
  bool limited_actions = false;
  /// remaining_actions counts the actions left when `limited_actions`.
  std::int64_t remaining_actions = 0;
};

/// Schedule is the whole definition: when, what, how, and its state.
struct Schedule {
  /// spec is when the schedule acts.
  ScheduleSpec spec;
  /// action is the workflow it starts.
  ScheduleWorkflowAction action;
  /// policies govern overlaps, catch-up and failures.
  SchedulePolicies policies;
  /// state is paused or not, with a note.
  ScheduleState state;
};

/// ScheduleBackfill asks for the actions a schedule would have taken between
/// `start` and `end` (inclusive), as if it had been running then.
struct ScheduleBackfill {
  /// start is the beginning of the range.
  std::chrono::system_clock::time_point start;
  /// end is the end of the range.
  std::chrono::system_clock::time_point end;
  /// overlap applies to the backfilled actions; unspecified = the schedule's policy.
  ScheduleOverlapPolicy overlap = temporal::api::enums::v1::SCHEDULE_OVERLAP_POLICY_UNSPECIFIED;
};

/// ScheduleOptions configures Client::CreateSchedule. `id`, the action's
/// `workflow_type` and `task_queue`, and at least one spec are required.
struct ScheduleOptions {
  /// id names the schedule in its namespace; a second schedule with the same
  /// id is refused with kAlreadyExists.
  std::string id;
  /// schedule is the definition (spec, action, policies, initial state). To
  /// create it paused, set `schedule.state.paused` and a `note`.
  Schedule schedule;
  /// trigger_immediately takes one action right after creation (with the
  /// schedule's overlap policy).
  bool trigger_immediately = false;
  /// backfills run at creation, as ScheduleHandle::Backfill would.
  std::vector<ScheduleBackfill> backfills;
  /// memo is attached to the schedule itself (codec applied).
  std::map<std::string, Payload> memo;
  /// search_attributes are attached to the schedule itself, for ListSchedules queries.
  SearchAttributes search_attributes;
  /// request_id deduplicates retried create requests; generated when empty.
  std::string request_id;
};

}  // namespace temporal
