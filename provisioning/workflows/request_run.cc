// The main line of a ProvisionApplication run: validate, ask for a decision,
// take the stack's turn and apply; a stale plan goes back to the authorizers.
#include "workflows/request_run.h"

namespace provisio::workflows::request {

using namespace std::chrono_literals;

std::string CauseOf(const wf::FailureError& error) {
  const auto cause = error.failure().cause();
  return cause ? cause->message() : error.failure().message();
}

void Refuse(const std::string& why) {
  throw temporal::ApplicationFailure(why, "AuthorizationRefused", /*non_retryable=*/true);
}

Request::Request(const ProvisionSettings& settings, model::ProvisionRequest request)
    : settings_(settings), request_(std::move(request)) {
  state_.application_id = wf::Info().workflow_id;
  state_.requester = request_.requester;
  state_.team = request_.team;
  state_.template_name = request_.template_name;
  region_ = request_.region;
}

wf::Task<void> Request::Record(const std::string& status) {
  state_.status = status;
  ++state_.version;
  // The API lists requests by these (never by workflow type).
  temporal::SearchAttributes attributes;
  attributes.SetKeyword("ProvisioStatus", status);
  if (state_.version == 1) {
    attributes.SetKeyword("ProvisioApplicationId", state_.application_id)
        .SetKeyword("ProvisioTeam", request_.team)
        .SetKeyword("ProvisioTemplate", request_.template_name)
        .SetKeyword("ProvisioRequestedBy", request_.requester);
  }
  if (!validated_.stack.empty()) attributes.SetKeyword("ProvisioStack", validated_.stack);
  wf::UpsertSearchAttributes(attributes);
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

wf::Task<void> Request::Fail(const std::string& status, const std::string& error) {
  state_.error = error;
  co_await Record(status);
}

wf::Task<void> Request::Notify(const model::NotifyInput& input) {
  co_await wf::ExecuteActivity<int>("Notify", PlatformActivity(), input);
  wf::ActivityOptions webhook = PlatformActivity();
  webhook.retry_policy->maximum_attempts = 5;
  try {
    co_await wf::ExecuteActivity<bool>("SendWebhook", webhook, input);
  } catch (const wf::FailureError& error) {
    wf::LogWarning("request " + state_.application_id + ": the webhook for " + input.kind +
                   " failed: " + CauseOf(error));
  }
}

wf::Task<void> Request::FailedIfThrows(wf::Task<void> step) {
  // co_await is not allowed in a catch handler: the failure is kept, then
  // recorded, then rethrown.
  std::exception_ptr failure;
  std::string cause;
  try {
    co_await std::move(step);
  } catch (const wf::FailureError& error) {
    failure = std::current_exception();
    cause = CauseOf(error);
  }
  if (failure) {
    co_await Fail("FAILED", cause);
    std::rethrow_exception(failure);
  }
}

wf::Task<void> Request::Validate() {
  validated_ = co_await wf::ExecuteLocalActivity<model::ValidatedRequest>(
      "ValidateRequest", LookupActivity(), request_);
  co_await wf::ExecuteLocalActivity<model::Team>("LookupTeam", LookupActivity(), request_.team,
                                                 request_.requester);
  state_.policy = validated_.policy;
  state_.approvers = request_.approvers;
}

wf::Task<model::ProvisionResult> Request::Run() {
  wf::SetQueryHandler("GetState", [self = shared_from_this()] { return self->state_; });
  try {
    co_await Record("VALIDATING");
    co_await FailedIfThrows(Validate());
    co_await AuditEvent(
        request_.requester, "request", std::nullopt,
        nlohmann::json{{"template", request_.template_name}, {"parameters", request_.parameters}});
    if (request_.regions) co_return co_await FanOut();
    InstallDecisionHandlers();
    while (true) {
      co_await AskForDecision();
      std::optional<model::ProvisionResult> result = co_await Provision();
      if (result) co_return std::move(*result);
      // The plan went stale while it waited (another request applied first),
      // or what is left of it after an interruption is not what was approved:
      // plan again and ask again, saying why.
      co_await AuditEvent("provisio", "stale-plan",
                          stale_reason_.empty() ? std::nullopt : std::optional(stale_reason_),
                          nlohmann::json{{"planHash", approved_ ? approved_->hash : ""}});
      plan_.reset();
    }
  } catch (const temporal::CanceledFailure&) {
    // Handled below, outside the catch: co_await is not allowed in a handler.
  }
  // Cancelled: destroy what this request may have created, in a scope the
  // cancellation does not reach (the demo's cleanup).
  auto cleanup = wf::CancellationScope::Detached();
  co_await cleanup.Run(Cleanup());
  throw temporal::CanceledFailure("the request was cancelled");
}

wf::Task<void> Request::Cleanup() {
  if (apply_started_) {
    co_await wf::ExecuteActivity<nlohmann::json>("destroy", RunnerActivity(), Inputs());
    co_await AuditEvent("provisio", "destroy", std::string("the request was cancelled"),
                        nlohmann::json::object());
  }
  co_await Record("CANCELLED");
}

}  // namespace provisio::workflows::request
