// POST /api/applications/{id}/preview: an authorizer asks for the plan for
// another region or profile before deciding (the PreviewPlan update).
//
// The same people as for a decision may ask (application_reader.h,
// DeciderProblem); the workflow plans again for that choice, makes the new
// plan the current one and clears the decisions so far: authorize then names
// the new planHash. The validator refuses a request that is not awaiting
// authorization, or a region the request preset (409).
#include <spdlog/spdlog.h>

#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "handlers/signed_update.h"
#include "platform/blocking.h"
#include "temporal/client/client.h"

namespace provisio::api::handlers {
namespace {

struct PreviewInput {
  static constexpr std::string_view kDescription =
      "The region and profile to plan for (absent: the template's defaults).";
  std::optional<std::string> region;
  std::optional<std::string> profile;
  static void Rules(json::FieldRules& rules) {
    rules["region"] = {.pattern = "^[a-z0-9-]{1,64}$"};
    rules["profile"] = {.pattern = "^[A-Za-z0-9._-]{1,64}$"};
  }
};
BOOST_DESCRIBE_STRUCT(PreviewInput, (), (region, profile))

struct PreviewView {
  std::string id;
  std::string plan_hash;
  std::vector<ResourceChangeView> plan_summary;
  std::string plan_text;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  static void Rules(json::FieldRules& rules) {
    rules["planHash"].description = "The new current plan: authorize names it.";
    rules["planText"].description = "OpenTofu's rendering of the plan (sensitive values masked).";
  }
};
BOOST_DESCRIBE_STRUCT(PreviewView, (), (id, plan_hash, plan_summary, plan_text, region, profile))

boost::asio::awaitable<Outcome<PreviewView>> PreviewApplication(RequestContext& context,
                                                                PreviewInput input) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const std::string id = context.path.at("id");
  if (!IsApplicationId(id)) co_return NotVisible(id);
  auto loaded = co_await RunBlocking(services.blocking, [&] { return LoadState(services, id); });
  if (!loaded) co_return StateProblem(id, loaded.error());
  if (!MayRead(user, MakeStateView(loaded->state))) co_return NotVisible(id);
  if (std::optional<Problem> refused = DeciderProblem(user, loaded->state)) co_return *refused;

  model::PlanChoice choice{input.region, input.profile};
  temporal::UpdateOptions options;
  // Each preview plans afresh: a new update id per HTTP request.
  options.update_id = "preview/" + user.id() + "/" + context.info.request_id;
  options.wait_for_stage =
      temporal::api::enums::v1::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  temporal::Result<model::Plan> plan =
      co_await RunBlocking(services.blocking, [&]() -> temporal::Result<model::Plan> {
        auto handle = services.temporal.GetHandle(id).StartUpdate(options, "PreviewPlan", choice);
        if (!handle) return handle.error();
        return handle->GetResult<model::Plan>();
      });
  if (!plan) co_return UpdateProblem(context, plan.error(), "not-an-authorizer", NotVisible(id));
  spdlog::info("{} previewed {} for region {} profile {}: plan {}", user.id(), id,
               input.region.value_or("(default)"), input.profile.value_or("(default)"), plan->hash);
  PreviewView view{id, plan->hash, {}, plan->plan_text, input.region, input.profile};
  for (const model::ResourceChange& change : plan->summary) {
    ResourceChangeView resource{change.address, change.actions, {}};
    for (const model::AttributeChange& attribute : change.changed)
      resource.changed.push_back(
          {attribute.name, attribute.before, attribute.after, attribute.sensitive});
    view.plan_summary.push_back(std::move(resource));
  }
  co_return view;
}

}  // namespace

Endpoint PreviewApplicationEndpoint() {
  return MakeEndpoint<&PreviewApplication>({
      .operation_id = "previewApplication",
      .summary = "Plan for another region or profile",
      .description =
          "For those who may decide on the request (403 otherwise): the PreviewPlan update plans "
          "again for {region, profile}; the new plan becomes the current one and the decisions "
          "so far are cleared. 409: not awaiting authorization, a region the request preset, or "
          "the plan failed (the old plan stays current).",
      .tag = "applications",
      .path_parameters = {{"id", "The application id."}},
      .problems = {403, 404, 409, 503},
  });
}

}  // namespace provisio::api::handlers
