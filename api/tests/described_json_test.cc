// json/described_json.h: strict decoding names the field; the schema comes
// from the same declaration.
#include "json/described_json.h"

#include <gtest/gtest.h>

namespace provisio::api {
namespace {

struct Inner {
  std::vector<std::string> roles;
  std::int32_t count = 1;
  static void Rules(json::FieldRules& rules) {
    rules["roles"] = {.pattern = "^[a-z]+$", .max_items = 2};
    rules["count"] = {.minimum = 1, .maximum = 5};
  }
};
BOOST_DESCRIBE_STRUCT(Inner, (), (roles, count))

struct Outer {
  static constexpr std::string_view kDescription = "An example.";
  std::string plan_hash;
  std::optional<std::string> reason;
  std::optional<Inner> inner;
  std::map<std::string, nlohmann::json> parameters;
  bool confirm = false;
  static void Rules(json::FieldRules& rules) {
    rules["planHash"] = {.description = "A hash.", .one_of = {"a", "b"}};
  }
};
BOOST_DESCRIBE_STRUCT(Outer, (), (plan_hash, reason, inner, parameters, confirm))

std::optional<json::DecodeError> DecodeOuter(const char* text, Outer* out = nullptr) {
  Outer value;
  auto error = json::Decode(nlohmann::json::parse(text), value);
  if (out != nullptr) *out = value;
  return error;
}

TEST(DescribedJson, NamesAreCamelCase) {
  EXPECT_EQ(json::JsonName("plan_hash"), "planHash");
  EXPECT_EQ(json::JsonName("template_"), "template");
  EXPECT_EQ(json::JsonName("id"), "id");
}

TEST(DescribedJson, DecodesAValidBody) {
  Outer value;
  EXPECT_FALSE(DecodeOuter(R"({"planHash":"a","inner":{"roles":["x"],"count":2},
                                "parameters":{"k":[1]},"confirm":true})",
                           &value));
  EXPECT_EQ(value.plan_hash, "a");
  EXPECT_FALSE(value.reason);
  ASSERT_TRUE(value.inner);
  EXPECT_EQ(value.inner->count, 2);
  EXPECT_EQ(value.parameters.at("k"), nlohmann::json::array({1}));
}

TEST(DescribedJson, EachWrongFieldIsNamedWithItsPath) {
  const auto error_of = [](const char* text) {
    auto error = DecodeOuter(text);
    return error ? error->ToString() : std::string("(decoded)");
  };
  EXPECT_EQ(error_of(R"({"planHash":"a","parameters":{},"confirm":true,"extra":1})"),
            "extra: is not a field here; the fields are planHash, reason, inner, parameters, "
            "confirm");
  EXPECT_EQ(error_of(R"({"parameters":{},"confirm":true})"), "planHash: is required");
  EXPECT_EQ(error_of(R"({"planHash":1,"parameters":{},"confirm":true})"),
            "planHash: must be a string, got an integer");
  EXPECT_EQ(error_of(R"({"planHash":"c","parameters":{},"confirm":true})"),
            "planHash: must be one of \"a\", \"b\", not \"c\"");
  EXPECT_EQ(error_of(R"({"planHash":"a","reason":null,"parameters":{},"confirm":true})"),
            "reason: must be a string, got null");
  EXPECT_EQ(error_of(R"({"planHash":"a","parameters":{},"confirm":"yes"})"),
            "confirm: must be a boolean, got a string");
  EXPECT_EQ(error_of(R"({"planHash":"a","parameters":[],"confirm":true})"),
            "parameters: must be a JSON object, got an array");
  EXPECT_EQ(
      error_of(
          R"({"planHash":"a","parameters":{},"confirm":true,"inner":{"roles":["x","Y"],"count":1}})"),
      "inner.roles[1]: must match ^[a-z]+$");
  EXPECT_EQ(
      error_of(
          R"({"planHash":"a","parameters":{},"confirm":true,"inner":{"roles":["x","y","z"],"count":1}})"),
      "inner.roles: must have at most 2 items");
  EXPECT_EQ(
      error_of(
          R"({"planHash":"a","parameters":{},"confirm":true,"inner":{"roles":[],"count":2.5}})"),
      "inner.count: must be an integer, got a number with a fraction or out of range");
  EXPECT_EQ(
      error_of(R"({"planHash":"a","parameters":{},"confirm":true,"inner":{"roles":[],"count":9}})"),
      "inner.count: must be at most 5");
  EXPECT_EQ(
      error_of(
          R"({"planHash":"a","parameters":{},"confirm":true,"inner":{"roles":[],"count":3000000000}})"),
      "inner.count: must be at most 2147483647");
  EXPECT_EQ(error_of(R"("text")"), "must be a JSON object, got a string");
}

TEST(DescribedJson, EncodingLeavesOutAbsentOptionals) {
  Outer value;
  value.plan_hash = "a";
  value.inner = Inner{{"x"}, 3};
  EXPECT_EQ(json::Encode(value),
            nlohmann::json::parse(R"({"planHash":"a","inner":{"roles":["x"],"count":3},
                                      "parameters":{},"confirm":false})"));
}

TEST(DescribedJson, TheSchemaListsRequiredFieldsAndRefusesOthers) {
  const nlohmann::json schema = json::SchemaOf<Outer>();
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["description"], "An example.");
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["required"], nlohmann::json({"planHash", "parameters", "confirm"}));
  EXPECT_EQ(schema["properties"]["planHash"],
            nlohmann::json::parse(R"({"type":"string","enum":["a","b"],"description":"A hash."})"));
  EXPECT_EQ(schema["properties"]["inner"]["required"], nlohmann::json({"roles", "count"}));
  EXPECT_EQ(schema["properties"]["inner"]["properties"]["roles"],
            nlohmann::json::parse(
                R"({"type":"array","items":{"type":"string","pattern":"^[a-z]+$"},"maxItems":2})"));
  EXPECT_EQ(
      schema["properties"]["inner"]["properties"]["count"],
      nlohmann::json::parse(R"({"type":"integer","format":"int32","minimum":1,"maximum":5})"));
  EXPECT_EQ(schema["properties"]["parameters"],
            nlohmann::json::parse(R"({"type":"object","additionalProperties":{}})"));
}

struct Misspelt {
  std::string name;
  static void Rules(json::FieldRules& rules) { rules["nmae"].description = "typo"; }
};
BOOST_DESCRIBE_STRUCT(Misspelt, (), (name))

TEST(DescribedJson, ARuleForNoFieldIsAProgrammingError) {
  EXPECT_THROW(json::SchemaOf<Misspelt>(), std::logic_error);
}

}  // namespace
}  // namespace provisio::api
