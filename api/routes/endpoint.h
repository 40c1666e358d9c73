// api/routes/endpoint.h: what a handler file declares, and how a typed
// handler becomes an endpoint of the route table.
//
// A handler is a coroutine taking the RequestContext and, when its route
// takes a body, the body as a described struct (json/described_json.h); it
// returns its response struct or a Problem:
//
//   boost::asio::awaitable<Outcome<SessionView>> CreateSession(RequestContext& context,
//                                                              SignInInput input);
//   Endpoint CreateSessionEndpoint() {
//     return MakeEndpoint<&CreateSession>({.operation_id = "createSession", ...});
//   }
//
// MakeEndpoint takes the input and output types from the handler's signature,
// so the router decodes exactly the struct the handler reads, and the OpenAPI
// document (openapi/openapi_document.h) publishes exactly those schemas.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "auth/user_directory.h"
#include "json/described_json.h"
#include "server/http_types.h"
#include "server/problem.h"

namespace provisio::api {

struct Services;

/// SignedInUser is the user of a valid session, as read at this request.
struct SignedInUser {
  auth::UserRecord record;
  std::chrono::system_clock::time_point session_expires_at;

  const std::string& id() const { return record.id; }
  bool HasRole(std::string_view role) const;
  /// SeesEverything: operators and admins read every request.
  bool SeesEverything() const { return HasRole("operator") || HasRole("admin"); }
  bool InTeam(std::string_view team) const;
};

/// RequestContext is one request as a handler sees it.
struct RequestContext {
  const server::Request& request;
  const server::RequestInfo& info;
  Services& services;
  /// path holds the route's {placeholders}, percent-decoded.
  std::map<std::string, std::string> path;
  /// query holds the query parameters, checked against the endpoint's.
  std::map<std::string, std::string> query;
  /// user is set when the request carries a valid session.
  std::optional<SignedInUser> user;
  /// session_token is that session's token (sign-out, the CSRF token).
  std::optional<std::string> session_token;

  /// status, when set, replaces the endpoint's success status (readyz's 503).
  std::optional<int> status;
  /// headers are added to the response (Set-Cookie, Location).
  std::vector<std::pair<std::string, std::string>> headers;

