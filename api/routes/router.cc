#include "routes/router.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "auth/origin_check.h"
#include "auth/session_cookie.h"
#include "auth/session_store.h"
#include "auth/session_tokens.h"
#include "platform/blocking.h"
#include "platform/services.h"

namespace provisio::api {
namespace {

namespace http = server::http;

// Deeper JSON than this is refused before parsing: no body of ours nests
// more than a few levels, and the depth a parser or its callers recurse to
// must stay bounded.
constexpr int kMaxJsonDepth = 32;

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      unsigned value = 0;
      const auto [end, error] =
          std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (error != std::errc() || end != text.data() + i + 3) return std::nullopt;
      out += static_cast<char>(value);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

bool TooDeep(const std::string& body) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

bool IsJsonContentType(std::string_view type) {
  const std::string_view media = type.substr(0, type.find(';'));
  std::string lower;
  for (char c : media)
    if (c != ' ') lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json";
}

server::Response Render(const server::Request& request, const RequestContext& context,
                        RawOutcome outcome, int success_status,
                        const std::string& content_type = "application/json") {
  server::Response response;
  if (auto* problem = std::get_if<Problem>(&outcome)) {
    response = RenderProblem(*problem, request.version(), std::string(request.target()),
                             context.info.request_id);
  } else {
    auto& body = std::get<std::optional<nlohmann::json>>(outcome);
    response.result(static_cast<http::status>(context.status.value_or(success_status)));
    if (body && content_type != "application/json" && body->is_string()) {
      response.set(http::field::content_type, content_type);
      response.body() = body->get<std::string>();
    } else if (body) {
      response.set(http::field::content_type, "application/json");
      response.body() = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  for (const auto& [name, value] : context.headers) response.insert(name, value);
  return response;
}

// AddCorsHeaders lets the Temporal Web UI's page read the answer, with its
// session cookie.
void AddCorsHeaders(server::Response& response, const std::string& origin) {
  response.set(http::field::access_control_allow_origin, origin);
  response.set(http::field::access_control_allow_credentials, "true");
  response.set(http::field::vary, "Origin");
}

}  // namespace

bool Router::PreflightAllowed(const std::vector<std::string>& segments) const {
  for (const CompiledRoute& candidate : routes_)
    if (candidate.route->endpoint.info.temporal_ui_cors && candidate.segments == segments)
      return true;
  return false;
}

std::optional<std::vector<std::string>> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = path.empty() || path.front() != '/' ? 0 : 1;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    auto segment = PercentDecode(path.substr(start, slash - start), false);
    if (!segment) return std::nullopt;
    segments.push_back(std::move(*segment));
    start = slash + 1;
  }
  return segments;
}

std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view query,
                                                             std::string& bad) {
  std::map<std::string, std::string> parameters;
  std::size_t start = 0;
  while (start < query.size()) {
    const std::size_t amp = std::min(query.find('&', start), query.size());
    const std::string_view pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    auto name = PercentDecode(pair.substr(0, equals), true);
    auto value =
        PercentDecode(equals == std::string_view::npos ? "" : pair.substr(equals + 1), true);
    if (!name || !value) {
      bad = std::string(pair.substr(0, equals));
      return std::nullopt;
    }
    if (!parameters.emplace(*name, *value).second) {
      bad = *name;
      return std::nullopt;
    }
  }
  return parameters;
}

Router::Router(Services& services) : services_(services) {
  for (const Route& route : services.routes) {
    auto segments = SplitPath(route.path);
    routes_.push_back({&route, segments.value_or(std::vector<std::string>{})});
  }
}

