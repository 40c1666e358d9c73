// Plans and decisions: PreviewPlan, Authorize (validated, signed by the API)
// and the demo's AuthorizationReceivedResponse signal.
#include <algorithm>

#include "approval/approval_signature.h"
#include "workflows/placement.h"
#include "workflows/request_run.h"

namespace provisio::workflows::request {
namespace {

bool HasLineBreak(const model::SignedDecision& decision) {
  const auto broken = [](const std::string& text) { return text.find('\n') != std::string::npos; };
  if (broken(decision.workflow_id) || broken(decision.user) || broken(decision.decision) ||
      broken(decision.plan_hash) || broken(decision.region.value_or("")) ||
      broken(decision.profile.value_or("")) || broken(decision.reason.value_or("")) ||
      broken(decision.resource.value_or("")))
    return true;
  return std::any_of(decision.roles.begin(), decision.roles.end(), broken);
}

std::string NameList(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

}  // namespace

model::StackInputs Request::Inputs() const {
  model::StackInputs inputs;
  inputs.stack = validated_.stack;
  inputs.template_name = request_.template_name;
  inputs.parameters = request_.parameters;
  inputs.region = region_;
  inputs.profile = profile_;
  if (request_.destroy.value_or(false)) inputs.destroy = true;
  return inputs;
}

wf::Task<model::Plan> Request::MakePlan(std::optional<std::string> region,
                                        std::optional<std::string> profile) {
  model::StackInputs inputs = Inputs();
  inputs.region = region;
  inputs.profile = profile;
  model::Plan plan = co_await wf::ExecuteActivity<model::Plan>("plan", RunnerActivity(), inputs);
  plan_ = plan;
  region_ = std::move(region);
  profile_ = std::move(profile);
  state_.plan_hash = plan.hash;
  state_.template_hash = plan.template_hash;
  state_.plan_summary = plan.summary;
  co_return plan;
}

wf::Task<void> Request::PlanAsChosen() { co_await MakePlan(region_, profile_); }

void Request::InstallDecisionHandlers() {
  wf::SetUpdateHandler(
      "PreviewPlan",
      [this](model::PlanChoice choice) -> wf::Task<model::Plan> {
        state_.status = "PLANNING";
        std::exception_ptr failure;
        model::Plan plan;
        try {
          plan = co_await MakePlan(choice.region, choice.profile);
        } catch (...) {
          failure = std::current_exception();
        }
        if (failure) {
          // The old plan stays current; the authorizers may still decide on it.
          state_.status = "AWAITING_AUTHORIZATION";
          std::rethrow_exception(failure);
        }
        decided_.clear();  // a new plan needs new decisions
        approvals_ = 0;
        co_await Record("AWAITING_AUTHORIZATION");
        co_return plan;
      },
      [this](const model::PlanChoice& choice) {
        if (state_.status != "AWAITING_AUTHORIZATION")
          Refuse("the request is " + state_.status + ", not awaiting authorization");
        if (request_.region && choice.region.value_or("") != *request_.region)
          Refuse("the request names region " + *request_.region + "; it cannot be changed");
        if (auto problem = PlacementProblem(validated_.placement, choice.region, choice.profile))
          Refuse(*problem);
      });
  wf::SetUpdateHandler(
      "Authorize", [this](model::SignedDecision decision) { return Decide(std::move(decision)); },
      [this](const model::SignedDecision& decision) { CheckAuthorize(decision); });
  wf::SetUpdateHandler(
      "Intervene",
      [this](model::SignedDecision decision) -> wf::Task<std::string> {
        intervention_ = decision;
        co_await AuditEvent(decision.user, "intervene-" + decision.decision, decision.reason,
                            nlohmann::json{{"resource", decision.resource.value_or("")},
                                           {"roles", decision.roles}});
        co_return std::string("recorded");
      },
      [this](const model::SignedDecision& decision) { CheckIntervention(decision); });
  // The reference demo's signal. Signals cannot be refused before they reach
  // history, so it is off unless the deployment turns it on, and even then
  // goes through Authorize's checks; a refused one is logged and audited.
  wf::SetSignalHandler("AuthorizationReceivedResponse", [this](model::SignedDecision decision) {
    return OnDemoSignal(std::move(decision));
  });
}

wf::Task<void> Request::AskForDecision() {
  ++state_.rounds;
  if (!plan_) {
    co_await Record("PLANNING");
    co_await FailedIfThrows(PlanAsChosen());
  }
  outcome_.reset();
  decided_.clear();
  approvals_ = 0;

  model::NotifyInput notify;
  notify.notification_id =
      state_.application_id + "/authorization/" + std::to_string(state_.rounds);
  // Named authorizers are asked by name; otherwise everyone holding a role.
  if (!request_.approvers)
    notify.roles = validated_.policy.roles;
  else
    notify.users = *request_.approvers;
  if (!validated_.policy.self_approval) notify.exclude_users = {request_.requester};
  notify.kind = "authorization_requested";
  notify.workflow_id = state_.application_id;
  notify.subject = request_.requester + " requests " + request_.template_name + " \"" +
                   request_.application + "\"" +
                   (state_.rounds > 1 ? " (plan " + std::to_string(state_.rounds) + ")" : "");
  const std::chrono::seconds wait(validated_.authorization_timeout_seconds);
  state_.authorization_deadline = Rfc3339(wf::Now() + wait);
  notify.body = nlohmann::json{{"planHash", plan_->hash},
                               {"team", request_.team},
                               {"deadline", *state_.authorization_deadline}};
  co_await Notify(notify);
  co_await Record("AWAITING_AUTHORIZATION");

  const bool decided = co_await wf::WaitCondition(
      [this] { return outcome_.has_value() && wf::AllHandlersFinished(); }, wait);
  state_.authorization_deadline.reset();
  if (!decided) {
    co_await wf::WaitCondition(wf::AllHandlersFinished);
    co_await Fail(
        "AUTHORIZATION_TIMED_OUT",
        "no decision within " + std::to_string(validated_.authorization_timeout_seconds) + " s");
    throw temporal::ApplicationFailure("no decision in time", "AuthorizationTimedOut", true);
  }
  if (*outcome_ == "rejected") {
    co_await Fail("REJECTED", state_.approvals.back().reason.value_or("rejected"));
    throw temporal::ApplicationFailure("the request was rejected", "ApplicationNotApproved", true);
  }
  approved_ = plan_;
}

void Request::VerifySigned(const model::SignedDecision& decision) const {
  if (HasLineBreak(decision)) Refuse("a field of the decision contains a line break");
  if (temporal::Status verified =
          approval::Verify(decision, settings_.approval_key, state_.application_id, wf::Now());
      !verified)
    Refuse(verified.error().message());
}

void Request::CheckAuthorize(const model::SignedDecision& decision) const {
  VerifySigned(decision);
  if (state_.status != "AWAITING_AUTHORIZATION")
    Refuse("the request is " + state_.status + ", not awaiting authorization");
  if (decision.decision != "approve" && decision.decision != "reject")
    Refuse("decision must be \"approve\" or \"reject\", not \"" + decision.decision + "\"");
  const model::ApprovalPolicy& policy = validated_.policy;
  if (decision.user == request_.requester && !policy.self_approval)
    Refuse(decision.user + " requested this and may not decide on it");
  const bool in_role = std::any_of(decision.roles.begin(), decision.roles.end(), [&](auto& role) {
    return std::find(policy.roles.begin(), policy.roles.end(), role) != policy.roles.end();
  });
  if (!in_role) Refuse(decision.user + " holds none of the roles that may decide on this request");
  if (const auto& named = request_.approvers;
      named && std::find(named->begin(), named->end(), decision.user) == named->end())
    Refuse(decision.user +
           " is not a named authorizer of this request (named: " + NameList(*named) + ")");
  if (decided_.count(decision.user) != 0) Refuse(decision.user + " has decided already");
  if (!plan_ || decision.plan_hash != plan_->hash)
    Refuse("plan " + decision.plan_hash + " is not the current plan" +
           (plan_ ? " (" + plan_->hash + ")" : std::string()));
  if (auto problem = PlacementProblem(validated_.placement, decision.region, decision.profile))
    Refuse(*problem);
  if (decision.region.value_or("") != region_.value_or("") ||
      decision.profile.value_or("") != profile_.value_or(""))
    Refuse("the current plan was made for another region or profile: preview that choice first");
  if (decision.decision == "approve" && !decision.confirm_stateful_changes.value_or(false)) {
    for (const model::ResourceChange& change : plan_->summary) {
      const bool stateful = std::find(validated_.stateful.begin(), validated_.stateful.end(),
                                      change.address) != validated_.stateful.end();
      const bool destroys =
          std::find(change.actions.begin(), change.actions.end(), "delete") != change.actions.end();
      if (stateful && destroys)
        Refuse("the plan deletes or replaces stateful resource " + change.address +
               ": approve with confirmStatefulChanges");
    }
  }
}

wf::Task<std::string> Request::Decide(model::SignedDecision decision) {
  decided_.insert(decision.user);
  model::Approval approval{decision.user, decision.decision, decision.plan_hash, decision.reason,
                           Rfc3339(wf::Now())};
  state_.approvals.push_back(approval);
  if (decision.decision == "reject") {
    outcome_ = "rejected";
  } else if (++approvals_ >= validated_.policy.count) {
    outcome_ = "approved";
  }
  co_await AuditEvent(decision.user, decision.decision == "approve" ? "approve" : "reject",
                      decision.reason, nlohmann::json{{"roles", decision.roles}});
  co_return std::string("recorded");
}

wf::Task<void> Request::OnDemoSignal(model::SignedDecision decision) {
  // The checks read the deployment's flag and key: recorded once, so that
  // replay sees the same answer after either changes.
  const std::string refusal = wf::SideEffect([&]() -> std::string {
    if (!settings_.accept_demo_signal)
      return "the demo signal AuthorizationReceivedResponse is turned off in this deployment";
    try {
      CheckAuthorize(decision);
      return "";
    } catch (const temporal::ApplicationFailure& refused) {
      return refused.what();
    }
  });
  if (!refusal.empty()) {
    wf::LogWarning("request " + state_.application_id +
                   ": refused AuthorizationReceivedResponse from \"" + decision.user +
                   "\": " + refusal);
    co_await AuditEvent(decision.user.empty() ? "unknown" : decision.user, "refused-signal",
                        refusal,
                        nlohmann::json{{"signal", "AuthorizationReceivedResponse"},
                                       {"decision", decision.decision}});
    co_return;
  }
  co_await Decide(std::move(decision));
}

}  // namespace provisio::workflows::request
