// examples/provision_application/workflow.h: the reference demo's
// ProvisionApplication workflow (temporalio/temporal-demo-infra,
// internal/orchestrations/provision_application.go), ported to the C++ SDK.
//
// One workflow per application request; its workflow id is the application id.
//
//   1. GetTeamInformation (activity, this task queue): who is asking.
//   2. RequestApplicationAuthorization (activity, this task queue): notify the
//      authorizer.
//   3. Wait for the signal "AuthorizationReceivedResponse" (approve with region
//      and profile, or reject), at most authorizationTimeoutSeconds (default 120).
//   4. Rejected: fail with type "ApplicationNotApproved". No decision in time:
//      fail with type "AuthorizationTimedOut". Nothing is provisioned.
//   5. Approved: run "provisionFoundationResources" on the task queue
//      "provision-application-resources", served by the TypeScript worker
//      (worker-ts/), which heartbeats while it creates the resources. Return the
//      final state.
//   6. Cancelled once provisioning has begun: destroy what was created
//      ("destroyFoundationResources", in a detached cancellation scope), then end
//      as cancelled.
//
// The query "GetState" answers with ProvisionApplicationState at any time, also
// after the workflow closed.
//
// The JSON shapes of the request, the signal, the query answer and the provider
// activities are the Go demo's (its struct field names, or its json tags where it
// has them), so the demo's BFF, UI and TypeScript worker could talk to this
// workflow unchanged. See README.md beside this file for the mapping. Each
// struct's TEMPORAL_JSON_STRUCT (temporal/converter/json_struct.h) declares its
// JSON keys once, for both directions. Decoding is strict: a payload that is not
// an object, lacks a field that is not std::optional, or has a field of the
// wrong type is a DataConversionError naming the field, never a defaulted value
// (a garbage signal must not count as a rejection).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "temporal/converter/json_struct.h"
#include "temporal/workflow/task.h"

