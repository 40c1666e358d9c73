// provisioning/approval/approval_signature.h: decisions the API signs and the
// workflow verifies.
//
// An authorizer's identity cannot be claimed by a client: whoever can send an
// update to a workflow can write any "user" into it. So the API, after it has
// signed the user in and read their roles, signs the decision with HMAC-SHA256
// under a key it shares with the provisioning worker only; the Authorize
// update's validator checks that signature before anything else.
//
// The signed text is the decision's fields in a fixed order, one per line
// (CanonicalText), so both sides compute it the same way whatever JSON
// library serialized the update.
#pragma once

#include <chrono>
#include <string>

#include "model/provision_request.h"
#include "temporal/error.h"

namespace provisio::approval {

/// CanonicalText is the text a decision's signature covers.
std::string CanonicalText(const model::SignedDecision& decision);

/// Sign sets decision.signature under `key` (the API's side; tests use it).
void Sign(model::SignedDecision& decision, const std::string& key);

/// Verify checks the signature under `key`, that the decision is for
/// `workflow_id`, and that it has not expired at `now`. kPermissionDenied
/// naming what is wrong. Compares in constant time.
temporal::Status Verify(const model::SignedDecision& decision, const std::string& key,
                        const std::string& workflow_id, std::chrono::system_clock::time_point now);

}  // namespace provisio::approval
