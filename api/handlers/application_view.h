// api/handlers/application_view.h: a request for resources as the API shows
// it: the workflow's state (GetState), each resource's apply progress (the
// apply_progress rows), and the long-poll cursor `version`.
//
// The views mirror provisioning/model's RequestState field for field; they
// are the API's contract, declared with their schemas here, so that the
// workflow's internal types can change without the OpenAPI document
// changing behind the clients' backs.
#pragma once

#include <boost/describe.hpp>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "json/described_json.h"
#include "model/provision_request.h"

namespace provisio::api::handlers {

struct AttributeChangeView {
  std::string name;
  std::optional<nlohmann::json> before;
  std::optional<nlohmann::json> after;
  bool sensitive = false;
};
BOOST_DESCRIBE_STRUCT(AttributeChangeView, (), (name, before, after, sensitive))

struct ResourceChangeView {
  std::string address;
  std::vector<std::string> actions;
  std::vector<AttributeChangeView> changed;
};
BOOST_DESCRIBE_STRUCT(ResourceChangeView, (), (address, actions, changed))

struct ApprovalPolicyView {
  std::vector<std::string> roles;
  std::int32_t count = 1;
  bool self_approval = false;
};
BOOST_DESCRIBE_STRUCT(ApprovalPolicyView, (), (roles, count, self_approval))

struct DecisionView {
  std::string user;
  std::string decision;
  std::string plan_hash;
  std::optional<std::string> reason;
  std::string decided_at;
};
BOOST_DESCRIBE_STRUCT(DecisionView, (), (user, decision, plan_hash, reason, decided_at))

struct InterventionView {
  std::string resource;
  std::string error;
  std::string since;
  std::vector<std::string> choices;
};
BOOST_DESCRIBE_STRUCT(InterventionView, (), (resource, error, since, choices))

struct RequestStateView {
  static constexpr std::string_view kDescription =
      "The workflow's state (the GetState query; docs/provisioning.md lists the statuses).";
  std::string status;
  std::int64_t version = 0;
  std::string application_id;
  std::string requester;
  std::string team;
  std::string template_;
  std::optional<std::string> template_hash;
  std::optional<std::string> plan_hash;
  std::vector<ResourceChangeView> plan_summary;
  std::optional<ApprovalPolicyView> policy;
  std::vector<std::string> approvers;
  std::optional<std::string> authorization_deadline;
  std::vector<DecisionView> approvals;
  std::map<std::string, nlohmann::json> outputs;
  std::optional<std::string> error;
  std::optional<InterventionView> intervention;
  std::int32_t rounds = 0;
  static void Rules(json::FieldRules& rules) {
    rules["status"] = {.one_of = {"VALIDATING", "PLANNING", "AWAITING_AUTHORIZATION", "QUEUED",
                                  "PROVISIONING", "PROVISIONED", "REJECTED",
                                  "AUTHORIZATION_TIMED_OUT", "NEEDS_INTERVENTION", "ROLLED_BACK",
                                  "FAILED", "CANCELLED", "DESTROYED"}};
    rules["version"].description = "Grows with each state change.";
    rules["outputs"].description = "Plain outputs; sensitive ones as \"(sensitive)\".";
    rules["rounds"].description = "How many plans were put to the authorizers.";
    rules["approvers"].description =
        "The named authorizers, the only ones who may decide; empty: anyone holding one of the "
        "policy's roles.";
    rules["authorizationDeadline"].description =
        "While AWAITING_AUTHORIZATION: when the wait for decisions ends (RFC 3339).";
  }
};
BOOST_DESCRIBE_STRUCT(RequestStateView, (),
                      (status, version, application_id, requester, team, template_, template_hash,
                       plan_hash, plan_summary, policy, approvers, authorization_deadline,
                       approvals, outputs, error, intervention, rounds))

struct ResourceProgressView {
  std::string plan_hash;
  std::string address;
  std::string action;
  std::string status;
  std::int64_t elapsed_ms = 0;
  std::int32_t done = 0;
  std::int32_t total = 0;
  std::int64_t version = 0;
  std::string recorded_at;
  static void Rules(json::FieldRules& rules) {
    rules["status"] = {.one_of = {"started", "in-progress", "complete", "errored"}};
    rules["done"].description = "Resources of this apply done so far.";
    rules["total"].description = "Resources this apply changes.";
  }
};
BOOST_DESCRIBE_STRUCT(ResourceProgressView, (),
                      (plan_hash, address, action, status, elapsed_ms, done, total, version,
                       recorded_at))

struct StatusChangeView {
  std::string status;
  std::int64_t version = 0;
  std::string at;
  static void Rules(json::FieldRules& rules) {
    rules["version"].description = "The state version that changed to this status.";
    rules["at"].description = "When the change was recorded (RFC 3339, milliseconds, UTC).";
  }
};
BOOST_DESCRIBE_STRUCT(StatusChangeView, (), (status, version, at))

struct ApplicationView {
  static constexpr std::string_view kDescription =
      "A request for resources: its state, each resource's apply progress, and the cursor to "
      "long-poll with (?waitAfterVersion=version).";
  std::string id;
  std::int64_t version = 0;
  std::string source;
  RequestStateView state;
  std::vector<ResourceProgressView> progress;
  std::vector<StatusChangeView> timeline;
  static void Rules(json::FieldRules& rules) {
    rules["id"].description = "The application id: the ProvisionApplication workflow's id.";
    rules["timeline"].description =
        "Each change of status, oldest first, with when it was recorded (request_states).";
    rules["version"].description =
        "Grows with every state change and every progress row written: pass it as "
        "waitAfterVersion to wait for the next change.";
    rules["source"] = {
        .description =
            "workflow: the GetState query answered; database: the last state recorded "
            "(the workflow did not answer, or is gone from Temporal).",
        .one_of = {"workflow", "database"}};
  }
};
BOOST_DESCRIBE_STRUCT(ApplicationView, (), (id, version, source, state, progress, timeline))

/// MakeStateView shows a workflow's RequestState.
RequestStateView MakeStateView(const model::RequestState& state);

}  // namespace provisio::api::handlers
