// GET /api/templates/{name}: one template, with its parameters (from
// template.yaml and variables.tf) and their JSON Schema.
#include "handlers/handlers.h"
#include "handlers/template_view.h"
#include "platform/blocking.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

boost::asio::awaitable<Outcome<TemplateView>> GetTemplate(RequestContext& context) {
  const TemplateCatalogue& catalogue = context.services.templates;
  const std::string name = context.path.at("name");
  temporal::Result<TemplateSpec> spec =
      co_await RunBlocking(context.services.blocking, [&] { return catalogue.Find(name); });
  if (!spec) {
    if (spec.error().code() == temporal::ErrorCode::kNotFound)
      co_return Problem::NotFound(spec.error().message() + "; GET /api/templates lists them");
    co_return Problem::Internal(spec.error().message());
  }
  co_return MakeTemplateView(*spec);
}

}  // namespace

Endpoint GetTemplateEndpoint() {
  return MakeEndpoint<&GetTemplate>({
      .operation_id = "getTemplate",
      .summary = "One template",
      .description = "The template's parameters, approval policy, stateful resources and the "
                     "JSON Schema a request's parameters must match.",
      .tag = "templates",
      .path_parameters = {{"name", "The template's name (its directory)."}},
      .problems = {404},
  });
}

}  // namespace provisio::api::handlers
