// api/server/problem.h: every error the API answers, as RFC 9457 problem
// details (application/problem+json).
//
//   return Problem::BadRequest("invalid-field", "team: you are not a member of team x", "team");
//
// The body is ProblemBody: `type` (urn:provisio:problem:<slug>, listed in
// docs/api.md), `title` (the same for every problem of that type), `status`,
// `detail` (this occurrence, saying what to fix), `instance` (the request's
// path), `requestId`, and `field` when one field of the request is at fault.
#pragma once

#include <boost/describe.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/http_types.h"

namespace provisio::api {

/// Problem is an error answer before it is rendered.
struct Problem {
  int status = 500;
  /// slug names the problem type: "invalid-body", "unauthenticated", ...
  std::string slug = "internal";
  std::string title = "Internal error";
  std::string detail;
  /// field is the request field at fault ("approval.roles[0]", "waitAfterVersion").
  std::optional<std::string> field;
  /// headers are extra response headers (Retry-After, Allow).
  std::vector<std::pair<std::string, std::string>> headers;

  /// BadRequest (400): the body, a field or a query parameter is wrong.
  static Problem BadRequest(std::string slug, std::string detail,
                            std::optional<std::string> field = std::nullopt);
  /// Unauthenticated (401): no session, or an expired one.
  static Problem Unauthenticated(std::string detail);
  /// Forbidden (403): signed in, but not allowed (roles, CSRF, origin).
  static Problem Forbidden(std::string slug, std::string detail);
  /// NotFound (404).
  static Problem NotFound(std::string detail);
  /// Conflict (409): the request is fine but the resource's state refuses it.
  static Problem Conflict(std::string detail);
  /// TooManyRequests (429) with Retry-After.
  static Problem TooManyRequests(std::string detail, long long retry_after_seconds);
  /// Unavailable (503): a service the API depends on did not answer.
  static Problem Unavailable(std::string detail);
  /// Internal (500): a bug or an unexpected failure; the detail is logged.
  static Problem Internal(std::string detail);
};

/// ProblemBody is the JSON of a problem (application/problem+json).
struct ProblemBody {
  static constexpr std::string_view kDescription =
      "An error, as RFC 9457 problem details; detail says what to fix.";
  std::string type;
  std::string title;
  int status = 500;
  std::string detail;
  std::string instance;
  std::string request_id;
  std::optional<std::string> field;
};
BOOST_DESCRIBE_STRUCT(ProblemBody, (), (type, title, status, detail, instance, request_id, field))

/// kProblemTypePrefix starts every problem type URI.
inline constexpr std::string_view kProblemTypePrefix = "urn:provisio:problem:";

/// RenderProblem makes the response for `problem` to a request for `target`.
server::Response RenderProblem(const Problem& problem, unsigned http_version,
                               const std::string& target, const std::string& request_id);

}  // namespace provisio::api
