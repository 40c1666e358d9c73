#include "handlers/application_view.h"

namespace provisio::api::handlers {

RequestStateView MakeStateView(const model::RequestState& state) {
  RequestStateView view;
  view.status = state.status;
  view.version = state.version;
  view.application_id = state.application_id;
  view.requester = state.requester;
  view.team = state.team;
  view.template_ = state.template_name;
  view.template_hash = state.template_hash;
  view.plan_hash = state.plan_hash;
  for (const model::ResourceChange& change : state.plan_summary) {
    ResourceChangeView change_view{change.address, change.actions, {}};
    for (const model::AttributeChange& attribute : change.changed)
      change_view.changed.push_back(
          {attribute.name, attribute.before, attribute.after, attribute.sensitive});
    view.plan_summary.push_back(std::move(change_view));
  }
  if (state.policy)
    view.policy =
        ApprovalPolicyView{state.policy->roles, state.policy->count, state.policy->self_approval};
  view.approvers = state.approvers.value_or(std::vector<std::string>{});
  view.authorization_deadline = state.authorization_deadline;
  for (const model::Approval& approval : state.approvals)
    view.approvals.push_back({approval.user, approval.decision, approval.plan_hash, approval.reason,
                              approval.decided_at});
  view.outputs = state.outputs;
  view.error = state.error;
  if (state.intervention)
    view.intervention = InterventionView{state.intervention->resource, state.intervention->error,
                                         state.intervention->since, state.intervention->choices};
  view.rounds = state.rounds;
  return view;
}

}  // namespace provisio::api::handlers
