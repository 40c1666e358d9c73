#include "temporal/common/search_attributes.h"

#include <ctime>
#include <nlohmann/json.hpp>

namespace temporal {
namespace {

using temporal::api::common::v1::Payload;

Payload Typed(const nlohmann::json& value, const char* type) {
  Payload payload;
  (*payload.mutable_metadata())["encoding"] = "json/plain";
  (*payload.mutable_metadata())["type"] = type;
  payload.set_data(value.dump());
  return payload;
}

std::optional<nlohmann::json> Parse(const std::map<std::string, Payload>& fields,
                                    const std::string& name) {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.data().empty()) return std::nullopt;
  nlohmann::json value =
      nlohmann::json::parse(it->second.data(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

std::string Rfc3339(std::chrono::system_clock::time_point value) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(value.time_since_epoch());
  std::time_t seconds = static_cast<std::time_t>(since_epoch.count() / 1000000000);
  long nanos = static_cast<long>(since_epoch.count() % 1000000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + length, sizeof buffer - length, ".%09ldZ", nanos);
  return buffer;
}

}  // namespace

SearchAttributes& SearchAttributes::SetKeyword(const std::string& name, const std::string& value) {
  fields_[name] = Typed(value, "Keyword");
  return *this;
}
SearchAttributes& SearchAttributes::SetText(const std::string& name, const std::string& value) {
  fields_[name] = Typed(value, "Text");
  return *this;
}
SearchAttributes& SearchAttributes::SetInt(const std::string& name, std::int64_t value) {
  fields_[name] = Typed(value, "Int");
  return *this;
}
SearchAttributes& SearchAttributes::SetDouble(const std::string& name, double value) {
  fields_[name] = Typed(value, "Double");
  return *this;
}
SearchAttributes& SearchAttributes::SetBool(const std::string& name, bool value) {
  fields_[name] = Typed(value, "Bool");
  return *this;
}
SearchAttributes& SearchAttributes::SetDatetime(const std::string& name, Time value) {
  fields_[name] = Typed(Rfc3339(value), "Datetime");
  return *this;
}
SearchAttributes& SearchAttributes::SetKeywordList(const std::string& name,
                                                   const std::vector<std::string>& values) {
  fields_[name] = Typed(values, "KeywordList");
  return *this;
}
SearchAttributes& SearchAttributes::Unset(const std::string& name) {
  Payload empty;
  (*empty.mutable_metadata())["encoding"] = "binary/null";
  fields_[name] = empty;
  return *this;
}

std::optional<std::string> SearchAttributes::GetKeyword(const std::string& name) const {
  auto value = Parse(fields_, name);
  if (!value || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}
std::optional<std::int64_t> SearchAttributes::GetInt(const std::string& name) const {
  auto value = Parse(fields_, name);
  if (!value || !value->is_number_integer()) return std::nullopt;
  return value->get<std::int64_t>();
}
std::optional<double> SearchAttributes::GetDouble(const std::string& name) const {
  auto value = Parse(fields_, name);
  if (!value || !value->is_number()) return std::nullopt;
  return value->get<double>();
}
std::optional<bool> SearchAttributes::GetBool(const std::string& name) const {
  auto value = Parse(fields_, name);
  if (!value || !value->is_boolean()) return std::nullopt;
  return value->get<bool>();
}
std::optional<std::vector<std::string>> SearchAttributes::GetKeywordList(
    const std::string& name) const {
  auto value = Parse(fields_, name);
  if (!value) return std::nullopt;
  // The server returns a one-element KeywordList as a plain string.
  if (value->is_string()) return std::vector<std::string>{value->get<std::string>()};
  if (!value->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : *value) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

temporal::api::common::v1::SearchAttributes SearchAttributes::ToProto() const {
  temporal::api::common::v1::SearchAttributes proto;
  for (const auto& [name, payload] : fields_) (*proto.mutable_indexed_fields())[name] = payload;
  return proto;
}

SearchAttributes SearchAttributes::FromProto(
    const temporal::api::common::v1::SearchAttributes& proto) {
  SearchAttributes attributes;
  for (const auto& [name, payload] : proto.indexed_fields()) attributes.fields_[name] = payload;
  return attributes;
}

}  // namespace temporal
