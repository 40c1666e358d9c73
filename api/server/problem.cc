#include "server/problem.h"

#include "json/described_json.h"

namespace provisio::api {

Problem Problem::BadRequest(std::string slug, std::string detail,
                            std::optional<std::string> field) {
  return Problem{400, std::move(slug), "Bad request", std::move(detail), std::move(field), {}};
}

Problem Problem::Unauthenticated(std::string detail) {
  return Problem{401, "unauthenticated", "Not signed in", std::move(detail), std::nullopt, {}};
}

Problem Problem::Forbidden(std::string slug, std::string detail) {
  return Problem{403, std::move(slug), "Forbidden", std::move(detail), std::nullopt, {}};
}

Problem Problem::NotFound(std::string detail) {
  return Problem{404, "not-found", "Not found", std::move(detail), std::nullopt, {}};
}

Problem Problem::Conflict(std::string detail) {
  return Problem{409, "conflict", "Conflict", std::move(detail), std::nullopt, {}};
}

Problem Problem::TooManyRequests(std::string detail, long long retry_after_seconds) {
  return Problem{429,
                 "too-many-requests",
                 "Too many requests",
                 std::move(detail),
                 std::nullopt,
                 {{"Retry-After", std::to_string(retry_after_seconds)}}};
}

Problem Problem::Unavailable(std::string detail) {
  return Problem{503, "unavailable", "Service unavailable", std::move(detail), std::nullopt, {}};
}

Problem Problem::Internal(std::string detail) {
  return Problem{500, "internal", "Internal error", std::move(detail), std::nullopt, {}};
}

server::Response RenderProblem(const Problem& problem, unsigned http_version,
                               const std::string& target, const std::string& request_id) {
  ProblemBody body;
  body.type = std::string(kProblemTypePrefix) + problem.slug;
  body.title = problem.title;
  body.status = problem.status;
  body.detail = problem.detail;
  // The path only: a query string may hold what the client would not log.
  body.instance = target.substr(0, target.find('?'));
  body.request_id = request_id;
  body.field = problem.field;
  server::Response response{static_cast<server::http::status>(problem.status), http_version};
  response.set(server::http::field::content_type, "application/problem+json");
  for (const auto& [name, value] : problem.headers) response.set(name, value);
  // replace: a detail may quote the client's bytes, which need not be UTF-8.
  response.body() =
      json::Encode(body).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace provisio::api
