// GET /api/templates/{name}/authorizers: who may decide on a request for
// this template, so that a requester can name their authorizers.
//
// They are the enabled users holding one of the template's approval roles,
// leaving out the signed-in user unless the template allows self-approval
// (they could not decide on their own request). A request may name some of
// them as `approvers`; the workflow then asks and accepts only those.
#include <algorithm>

#include "auth/user_directory.h"
#include "handlers/handlers.h"
#include "platform/blocking.h"
#include "platform/services.h"

namespace provisio::api::handlers {
namespace {

struct AuthorizerView {
  std::string user;
  std::string display_name;
  std::vector<std::string> roles;
  static void Rules(json::FieldRules& rules) {
    rules["user"].description = "The user id to name in a request's approvers.";
    rules["roles"].description = "Their roles (at least one is the template's).";
  }
};
BOOST_DESCRIBE_STRUCT(AuthorizerView, (), (user, display_name, roles))

struct AuthorizerListView {
  static constexpr std::string_view kDescription =
      "The users who may decide on this template's requests, by id.";
  std::vector<AuthorizerView> authorizers;
};
BOOST_DESCRIBE_STRUCT(AuthorizerListView, (), (authorizers))

boost::asio::awaitable<Outcome<AuthorizerListView>> ListAuthorizers(RequestContext& context) {
  Services& services = context.services;
  const std::string name = context.path.at("name");
  temporal::Result<TemplateSpec> spec =
      co_await RunBlocking(services.blocking, [&] { return services.templates.Find(name); });
  if (!spec) {
    if (spec.error().code() == temporal::ErrorCode::kNotFound)
      co_return Problem::NotFound(spec.error().message() + "; GET /api/templates lists them");
    co_return Problem::Internal(spec.error().message());
  }
  auto users = co_await RunBlocking(services.blocking, [&] {
    return services.database.With([&](database::Connection& db) {
      return auth::UsersHoldingAnyRole(db, spec->approval.roles);
    });
  });
  if (!users)
    co_return Problem::Unavailable("the users could not be read (" + users.error().message() +
                                   "); try again");
  AuthorizerListView view;
  for (const auth::UserRecord& user : *users) {
    if (user.id == context.user->id() && !spec->approval.self_approval) continue;
    view.authorizers.push_back({user.id, user.display_name, user.roles});
  }
  co_return view;
}

}  // namespace

Endpoint ListAuthorizersEndpoint() {
  return MakeEndpoint<&ListAuthorizers>({
      .operation_id = "listAuthorizers",
      .summary = "Who may authorize a template's requests",
      .description =
          "The enabled users holding one of the template's approval roles, without the "
          "signed-in user unless the template allows self-approval. Name some of them in a "
          "request's approvers to make them its only authorizers.",
      .tag = "templates",
      .path_parameters = {{"name", "The template's name (its directory)."}},
      .problems = {404, 503},
  });
}

}  // namespace provisio::api::handlers
