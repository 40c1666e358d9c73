// api/handlers/visibility_query.h: finding requests in Temporal's visibility
// store by Provisio's search attributes (docs/provisioning.md, "Search
// attributes"), scoped to what the signed-in user may read. Requests are
// found by ProvisioApplicationId being set, never by workflow type.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "platform/template_catalogue.h"
#include "routes/endpoint.h"

namespace provisio::api::handlers {

/// IsQuotable: `value` may go into a visibility query as a literal. The ids
/// the platform writes (users, teams, roles, templates, stacks, statuses)
/// all are; a value that is not is never put in a query.
bool IsQuotable(const std::string& value);

/// Literal is `value` as a visibility query string literal ('value');
/// call it only on IsQuotable values.
std::string Literal(const std::string& value);

/// LiteralList is "('a', 'b')" of the quotable `values` ("" when none is).
std::string LiteralList(const std::vector<std::string>& values);

/// DecidingTemplates lists the templates whose approval policy names one of
/// the user's roles: the requests the user may decide on are of these (a
/// request may narrow its template's policy, never widen it).
std::vector<std::string> DecidingTemplates(const TemplateCatalogue& catalogue,
                                           const SignedInUser& user);

/// kIsRequest selects ProvisionApplication runs: they set ProvisioApplicationId.
inline constexpr char kIsRequest[] = "ProvisioApplicationId IS NOT NULL";

/// ReadScope is the clause that keeps the requests `user` may read (theirs,
/// their teams', those of `deciding_templates`); empty for operators and
/// admins, who read every request. Those found only through a template are
/// checked against the request's own policy afterwards (MayRead).
std::string ReadScope(const SignedInUser& user, const std::vector<std::string>& deciding_templates);

/// EncodePageToken / DecodePageToken carry Temporal's next-page token
/// through a query parameter (base64url without padding); DecodePageToken
/// is nullopt when `text` is not one.
std::string EncodePageToken(const std::string& token);
std::optional<std::string> DecodePageToken(const std::string& text);

}  // namespace provisio::api::handlers
