#include "workflow.h"

#include <cctype>
#include <chrono>
#include <exception>
#include <memory>
#include <utility>

#include "temporal/failure.h"
#include "temporal/workflow/workflow.h"

namespace provisio::provision_application {
namespace {

namespace wf = temporal::workflow;

// The demo's activity options: lookups and notifications finish within 3 s
// (server-default retries).
wf::ActivityOptions LocalWorkOptions() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = std::chrono::seconds(3);
  return options;
}

// The provider's activities run on the TypeScript worker's task queue (the
// demo's "special sauce for targeting polyglot"). The heartbeat timeout is the
// demo's 10 s: a provider that stops heartbeating is retried elsewhere long
// before the start-to-close timeout. Requests the provider can never carry out
// are not retried. A cancelled provisioning is waited for, so that the destroy
// that follows cannot race a provider still creating resources.
wf::ActivityOptions ProviderOptions(std::chrono::seconds start_to_close) {
  wf::ActivityOptions options;
  options.task_queue = kResourcesTaskQueue;
  options.start_to_close_timeout = start_to_close;
  options.heartbeat_timeout = std::chrono::seconds(10);
  temporal::RetryPolicy retry;
  retry.initial_interval = std::chrono::seconds(1);
  retry.backoff_coefficient = 2.0;
  retry.maximum_interval = std::chrono::seconds(30);
  retry.maximum_attempts = 10;
  retry.non_retryable_error_types = {kInvalidProvisioningRequest};
  options.retry_policy = retry;
  options.cancellation_type = wf::ActivityCancellationType::kWaitCancellationCompleted;
  return options;
}

std::string AlphaNumericLower(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

// WorkflowCancelled tells whether the workflow has been asked to cancel: a new
// scope is a child of the current (root) scope and inherits its state.
bool WorkflowCancelled() { return wf::CancellationScope().IsCancelled(); }

// ActivityError turns an activity's failure into the workflow's typed failure,
// keeping the activity failure as its cause (the demo wraps it with %w).
temporal::ApplicationFailure ActivityError(const std::string& message, const std::string& type,
                                           std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const wf::FailureError& failure) {
    return temporal::ApplicationFailure(message + ": " + failure.failure().message(), type, true)
        .WithCause(failure.failure());
  } catch (const std::exception& other) {
    return temporal::ApplicationFailure(message + ": " + other.what(), type, true);
  }
}

// Destroy removes what provisioning created. It runs in a detached scope
// (started by the caller), so the workflow's own cancellation does not reach it.
wf::Task<void> Destroy(ProvisionFoundationResourcesResponse resources) {
  co_await wf::ExecuteActivity<void>(kDestroyActivity, ProviderOptions(std::chrono::minutes(5)),
                                     resources);
}

}  // namespace

std::string BucketName(const ProvisionApplicationRequest& request) {
  return "app-" + AlphaNumericLower(request.application_name) + "-" +
         AlphaNumericLower(request.team_id) + "-" + AlphaNumericLower(request.application_id);
}

