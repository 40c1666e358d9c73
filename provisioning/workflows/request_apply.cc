// The apply: the stack's turn, then the approved plan, and what happens when
// it cannot be applied: a stale plan goes back to the authorizers; a failure
// for good follows the request's failure policy (saga rollback, or an
// operator's intervention: retry, exclude, rollback, abort).
#include <algorithm>

#include "workflows/plan_match.h"
#include "workflows/request_run.h"

namespace provisio::workflows::request {
namespace {

// The failed resource's address, from the runner's diagnostics (the
// failure's details: [{diagnostics: [{address, ...}]}]).
std::string FailedResource(const wf::FailureError& error) {
  const auto cause = error.failure().cause();
  if (!cause || cause->details_count() == 0) return "";
  auto details = cause->Details<nlohmann::json>(0);
  if (!details || !details->contains("diagnostics")) return "";
  for (const nlohmann::json& diagnostic : (*details)["diagnostics"])
    if (diagnostic.contains("address") && diagnostic["address"].is_string())
      return diagnostic["address"].get<std::string>();
  return "";
}

// A cancelled activity fails with a canceled cause: the request was
// cancelled, which the run handles as such, never as a failed apply.
bool IsCancellation(const wf::FailureError& error) {
  const auto cause = error.failure().cause();
  return cause && cause->kind() == temporal::FailureKind::kCanceled;
}

std::string FailureType(const wf::FailureError& error) {
  const auto cause = error.failure().cause();
  return cause ? cause->application_type() : error.failure().application_type();
}

}  // namespace

wf::Task<std::optional<model::ProvisionResult>> Request::Provision() {
  // The stack's entity serializes applies: wait for this request's turn.
  wf::SetSignalHandler("ApplyTurn", [this](model::ApplyTurn turn) { turn_ = turn; });
  co_await Record("QUEUED");
  model::EnqueueApplyInput enqueue{validated_.stack, request_.template_name, state_.application_id,
                                   approved_->hash};
  const model::EnqueueApplyResult ticket = co_await wf::ExecuteActivity<model::EnqueueApplyResult>(
      "EnqueueApply", PlatformActivity(), enqueue);
  co_await wf::WaitCondition([this, &ticket] { return turn_ && turn_->ticket == ticket.ticket; });

  apply_started_ = true;
  co_await Record("PROVISIONING");
  ApplyEnd end = ApplyEnd::kFailed;
  std::exception_ptr failure;
  try {
    end = co_await ApplyWithRecovery();
  } catch (...) {
    failure = std::current_exception();  // cancelled, or a rollback that failed
  }
  // The turn ends whatever happened, even when the request was cancelled (a
  // detached scope): the next request on the stack goes on.
  model::ApplyFinished finished;
  finished.ticket = ticket.ticket;
  finished.succeeded = end == ApplyEnd::kApplied;
  finished.plan_hash = plan_->hash;
  finished.template_hash = plan_->template_hash;
  const bool destroying = request_.destroy.value_or(false);
  if (end == ApplyEnd::kApplied && destroying) {
    finished.destroyed = true;
    stack_destroyed_ = true;
  } else if (end == ApplyEnd::kApplied) {
    finished.inputs = Inputs();
    finished.requester = request_.requester;
    finished.ttl_seconds = validated_.ttl_seconds;
    finished.drift_interval_seconds = validated_.drift_interval_seconds;
  }
  if (end == ApplyEnd::kRolledBack) {
    finished.inputs = turn_->last_good;
    finished.destroyed = stack_destroyed_;
  }
  co_await wf::CancellationScope::Detached().RunOperation([&] {
    return wf::SignalExternalWorkflow(StackWorkflowId(validated_.stack), "", "ApplyFinished",
                                      finished);
  });
  turn_.reset();
  if (failure) {
    std::string cause = failure_cause_;
    try {
      std::rethrow_exception(failure);
    } catch (const wf::FailureError& error) {
      cause = CauseOf(error);
    } catch (const temporal::CanceledFailure&) {
      throw;
    } catch (...) {
    }
    co_await Fail("FAILED", cause);
    std::rethrow_exception(failure);
  }
  switch (end) {
    case ApplyEnd::kApplied:
      break;
    case ApplyEnd::kStale:
      co_return std::nullopt;
    case ApplyEnd::kRolledBack:
      co_await Fail("ROLLED_BACK", failure_cause_);
      throw temporal::ApplicationFailure("the apply failed and was rolled back: " + failure_cause_,
                                         "RolledBack", true);
    case ApplyEnd::kAborted:
      co_await Fail("FAILED", "aborted by an operator after: " + failure_cause_);
      throw temporal::ApplicationFailure("aborted by an operator", "Aborted", true);
    case ApplyEnd::kFailed:
      co_await Fail("FAILED", failure_cause_);
      throw temporal::ApplicationFailure(failure_cause_, "ApplyFailed", true);
  }
  if (destroying) {
    co_await AuditEvent(request_.requester, "destroy", std::string("a destroy request"),
                        nlohmann::json{{"approvals", state_.approvals.size()}});
    state_.intervention.reset();
    state_.error.reset();
    co_await Record("DESTROYED");
    co_return model::ProvisionResult{validated_.stack, plan_->hash, plan_->template_hash, {}};
  }
  model::OutputsInput which{validated_.stack, request_.template_name};
  model::OutputsResult outputs =
      co_await wf::ExecuteActivity<model::OutputsResult>("outputs", RunnerActivity(), which);
  for (const auto& [name, output] : outputs.outputs)
    state_.outputs[name] =
        output.sensitive ? nlohmann::json("(sensitive)") : output.value.value_or(nlohmann::json());
  state_.intervention.reset();
  state_.error.reset();
  co_await Record("PROVISIONED");
  co_return model::ProvisionResult{validated_.stack, plan_->hash, plan_->template_hash,
                                   outputs.outputs};
}

wf::Task<ApplyEnd> Request::ApplyWithRecovery() {
  const int attempts =
      request_.failure_policy ? request_.failure_policy->apply_attempts.value_or(5) : 5;
  const std::string policy =
      request_.failure_policy ? request_.failure_policy->on_failure : "intervene";
  std::string hash = approved_->hash;
  while (true) {
    std::string type;
    std::string resource;
    try {
      model::ApplyResult applied = co_await wf::ExecuteActivity<model::ApplyResult>(
          "apply", RunnerActivity(attempts), model::ApplyInput{hash});
      if (applied.resumed_with_plan) {
        // A crash left the plan half applied; the runner finished it from a
        // fresh plan whose every change matched the approved one.
        co_await AuditEvent("provisio", "resume-approved-plan", std::nullopt,
                            nlohmann::json{{"approvedPlan", approved_->hash},
                                           {"appliedPlan", *applied.resumed_with_plan}});
      }
      co_return ApplyEnd::kApplied;
    } catch (const wf::FailureError& error) {
      if (IsCancellation(error)) throw temporal::CanceledFailure("the request was cancelled");
      type = FailureType(error);
      failure_cause_ = CauseOf(error);
      resource = FailedResource(error);
    }
    if (type == "StalePlan") {
      stale_reason_ = failure_cause_;
      co_return ApplyEnd::kStale;
    }
    co_await AuditEvent("provisio", "apply-failed", failure_cause_,
                        nlohmann::json{{"resource", resource}, {"type", type}});
    if (policy == "rollback") {
      co_await Rollback();
      co_return ApplyEnd::kRolledBack;
    }
    const ApplyEnd chosen = co_await Intervene(resource, failure_cause_);
    if (chosen != ApplyEnd::kApplied) co_return chosen;
    hash = plan_->hash;  // the operator's retry or exclude planned afresh
  }
}

wf::Task<ApplyEnd> Request::Intervene(const std::string& resource, const std::string& error) {
  model::Intervention waiting;
  waiting.resource = resource;
  waiting.error = error;
  waiting.since = Rfc3339(wf::Now());
  waiting.choices = {"retry"};
  if (!resource.empty()) waiting.choices.push_back("exclude");
  waiting.choices.insert(waiting.choices.end(), {"rollback", "abort"});
  state_.intervention = waiting;
  state_.error = error;
  intervention_.reset();
  model::NotifyInput notify;
  notify.notification_id =
      state_.application_id + "/intervention/" + std::to_string(state_.version + 1);
  notify.roles = kOperatorRoles;
  notify.kind = "intervention_needed";
  notify.workflow_id = state_.application_id;
  notify.subject = "the apply of \"" + request_.application + "\" failed" +
                   (resource.empty() ? "" : " at " + resource) + " and needs an operator";
  notify.body = nlohmann::json{{"resource", resource}, {"error", error}};
  co_await Notify(notify);
  co_await Record("NEEDS_INTERVENTION");
  co_await wf::WaitCondition(
      [this] { return intervention_.has_value() && wf::AllHandlersFinished(); });
  const model::SignedDecision choice = *intervention_;
  state_.intervention.reset();
  co_await Record("PROVISIONING");

  if (choice.decision == "abort") co_return ApplyEnd::kAborted;
  if (choice.decision == "rollback") {
    co_await Rollback();
    co_return ApplyEnd::kRolledBack;
  }
  // retry or exclude: plan afresh (the failed apply made the plan stale).
  std::optional<std::string> mismatch;
  bool planned = false;
  try {
    model::StackInputs inputs = Inputs();
    if (choice.decision == "exclude")
      inputs.exclude = std::vector<std::string>{choice.resource.value_or(resource)};
    plan_ = co_await wf::ExecuteActivity<model::Plan>("plan", RunnerActivity(), inputs);
    state_.plan_hash = plan_->hash;
    state_.plan_summary = plan_->summary;
    // The approval covers the fresh plan only if it does nothing the approved
    // plan did not; otherwise the authorizers are asked again.
    mismatch = PlanMismatch(approved_->summary, plan_->summary);
    planned = true;
  } catch (const wf::FailureError& failed) {
    if (IsCancellation(failed)) throw temporal::CanceledFailure("the request was cancelled");
    failure_cause_ = CauseOf(failed);
  }
  // The plan itself failed: back to the operator, with that error.
  if (!planned) co_return co_await Intervene(resource, failure_cause_);
  if (mismatch) {
    stale_reason_ = *mismatch;
    co_await AuditEvent("provisio", "replan-needs-approval", *mismatch,
                        nlohmann::json{{"planHash", plan_->hash}});
    co_return ApplyEnd::kStale;
  }
  co_await AuditEvent("provisio", "resume-approved-plan", std::nullopt,
                      nlohmann::json{{"approvedPlan", approved_->hash},
                                     {"appliedPlan", plan_->hash},
                                     {"intervention", choice.decision}});
  co_return ApplyEnd::kApplied;
}

wf::Task<void> Request::Rollback() {
  // The saga's compensation: the stack's last good configuration again,
  // which destroys what this apply created and restores what it changed; a
  // stack with no good configuration yet is destroyed.
  if (turn_ && turn_->last_good) {
    model::Plan restore =
        co_await wf::ExecuteActivity<model::Plan>("plan", RunnerActivity(), *turn_->last_good);
    co_await wf::ExecuteActivity<model::ApplyResult>("apply", RunnerActivity(),
                                                     model::ApplyInput{restore.hash});
    stack_destroyed_ = false;
  } else {
    co_await wf::ExecuteActivity<nlohmann::json>("destroy", RunnerActivity(), Inputs());
    stack_destroyed_ = true;
  }
  co_await AuditEvent("provisio", "rollback", failure_cause_,
                      nlohmann::json{{"destroyed", stack_destroyed_}});
}

void Request::CheckIntervention(const model::SignedDecision& decision) const {
  VerifySigned(decision);
  if (state_.status != "NEEDS_INTERVENTION" || !state_.intervention)
    Refuse("the request is " + state_.status + ", not waiting for an operator");
  static const std::vector<std::string> kChoices = {"retry", "exclude", "rollback", "abort"};
  if (std::find(kChoices.begin(), kChoices.end(), decision.decision) == kChoices.end())
    Refuse("an intervention is exactly one of retry, exclude, rollback or abort, not \"" +
           decision.decision + "\" (changing properties is a new request)");
  const bool operator_role =
      std::any_of(decision.roles.begin(), decision.roles.end(), [](const std::string& role) {
        return std::find(kOperatorRoles.begin(), kOperatorRoles.end(), role) !=
               kOperatorRoles.end();
      });
  if (!operator_role) Refuse(decision.user + " is not an operator");
  if (!plan_ || decision.plan_hash != plan_->hash)
    Refuse("plan " + decision.plan_hash + " is not the failed plan" +
           (plan_ ? " (" + plan_->hash + ")" : std::string()));
  if (decision.decision == "exclude" &&
      decision.resource.value_or(state_.intervention->resource).empty())
    Refuse("exclude needs the resource to leave out");
}

}  // namespace provisio::workflows::request
