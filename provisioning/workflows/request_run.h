// provisioning/workflows/request_run.h: the state and steps of one
// ProvisionApplication run (private to the workflows; the entry point is
// provision_application.h). Split by concern:
//
//   request_run.cc            the run's main line, state records, audit
//   request_authorization.cc  plans, PreviewPlan, Authorize, the demo signal
//   request_apply.cc          the stack's turn, the apply and its recovery
//                             (stale plan, saga rollback, interventions)
//   request_fanout.cc         several regions: one child run per region
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "model/provision_request.h"
#include "model/stack.h"
#include "temporal/workflow/local_activity.h"
#include "temporal/workflow/workflow.h"
#include "workflows/activity_options.h"
#include "workflows/provision_application.h"
#include "workflows/workflow_time.h"

namespace provisio::workflows::request {

namespace wf = temporal::workflow;

/// The roles that may intervene on a failed apply.
inline const std::vector<std::string> kOperatorRoles = {"operator", "admin"};

/// CauseOf is the message of a failure's cause (the activity's own error).
std::string CauseOf(const wf::FailureError& error);
/// Refuse throws the validators' non-retryable refusal.
[[noreturn]] void Refuse(const std::string& why);

/// How a turn at the stack ended.
enum class ApplyEnd { kApplied, kStale, kRolledBack, kAborted, kFailed };

/// Request is one run's state. Owned by a shared_ptr that the GetState query
/// handler holds too: a query of a closed run replays it to its end, after
/// which the workflow function's locals are gone but its handlers are not.
class Request : public std::enable_shared_from_this<Request> {
 public:
  Request(const ProvisionSettings& settings, model::ProvisionRequest request);

  wf::Task<model::ProvisionResult> Run();

 private:
  // request_run.cc
  wf::Task<void> Record(const std::string& status);
  wf::Task<void> AuditEvent(const std::string& actor, const std::string& action,
                            std::optional<std::string> reason, nlohmann::json details);
  wf::Task<void> Fail(const std::string& status, const std::string& error);
  /// Notify writes the inbox rows and posts the webhook (whose failure is
  /// logged, never the request's).
  wf::Task<void> Notify(const model::NotifyInput& input);
  /// FailedIfThrows runs `step`; an activity failure is recorded (FAILED,
  /// with its cause) before it is rethrown.
  wf::Task<void> FailedIfThrows(wf::Task<void> step);
  wf::Task<void> Validate();
  wf::Task<void> Cleanup();

  // request_authorization.cc
  void InstallDecisionHandlers();
  model::StackInputs Inputs() const;
  wf::Task<model::Plan> MakePlan(std::optional<std::string> region,
                                 std::optional<std::string> profile);
  /// PlanAsChosen plans for the region and profile chosen so far.
  wf::Task<void> PlanAsChosen();
  /// AskForDecision plans (unless a plan is current), notifies the
  /// authorizers and waits; returns when approved, throws when rejected or
  /// timed out (after recording it).
  wf::Task<void> AskForDecision();
  void VerifySigned(const model::SignedDecision& decision) const;
  void CheckAuthorize(const model::SignedDecision& decision) const;
  wf::Task<std::string> Decide(model::SignedDecision decision);
  wf::Task<void> OnDemoSignal(model::SignedDecision decision);

  // request_fanout.cc
  /// FanOut runs one child ProvisionApplication per region, in parallel,
  /// and gathers their outputs ("<region>.<output>").
  wf::Task<model::ProvisionResult> FanOut();

  // request_apply.cc
  /// Provision takes the stack's turn and applies the approved plan;
  /// returns the result, or nothing when the plan was stale (ask again).
  wf::Task<std::optional<model::ProvisionResult>> Provision();
  wf::Task<ApplyEnd> ApplyWithRecovery();
  wf::Task<ApplyEnd> Intervene(const std::string& resource, const std::string& error);
  wf::Task<void> Rollback();
  void CheckIntervention(const model::SignedDecision& decision) const;

  const ProvisionSettings& settings_;
  model::ProvisionRequest request_;
  model::ValidatedRequest validated_;
  model::RequestState state_;
  /// plan_ is the current plan; approved_ the one the authorizers approved.
  std::optional<model::Plan> plan_;
  std::optional<model::Plan> approved_;
  std::optional<std::string> region_;
  std::optional<std::string> profile_;
  std::optional<std::string> outcome_;  // "approved" or "rejected"
  std::set<std::string> decided_;
  int approvals_ = 0;
  int audit_seq_ = 0;
  bool apply_started_ = false;
  /// turn_ is this request's turn at the stack, with the stack's last good
  /// configuration.
  std::optional<model::ApplyTurn> turn_;
  /// intervention_ is the operator's signed choice, once made.
  std::optional<model::SignedDecision> intervention_;
  /// stack_destroyed_ is set by a rollback that destroyed the stack.
  bool stack_destroyed_ = false;
  std::string failure_cause_;
  // Why the approved plan may not be applied any more (the runner's StalePlan
  // message, or how a re-plan differs); audited with the new round.
  std::string stale_reason_;
};

}  // namespace provisio::workflows::request
