#include "activities/enqueue_apply.h"

#include <stdexcept>

#include "temporal/activity/activity_context.h"
#include "workflows/stack.h"

namespace provisio::activities {

namespace enums = temporal::api::enums::v1;

model::EnqueueApplyResult EnqueueApply(const ActivityEnvironment& environment,
                                       const model::EnqueueApplyInput& input) {
  if (environment.client == nullptr)
    throw temporal::ApplicationFailure("EnqueueApply needs a Temporal client", "Misconfigured",
                                       true);
  const temporal::ActivityContext* context = temporal::ActivityContext::Current();
  temporal::StartWorkflowOptions start;
  start.id = workflows::StackWorkflowId(input.stack);
  start.task_queue = context != nullptr ? context->info().task_queue : "provisio";
  start.id_conflict_policy = enums::WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING;
  model::StackState fresh;
  fresh.stack = input.stack;
  fresh.template_name = input.template_name;
  temporal::UpdateOptions update;
  // One update per plan the request enqueues: a retried activity gets the
  // first outcome, and a request that planned again (stale) gets a new turn.
  update.update_id = "enqueue/" + input.request_id + "/" + input.plan_hash;
  update.wait_for_stage = enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  auto sent =
      environment.client->UpdateWithStart("Stack", start, *temporal::ToPayloads(fresh), update,
                                          "EnqueueApply", *temporal::ToPayloads(input));
  if (!sent) {
    // A validator's refusal will not change on retry; anything else may.
    if (sent.error().code() == temporal::ErrorCode::kUpdateFailed)
      throw temporal::ApplicationFailure(sent.error().message(), "EnqueueRefused", true);
    throw std::runtime_error("EnqueueApply: " + sent.error().message());
  }
  auto result = sent->update.GetResult<model::EnqueueApplyResult>();
  if (!result) throw std::runtime_error("EnqueueApply: " + result.error().message());
  return *result;
}

}  // namespace provisio::activities
