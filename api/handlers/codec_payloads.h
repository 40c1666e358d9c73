// api/handlers/codec_payloads.h: the Temporal codec-server protocol's body,
// {"payloads": [{"metadata": {name: base64}, "data": base64}]} (proto3 JSON
// of temporal.api.common.v1.Payloads), shared by /api/codec/encode and
// /api/codec/decode; and the checks both make.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "routes/endpoint.h"
#include "temporal/converter/codec.h"

namespace provisio::api::handlers {

struct PayloadJson {
  std::map<std::string, std::string> metadata;
  std::optional<std::string> data;
  static void Rules(json::FieldRules& rules) {
    rules["metadata"].description = "Metadata values, base64.";
    rules["data"].description = "The payload's bytes, base64.";
  }
};
BOOST_DESCRIBE_STRUCT(PayloadJson, (), (metadata, data))

struct PayloadsJson {
  static constexpr std::string_view kDescription =
      "Payloads as the Temporal Web UI and CLI send a codec server (proto3 JSON).";
  std::vector<PayloadJson> payloads;
  static void Rules(json::FieldRules& rules) { rules["payloads"].max_items = 1000; }
};
BOOST_DESCRIBE_STRUCT(PayloadsJson, (), (payloads))

/// CodecFor checks who calls (operators and admins), the X-Namespace header
/// (this API's namespace when given), and that the API has the codec key;
/// the codec, or the problem to answer.
std::variant<std::shared_ptr<temporal::PayloadCodec>, Problem> CodecFor(
    const RequestContext& context);

/// FromJson decodes the body's payloads (a bad base64 names its field).
std::variant<std::vector<temporal::Payload>, Problem> FromJson(const PayloadsJson& body);
/// ToJson encodes payloads for the answer.
PayloadsJson ToJson(const std::vector<temporal::Payload>& payloads);

/// CodecDirection is which way a codec endpoint runs the payloads.
enum class CodecDirection { kEncode, kDecode };
/// RunCodec is both endpoints' body: the checks (CodecFor), the body's
/// payloads through the codec one way (on the blocking pool), the answer.
boost::asio::awaitable<Outcome<PayloadsJson>> RunCodec(RequestContext& context,
                                                       const PayloadsJson& input,
                                                       CodecDirection direction);

}  // namespace provisio::api::handlers
