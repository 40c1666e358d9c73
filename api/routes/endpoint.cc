#include "routes/endpoint.h"

#include <algorithm>

namespace provisio::api {

bool SignedInUser::HasRole(std::string_view role) const {
  return std::find(record.roles.begin(), record.roles.end(), role) != record.roles.end();
}

bool SignedInUser::InTeam(std::string_view team) const {
  return std::find(record.teams.begin(), record.teams.end(), team) != record.teams.end();
}

std::optional<std::int64_t> RequestContext::QueryInteger(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::stoll(it->second);
}

}  // namespace provisio::api
