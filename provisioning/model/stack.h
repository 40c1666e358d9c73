// provisioning/model/stack.h: the Stack entity's messages and state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/provision_request.h"
#include "temporal/converter/json_struct.h"

namespace provisio::model {

/// ApplyTicket is one request's place in a stack's queue.
struct ApplyTicket {
  std::string request_id;
  std::string plan_hash;
  std::int64_t ticket = 0;
};
TEMPORAL_JSON_STRUCT(ApplyTicket, (request_id, "requestId"), (plan_hash, "planHash"),
                     (ticket, "ticket"))

/// EnqueueApplyInput asks a stack for a turn to apply `plan_hash`.
struct EnqueueApplyInput {
  std::string stack;
  std::string template_name;
  std::string request_id;
  std::string plan_hash;
};
TEMPORAL_JSON_STRUCT(EnqueueApplyInput, (stack, "stack"), (template_name, "template"),
                     (request_id, "requestId"), (plan_hash, "planHash"))

/// EnqueueApplyResult is the request's ticket and how many are ahead of it
/// (0: its turn comes next, or has come).
struct EnqueueApplyResult {
  std::int64_t ticket = 0;
  std::int32_t position = 0;
};
TEMPORAL_JSON_STRUCT(EnqueueApplyResult, (ticket, "ticket"), (position, "position"))

/// ApplyTurn tells a request its turn has come, with what the stack last
/// applied successfully: the configuration a rollback re-applies.
struct ApplyTurn {
  std::int64_t ticket = 0;
  std::optional<StackInputs> last_good;
};
TEMPORAL_JSON_STRUCT(ApplyTurn, (ticket, "ticket"), (last_good, "lastGood"))

/// ApplyFinished tells the stack a turn is over. `inputs` is the
/// configuration the stack now has when `succeeded` (or after a rollback,
/// the last good one again); `destroyed` says the stack is gone.
struct ApplyFinished {
  std::int64_t ticket = 0;
  bool succeeded = false;
  std::string plan_hash;
  std::string template_hash;
  std::optional<StackInputs> inputs;
  std::optional<bool> destroyed;
  /// requester, ttl_seconds and drift_interval_seconds come with a
  /// successful apply: who owns the stack now, its time to live (none: it
  /// lives until destroyed), and how often drift is checked.
  std::optional<std::string> requester;
  std::optional<std::int64_t> ttl_seconds;
  std::optional<std::int64_t> drift_interval_seconds;
};
TEMPORAL_JSON_STRUCT(ApplyFinished, (ticket, "ticket"), (succeeded, "succeeded"),
                     (plan_hash, "planHash"), (template_hash, "templateHash"), (inputs, "inputs"),
                     (destroyed, "destroyed"), (requester, "requester"),
                     (ttl_seconds, "ttlSeconds"), (drift_interval_seconds, "driftIntervalSeconds"))

/// DriftResult is the runner's drift check (a refresh-only plan).
struct DriftResult {
  bool drifted = false;
  std::vector<ResourceChange> resources;
  std::string run_id;
};
TEMPORAL_JSON_STRUCT(DriftResult, (drifted, "drifted"), (resources, "resources"), (run_id, "runId"))

/// DriftStatus is what the stack's last drift check found: the resources
/// and attributes changed outside OpenTofu. Nothing is changed back:
/// reconciling is a new request.
struct DriftStatus {
  std::string checked_at;  // RFC 3339, workflow time
  bool drifted = false;
  std::vector<ResourceChange> resources;
  std::string run_id;
};
TEMPORAL_JSON_STRUCT(DriftStatus, (checked_at, "checkedAt"), (drifted, "drifted"),
                     (resources, "resources"), (run_id, "runId"))

/// DriftScheduleInput names a stack's drift schedule ("drift/<stack>").
struct DriftScheduleInput {
  std::string stack;
  /// task_queue is where the schedule starts DetectDrift (the entity's own).
  std::string task_queue;
  std::int64_t interval_seconds = 3600;
};
TEMPORAL_JSON_STRUCT(DriftScheduleInput, (stack, "stack"), (task_queue, "taskQueue"),
                     (interval_seconds, "intervalSeconds"))

/// StackState is the entity's state: its GetStack answer, and what it
/// carries over when it continues as new.
struct StackState {
  std::string stack;
  std::string template_name;
  std::vector<ApplyTicket> queue;
  std::optional<ApplyTicket> holder;
  std::int64_t next_ticket = 1;
  /// applies counts the turns this run has given (continue-as-new resets it).
  std::int64_t applies = 0;
  /// last_good_plan_hash / template_hash: of the last apply that succeeded.
  std::optional<std::string> last_good_plan_hash;
  std::optional<std::string> template_hash;
  /// last_good is the configuration of the last apply that succeeded: what a
  /// rollback re-applies.
  std::optional<StackInputs> last_good;
  /// lock_breaks counts the locks an admin broke (each one audited).
  std::int64_t lock_breaks = 0;
  /// owner is the requester of the last good apply (expiry reminders).
  std::optional<std::string> owner;
  /// drift is the last drift check's finding; drift_schedule whether the
  /// stack's drift schedule exists; drift_interval_seconds its interval.
  std::optional<DriftStatus> drift;
  bool drift_schedule = false;
  std::int64_t drift_interval_seconds = 3600;
  /// expires_at_unix: when the stack is destroyed, unless extended;
  /// reminded: the 80% reminder was sent; ttl_seconds: the granted life.
  std::optional<std::int64_t> expires_at_unix;
  std::optional<std::int64_t> ttl_seconds;
  bool reminded = false;
  /// destroyed: the stack's resources were destroyed (expiry, rollback).
  bool destroyed = false;
  /// generation counts the runs of this entity (continue-as-new adds one).
  std::int64_t generation = 1;
  /// applies_per_run overrides kStackAppliesPerRun (tests, small histories).
  std::optional<std::int32_t> applies_per_run;
};
TEMPORAL_JSON_STRUCT(StackState, (stack, "stack"), (template_name, "template"), (queue, "queue"),
                     (holder, "holder"), (next_ticket, "nextTicket"), (applies, "applies"),
                     (last_good_plan_hash, "lastGoodPlanHash"), (template_hash, "templateHash"),
                     (last_good, "lastGood"), (lock_breaks, "lockBreaks"), (owner, "owner"),
                     (drift, "drift"), (drift_schedule, "driftSchedule"),
                     (drift_interval_seconds, "driftIntervalSeconds"),
                     (expires_at_unix, "expiresAtUnix"), (ttl_seconds, "ttlSeconds"),
                     (reminded, "reminded"), (destroyed, "destroyed"), (generation, "generation"),
                     (applies_per_run, "appliesPerRun"))

}  // namespace provisio::model