namespace provisio::provision_application {

/// kWorkflowType is the registered workflow type name.
inline constexpr char kWorkflowType[] = "ProvisionApplication";
/// kTaskQueue is where the workflow and its C++ activities run.
inline constexpr char kTaskQueue[] = "provision-application";
/// kResourcesTaskQueue is served by the TypeScript provider worker (worker-ts/).
inline constexpr char kResourcesTaskQueue[] = "provision-application-resources";

/// kAuthorizationSignal carries an AuthorizationReceivedResponse. The demo names
/// the signal after the Go type of its payload (messages.MessageName).
inline constexpr char kAuthorizationSignal[] = "AuthorizationReceivedResponse";
/// kStateQuery answers with ProvisionApplicationState.
inline constexpr char kStateQuery[] = "GetState";

/// Activity type names, as the demo registers them.
inline constexpr char kGetTeamInformationActivity[] = "GetTeamInformation";
inline constexpr char kRequestAuthorizationActivity[] = "RequestApplicationAuthorization";
inline constexpr char kProvisionActivity[] = "provisionFoundationResources";
inline constexpr char kDestroyActivity[] = "destroyFoundationResources";

/// kDefaultAuthorizationTimeoutSeconds applies when the request gives 0.
inline constexpr std::int64_t kDefaultAuthorizationTimeoutSeconds = 120;

/// Failure types the workflow ends with (ApplicationFailure::type).
inline constexpr char kNotApprovedFailure[] = "ApplicationNotApproved";
inline constexpr char kAuthorizationTimedOutFailure[] = "AuthorizationTimedOut";
inline constexpr char kTeamLookupFailure[] = "TeamLookupFailed";
inline constexpr char kAuthorizationRequestFailure[] = "AuthorizationRequestFailed";
inline constexpr char kProvisioningFailure[] = "ProvisioningFailed";
/// kInvalidProvisioningRequest is the provider's non-retryable failure type for a
/// request it can never carry out (missing region or profile, unsafe names).
inline constexpr char kInvalidProvisioningRequest[] = "InvalidProvisioningRequest";

/// Status values of ProvisionApplicationState::status, in the order a request
/// goes through them. The demo has no status field; ours lets a UI or the CLI
/// show where a request is without inferring it.
namespace status {
inline constexpr char kRequested[] = "REQUESTED";
inline constexpr char kAwaitingAuthorization[] = "AWAITING_AUTHORIZATION";
inline constexpr char kProvisioning[] = "PROVISIONING";
inline constexpr char kProvisioned[] = "PROVISIONED";
inline constexpr char kRejected[] = "REJECTED";
inline constexpr char kAuthorizationTimedOut[] = "AUTHORIZATION_TIMED_OUT";
inline constexpr char kDestroying[] = "DESTROYING";
inline constexpr char kCancelled[] = "CANCELLED";
inline constexpr char kFailed[] = "FAILED";
}  // namespace status

/// ProvisionApplicationRequest is the workflow's input (the demo's
/// messages.ProvisionApplicationRequest; JSON keys are its json tags). Every
/// key is required, as the demo's BFF and our CLI write them all.
struct ProvisionApplicationRequest {
  std::string requester_id;
  std::string application_id;  // empty = the workflow id
  std::string team_id;
  std::string application_name;
  std::string authorizer_id;
  /// authorization_timeout_seconds: how long to wait for the decision; 0 = 120.
  std::int64_t authorization_timeout_seconds = 0;
  /// demo_authorization_delay_seconds > 0 makes the notification activity
  /// approve by itself after that many seconds (region "us-east-1", profile
  /// "iac"), as the demo's does, so the flow runs without a person.
  std::int64_t demo_authorization_delay_seconds = 0;
};
TEMPORAL_JSON_STRUCT(ProvisionApplicationRequest, (requester_id, "requesterId"),
                     (application_id, "applicationId"), (team_id, "teamId"),
                     (application_name, "applicationName"), (authorizer_id, "authorizerId"),
                     (authorization_timeout_seconds, "authorizationTimeoutSeconds"),
                     (demo_authorization_delay_seconds, "demoAuthorizationDelaySeconds"))

/// GetTeamInformationRequest is the input of GetTeamInformation (Go field names).
struct GetTeamInformationRequest {
  std::string requester_id;
  std::string team_id;
};
TEMPORAL_JSON_STRUCT(GetTeamInformationRequest, (requester_id, "RequesterID"), (team_id, "TeamID"))

/// GetTeamInformationResponse describes the requesting team (Go field names).
struct GetTeamInformationResponse {
  std::string team_name;
  std::string team_email;
  std::string subdomain;
  std::string team_id;
};
TEMPORAL_JSON_STRUCT(GetTeamInformationResponse, (team_name, "TeamName"), (team_email, "TeamEmail"),
                     (subdomain, "Subdomain"), (team_id, "TeamID"))

/// RequestApplicationAuthorizationRequest is the input of
/// RequestApplicationAuthorization (Go field names).
struct RequestApplicationAuthorizationRequest {
  std::string authorizer_id;
  std::string team_id;
  std::string customer_id;         // the requester
  std::int64_t delay_seconds = 0;  // demo auto-approval
  std::string application_id;
};
TEMPORAL_JSON_STRUCT(RequestApplicationAuthorizationRequest, (authorizer_id, "AuthorizerID"),
                     (team_id, "TeamID"), (customer_id, "CustomerID"),
                     (delay_seconds, "DelaySeconds"), (application_id, "ApplicationID"))

/// AuthorizationReceivedResponse is the payload of the authorization signal:
/// approve (is_approved, with region and profile) or reject.
struct AuthorizationReceivedResponse {
  std::string application_id;
  std::string region;
  std::string profile;
  std::string team_id;
  bool is_approved = false;
};
TEMPORAL_JSON_STRUCT(AuthorizationReceivedResponse, (application_id, "applicationId"),
                     (region, "region"), (profile, "profile"), (team_id, "teamId"),
                     (is_approved, "isApproved"))

/// ProvisionFoundationResourcesRequest is the input of the TypeScript
/// provisionFoundationResources activity.
struct ProvisionFoundationResourcesRequest {
  std::string application_id;
  std::string region;
  std::string profile;
  std::string team_id;
  std::string application_name;
  std::string bucket_name;
};
TEMPORAL_JSON_STRUCT(ProvisionFoundationResourcesRequest, (application_id, "applicationId"),
                     (region, "region"), (profile, "profile"), (team_id, "teamId"),
                     (application_name, "applicationName"), (bucket_name, "bucketName"))

/// ProvisionFoundationResourcesResponse is what provisioning returns; the
/// destroy activity takes it back.
struct ProvisionFoundationResourcesResponse {
  std::string application_id;
  std::vector<std::string> summary;  // one line per resource change
  std::string completion_date_time;
  std::string region;
};
TEMPORAL_JSON_STRUCT(ProvisionFoundationResourcesResponse, (application_id, "applicationId"),
                     (summary, "summary"), (completion_date_time, "completionDateTime"),
                     (region, "region"))

/// ProvisionApplicationState is the answer to "GetState" and the workflow's
/// result. The first three fields are the demo's ProvisionApplicationState
/// (Go field names as JSON keys); the others are ours.
struct ProvisionApplicationState {
  bool authorization_timed_out = false;
  std::optional<AuthorizationReceivedResponse> authorization;
  std::optional<ProvisionFoundationResourcesResponse> resources;
  /// status is one of the status:: values.
  std::string status = status::kRequested;
  std::optional<GetTeamInformationResponse> team;
  /// provisioning is what was asked of the provider (bucket name, region...),
  /// set when provisioning begins.
  std::optional<ProvisionFoundationResourcesRequest> provisioning;
  /// resources_destroyed: the cancellation cleanup removed what was created.
  bool resources_destroyed = false;
};
TEMPORAL_JSON_STRUCT(ProvisionApplicationState, (authorization_timed_out, "AuthorizationTimedOut"),
                     (authorization, "Authorization"), (resources, "Resources"), (status, "Status"),
                     (team, "Team"), (provisioning, "Provisioning"),
                     (resources_destroyed, "ResourcesDestroyed"))

/// BucketName is the demo's bucket name: "app-<name>-<team>-<application id>",
/// each part reduced to its ASCII letters and digits and lower-cased.
std::string BucketName(const ProvisionApplicationRequest& request);

/// ProvisionApplication is the workflow (register it as kWorkflowType).
temporal::workflow::Task<ProvisionApplicationState> ProvisionApplication(
    ProvisionApplicationRequest request);

}  // namespace provisio::provision_application
