// api/handlers/signed_update.h: sending a workflow an update that carries a
// decision the API signed (Authorize, Intervene, a stack's BreakLock), and
// turning the validator's refusal into a problem.
//
// The API has signed the user in and read their roles; it signs the decision
// with the key the provisioning worker verifies with
// (approval/approval_signature.h), so that no other client of Temporal can
// claim someone's identity. The validator checks everything again.
#pragma once

#include <string>

#include "model/provision_request.h"
#include "platform/services.h"
#include "routes/endpoint.h"
#include "temporal/error.h"

namespace provisio::api::handlers {

/// NewDecision is a decision by `user` (with the roles read at this request)
/// on `workflow_id`, valid for the configured decision lifetime; Sign it
/// once its other fields are set.
model::SignedDecision NewDecision(const Services& services, const SignedInUser& user,
                                  const std::string& workflow_id, const std::string& decision,
                                  const std::string& plan_hash);

/// SignAndSend signs `decision` and sends it as update `update_name` with
/// `update_id` (a retried POST with the same id gets the first outcome),
/// waiting until the update completes. Blocking: call it with RunBlocking.
temporal::Result<std::string> SignAndSend(Services& services, model::SignedDecision decision,
                                          const std::string& update_name,
                                          const std::string& update_id);

/// RefusalMessage is the validator's own message of a refused update.
std::string RefusalMessage(const temporal::Error& error);

/// UpdateProblem answers a failed update: the validator's refusal as 403
/// (`refused_slug`) when it is about who decides (not signed by the
/// platform, expired, the requester, a missing role), else 409; a workflow
/// that is gone as `not_found`; anything else as 503.
Problem UpdateProblem(const RequestContext& context, const temporal::Error& error,
                      const std::string& refused_slug, const Problem& not_found);

}  // namespace provisio::api::handlers
