#include "workflows/provision_application.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>

#include "approval/approval_signature.h"
#include "temporal/workflow/local_activity.h"

namespace provisio::workflows {
namespace {

namespace wf = temporal::workflow;
using namespace std::chrono_literals;
using model::RequestState;

// RFC 3339 of workflow time (deterministic: wf::Now()).
std::string Rfc3339(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

wf::ActivityOptions PlatformActivity() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = 30s;
  temporal::RetryPolicy retry;
  retry.initial_interval = 1s;
  retry.maximum_interval = 30s;
  options.retry_policy = retry;
  return options;
}

wf::ActivityOptions RunnerActivity() {
  wf::ActivityOptions options;
  options.task_queue = kRunnerTaskQueue;
  options.start_to_close_timeout = 30min;
  // The runner heartbeats at least every few seconds: a dead runner is
  // noticed within this, and the apply retried (it resumes or adopts).
  options.heartbeat_timeout = 60s;
  temporal::RetryPolicy retry;
  retry.initial_interval = 2s;
  retry.maximum_attempts = 5;
  options.retry_policy = retry;
  return options;
}

wf::LocalActivityOptions Lookup() {
  wf::LocalActivityOptions options;
  options.start_to_close_timeout = 10s;
  temporal::RetryPolicy retry;
  retry.initial_interval = 500ms;
  retry.maximum_attempts = 5;
  options.retry_policy = retry;
  return options;
}

[[noreturn]] void Refuse(const std::string& why) {
  throw temporal::ApplicationFailure(why, "AuthorizationRefused", /*non_retryable=*/true);
}

bool HasLineBreak(const model::SignedDecision& decision) {
  const auto broken = [](const std::string& text) { return text.find('\n') != std::string::npos; };
  if (broken(decision.workflow_id) || broken(decision.user) || broken(decision.decision) ||
      broken(decision.plan_hash) || broken(decision.region.value_or("")) ||
      broken(decision.profile.value_or("")) || broken(decision.reason.value_or("")))
    return true;
  return std::any_of(decision.roles.begin(), decision.roles.end(), broken);
}

// The cause's message of an activity's failure, for the state's error.
std::string CauseOf(const wf::FailureError& error) {
  const auto cause = error.failure().cause();
  return cause ? cause->message() : error.failure().message();
}

// What a request tracks while it runs; every change is a new version. Owned
// by a shared_ptr that the GetState handler holds too: a query of a closed
// run replays it to its end, after which the workflow function's locals are
// gone, but its query handlers are still called.
class Request : public std::enable_shared_from_this<Request> {
 public:
  Request(const ProvisionSettings& settings, model::ProvisionRequest request)
      : settings_(settings), request_(std::move(request)) {
    state_.application_id = wf::Info().workflow_id;
    state_.requester = request_.requester;
    state_.team = request_.team;
    state_.template_name = request_.template_name;
  }

  wf::Task<model::ProvisionResult> Run();

 private:
  wf::Task<void> Record(const std::string& status);
  wf::Task<void> AuditEvent(const std::string& actor, const std::string& action,
                            std::optional<std::string> reason, nlohmann::json details);
  wf::Task<model::Plan> MakePlan(std::optional<std::string> region,
                                 std::optional<std::string> profile);
  void Validate(const model::SignedDecision& decision) const;
  wf::Task<std::string> Decide(model::SignedDecision decision);
  wf::Task<model::ProvisionResult> Provision();
  wf::Task<void> Fail(const std::string& status, const std::string& error);

