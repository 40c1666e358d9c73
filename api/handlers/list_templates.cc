// GET /api/templates: the catalogue, by name.
#include "handlers/handlers.h"
#include "handlers/template_view.h"
#include "platform/blocking.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

struct TemplateListView {
  std::vector<TemplateSummaryView> templates;
};
BOOST_DESCRIBE_STRUCT(TemplateListView, (), (templates))

boost::asio::awaitable<Outcome<TemplateListView>> ListTemplates(RequestContext& context) {
  const TemplateCatalogue& catalogue = context.services.templates;
  std::vector<TemplateSpec> specs =
      co_await RunBlocking(context.services.blocking, [&] { return catalogue.List(); });
  TemplateListView view;
  for (const TemplateSpec& spec : specs)
    view.templates.push_back({spec.name, spec.title, spec.description});
  co_return view;
}

}  // namespace

Endpoint ListTemplatesEndpoint() {
  return MakeEndpoint<&ListTemplates>({
      .operation_id = "listTemplates",
      .summary = "The catalogue",
      .description = "Every template (templates/*/template.yaml), sorted by name.",
      .tag = "templates",
  });
}

}  // namespace provisio::api::handlers
