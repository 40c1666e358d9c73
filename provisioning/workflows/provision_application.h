// provisioning/workflows/provision_application.h: one request for resources,
// from validation to provisioned outputs (docs/provisioning.md).
//
//   VALIDATING → PLANNING → AWAITING_AUTHORIZATION → QUEUED → PROVISIONING → PROVISIONED
//                     ↑            ├→ REJECTED (fails ApplicationNotApproved)
//                     │            └→ AUTHORIZATION_TIMED_OUT (fails AuthorizationTimedOut)
//                     └──── stale plan (another apply came first): plan and ask again
//   PROVISIONING, apply failed for good → by the request's failure policy:
//     rollback  → ROLLED_BACK (fails RolledBack): the last good configuration again
//     intervene → NEEDS_INTERVENTION → an operator's retry / exclude (→ PROVISIONING),
//                 rollback (→ ROLLED_BACK) or abort (→ FAILED, Aborted)
//   any step → FAILED (the cause in the state) or CANCELLED (after destroying
//   what the request created)
//
// Messages: query GetState → RequestState; update PreviewPlan {region,
// profile} → Plan (re-plans for that choice); update Authorize
// SignedDecision → "recorded", whose validator refuses, before anything
// reaches history, a decision that is not signed by the platform, has
// expired, comes from the requester, from someone outside the policy's roles
// or who decided already, names a plan that is not the current one (or
// another region/profile than it was planned for), or approves deleting or
// replacing a stateful resource without confirm_stateful_changes; update
// Intervene SignedDecision {retry|exclude|rollback|abort} from an operator
// while NEEDS_INTERVENTION; signal AuthorizationReceivedResponse (the
// reference demo's), applied through Authorize's checks only when
// ProvisionSettings::accept_demo_signal, else logged and audited.
//
// A retry or exclude plans afresh; the approval covers that plan only if its
// every change is one of the approved plan's (plan_match.h), else the
// authorizers are asked again.
#pragma once

#include <string>

#include "model/provision_request.h"
#include "temporal/workflow/workflow.h"
#include "workflows/activity_options.h"
#include "workflows/stack.h"

namespace provisio::workflows {

/// kTaskQueue is where the provisioning workflows and activities run.
inline constexpr char kTaskQueue[] = "provisio";

/// ProvisionSettings is deployment configuration the workflow needs.
struct ProvisionSettings {
  /// approval_key is the HMAC key the API signs decisions with. Only the
  /// Authorize validator reads it, and validators never run on replay, so
  /// rotating it does not break running workflows.
  std::string approval_key;
  /// accept_demo_signal turns on the reference demo's signal
  /// AuthorizationReceivedResponse (off by default).
  bool accept_demo_signal = false;
};

/// ProvisionApplication runs one request; the workflow id is the application id.
temporal::workflow::Task<model::ProvisionResult> ProvisionApplication(
    const ProvisionSettings& settings, model::ProvisionRequest request);

/// RegisterProvisioningWorkflows registers ProvisionApplication on a worker
/// or a replayer. `settings` must outlive it.
template <typename Registry>
void RegisterProvisioningWorkflows(Registry& registry, const ProvisionSettings& settings) {
  registry.RegisterWorkflow("ProvisionApplication", [&settings](model::ProvisionRequest request) {
    return ProvisionApplication(settings, std::move(request));
  });
  registry.RegisterWorkflow("Stack", [&settings](model::StackState state) {
    return Stack(settings.approval_key, std::move(state));
  });
  registry.RegisterWorkflow("DetectDrift", DetectDrift);
}

}  // namespace provisio::workflows
