// Several regions in one request: the same template fans out as child
// ProvisionApplication runs, one stack per region, in parallel. Each child is
// a whole request of its own (its plan, its approval, its stack's turn), so
// the authorizers decide per region; the parent waits for all of them.
#include "temporal/workflow/child_workflow.h"
#include "workflows/request_run.h"

namespace provisio::workflows::request {

wf::Task<model::ProvisionResult> Request::FanOut() {
  std::vector<std::string> regions = *request_.regions;
  std::vector<wf::ChildWorkflowHandle<model::ProvisionResult>> children;
  for (const std::string& region : regions) {
    model::ProvisionRequest child = request_;
    child.regions.reset();
    child.region = region;
    child.application = request_.application + "-" + region;
    wf::ChildWorkflowOptions options;
    options.workflow_id = state_.application_id + "/" + region;
    // Cancelling the request cancels each child, which destroys what it
    // created before it ends.
    options.parent_close_policy = temporal::api::enums::v1::PARENT_CLOSE_POLICY_REQUEST_CANCEL;
    children.push_back(
        wf::StartChildWorkflow<model::ProvisionResult>("ProvisionApplication", options, child));
    state_.children.push_back(options.workflow_id);
  }
  co_await Record("PROVISIONING");

  model::ProvisionResult result;
  result.stack = request_.application;
  std::vector<std::string> failed;
  for (std::size_t i = 0; i < children.size(); ++i) {
    std::string cause;
    try {
      const model::ProvisionResult done = co_await children[i].result;
      for (const auto& [name, output] : done.outputs) {
        result.outputs[regions[i] + "." + name] = output;
        state_.outputs[regions[i] + "." + name] = output.sensitive
                                                      ? nlohmann::json("(sensitive)")
                                                      : output.value.value_or(nlohmann::json());
      }
    } catch (const wf::FailureError& error) {
      const auto child_cause = error.failure().cause();
      cause = child_cause ? child_cause->message() : error.failure().message();
    }
    if (!cause.empty()) failed.push_back(regions[i] + ": " + cause);
  }
  if (!failed.empty()) {
    std::string causes;
    for (const std::string& one : failed) causes += (causes.empty() ? "" : "; ") + one;
    co_await Fail("FAILED", causes);
    throw temporal::ApplicationFailure(std::to_string(failed.size()) + " of " +
                                           std::to_string(regions.size()) +
                                           " regions failed: " + causes,
                                       "RegionsFailed", true);
  }
  co_await Record("PROVISIONED");
  co_return result;
}

}  // namespace provisio::workflows::request
