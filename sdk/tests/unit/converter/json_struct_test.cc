// TEMPORAL_JSON_STRUCT: one declaration per struct, used both ways; strict
// decoding whose errors name the field (with its path through nested structs).
#include "temporal/converter/json_struct.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "temporal/converter/payload.h"

namespace shop {

struct Address {
  std::string city;
  std::optional<std::string> postcode;
};
TEMPORAL_JSON_STRUCT(Address, (city, "city"), (postcode, "postcode"))

struct Line {
  std::string sku;
  std::int32_t count = 0;
};
TEMPORAL_JSON_STRUCT(Line, (sku, "sku"), (count, "count"))

struct Order {
  std::string id;
  std::int64_t quantity = 0;
  bool express = false;
  double weight = 0;
  std::uint16_t priority = 0;
  Address delivery;
  std::optional<Address> billing;
  std::vector<Line> lines;
  std::map<std::string, std::string> labels;
  nlohmann::json extra;
};
TEMPORAL_JSON_STRUCT(Order, (id, "orderId"), (quantity, "quantity"), (express, "express"),
                     (weight, "weight"), (priority, "priority"), (delivery, "delivery"),
                     (billing, "billing"), (lines, "lines"), (labels, "labels"), (extra, "extra"))

}  // namespace shop

namespace temporal {
namespace {

using nlohmann::json;

static_assert(JsonStruct<shop::Order>);
static_assert(!JsonStruct<std::string>);

shop::Order SampleOrder() {
  shop::Order order;
  order.id = "o-1";
  order.quantity = 3;
  order.express = true;
  order.weight = 1.5;
  order.priority = 7;
  order.delivery = {"Oslo", std::nullopt};
  order.billing = shop::Address{"Bergen", "5003"};
  order.lines = {{"tea", 2}, {"mug", 1}};
  order.labels = {{"gift", "yes"}};
  order.extra = json{{"any", {1, 2}}};
  return order;
}

json SampleJson() { return *FromPayload<json>(*ToPayload(SampleOrder())); }

Payload JsonPayload(const json& document) { return *ToPayload(document); }

// DecodeError decodes `document` into T and returns the error's message.
template <typename T>
std::string DecodeError(const json& document) {
  Result<T> decoded = FromPayload<T>(JsonPayload(document));
  if (decoded.ok()) return "(decoded)";
  EXPECT_EQ(decoded.error().code(), ErrorCode::kDataConversion);
  return decoded.error().message();
}

TEST(JsonStruct, EncodesEveryFieldUnderItsDeclaredName) {
  json written = SampleJson();
  EXPECT_EQ(written, json::parse(R"({
    "orderId": "o-1", "quantity": 3, "express": true, "weight": 1.5, "priority": 7,
    "delivery": {"city": "Oslo", "postcode": null},
    "billing": {"city": "Bergen", "postcode": "5003"},
    "lines": [{"sku": "tea", "count": 2}, {"sku": "mug", "count": 1}],
    "labels": {"gift": "yes"},
    "extra": {"any": [1, 2]}
  })"));
  // nlohmann::json sees the same declaration.
  EXPECT_EQ(json(SampleOrder()), written);
}

TEST(JsonStruct, RoundTripsNestedStructsThroughAPayload) {
  Result<shop::Order> decoded = FromPayload<shop::Order>(*ToPayload(SampleOrder()));
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->id, "o-1");
  EXPECT_EQ(decoded->quantity, 3);
  EXPECT_TRUE(decoded->express);
  EXPECT_EQ(decoded->weight, 1.5);
  EXPECT_EQ(decoded->priority, 7);
  EXPECT_EQ(decoded->delivery.city, "Oslo");
  EXPECT_FALSE(decoded->delivery.postcode.has_value());
  ASSERT_TRUE(decoded->billing.has_value());
  EXPECT_EQ(decoded->billing->postcode, "5003");
  ASSERT_EQ(decoded->lines.size(), 2u);
  EXPECT_EQ(decoded->lines[1].sku, "mug");
  EXPECT_EQ(decoded->lines[1].count, 1);
  EXPECT_EQ(decoded->labels.at("gift"), "yes");
  EXPECT_EQ(decoded->extra, json({{"any", {1, 2}}}));
}

TEST(JsonStruct, OptionalMembersMayBeAbsentOrNull) {
  json document = SampleJson();
  document.erase("billing");
  document["delivery"].erase("postcode");
  Result<shop::Order> decoded = FromPayload<shop::Order>(JsonPayload(document));
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_FALSE(decoded->billing.has_value());
  EXPECT_FALSE(decoded->delivery.postcode.has_value());

  document["billing"] = nullptr;
  decoded = FromPayload<shop::Order>(JsonPayload(document));
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_FALSE(decoded->billing.has_value());
}

TEST(JsonStruct, KeysTheStructDoesNotDeclareAreIgnored) {
  json document = SampleJson();
  document["addedByANewerPeer"] = {1, 2, 3};
  EXPECT_TRUE(FromPayload<shop::Order>(JsonPayload(document)).ok());
}

TEST(JsonStruct, NonObjectIsRejected) {
  EXPECT_EQ(DecodeError<shop::Order>(json("approve")),
            "cannot decode json/plain payload into shop::Order: expected a JSON object, got a "
            "string");
  EXPECT_EQ(DecodeError<shop::Order>(json::array({1, 2})),
            "cannot decode json/plain payload into shop::Order: expected a JSON object, got an "
            "array");
  EXPECT_EQ(DecodeError<shop::Order>(json(42)),
            "cannot decode json/plain payload into shop::Order: expected a JSON object, got a "
            "number");
  EXPECT_EQ(DecodeError<shop::Order>(json(nullptr)),
            "cannot decode json/plain payload into shop::Order: expected a JSON object, got null");
}

TEST(JsonStruct, WrongTypeNamesTheField) {
  json document = SampleJson();
  document["express"] = "yes";
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"express\": expected a boolean, "
            "got a string");

