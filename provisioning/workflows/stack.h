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
// Query: GetStack → StackState.
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

/// Stack runs the entity; `state` is what the previous run carried over (or
/// a fresh state naming the stack).
temporal::workflow::Task<void> Stack(model::StackState state);

}  // namespace provisio::workflows