boost::asio::awaitable<server::Handled> Router::Handle(server::Request request,
                                                       server::RequestInfo info) {
  RequestContext context{request,      info,         services_,    {}, {},
                         std::nullopt, std::nullopt, std::nullopt, {}};
  const auto started = std::chrono::steady_clock::now();
  server::Handled handled;
  const std::string target(request.target());
  const std::string_view path = std::string_view(target).substr(0, target.find('?'));
  const auto answer = [&](const Problem& problem) {
    return RenderProblem(problem, request.version(), target, info.request_id);
  };

  std::optional<std::vector<std::string>> segments = SplitPath(path);
  const CompiledRoute* found = nullptr;
  std::string allowed;
  if (segments) {
    for (const CompiledRoute& candidate : routes_) {
      if (candidate.segments.size() != segments->size()) continue;
      std::map<std::string, std::string> parameters;
      bool matches = true;
      for (std::size_t i = 0; i < segments->size() && matches; ++i) {
        const std::string& pattern = candidate.segments[i];
        if (pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}') {
          if ((*segments)[i].empty())
            matches = false;
          else
            parameters[pattern.substr(1, pattern.size() - 2)] = (*segments)[i];
        } else {
          matches = pattern == (*segments)[i];
        }
      }
      if (!matches) continue;
      if (candidate.route->method == request.method()) {
        found = &candidate;
        context.path = std::move(parameters);
        break;
      }
      allowed +=
          (allowed.empty() ? "" : ", ") + std::string(http::to_string(candidate.route->method));
    }
  }
  if (found == nullptr && allowed.empty() && services_.site != nullptr) {
    // Not a route: maybe a page or an asset of the web UI, which sets its own
    // caching and security headers.
    if (auto page = services_.site->Serve(request)) {
      handled.response = std::move(*page);
      co_return handled;
    }
  }
  const std::string origin(request[http::field::origin]);
  const bool ui_origin =
      !services_.config.temporal_ui_origin.empty() && origin == services_.config.temporal_ui_origin;
  if (found == nullptr && request.method() == http::verb::options && ui_origin && segments &&
      PreflightAllowed(*segments)) {
    // The Temporal Web UI's CORS preflight for a codec endpoint.
    handled.response.result(http::status::no_content);
    handled.response.version(request.version());
    AddCorsHeaders(handled.response, origin);
    handled.response.set(http::field::access_control_allow_methods, "POST");
    handled.response.set(http::field::access_control_allow_headers, "Content-Type, X-Namespace");
    handled.response.set(http::field::access_control_max_age, "600");
  } else if (!segments) {
    handled.response = answer(Problem::BadRequest("malformed-path", "the path has a bad % escape"));
  } else if (found == nullptr && allowed.empty()) {
    handled.response =
        answer(Problem::NotFound("there is no route " + std::string(request.method_string()) + " " +
                                 std::string(path) + "; GET /api/openapi.json lists the routes"));
  } else if (found == nullptr) {
    Problem problem{405,
                    "method-not-allowed",
                    "Method not allowed",
                    std::string(request.method_string()) + " is not allowed on " +
                        std::string(path) + "; allowed: " + allowed,
                    std::nullopt,
                    {{"Allow", allowed}}};
    handled.response = answer(problem);
  } else {
    try {
      handled.response = co_await Dispatch(context, *found);
    } catch (const std::exception& error) {
      spdlog::error("request {} {} {}: {}", info.request_id, request.method_string(), path,
                    error.what());
      handled.response = answer(Problem::Internal(
          "an unexpected error; the server's log has it under request id " + info.request_id));
    }
  }
  if (found != nullptr && found->route->endpoint.info.temporal_ui_cors && ui_origin)
    AddCorsHeaders(handled.response, origin);
  if (context.user) handled.user = context.user->id();
  if (services_.metrics != nullptr) {
    services_.metrics->Record(std::string(request.method_string()),
                              found != nullptr ? found->route->path : "unmatched",
                              static_cast<int>(handled.response.result_int()),
                              std::chrono::steady_clock::now() - started);
  }
  handled.response.set(http::field::cache_control, "no-store");
  handled.response.set("X-Content-Type-Options", "nosniff");
  co_return handled;
}

