// api/handlers/stack_reader.h: stacks as the API shows them. A stack is the
// Stack entity workflow "stack/<name>" (docs/provisioning.md, "The Stack
// entity"); who may read it follows from the requests made on it, which the
// visibility store finds by ProvisioStack. Blocking calls: RunBlocking.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/application_view.h"
#include "model/stack.h"
#include "platform/services.h"
#include "routes/endpoint.h"
#include "temporal/client/workflow_description.h"

namespace provisio::api::handlers {

/// IsStackName: the names ValidateRequest gives stacks (an application's).
bool IsStackName(const std::string& name);

/// VisibleRequests lists, newest first, the requests matching the
/// visibility clause `clause` that `user` may read (those found only through
/// a role are checked against the request's recorded policy), reading at
/// most `limit` executions.
temporal::Result<std::vector<temporal::WorkflowExecutionSummary>> VisibleRequests(
    Services& services, const SignedInUser& user, const std::string& clause, int limit);

/// ReadStack queries the entity of `name` (GetStack); kNotFound when it does
/// not exist (no request on it reached its turn).
temporal::Result<model::StackState> ReadStack(Services& services, const std::string& name);

struct TicketView {
  std::string request_id;
  std::string plan_hash;
  std::int64_t ticket = 0;
};
BOOST_DESCRIBE_STRUCT(TicketView, (), (request_id, plan_hash, ticket))

struct DriftView {
  std::string checked_at;
  bool drifted = false;
  std::vector<ResourceChangeView> resources;
};
BOOST_DESCRIBE_STRUCT(DriftView, (), (checked_at, drifted, resources))

struct StackView {
  static constexpr std::string_view kDescription =
      "A stack: its Stack entity's state (GetStack) and the requests on it you may read.";
  std::string name;
  std::string template_;
  std::optional<TicketView> holder;
  std::vector<TicketView> queue;
  std::optional<std::string> last_good_plan_hash;
  std::optional<std::string> template_hash;
  std::optional<std::string> owner;
  std::int64_t lock_breaks = 0;
  std::optional<DriftView> drift;
  bool drift_schedule = false;
  std::int64_t drift_interval_seconds = 0;
  std::optional<std::string> expires_at;
  bool destroyed = false;
  std::int64_t generation = 1;
  std::vector<std::string> requests;
  static void Rules(json::FieldRules& rules) {
    rules["holder"].description = "The request holding the stack's lock (applying now).";
    rules["queue"].description = "Requests waiting for their turn, in order.";
    rules["lastGoodPlanHash"].description = "The plan of the last apply that succeeded.";
    rules["owner"].description = "The requester of the last good apply.";
    rules["lockBreaks"].description = "Locks an admin broke.";
    rules["drift"].description = "The last drift check's finding (nothing is changed back).";
    rules["expiresAt"].description = "When the stack is destroyed unless extended.";
    rules["requests"].description = "The requests on this stack you may read, newest first.";
  }
};
BOOST_DESCRIBE_STRUCT(StackView, (),
                      (name, template_, holder, queue, last_good_plan_hash, template_hash, owner,
                       lock_breaks, drift, drift_schedule, drift_interval_seconds, expires_at,
                       destroyed, generation, requests))

/// MakeStackView shows the entity's state.
StackView MakeStackView(const model::StackState& state);

}  // namespace provisio::api::handlers