  /// QueryInteger is an integer query parameter (the router checked its form).
  std::optional<std::int64_t> QueryInteger(const std::string& name) const;
};

/// Outcome is a handler's answer: its response struct, or a Problem.
template <typename T>
class Outcome {
 public:
  Outcome(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Outcome(Problem problem) : state_(std::in_place_index<1>, std::move(problem)) {}  // NOLINT
  bool ok() const { return state_.index() == 0; }
  T& value() { return std::get<0>(state_); }
  const Problem& problem() const { return std::get<1>(state_); }

 private:
  std::variant<T, Problem> state_;
};

/// NoContent is the output of a handler that answers 204 with no body.
struct NoContent {};

/// PlainText is the output of a handler whose answer is text, not JSON
/// (GET /metrics); its endpoint names the media type in
/// EndpointInfo::success_content_type.
struct PlainText {
  std::string text;
};

/// Access says who may call an endpoint.
enum class Access {
  /// kPublic: anyone (sign-in, health, the OpenAPI document).
  kPublic,
  /// kSignedIn: a valid session (else 401); a state-changing request also
  /// needs the CSRF token (else 403).
  kSignedIn,
};

/// QueryParameter is one query parameter an endpoint accepts.
struct QueryParameter {
  std::string name;
  std::string description;
  /// type is "integer" or "string".
  std::string type = "string";
  std::optional<std::int64_t> minimum;
  std::optional<std::int64_t> maximum;
};

/// ExtraResponse is a documented answer besides success and problems
/// (readyz's 503 with the same body).
struct ExtraResponse {
  int status = 0;
  std::string description;
};

/// EndpointInfo is what a handler file says about its route.
struct EndpointInfo {
  std::string operation_id;
  std::string summary;
  std::string description;
  std::string tag;
  Access access = Access::kSignedIn;
  int success_status = 200;
  std::string success_description = "OK";
  std::vector<QueryParameter> query;
  /// path_parameters describes the route's {placeholders}, by name.
  std::map<std::string, std::string> path_parameters;
  /// problems lists the statuses this endpoint's own logic answers with a
  /// problem (the router's and transport's are added by the OpenAPI writer).
  std::vector<int> problems;
  std::vector<ExtraResponse> extra_responses;
  /// temporal_ui_cors: the Temporal Web UI calls this endpoint from its own
  /// origin (PROVISIO_TEMPORAL_UI_ORIGIN) with the session cookie: the router
  /// answers that origin's CORS preflight and adds the CORS headers, accepts
  /// it as a request's Origin, and asks for no CSRF token (the Web UI cannot
  /// know it). Only for endpoints that change nothing.
  bool temporal_ui_cors = false;
  /// success_content_type is the success answer's media type: JSON, unless
  /// the handler returns PlainText.
  std::string success_content_type = "application/json";
};

/// RawOutcome is an endpoint's answer before rendering: a JSON body (none
/// for 204), or a problem.
using RawOutcome = std::variant<std::optional<nlohmann::json>, Problem>;

/// Endpoint is a handler with its types erased, as the route table holds it.
struct Endpoint {
  EndpointInfo info;
  /// request_schema is empty when the endpoint takes no body.
  std::function<nlohmann::json()> request_schema;
  /// response_schema is empty for 204 No Content.
  std::function<nlohmann::json()> response_schema;
  /// invoke decodes `body` (null when the endpoint takes none) and runs the handler.
  std::function<boost::asio::awaitable<RawOutcome>(RequestContext&, const nlohmann::json*)> invoke;
};

namespace detail {

template <typename Handler>
struct HandlerTraits;
template <typename Output>
struct HandlerTraits<boost::asio::awaitable<Outcome<Output>> (*)(RequestContext&)> {
  using Input = void;
  using Result = Output;
};
template <typename Output, typename InputType>
struct HandlerTraits<boost::asio::awaitable<Outcome<Output>> (*)(RequestContext&, InputType)> {
  using Input = InputType;
  using Result = Output;
};

template <typename Output>
RawOutcome ToRaw(Outcome<Output>& outcome) {
  if (!outcome.ok()) return outcome.problem();
  if constexpr (std::is_same_v<Output, NoContent>) {
    return std::optional<nlohmann::json>();
  } else if constexpr (std::is_same_v<Output, PlainText>) {
    // Carried as a JSON string; the router writes it as it is.
    return std::optional<nlohmann::json>(nlohmann::json(std::move(outcome.value().text)));
  } else {
    return std::optional<nlohmann::json>(json::Encode(outcome.value()));
  }
}

}  // namespace detail

/// MakeEndpoint wraps `Handler` (see the top of this file).
template <auto Handler>
Endpoint MakeEndpoint(EndpointInfo info) {
  using Traits = detail::HandlerTraits<decltype(Handler)>;
  using Input = typename Traits::Input;
  using Output = typename Traits::Result;
  Endpoint endpoint;
  endpoint.info = std::move(info);
  if constexpr (!std::is_void_v<Input>)
    endpoint.request_schema = [] { return json::SchemaOf<Input>(); };
  if constexpr (std::is_same_v<Output, nlohmann::json>) {
    // Only the OpenAPI document itself is free-form.
    endpoint.response_schema = [] {
      return nlohmann::json{{"type", "object"}, {"additionalProperties", true}};
    };
  } else if constexpr (std::is_same_v<Output, PlainText>) {
    endpoint.response_schema = [] { return nlohmann::json{{"type", "string"}}; };
  } else if constexpr (!std::is_same_v<Output, NoContent>) {
    endpoint.response_schema = [] { return json::SchemaOf<Output>(); };
  }
  endpoint.invoke = [](RequestContext& context,
                       const nlohmann::json* body) -> boost::asio::awaitable<RawOutcome> {
    if constexpr (std::is_void_v<Input>) {
      Outcome<Output> outcome = co_await Handler(context);
      co_return detail::ToRaw(outcome);
    } else {
      Input input{};
      if (std::optional<json::DecodeError> error = json::Decode(*body, input)) {
        co_return Problem::BadRequest(
            "invalid-field", error->ToString(),
            error->path.empty() ? std::nullopt : std::optional<std::string>(error->path));
      }
      Outcome<Output> outcome = co_await Handler(context, std::move(input));
      co_return detail::ToRaw(outcome);
    }
  };
  return endpoint;
}

/// Route is one row of the route table: a method and a path template
/// ("/api/applications/{id}") with its endpoint.
struct Route {
  server::http::verb method;
  std::string path;
  Endpoint endpoint;
};

}  // namespace provisio::api
