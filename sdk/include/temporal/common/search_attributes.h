// temporal/common/search_attributes.h: typed search attributes.
//
// Search attributes are indexed by the server's visibility store, so they are
// never passed through a payload codec. Each value is json/plain with the
// metadata `type` naming its indexed type, as the official SDKs write it.
//
// Example:
//
//   temporal::SearchAttributes attributes;
//   attributes.SetKeyword("ProvisioTeam", "payments");
//   attributes.SetInt("ProvisioResourceCount", 3);
//   options.search_attributes = attributes;
//   ...
//   std::optional<std::string> team = description->search_attributes.GetKeyword("ProvisioTeam");
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "temporal/api/common/v1/message.pb.h"

namespace temporal {

/// SearchAttributes is a typed map from attribute name to indexed value.
class SearchAttributes {
 public:
  using Time = std::chrono::system_clock::time_point;

  /// SetKeyword sets an exact-match string attribute (type Keyword).
  SearchAttributes& SetKeyword(const std::string& name, const std::string& value);
  /// SetText sets a full-text attribute (type Text).
  SearchAttributes& SetText(const std::string& name, const std::string& value);
  /// SetInt sets a 64-bit integer attribute (type Int).
  SearchAttributes& SetInt(const std::string& name, std::int64_t value);
  /// SetDouble sets a floating-point attribute (type Double).
  SearchAttributes& SetDouble(const std::string& name, double value);
  /// SetBool sets a boolean attribute (type Bool).
  SearchAttributes& SetBool(const std::string& name, bool value);
  /// SetDatetime sets a time attribute (type Datetime), sent as RFC 3339 in UTC.
  SearchAttributes& SetDatetime(const std::string& name, Time value);
  /// SetKeywordList sets a list of keywords (type KeywordList).
  SearchAttributes& SetKeywordList(const std::string& name, const std::vector<std::string>& values);
  /// Unset marks an attribute for removal (an empty payload), for upserts.
  SearchAttributes& Unset(const std::string& name);

  /// GetKeyword returns a Keyword or Text attribute, nullopt when absent or of another type.
  std::optional<std::string> GetKeyword(const std::string& name) const;
  /// GetInt returns an Int attribute.
  std::optional<std::int64_t> GetInt(const std::string& name) const;
  /// GetDouble returns a Double attribute.
  std::optional<double> GetDouble(const std::string& name) const;
  /// GetBool returns a Bool attribute.
  std::optional<bool> GetBool(const std::string& name) const;
  /// GetKeywordList returns a KeywordList attribute.
  std::optional<std::vector<std::string>> GetKeywordList(const std::string& name) const;
  /// Has tells whether `name` is present.
  bool Has(const std::string& name) const { return fields_.count(name) != 0; }
  /// size returns the number of attributes.
  std::size_t size() const { return fields_.size(); }

  /// ToProto returns the wire form.
  temporal::api::common::v1::SearchAttributes ToProto() const;
  /// FromProto reads the wire form (as returned by describe and list).
  static SearchAttributes FromProto(const temporal::api::common::v1::SearchAttributes& proto);

 private:
  std::map<std::string, temporal::api::common::v1::Payload> fields_;
};

}  // namespace temporal
