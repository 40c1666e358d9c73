#include "workflows/placement.h"

#include <algorithm>

namespace provisio::workflows {
namespace {

std::optional<std::string> NotListed(const char* what,
                                     const std::optional<std::vector<std::string>>& allowed,
                                     const std::optional<std::string>& chosen) {
  if (!allowed || !chosen) return std::nullopt;
  if (std::find(allowed->begin(), allowed->end(), *chosen) != allowed->end()) return std::nullopt;
  std::string listed;
  for (const std::string& name : *allowed) listed += (listed.empty() ? "" : ", ") + name;
  return std::string(what) + " \"" + *chosen + "\" is not one of the template's " + what + "s (" +
         (listed.empty() ? "none" : listed) + ")";
}

}  // namespace

std::optional<std::string> PlacementProblem(const std::optional<model::Placement>& placement,
                                            const std::optional<std::string>& region,
                                            const std::optional<std::string>& profile) {
  if (!placement) return std::nullopt;
  if (auto problem = NotListed("region", placement->regions, region)) return problem;
  return NotListed("profile", placement->profiles, profile);
}

}  // namespace provisio::workflows
