#include "handlers/template_view.h"

namespace provisio::api::handlers {
namespace {

std::optional<std::string> NonEmpty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

}  // namespace

TemplateView MakeTemplateView(const TemplateSpec& spec) {
  TemplateView view;
  view.name = spec.name;
  view.title = spec.title;
  view.description = spec.description;
  for (const TemplateParameter& parameter : spec.parameters) {
    view.parameters.push_back({parameter.name, parameter.label, parameter.help, parameter.widget,
                               NonEmpty(parameter.placeholder), parameter.type, parameter.required,
                               parameter.default_value, NonEmpty(parameter.pattern)});
  }
  view.approval = {spec.approval.roles, spec.approval.count, spec.approval.self_approval,
                   NonEmpty(spec.approval.timeout)};
  view.stateful = spec.stateful;
  view.drift_check_interval = NonEmpty(spec.drift_check_interval);
  view.ttl = NonEmpty(spec.ttl);
  if (spec.regions || spec.profiles)
    view.placement = TemplatePlacementView{spec.regions, spec.profiles};
  view.parameter_schema = TemplateCatalogue::ParameterSchema(spec);
  return view;
}

}  // namespace provisio::api::handlers
