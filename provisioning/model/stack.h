// provisioning/model/stack.h: the Stack entity's messages and state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

/// ApplyFinished tells the stack a turn is over.
struct ApplyFinished {
  std::int64_t ticket = 0;
  bool succeeded = false;
  std::string plan_hash;
  std::string template_hash;
};
TEMPORAL_JSON_STRUCT(ApplyFinished, (ticket, "ticket"), (succeeded, "succeeded"),
                     (plan_hash, "planHash"), (template_hash, "templateHash"))

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
  /// generation counts the runs of this entity (continue-as-new adds one).
  std::int64_t generation = 1;
  /// applies_per_run overrides kStackAppliesPerRun (tests, small histories).
  std::optional<std::int32_t> applies_per_run;
};
TEMPORAL_JSON_STRUCT(StackState, (stack, "stack"), (template_name, "template"), (queue, "queue"),
                     (holder, "holder"), (next_ticket, "nextTicket"), (applies, "applies"),
                     (last_good_plan_hash, "lastGoodPlanHash"), (template_hash, "templateHash"),
                     (generation, "generation"), (applies_per_run, "appliesPerRun"))

}  // namespace provisio::model
