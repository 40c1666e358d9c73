#include "openapi/openapi_document.h"

#include <set>

#include "auth/origin_check.h"
#include "auth/session_cookie.h"
#include "json/described_json.h"
#include "server/problem.h"

namespace provisio::api {
namespace {

nlohmann::json ProblemResponse(const std::string& description) {
  return {
      {"description", description},
      {"content",
       {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

std::string Reason(int status) {
  return std::string(server::http::obsolete_reason(static_cast<server::http::status>(status)));
}

std::vector<std::string> Placeholders(const std::string& path) {
  std::vector<std::string> names;
  std::size_t open = path.find('{');
  while (open != std::string::npos) {
    const std::size_t close = path.find('}', open);
    names.push_back(path.substr(open + 1, close - open - 1));
    open = path.find('{', close);
  }
  return names;
}

nlohmann::json Operation(const Route& route) {
  const Endpoint& endpoint = route.endpoint;
  const EndpointInfo& info = endpoint.info;
  const bool state_changing = auth::IsStateChanging(route.method);
  nlohmann::json operation = {{"operationId", info.operation_id},
                              {"summary", info.summary},
                              {"description", info.description},
                              {"tags", {info.tag}}};
  nlohmann::json parameters = nlohmann::json::array();
  for (const std::string& name : Placeholders(route.path)) {
    auto described = info.path_parameters.find(name);
    parameters.push_back(
        {{"name", name},
         {"in", "path"},
         {"required", true},
         {"description",
          described == info.path_parameters.end() ? std::string() : described->second},
         {"schema", {{"type", "string"}}}});
  }
  for (const QueryParameter& query : info.query) {
    nlohmann::json schema = {{"type", query.type}};
    if (query.minimum) schema["minimum"] = *query.minimum;
    if (query.maximum) schema["maximum"] = *query.maximum;
    parameters.push_back({{"name", query.name},
                          {"in", "query"},
                          {"required", false},
                          {"description", query.description},
                          {"schema", schema}});
  }
  if (!parameters.empty()) operation["parameters"] = parameters;
  if (endpoint.request_schema) {
    operation["requestBody"] = {
        {"required", true},
        {"content", {{"application/json", {{"schema", endpoint.request_schema()}}}}}};
  }

  nlohmann::json responses = nlohmann::json::object();
  nlohmann::json success = {{"description", info.success_description}};
  if (endpoint.response_schema)
    success["content"] = {{info.success_content_type.substr(0, info.success_content_type.find(';')),
                           {{"schema", endpoint.response_schema()}}}};
  responses[std::to_string(info.success_status)] = success;
  for (const ExtraResponse& extra : info.extra_responses) {
    nlohmann::json response = {{"description", extra.description}};
    if (endpoint.response_schema)
      response["content"] = {{"application/json", {{"schema", endpoint.response_schema()}}}};
    responses[std::to_string(extra.status)] = response;
  }
  std::set<int> problems(info.problems.begin(), info.problems.end());
  if (endpoint.request_schema || !info.query.empty() || !Placeholders(route.path).empty())
    problems.insert(400);
  if (endpoint.request_schema) problems.insert({413, 415});
  if (info.access == Access::kSignedIn) problems.insert(401);
  if (state_changing) problems.insert(403);
  for (int status : problems) responses[std::to_string(status)] = ProblemResponse(Reason(status));
  responses["default"] = ProblemResponse("Any other error (problem details)");
  operation["responses"] = responses;

  if (info.access == Access::kPublic) {
    operation["security"] = nlohmann::json::array();
  } else if (state_changing && !info.temporal_ui_cors) {
    operation["security"] = {
        {{"session", nlohmann::json::array()}, {"csrf", nlohmann::json::array()}}};
  } else {
    operation["security"] = {{{"session", nlohmann::json::array()}}};
  }
  return operation;
}

}  // namespace

nlohmann::json OpenApiDocument(const std::vector<Route>& routes, bool cookie_secure) {
  nlohmann::json paths = nlohmann::json::object();
  for (const Route& route : routes) {
    std::string method(server::http::to_string(route.method));
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[route.path][method] = Operation(route);
  }
  nlohmann::json problem = json::SchemaOf<ProblemBody>();
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Provisio API"},
        {"version", "0.1.0"},
        {"description",
         "Self-service infrastructure provisioning: sign in, pick a template, request it, and "
         "follow it through authorization and apply. Every error is application/problem+json "
         "(RFC 9457). State-changing requests need an allowed Origin and, when signed in, the "
         "X-CSRF-Token from GET /api/session. docs/api.md has the details."}}},
      {"paths", paths},
      {"components",
       {{"schemas", {{"Problem", problem}}},
        {"securitySchemes",
         {{"session",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", auth::SessionCookieName(cookie_secure)},
            {"description", "The session cookie POST /api/session sets."}}},
          {"csrf",
           {{"type", "apiKey"},
            {"in", "header"},
            {"name", "X-CSRF-Token"},
            {"description", "The session's CSRF token (GET /api/session, csrfToken)."}}}}}}},
  };
}

}  // namespace provisio::api