  document = SampleJson();
  document["orderId"] = 17;
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"orderId\": expected a string, "
            "got a number");

  document = SampleJson();
  document["weight"] = "heavy";
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"weight\": expected a number, "
            "got a string");

  document = SampleJson();
  document["lines"] = json::object();
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"lines\": expected an array, "
            "got a JSON object");
}

TEST(JsonStruct, WrongTypeInANestedStructNamesItsPath) {
  json document = SampleJson();
  document["delivery"]["city"] = false;
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"delivery.city\": expected a "
            "string, got a boolean");

  document = SampleJson();
  document["billing"]["postcode"] = 5003;
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"billing.postcode\": expected a "
            "string, got a number");

  document = SampleJson();
  document["lines"][1]["count"] = "one";
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"lines[1].count\": expected an "
            "integer, got a string");

  document = SampleJson();
  document["labels"]["gift"] = true;
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"labels.gift\": expected a "
            "string, got a boolean");

  document = SampleJson();
  document["delivery"] = "Oslo";
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"delivery\": expected a JSON "
            "object, got a string");
}

TEST(JsonStruct, MissingOrNullRequiredFieldIsNamed) {
  json document = SampleJson();
  document.erase("quantity");
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"quantity\": required field is "
            "missing");

  document = SampleJson();
  document["delivery"].erase("city");
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"delivery.city\": required field "
            "is missing");

  document = SampleJson();
  document["orderId"] = nullptr;
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"orderId\": expected a string, "
            "got null");
}

TEST(JsonStruct, IntegersMustBeWholeAndInRange) {
  json document = SampleJson();
  document["quantity"] = 2.5;
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"quantity\": expected an "
            "integer, got 2.5");

  document = SampleJson();
  document["lines"][0]["count"] = std::int64_t{1} << 40;
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"lines[0].count\": "
            "1099511627776 is out of range [-2147483648, 2147483647]");

  document = SampleJson();
  document["priority"] = -1;
  EXPECT_EQ(DecodeError<shop::Order>(document),
            "cannot decode json/plain payload into shop::Order: \"priority\": -1 is out of range "
            "[0, 65535]");

  // A whole number written as a float (JavaScript has only doubles) is an integer.
  document = SampleJson();
  document["quantity"] = 4.0;
  Result<shop::Order> decoded = FromPayload<shop::Order>(JsonPayload(document));
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->quantity, 4);
}

TEST(JsonStruct, VectorOfStructsNamesTheElement) {
  json lines = json::array({{{"sku", "tea"}, {"count", 1}}, {{"sku", 3}, {"count", 1}}});
  EXPECT_EQ(DecodeError<std::vector<shop::Line>>(lines),
            "cannot decode json/plain payload into std::vector<shop::Line>: \"[1].sku\": expected "
            "a string, got a number");
}

TEST(JsonStruct, NlohmannGetIsStrictToo) {
  json document = SampleJson();
  document["delivery"]["city"] = 1;
  try {
    (void)document.get<shop::Order>();
    FAIL() << "decoded";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "\"delivery.city\": expected a string, got a number");
  }
  EXPECT_EQ(SampleJson().get<shop::Order>().lines.size(), 2u);
}

TEST(JsonStruct, PayloadArgumentsDecodeStrictly) {
  Result<std::vector<Payload>> payloads = ToPayloads(std::string("first"), json("garbage"));
  ASSERT_TRUE(payloads.ok());
  auto decoded = FromPayloads<std::string, shop::Address>(*payloads);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), ErrorCode::kDataConversion);
  EXPECT_NE(decoded.error().message().find("expected a JSON object, got a string"),
            std::string::npos)
      << decoded.error().message();
}

}  // namespace
}  // namespace temporal