  const ProvisionSettings& settings_;
  model::ProvisionRequest request_;
  model::ValidatedRequest validated_;
  RequestState state_;
  std::optional<model::Plan> plan_;
  std::optional<std::string> region_;
  std::optional<std::string> profile_;
  std::optional<std::string> outcome_;  // "approved" or "rejected"
  std::set<std::string> decided_;
  int approvals_ = 0;
  int audit_seq_ = 0;
  bool apply_started_ = false;
};

wf::Task<void> Request::Record(const std::string& status) {
  state_.status = status;
  ++state_.version;
  model::RecordStateInput input{state_.application_id, state_};
  co_await wf::ExecuteActivity<void>("RecordState", PlatformActivity(), input);
}

wf::Task<void> Request::AuditEvent(const std::string& actor, const std::string& action,
                                   std::optional<std::string> reason, nlohmann::json details) {
  model::AuditInput input;
  // Unique per run and replay-stable: the task's history length and a counter.
  input.event_id = state_.application_id + "/" + std::to_string(wf::Info().history_length) + "." +
                   std::to_string(++audit_seq_);
  input.occurred_at = Rfc3339(wf::Now());
  input.actor = actor;
  input.action = action;
  input.workflow_id = state_.application_id;
  input.stack = validated_.stack.empty() ? std::nullopt : std::optional(validated_.stack);
  input.plan_hash = plan_ ? std::optional(plan_->hash) : std::nullopt;
  input.reason = std::move(reason);
  input.details = std::move(details);
  co_await wf::ExecuteActivity<void>("Audit", PlatformActivity(), input);
}

wf::Task<model::Plan> Request::MakePlan(std::optional<std::string> region,
                                        std::optional<std::string> profile) {
  model::StackInputs inputs;
  inputs.stack = validated_.stack;
  inputs.template_name = request_.template_name;
  inputs.parameters = request_.parameters;
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

void Request::Validate(const model::SignedDecision& decision) const {
  if (HasLineBreak(decision)) Refuse("a field of the decision contains a line break");
  if (temporal::Status verified =
          approval::Verify(decision, settings_.approval_key, state_.application_id, wf::Now());
      !verified)
    Refuse(verified.error().message());
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
  if (decided_.count(decision.user) != 0) Refuse(decision.user + " has decided already");
  if (!plan_ || decision.plan_hash != plan_->hash)
    Refuse("plan " + decision.plan_hash + " is not the current plan" +
           (plan_ ? " (" + plan_->hash + ")" : std::string()));
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

wf::Task<void> Request::Fail(const std::string& status, const std::string& error) {
  state_.error = error;
  co_await Record(status);
}

wf::Task<model::ProvisionResult> Request::Provision() {
  // The stack's entity serializes applies: wait for this request's turn.
  std::optional<std::int64_t> turn;
  wf::SetSignalHandler("ApplyTurn", [&turn](std::int64_t ticket) { turn = ticket; });
  co_await Record("QUEUED");
  model::EnqueueApplyInput enqueue{validated_.stack, request_.template_name, state_.application_id,
                                   plan_->hash};
  const model::EnqueueApplyResult ticket = co_await wf::ExecuteActivity<model::EnqueueApplyResult>(
      "EnqueueApply", PlatformActivity(), enqueue);
  co_await wf::WaitCondition([&turn, &ticket] { return turn == ticket.ticket; });

  apply_started_ = true;
  co_await Record("PROVISIONING");
  std::exception_ptr failure;
  std::optional<model::ProvisionResult> result;
  try {
    model::ApplyInput apply{plan_->hash};
    co_await wf::ExecuteActivity<model::ApplyResult>("apply", RunnerActivity(), apply);
    model::OutputsInput which{validated_.stack, request_.template_name};
    model::OutputsResult outputs =
        co_await wf::ExecuteActivity<model::OutputsResult>("outputs", RunnerActivity(), which);
    result = model::ProvisionResult{validated_.stack, plan_->hash, plan_->template_hash,
                                    outputs.outputs};
  } catch (...) {
    failure = std::current_exception();
  }
  // The turn ends whatever happened, even when the request was cancelled (a
  // detached scope): the next request on the stack goes on.
  model::ApplyFinished finished{ticket.ticket, !failure, plan_->hash, plan_->template_hash};
  co_await wf::CancellationScope::Detached().RunOperation([&] {
    return wf::SignalExternalWorkflow(StackWorkflowId(validated_.stack), "", "ApplyFinished",
                                      finished);
  });
  if (failure) std::rethrow_exception(failure);
  for (const auto& [name, output] : result->outputs)
    state_.outputs[name] =
        output.sensitive ? nlohmann::json("(sensitive)") : output.value.value_or(nlohmann::json());
  co_await Record("PROVISIONED");
  co_return std::move(*result);
}

wf::Task<model::ProvisionResult> Request::Run() {
  wf::SetQueryHandler("GetState", [self = shared_from_this()] { return self->state_; });
  try {
    co_await Record("VALIDATING");
    // co_await is not allowed in a catch handler: failures are kept, then
    // recorded, then rethrown.
    std::exception_ptr failure;
    std::string cause;
    try {
      validated_ = co_await wf::ExecuteLocalActivity<model::ValidatedRequest>("ValidateRequest",
                                                                              Lookup(), request_);
      co_await wf::ExecuteLocalActivity<model::Team>("LookupTeam", Lookup(), request_.team,
                                                     request_.requester);
    } catch (const wf::FailureError& error) {
      failure = std::current_exception();
      cause = CauseOf(error);
    }
    if (failure) {
      co_await Fail("FAILED", cause);
      std::rethrow_exception(failure);
    }
    state_.policy = validated_.policy;
    co_await AuditEvent(
        request_.requester, "request", std::nullopt,
        nlohmann::json{{"template", request_.template_name}, {"parameters", request_.parameters}});
    co_await Record("PLANNING");
    try {
      co_await MakePlan(std::nullopt, std::nullopt);
    } catch (const wf::FailureError& error) {
      failure = std::current_exception();
      cause = CauseOf(error);
    }
    if (failure) {
      co_await Fail("FAILED", cause);
      std::rethrow_exception(failure);
    }

    wf::SetUpdateHandler(
        "PreviewPlan",
        [this](model::PlanChoice choice) -> wf::Task<model::Plan> {
          state_.status = "PLANNING";
          model::Plan plan = co_await MakePlan(choice.region, choice.profile);
          decided_.clear();  // a new plan needs new decisions
          approvals_ = 0;
          co_await Record("AWAITING_AUTHORIZATION");
          co_return plan;
        },
        [this](const model::PlanChoice&) {
          if (state_.status != "AWAITING_AUTHORIZATION")
            Refuse("the request is " + state_.status + ", not awaiting authorization");
        });
    wf::SetUpdateHandler(
        "Authorize", [this](model::SignedDecision decision) { return Decide(std::move(decision)); },
        [this](const model::SignedDecision& decision) { Validate(decision); });

    model::NotifyInput notify;
    notify.notification_id = state_.application_id + "/authorization";
    notify.roles = validated_.policy.roles;
    if (!validated_.policy.self_approval) notify.exclude_users = {request_.requester};
    notify.kind = "authorization_requested";
    notify.workflow_id = state_.application_id;
    notify.subject = request_.requester + " requests " + request_.template_name + " \"" +
                     request_.application + "\"";
    notify.body = nlohmann::json{{"planHash", plan_->hash}, {"team", request_.team}};
    co_await wf::ExecuteActivity<int>("Notify", PlatformActivity(), notify);
    co_await Record("AWAITING_AUTHORIZATION");

    const bool decided = co_await wf::WaitCondition(
        [this] { return outcome_.has_value() && wf::AllHandlersFinished(); },
        std::chrono::seconds(validated_.authorization_timeout_seconds));
    if (!decided) {
      co_await wf::WaitCondition(wf::AllHandlersFinished);
      co_await Fail(
          "AUTHORIZATION_TIMED_OUT",
          "no decision within " + std::to_string(validated_.authorization_timeout_seconds) + " s");
      throw temporal::ApplicationFailure("no decision in time", "AuthorizationTimedOut", true);
    }
    if (*outcome_ == "rejected") {
      co_await Fail("REJECTED", state_.approvals.back().reason.value_or("rejected"));
      throw temporal::ApplicationFailure("the request was rejected", "ApplicationNotApproved",
                                         true);
    }
    std::optional<model::ProvisionResult> result;
    try {
      result = co_await Provision();
    } catch (const wf::FailureError& error) {
      failure = std::current_exception();
      cause = CauseOf(error);
    }
    if (failure) {
      co_await Fail("FAILED", cause);
      std::rethrow_exception(failure);
    }
    co_return std::move(*result);
  } catch (const temporal::CanceledFailure&) {
    // Handled below, outside the catch: co_await is not allowed in a handler.
  }
  // Cancelled: destroy what this request may have created, in a scope the
  // cancellation does not reach (the demo's cleanup).
  auto cleanup = wf::CancellationScope::Detached();
  co_await cleanup.Run([](Request* self) -> wf::Task<void> {
    if (self->apply_started_) {
      model::StackInputs inputs;
      inputs.stack = self->validated_.stack;
      inputs.template_name = self->request_.template_name;
      inputs.parameters = self->request_.parameters;
      inputs.region = self->region_;
      inputs.profile = self->profile_;
      co_await wf::ExecuteActivity<nlohmann::json>("destroy", RunnerActivity(), inputs);
    }
    co_await self->Record("CANCELLED");
  }(this));
  throw temporal::CanceledFailure("the request was cancelled");
}

}  // namespace

wf::Task<model::ProvisionResult> ProvisionApplication(const ProvisionSettings& settings,
                                                      model::ProvisionRequest request) {
  auto run = std::make_shared<Request>(settings, std::move(request));
  co_return co_await run->Run();
}

}  // namespace provisio::workflows
