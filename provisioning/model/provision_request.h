// provisioning/model/provision_request.h: what a request for resources says,
// what the runner answers about plans, and what a request's state shows.
// Every struct's JSON names are declared once (TEMPORAL_JSON_STRUCT) and
// decoded strictly; the names match the API's and the runner's (camelCase).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "temporal/converter/json_struct.h"

namespace provisio::model {

/// ApprovalPolicy says who may decide on a request: `count` approvals from
/// distinct people holding one of `roles`; never the requester unless
/// `self_approval`. A template sets it; a request may narrow it (fewer roles,
/// more approvals), never widen it.
struct ApprovalPolicy {
  std::vector<std::string> roles;
  std::int32_t count = 1;
  bool self_approval = false;
};
TEMPORAL_JSON_STRUCT(ApprovalPolicy, (roles, "roles"), (count, "count"),
                     (self_approval, "selfApproval"))

/// FailurePolicy says what happens when an approved apply fails for good
/// (after its attempts): "intervene" (the default) waits for an operator's
/// Intervene update on the failed resource; "rollback" (the saga) re-applies
/// the stack's last good configuration, or destroys what the apply created
/// when there was none, and the request ends ROLLED_BACK.
struct FailurePolicy {
  std::string on_failure = "intervene";
  /// apply_attempts bounds the runner's attempts at one apply (1 to 10,
  /// default 5): transient errors are retried before the policy decides.
  std::optional<std::int32_t> apply_attempts;
};
TEMPORAL_JSON_STRUCT(FailurePolicy, (on_failure, "onFailure"), (apply_attempts, "applyAttempts"))

/// ProvisionRequest is ProvisionApplication's input. The workflow id is the
/// application id.
struct ProvisionRequest {
  std::string requester;
  std::string team;
  std::string application;
  std::string template_name;
  /// parameters are the template's variables the requester sets.
  std::map<std::string, nlohmann::json> parameters;
  /// approval narrows the template's policy (optional).
  std::optional<ApprovalPolicy> approval;
  /// approvers names the authorizers (user ids): only they may decide, and
  /// only they are asked. Each must also hold one of the policy's roles when
  /// deciding. Absent: anyone holding one of the roles.
  std::optional<std::vector<std::string>> approvers;
  /// authorization_timeout_seconds overrides the wait for decisions
  /// (default: the template's, else 120 s).
  std::optional<std::int64_t> authorization_timeout_seconds;
  /// failure_policy decides what a failed apply leads to (default: intervene).
  std::optional<FailurePolicy> failure_policy;
  /// ttl_seconds, when set, is the stack's time to live after it is
  /// provisioned (at most the template's `ttl`): a reminder at 80%, then the
  /// stack's entity destroys it unless extended.
  std::optional<std::int64_t> ttl_seconds;
  /// destroy asks to destroy the stack: planned with `tofu plan -destroy`,
  /// approved like any change, applied in the stack's turn; ends DESTROYED.
  /// The parameters are the stack's (the API fills them from GetStack).
  std::optional<bool> destroy;
  /// region presets the region (the authorizer may not change it).
  std::optional<std::string> region;
  /// regions fans the request out: one child ProvisionApplication per
  /// region, in parallel, each on its own stack "<application>-<region>",
  /// each planned and approved on its own.
  std::optional<std::vector<std::string>> regions;
};
TEMPORAL_JSON_STRUCT(ProvisionRequest, (requester, "requester"), (team, "team"),
                     (application, "application"), (template_name, "template"),
                     (parameters, "parameters"), (approval, "approval"), (approvers, "approvers"),
                     (authorization_timeout_seconds, "authorizationTimeoutSeconds"),
                     (failure_policy, "failurePolicy"), (ttl_seconds, "ttlSeconds"),
                     (destroy, "destroy"), (region, "region"), (regions, "regions"))

/// ValidatedRequest is what request validation (a local activity) found:
/// the policy in force and the template's facts the workflow needs.
/// Placement is what a template allows an authorizer (or a request) to
/// choose: template.yaml's `placement: {regions: [...], profiles: [...]}`.
/// A list that is absent allows any name; a template without `placement`
/// (local-site) restricts nothing.
struct Placement {
  std::optional<std::vector<std::string>> regions;
  std::optional<std::vector<std::string>> profiles;
};
TEMPORAL_JSON_STRUCT(Placement, (regions, "regions"), (profiles, "profiles"))

struct ValidatedRequest {
  ApprovalPolicy policy;
  std::int64_t authorization_timeout_seconds = 120;
  /// stateful lists the resource addresses whose delete or replace needs an
  /// explicit confirmation.
  std::vector<std::string> stateful;
  /// stack is the stack's name: the application's.
  std::string stack;
  /// drift_interval_seconds: how often the stack's drift schedule runs.
  std::int64_t drift_interval_seconds = 3600;
  /// ttl_seconds: the request's time to live, checked against the template.
  std::optional<std::int64_t> ttl_seconds;
  /// placement: the regions and profiles the template allows (none: any).
  std::optional<Placement> placement;
};
TEMPORAL_JSON_STRUCT(ValidatedRequest, (policy, "policy"),
                     (authorization_timeout_seconds, "authorizationTimeoutSeconds"),
                     (stateful, "stateful"), (stack, "stack"),
                     (drift_interval_seconds, "driftIntervalSeconds"), (ttl_seconds, "ttlSeconds"),
                     (placement, "placement"))

/// Team is a team and its members (from the platform database).
struct Team {
  std::string id;
  std::string name;
  std::vector<std::string> members;
};
TEMPORAL_JSON_STRUCT(Team, (id, "id"), (name, "name"), (members, "members"))

// --- The runner's (workers/opentofu) contract ---------------------------

/// StackInputs is what the runner plans: the stack, its template, the
/// parameters and the authorizer's choices.
struct StackInputs {
  std::string stack;
  std::string template_name;
  std::map<std::string, nlohmann::json> parameters;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::optional<bool> destroy;
  /// exclude lists resource addresses the plan leaves out (`tofu plan
  /// -exclude`): an operator's "exclude" intervention.
  std::optional<std::vector<std::string>> exclude;
};
TEMPORAL_JSON_STRUCT(StackInputs, (stack, "stack"), (template_name, "template"),
                     (parameters, "parameters"), (region, "region"), (profile, "profile"),
                     (destroy, "destroy"), (exclude, "exclude"))

/// AttributeChange is one attribute a planned change touches; sensitive
/// values arrive masked.
struct AttributeChange {
  std::string name;
  std::optional<nlohmann::json> before;
  std::optional<nlohmann::json> after;
  bool sensitive = false;
};
TEMPORAL_JSON_STRUCT(AttributeChange, (name, "name"), (before, "before"), (after, "after"),
                     (sensitive, "sensitive"))

/// ResourceChange is what a plan does to one resource instance.
struct ResourceChange {
  std::string address;
  std::vector<std::string> actions;
  std::vector<AttributeChange> changed;
  /// OpenTofu's action_reason when it gives one, e.g. "replace_because_tainted".
  std::optional<std::string> action_reason;
};
TEMPORAL_JSON_STRUCT(ResourceChange, (address, "address"), (actions, "actions"),
                     (changed, "changed"), (action_reason, "actionReason"))

/// Plan is a stored plan, named by the SHA-256 of its file.
struct Plan {
  std::string hash;
  std::string stack;
  std::string template_name;
  std::string template_hash;
  std::vector<ResourceChange> summary;
  std::string plan_text;
  bool has_changes = false;
  std::string run_id;
};
TEMPORAL_JSON_STRUCT(Plan, (hash, "hash"), (stack, "stack"), (template_name, "template"),
                     (template_hash, "templateHash"), (summary, "summary"), (plan_text, "planText"),
                     (has_changes, "hasChanges"), (run_id, "runId"))

/// ApplyInput names the approved plan.
struct ApplyInput {
  std::string hash;
};
TEMPORAL_JSON_STRUCT(ApplyInput, (hash, "hash"))

/// AppliedResource is one resource change an apply completed.
struct AppliedResource {
  std::string address;
  std::string action;
};
TEMPORAL_JSON_STRUCT(AppliedResource, (address, "address"), (action, "action"))

/// ApplyResult is what an apply did.
struct ApplyResult {
  std::string hash;
  std::string stack;
  std::vector<AppliedResource> applied;
  bool already_applied = false;
  /// resumed_with_plan: an attempt died mid-apply, and this one finished the
  /// request from a fresh plan whose every change matched the approved plan.
  std::optional<std::string> resumed_with_plan;
  std::string run_id;
};
TEMPORAL_JSON_STRUCT(ApplyResult, (hash, "hash"), (stack, "stack"), (applied, "applied"),
                     (already_applied, "alreadyApplied"), (resumed_with_plan, "resumedWithPlan"),
                     (run_id, "runId"))

/// OutputsInput names the stack whose outputs to read.
struct OutputsInput {
  std::string stack;
  std::string template_name;
};
TEMPORAL_JSON_STRUCT(OutputsInput, (stack, "stack"), (template_name, "template"))

/// OutputValue is a plain output, or a sensitive one only as sealed text
/// (codec-ts sealText under the codec key: never plaintext in history).
struct OutputValue {
  bool sensitive = false;
  std::optional<nlohmann::json> value;
  std::optional<std::string> sealed;
};
TEMPORAL_JSON_STRUCT(OutputValue, (sensitive, "sensitive"), (value, "value"), (sealed, "sealed"))

struct OutputsResult {
  std::map<std::string, OutputValue> outputs;
  std::string run_id;
};
TEMPORAL_JSON_STRUCT(OutputsResult, (outputs, "outputs"), (run_id, "runId"))

// --- Decisions and state -------------------------------------------------

/// SignedDecision is an authorizer's decision as the API signed it
/// (approval/approval_signature.h): who, on which run and plan, until when.
struct SignedDecision {
  std::string workflow_id;
  std::string user;
  /// roles are the user's roles when the API signed (the workflow cannot
  /// read the database in a validator).
  std::vector<std::string> roles;
  /// decision is "approve" or "reject" (Authorize); "retry", "exclude",
  /// "rollback" or "abort" (Intervene); "break-lock" (a stack's BreakLock).
  std::string decision;
  std::string plan_hash;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::optional<std::string> reason;
  /// confirm_stateful_changes must be true to approve a plan that deletes or
  /// replaces a stateful resource (a database, a bucket with objects).
  std::optional<bool> confirm_stateful_changes;
  /// resource is the resource address an intervention is about.
  std::optional<std::string> resource;
  /// extend_until_unix is the new expiry an "extend" decision asks for.
  std::optional<std::int64_t> extend_until_unix;
  /// expires_at_unix bounds the signature's life (seconds since the epoch).
  std::int64_t expires_at_unix = 0;
  /// signature is the hex HMAC-SHA256 of the canonical form, with the key the
  /// API and the worker share.
  std::string signature;
};
TEMPORAL_JSON_STRUCT(SignedDecision, (workflow_id, "workflowId"), (user, "user"), (roles, "roles"),
                     (decision, "decision"), (plan_hash, "planHash"), (region, "region"),
                     (profile, "profile"), (reason, "reason"),
                     (confirm_stateful_changes, "confirmStatefulChanges"), (resource, "resource"),
                     (extend_until_unix, "extendUntilUnix"), (expires_at_unix, "expiresAtUnix"),
                     (signature, "signature"))

/// PlanChoice is PreviewPlan's input: the authorizer's region and profile.
struct PlanChoice {
  std::optional<std::string> region;
  std::optional<std::string> profile;
};
TEMPORAL_JSON_STRUCT(PlanChoice, (region, "region"), (profile, "profile"))

/// Approval is one recorded decision.
struct Approval {
  std::string user;
  std::string decision;
  std::string plan_hash;
  std::optional<std::string> reason;
  std::string decided_at;  // RFC 3339, workflow time
};
TEMPORAL_JSON_STRUCT(Approval, (user, "user"), (decision, "decision"), (plan_hash, "planHash"),
                     (reason, "reason"), (decided_at, "decidedAt"))

/// Intervention is a failed apply waiting for an operator (NEEDS_INTERVENTION).
struct Intervention {
  /// resource is the address OpenTofu named in its error (may be empty).
  std::string resource;
  std::string error;
  std::string since;  // RFC 3339, workflow time
  /// choices are the updates an operator may send: retry, exclude (when a
  /// resource is known), rollback, abort.
  std::vector<std::string> choices;
};
TEMPORAL_JSON_STRUCT(Intervention, (resource, "resource"), (error, "error"), (since, "since"),
                     (choices, "choices"))

/// RequestState is GetState's answer, and what request_states records.
struct RequestState {
  std::string status;
  std::int64_t version = 0;
  std::string application_id;
  std::string requester;
  std::string team;
  std::string template_name;
  /// template_hash is the content hash of the template version planned with.
  std::optional<std::string> template_hash;
  std::optional<std::string> plan_hash;
  std::vector<ResourceChange> plan_summary;
  std::optional<ApprovalPolicy> policy;
  /// approvers are the named authorizers (absent or empty: anyone holding a
  /// role of the policy). Optional so that states recorded before it existed
  /// still decode.
  std::optional<std::vector<std::string>> approvers;
  /// authorization_deadline is when the wait for decisions ends (RFC 3339,
  /// workflow time); set while AWAITING_AUTHORIZATION.
  std::optional<std::string> authorization_deadline;
  std::vector<Approval> approvals;
  /// outputs: plain values; sensitive ones as "(sensitive)".
  std::map<std::string, nlohmann::json> outputs;
  std::optional<std::string> error;
  /// intervention is set while the request waits for an operator.
  std::optional<Intervention> intervention;
  /// rounds counts the plans put to the authorizers (a stale plan asks again).
  std::int32_t rounds = 0;
  /// children are the workflow ids of a fanned-out request's per-region runs.
  std::vector<std::string> children;
};
TEMPORAL_JSON_STRUCT(RequestState, (status, "status"), (version, "version"),
                     (application_id, "applicationId"), (requester, "requester"), (team, "team"),
                     (template_name, "template"), (template_hash, "templateHash"),
                     (plan_hash, "planHash"), (plan_summary, "planSummary"), (policy, "policy"),
                     (approvers, "approvers"), (authorization_deadline, "authorizationDeadline"),
                     (approvals, "approvals"), (outputs, "outputs"), (error, "error"),
                     (intervention, "intervention"), (rounds, "rounds"), (children, "children"))

/// ProvisionResult is a provisioned request's result: the stack and its
/// outputs (sensitive ones sealed).
struct ProvisionResult {
  std::string stack;
  std::string plan_hash;
  /// template_hash is the content hash of the template version the stack was
  /// made from.
  std::string template_hash;
  std::map<std::string, OutputValue> outputs;
};
TEMPORAL_JSON_STRUCT(ProvisionResult, (stack, "stack"), (plan_hash, "planHash"),
                     (template_hash, "templateHash"), (outputs, "outputs"))

/// RecordStateInput is what the RecordState activity writes.
struct RecordStateInput {
  std::string workflow_id;
  RequestState state;
};
TEMPORAL_JSON_STRUCT(RecordStateInput, (workflow_id, "workflowId"), (state, "state"))

/// NotifyInput asks for inbox rows (and the webhook) for `users`.
struct NotifyInput {
  std::string notification_id;  // "<workflow id>/<purpose>": idempotent per user
  std::vector<std::string> roles;
  /// users are notified by name, besides those holding `roles`.
  std::vector<std::string> users;
  std::vector<std::string> exclude_users;
  std::string kind;
  std::string workflow_id;
  std::string subject;
  nlohmann::json body;
};
TEMPORAL_JSON_STRUCT(NotifyInput, (notification_id, "notificationId"), (roles, "roles"),
                     (users, "users"), (exclude_users, "excludeUsers"), (kind, "kind"),
                     (workflow_id, "workflowId"), (subject, "subject"), (body, "body"))

/// AuditInput is one audit event (event id: workflow id and history length).
struct AuditInput {
  std::string event_id;
  std::string occurred_at;  // RFC 3339
  std::string actor;
  std::string action;
  std::string workflow_id;
  std::optional<std::string> stack;
  std::optional<std::string> plan_hash;
  std::optional<std::string> reason;
  nlohmann::json details;
};
TEMPORAL_JSON_STRUCT(AuditInput, (event_id, "eventId"), (occurred_at, "occurredAt"),
                     (actor, "actor"), (action, "action"), (workflow_id, "workflowId"),
                     (stack, "stack"), (plan_hash, "planHash"), (reason, "reason"),
                     (details, "details"))

}  // namespace provisio::model
