// provisioning/workflows/stack.h: the Stack entity, one long-lived workflow
// per stack (workflow id "stack/<name>"): it holds the stack's lock and
// serializes the applies of the requests on it.
//
// Workflows cannot send updates, so a request's activity (EnqueueApply)
// calls update-with-start "EnqueueApply" with update id = the request id
// (a retried activity gets the first outcome). The handler only enqueues and
// returns {ticket, position}: the server allows few updates in flight per
// run, so no handler waits for its turn. The entity signals "ApplyTurn"
// {ticket} to the request whose turn it is, and the request signals
// "ApplyFinished" back. A holder that never reports (terminated, timed out)
// loses the lock when its lease runs out, so a stack is never locked forever.
// The entity continues as new when the server suggests it, or after
// kStackAppliesPerRun turns, once its handlers are done, carrying its queue.
//
// Drift: the entity keeps a Temporal schedule "drift/<stack>" while the
// stack exists (created with its first good apply, deleted when destroyed),
// at the template's drift_check_interval. The schedule starts DetectDrift,
// which signals CheckDrift; the entity runs the runner's refresh-only plan
// between turns and records what drifted (resources, attributes) in its
// state and the audit trail. It changes nothing: reconciling is a request.
//
// Expiry: a request with a time to live gives it to the stack with its
// successful apply. The owner gets a reminder at 80% of it; at expiry the
// entity destroys the stack (audited) unless the update ExtendExpiry (signed,
// by the owner or an operator) moved it.
//
// Query: GetStack → StackState. Update BreakLock SignedDecision
// {decision "break-lock", the holder's plan hash} from an admin releases the
// lock at once (audited).
//
// The entity keeps the configuration (StackInputs) of its last good apply and
// hands it to each request with its turn: what a saga rollback re-applies.
#pragma once

#include <chrono>

#include "model/stack.h"
#include "temporal/workflow/workflow.h"

namespace provisio::workflows {

/// kStackAppliesPerRun bounds one run's history: then it continues as new.
inline constexpr int kStackAppliesPerRun = 20;
/// kStackLease bounds how long a holder may keep the lock without reporting.
inline constexpr std::chrono::hours kStackLease{2};

/// StackWorkflowId names the entity of `stack`.
inline std::string StackWorkflowId(const std::string& stack) { return "stack/" + stack; }

/// DetectDrift is what a stack's drift schedule ("drift/<stack>") starts: it
/// signals CheckDrift to the entity, which runs the check between applies.
temporal::workflow::Task<void> DetectDrift(std::string stack);

/// Stack runs the entity; `state` is what the previous run carried over (or
/// a fresh state naming the stack). `approval_key` verifies an admin's signed
/// BreakLock; it must outlive the run.
temporal::workflow::Task<void> Stack(const std::string& approval_key, model::StackState state);

}  // namespace provisio::workflows