boost::asio::awaitable<server::Response> Router::Dispatch(RequestContext& context,
                                                          const CompiledRoute& compiled) {
  const server::Request& request = context.request;
  const Endpoint& endpoint = compiled.route->endpoint;
  const EndpointInfo& info = endpoint.info;
  const std::string target(request.target());
  const auto answer = [&](const Problem& problem) {
    return Render(request, context, problem, info.success_status);
  };

  // 2. The query.
  const auto mark = target.find('?');
  std::string bad;
  auto query =
      ParseQuery(mark == std::string::npos ? "" : std::string_view(target).substr(mark + 1), bad);
  if (!query) {
    co_return answer(Problem::BadRequest(
        "invalid-query", "query parameter \"" + bad + "\" has a bad % escape or is given twice",
        bad));
  }
  for (const auto& [name, value] : *query) {
    const auto declared = std::find_if(info.query.begin(), info.query.end(),
                                       [&](const QueryParameter& p) { return p.name == name; });
    if (declared == info.query.end()) {
      std::string names;
      for (const QueryParameter& parameter : info.query)
        names += (names.empty() ? "" : ", ") + parameter.name;
      co_return answer(Problem::BadRequest(
          "invalid-query",
          "query parameter \"" + name + "\" is not known here" +
              (names.empty() ? " (this route takes none)" : "; known: " + names),
          name));
    }
    if (declared->type == "integer") {
      long long number = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (error != std::errc() || end != value.data() + value.size() || value.empty() ||
          (declared->minimum && number < *declared->minimum) ||
          (declared->maximum && number > *declared->maximum)) {
        co_return answer(Problem::BadRequest(
            "invalid-query",
            "query parameter \"" + name + "\" must be a whole number" +
                (declared->minimum ? " from " + std::to_string(*declared->minimum) : "") +
                (declared->maximum ? " to " + std::to_string(*declared->maximum) : "") +
                ", not \"" + value + "\"",
            name));
      }
    }
  }
  context.query = std::move(*query);

  // 3. The origin of a state-changing request.
  const bool state_changing = auth::IsStateChanging(request.method());
  const bool from_temporal_ui = info.temporal_ui_cors &&
                                !services_.config.temporal_ui_origin.empty() &&
                                request[http::field::origin] == services_.config.temporal_ui_origin;
  if (state_changing && !from_temporal_ui) {
    if (auto refusal = auth::OriginRefusal(request, services_.config))
      co_return answer(Problem::Forbidden("origin-refused", *refusal));
  }

  // 4. The session, and the CSRF token.
  if (info.access == Access::kSignedIn) {
    const bool secure = services_.config.cookie_secure;
    std::optional<std::string> token = auth::SessionTokenFrom(request, secure);
    if (!token) {
      co_return answer(Problem::Unauthenticated(
          "sign in first: POST /api/session with your user and password (no " +
          auth::SessionCookieName(secure) + " cookie came with this request)"));
    }
    const std::chrono::seconds idle = services_.config.session_idle_timeout;
    temporal::Result<auth::SessionLookup> lookup = co_await RunBlocking(services_.blocking, [&] {
      return services_.database.With(
          [&](database::Connection& db) { return auth::LookupSession(db, *token, idle); });
    });
    if (!lookup) {
      spdlog::error("request {}: session lookup: {}", context.info.request_id,
                    lookup.error().message());
      co_return answer(Problem::Unavailable("the platform database did not answer; try again"));
    }
    if (lookup->state != auth::SessionState::kActive) {
      Problem problem = Problem::Unauthenticated(
          lookup->state == auth::SessionState::kEnded
              ? "your session has ended (it expired, was idle too long, or your password "
                "changed); sign in again"
              : "your session is not known (signed out, or from another deployment); sign in "
                "again");
      context.headers.emplace_back("Set-Cookie", auth::ClearSessionCookie(secure));
      co_return answer(problem);
    }
    context.user = SignedInUser{std::move(lookup->user), lookup->expires_at};
    context.session_token = *token;
    if (state_changing && !info.temporal_ui_cors) {
      const std::string sent(request["X-CSRF-Token"]);
      if (sent.empty() || !auth::SameSecret(sent, auth::CsrfToken(*token))) {
        co_return answer(Problem::Forbidden(
            "csrf-token", sent.empty()
                              ? "a state-changing request needs the X-CSRF-Token header; GET "
                                "/api/session gives the token"
                              : "the X-CSRF-Token header is not this session's token; GET "
                                "/api/session gives the right one"));
      }
    }
  }

  // 5. The body.
  nlohmann::json body;
  if (endpoint.request_schema) {
    if (!IsJsonContentType(request[http::field::content_type])) {
      Problem problem{415,
                      "unsupported-media-type",
                      "Unsupported media type",
                      "send the body as JSON with Content-Type: application/json",
                      std::nullopt,
                      {}};
      co_return answer(problem);
    }
    if (TooDeep(request.body())) {
      co_return answer(Problem::BadRequest(
          "invalid-json",
          "the JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels"));
    }
    try {
      body = nlohmann::json::parse(request.body());
    } catch (const nlohmann::json::parse_error& error) {
      std::string message = error.what();
      // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> from "parse
      // error"
      if (auto at = message.find("parse error"); at != std::string::npos)
        message = message.substr(at);
      co_return answer(Problem::BadRequest("invalid-json", "the body is not JSON: " + message));
    }
  } else if (!request.body().empty()) {
    co_return answer(Problem::BadRequest("unexpected-body", "this route takes no body; send none"));
  }

  // 6. The handler.
  RawOutcome outcome = co_await endpoint.invoke(context, endpoint.request_schema ? &body : nullptr);
  co_return Render(request, context, std::move(outcome), info.success_status,
                   info.success_content_type);
}

}  // namespace provisio::api