wf::Task<ProvisionApplicationState> ProvisionApplication(ProvisionApplicationRequest request) {
  if (request.authorization_timeout_seconds <= 0) {
    request.authorization_timeout_seconds = kDefaultAuthorizationTimeoutSeconds;
  }
  if (request.application_id.empty()) request.application_id = wf::Info().workflow_id;
  wf::LogInfo("provisioning application " + request.application_id + " (" +
              request.application_name + ") for team " + request.team_id);

  // Shared with the handlers: the worker may answer a query after this
  // coroutine's frame is gone (a query on a closed workflow replays it to the end).
  auto state = std::make_shared<ProvisionApplicationState>();
  wf::SetQueryHandler(kStateQuery, [state] { return *state; });

  // The demo keeps receiving signals in a goroutine and overwrites the
  // decision with each one. Here the first valid decision taken while waiting
  // stands: the state never shows a decision other than the one acted on.
  wf::SetSignalHandler(kAuthorizationSignal, [state](AuthorizationReceivedResponse decision) {
    if (state->status != status::kAwaitingAuthorization && state->status != status::kRequested) {
      wf::LogWarning("authorization received in status " + state->status + "; ignored");
      return;
    }
    if (state->authorization) {
      wf::LogWarning("a second authorization decision arrived; the first stands");
      return;
    }
    if (decision.is_approved && (decision.region.empty() || decision.profile.empty())) {
      // The provider would refuse it; keep waiting for a usable decision.
      wf::LogWarning("an approval without region and profile was ignored");
      return;
    }
    wf::LogInfo(std::string("authorization received: ") +
                (decision.is_approved ? "approved" : "rejected"));
    state->authorization = std::move(decision);
  });

  std::exception_ptr failure;
  // GetTeamInformation: a read with no side effects, the textbook local
  // activity, and one in Provisio's design ("team lookup (local activity)").
  // The demo's Go code schedules a normal activity here, and so do we, because
  // the C++ SDK has no local activities yet; it becomes a local activity when
  // the SDK has them.
  try {
    GetTeamInformationRequest lookup{request.requester_id, request.team_id};
    state->team = co_await wf::ExecuteActivity<GetTeamInformationResponse>(
        kGetTeamInformationActivity, LocalWorkOptions(), lookup);
  } catch (const temporal::CanceledFailure&) {
    state->status = status::kCancelled;
    throw;
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    state->status = status::kFailed;
    throw ActivityError("failed to get team information", kTeamLookupFailure, failure);
  }

  state->status = status::kAwaitingAuthorization;
  try {
    RequestApplicationAuthorizationRequest notification{
        request.authorizer_id, request.team_id, request.requester_id,
        request.demo_authorization_delay_seconds, request.application_id};
    co_await wf::ExecuteActivity<void>(kRequestAuthorizationActivity, LocalWorkOptions(),
                                       notification);
  } catch (const temporal::CanceledFailure&) {
    state->status = status::kCancelled;
    throw;
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    state->status = status::kFailed;
    throw ActivityError("failed to send authorization request", kAuthorizationRequestFailure,
                        failure);
  }

  wf::LogInfo("waiting for authorization");
  bool decided = false;
  try {
    decided =
        co_await wf::WaitCondition([state] { return state->authorization.has_value(); },
                                   std::chrono::seconds(request.authorization_timeout_seconds));
  } catch (const temporal::CanceledFailure&) {
    state->status = status::kCancelled;
    throw;
  }
  if (!decided) {
    // The demo's flag is set only when the wait is cancelled (AwaitWithTimeout
    // returns no error on timeout), and it fails with the rejection's message;
    // here a timeout sets the flag and has its own failure type.
    state->authorization_timed_out = true;
    state->status = status::kAuthorizationTimedOut;
    throw temporal::ApplicationFailure(
        "authorization was not achieved in time for application '" + request.application_name +
            "' (" + std::to_string(request.authorization_timeout_seconds) + " s)",
        kAuthorizationTimedOutFailure, /*non_retryable=*/true);
  }
  if (!state->authorization->is_approved) {
    state->status = status::kRejected;
    throw temporal::ApplicationFailure(
        "application '" + request.application_name + "' is not approved", kNotApprovedFailure,
        /*non_retryable=*/true);
  }

  state->status = status::kProvisioning;
  state->provisioning = ProvisionFoundationResourcesRequest{
      request.application_id, state->authorization->region, state->authorization->profile,
      request.team_id,        request.application_name,     BucketName(request)};
  std::optional<ProvisionFoundationResourcesResponse> created;
  try {
    created = co_await wf::ExecuteActivity<ProvisionFoundationResourcesResponse>(
        kProvisionActivity, ProviderOptions(std::chrono::hours(1)), *state->provisioning);
  } catch (...) {
    failure = std::current_exception();
  }

  if (WorkflowCancelled()) {
    // Cancelled while provisioning (the provider stopped, or finished first):
    // resources may exist, completely or in part. Destroy them where the
    // cancellation cannot reach, then end as cancelled. The demo destroys only
    // after a finished provisioning, which its cancellation never waits for.
    state->status = status::kDestroying;
    ProvisionFoundationResourcesResponse to_destroy =
        created.value_or(ProvisionFoundationResourcesResponse{
            request.application_id, {}, "", state->authorization->region});
    std::exception_ptr cleanup_failure;
    try {
      co_await wf::CancellationScope::Detached().Run(Destroy(to_destroy));
      state->resources_destroyed = true;
    } catch (...) {
      cleanup_failure = std::current_exception();
    }
    if (cleanup_failure) {
      wf::LogWarning("destroying the resources of " + request.application_id + " failed: " +
                     ActivityError("destroy", kProvisioningFailure, cleanup_failure).message());
    }
    state->resources = created;
    state->status = status::kCancelled;
    throw temporal::CanceledFailure(
        "application " + request.application_id + " was cancelled" +
        (state->resources_destroyed ? "; its resources were destroyed" : ""));
  }
  if (failure) {
    state->status = status::kFailed;
    throw ActivityError("failed to provision", kProvisioningFailure, failure);
  }

  state->resources = std::move(created);
  state->status = status::kProvisioned;
  wf::LogInfo("application " + request.application_id + " provisioned on " +
              state->resources->completion_date_time);
  co_return *state;
}

}  // namespace provisio::provision_application
