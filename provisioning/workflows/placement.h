// provisioning/workflows/placement.h: whether a region and a profile are
// among those the request's template allows (model::Placement, from
// template.yaml's `placement`). ValidateRequest checks a request's own region
// or regions with it; the PreviewPlan and Authorize validators check the
// authorizer's choice, so an unknown name is refused before it reaches history.
#pragma once

#include <optional>
#include <string>

#include "model/provision_request.h"

namespace provisio::workflows {

/// PlacementProblem returns why `region` or `profile` is not allowed by
/// `placement` ("region \"x\" is not one of the template's regions: a, b"),
/// or nothing when both are (an unset choice is always allowed).
std::optional<std::string> PlacementProblem(const std::optional<model::Placement>& placement,
                                            const std::optional<std::string>& region,
                                            const std::optional<std::string>& profile);

}  // namespace provisio::workflows
