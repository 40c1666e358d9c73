#include "handlers/visibility_query.h"

#include <sodium.h>

#include <algorithm>
#include <regex>

namespace provisio::api::handlers {

bool IsQuotable(const std::string& value) {
  static const std::regex kQuotable(R"(^[A-Za-z0-9._/-]{1,200}$)");
  return std::regex_match(value, kQuotable);
}

std::string Literal(const std::string& value) { return "'" + value + "'"; }

std::string LiteralList(const std::vector<std::string>& values) {
  std::string list;
  for (const std::string& value : values) {
    if (!IsQuotable(value)) continue;
    list += (list.empty() ? "(" : ", ") + Literal(value);
  }
  return list.empty() ? list : list + ")";
}

std::vector<std::string> DecidingTemplates(const TemplateCatalogue& catalogue,
                                           const SignedInUser& user) {
  std::vector<std::string> names;
  for (const TemplateSpec& spec : catalogue.List()) {
    const auto& roles = spec.approval.roles;
    if (std::any_of(roles.begin(), roles.end(),
                    [&](const std::string& role) { return user.HasRole(role); }))
      names.push_back(spec.name);
  }
  return names;
}

std::string ReadScope(const SignedInUser& user,
                      const std::vector<std::string>& deciding_templates) {
  if (user.SeesEverything()) return "";
  std::string scope = "ProvisioRequestedBy = " + Literal(user.id());
  if (const std::string teams = LiteralList(user.record.teams); !teams.empty())
    scope += " OR ProvisioTeam IN " + teams;
  if (const std::string templates = LiteralList(deciding_templates); !templates.empty())
    scope += " OR ProvisioTemplate IN " + templates;
  return "(" + scope + ")";
}

std::string EncodePageToken(const std::string& token) {
  std::string text(
      sodium_base64_ENCODED_LEN(token.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(token.data()),
                    token.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(std::strlen(text.c_str()));
  return text;
}

std::optional<std::string> DecodePageToken(const std::string& text) {
  std::string token(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(token.data()), token.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  token.resize(length);
  return token;
}

}  // namespace provisio::api::handlers
