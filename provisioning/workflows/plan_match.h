// provisioning/workflows/plan_match.h: whether a fresh plan only finishes an
// approved one.
//
// After an apply stopped partway (a crash, or an operator's retry of a
// failed resource), the saved plan is stale and the stack must be planned
// again. The approval still covers that fresh plan when it does nothing the
// approved plan did not: every change in it is one of the approved plan's,
// for the same address, with the same actions and the same known values. A
// value known only after apply, or masked as sensitive, matches anything.
//
// One change of actions is covered: replacing a tainted object where the
// approved plan creates it. An apply stopped while it created an object (a
// provisioner interrupted, or failed) leaves it in state tainted; the stack's
// lock kept every other apply out, so that object is this request's own
// half-made one, and replacing it finishes the approved create. The runner
// applies the same rule after a crash (workers/opentofu/src/plan-match.ts).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/provision_request.h"

namespace provisio::workflows {

/// PlanMismatch returns nothing when every change of `fresh` is covered by
/// `approved`, else why not (naming the address and what differs).
std::optional<std::string> PlanMismatch(const std::vector<model::ResourceChange>& approved,
                                        const std::vector<model::ResourceChange>& fresh);

}  // namespace provisio::workflows
