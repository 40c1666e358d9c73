#include "workflows/plan_match.h"

#include <algorithm>

namespace provisio::workflows {
namespace {

// What the runner writes for a value it cannot show (workers/opentofu
// plan-summary.ts): both match any value.
bool IsWildcard(const std::optional<nlohmann::json>& value) {
  return value && value->is_string() &&
         (*value == "(known after apply)" || *value == "(sensitive value)");
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : ",") + word;
  return out;
}

// FinishesApprovedCreate: `fresh` replaces a tainted object that `approved`
// creates (see plan_match.h).
bool FinishesApprovedCreate(const model::ResourceChange& approved,
                            const model::ResourceChange& fresh) {
  const std::vector<std::string> create = {"create"};
  const std::vector<std::string> destroy_first = {"delete", "create"};
  const std::vector<std::string> create_first = {"create", "delete"};
  return approved.actions == create && fresh.action_reason == "replace_because_tainted" &&
         (fresh.actions == destroy_first || fresh.actions == create_first);
}

}  // namespace

std::optional<std::string> PlanMismatch(const std::vector<model::ResourceChange>& approved,
                                        const std::vector<model::ResourceChange>& fresh) {
  for (const model::ResourceChange& change : fresh) {
    const auto match = std::find_if(approved.begin(), approved.end(), [&](const auto& candidate) {
      return candidate.address == change.address;
    });
    if (match == approved.end()) return change.address + " was not in the approved plan";
    if (match->actions != change.actions && !FinishesApprovedCreate(*match, change))
      return change.address + " would " + Joined(change.actions) + ", the approved plan would " +
             Joined(match->actions);
    for (const model::AttributeChange& attribute : change.changed) {
      const auto approved_attribute =
          std::find_if(match->changed.begin(), match->changed.end(),
                       [&](const auto& candidate) { return candidate.name == attribute.name; });
      if (approved_attribute == match->changed.end())
        return change.address + "." + attribute.name + " was not changed by the approved plan";
      if (attribute.sensitive || approved_attribute->sensitive) continue;
      if (IsWildcard(attribute.after) || IsWildcard(approved_attribute->after)) continue;
      if (attribute.after != approved_attribute->after)
        return change.address + "." + attribute.name + " would differ from the approved plan";
    }
  }
  return std::nullopt;
}

}  // namespace provisio::workflows
