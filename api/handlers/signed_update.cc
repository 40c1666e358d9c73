#include "handlers/signed_update.h"

#include <spdlog/spdlog.h>

#include "approval/approval_signature.h"
#include "temporal/client/client.h"
#include "temporal/failure.h"

namespace provisio::api::handlers {
namespace {

// The validators' refusals that are about who decides, not about the
// workflow's state (provisioning/workflows: request_authorization.cc,
// request_apply.cc, stack.cc).
bool IsAboutWhoDecides(const std::string& message) {
  for (const char* phrase :
       {"may not decide", "holds none of the roles", "not signed by the platform",
        "signed for request", "has expired", "is not an operator", "is not an admin",
        "neither owns", "is not a named authorizer"})
    if (message.find(phrase) != std::string::npos) return true;
  return false;
}

}  // namespace

model::SignedDecision NewDecision(const Services& services, const SignedInUser& user,
                                  const std::string& workflow_id, const std::string& decision,
                                  const std::string& plan_hash) {
  model::SignedDecision signed_decision;
  signed_decision.workflow_id = workflow_id;
  signed_decision.user = user.id();
  signed_decision.roles = user.record.roles;
  signed_decision.decision = decision;
  signed_decision.plan_hash = plan_hash;
  signed_decision.expires_at_unix =
      std::chrono::duration_cast<std::chrono::seconds>(
          (std::chrono::system_clock::now() + services.config.decision_lifetime).time_since_epoch())
          .count();
  return signed_decision;
}

temporal::Result<std::string> SignAndSend(Services& services, model::SignedDecision decision,
                                          const std::string& update_name,
                                          const std::string& update_id) {
  approval::Sign(decision, services.config.approval_key);
  temporal::UpdateOptions options;
  options.update_id = update_id;
  options.wait_for_stage =
      temporal::api::enums::v1::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  auto handle =
      services.temporal.GetHandle(decision.workflow_id).StartUpdate(options, update_name, decision);
  if (!handle) return handle.error();
  return handle->GetResult<std::string>();
}

std::string RefusalMessage(const temporal::Error& error) {
  // The validator's ApplicationFailure message, not the wrapper's.
  if (const temporal::Failure* failure = error.failure()) {
    if (!failure->message().empty()) return failure->message();
  }
  return error.message();
}

Problem UpdateProblem(const RequestContext& context, const temporal::Error& error,
                      const std::string& refused_slug, const Problem& not_found) {
  if (error.code() == temporal::ErrorCode::kUpdateFailed) {
    const std::string message = RefusalMessage(error);
    if (IsAboutWhoDecides(message))
      return Problem::Forbidden(refused_slug, "the workflow refused: " + message);
    return Problem::Conflict("the workflow refused: " + message);
  }
  if (error.code() == temporal::ErrorCode::kNotFound) return not_found;
  spdlog::error("request {}: update: {}", context.info.request_id, error.ToString());
  return Problem::Unavailable("Temporal did not deliver the update (" + error.message() +
                              "); try again");
}

}  // namespace provisio::api::handlers
