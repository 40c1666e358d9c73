// Which encoding ToPayload chooses, the exact bytes it writes, and the round trip
// back through FromPayload.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "temporal/api/common/v1/message.pb.h"
#include "temporal/api/namespace/v1/message.pb.h"
#include "temporal/converter/payload.h"

namespace temporal {
namespace {

using temporal::api::common::v1::WorkflowExecution;
using temporal::api::common::v1::WorkflowType;

struct Order {
  std::string id;
  int quantity = 0;
  std::vector<std::string> tags;
  bool operator==(const Order&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Order, id, quantity, tags)

std::string Encoding(const Payload& payload) { return payload.metadata().at("encoding"); }

TEST(PayloadEncoding, BytesRoundTripByteExactlyAsBinaryPlain) {
  const Bytes bytes = {std::byte{0xde}, std::byte{0xad}, std::byte{0xbe}, std::byte{0xef}};
  Result<Payload> payload = ToPayload(bytes);
  ASSERT_TRUE(payload.ok()) << payload.error();
  EXPECT_EQ(payload->metadata().size(), 1u);
  EXPECT_EQ(Encoding(*payload), "binary/plain");
  EXPECT_EQ(payload->data(), std::string("\xde\xad\xbe\xef", 4));

  Result<Bytes> decoded = FromPayload<Bytes>(*payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(*decoded, bytes);
}

TEST(PayloadEncoding, EmptyBytesAreBinaryPlainNotNull) {
  Result<Payload> payload = ToPayload(Bytes{});
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(Encoding(*payload), "binary/plain");
  EXPECT_TRUE(payload->data().empty());
  EXPECT_EQ(FromPayload<Bytes>(*payload)->size(), 0u);
}

TEST(PayloadEncoding, NullValuesAreBinaryNullWithEmptyData) {
  for (Result<Payload> payload :
       {ToPayload(nullptr), ToPayload(std::monostate{}), ToPayload(std::optional<int>()),
        ToPayload(std::optional<std::string>())}) {
    ASSERT_TRUE(payload.ok());
    EXPECT_EQ(payload->metadata().size(), 1u);
    EXPECT_EQ(Encoding(*payload), "binary/null");
    EXPECT_EQ(payload->data(), "");
  }
}

TEST(PayloadEncoding, BinaryNullDecodesIntoEveryNullType) {
  Payload payload = *ToPayload(nullptr);
  EXPECT_EQ(FromPayload<std::optional<int>>(payload).value(), std::nullopt);
  EXPECT_TRUE(FromPayload<std::monostate>(payload).ok());
  EXPECT_TRUE(FromPayload<std::nullptr_t>(payload).ok());
  Result<nlohmann::json> json = FromPayload<nlohmann::json>(payload);
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(json->is_null());
}

TEST(PayloadEncoding, StringIsJsonPlainQuoted) {
  Result<Payload> payload = ToPayload(std::string("hi"));
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->metadata().size(), 1u);
  EXPECT_EQ(Encoding(*payload), "json/plain");
  EXPECT_EQ(payload->data(), "\"hi\"");
  EXPECT_EQ(FromPayload<std::string>(*payload).value(), "hi");
}

TEST(PayloadEncoding, StringLiteralIsJsonPlainString) {
  Result<Payload> payload = ToPayload("hi");
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->data(), "\"hi\"");
}

TEST(PayloadEncoding, StringViewIsJsonPlainString) {
  Result<Payload> payload = ToPayload(std::string_view("hi"));
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->data(), "\"hi\"");
  EXPECT_EQ(TypeName<std::string_view>(), "std::string_view");
}

TEST(PayloadEncoding, NonAsciiStringIsWrittenAsUtf8NotEscaped) {
  Result<Payload> payload = ToPayload(std::string("h\xc3\xa9llo"));  // "héllo"
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->data(), "\"h\xc3\xa9llo\"");
  EXPECT_EQ(FromPayload<std::string>(*payload).value(), "h\xc3\xa9llo");
}

TEST(PayloadEncoding, NumbersAndBoolsAreJsonPlain) {
  EXPECT_EQ(ToPayload(42)->data(), "42");
  EXPECT_EQ(ToPayload(-7)->data(), "-7");
  EXPECT_EQ(ToPayload(std::int64_t{9007199254740993})->data(), "9007199254740993");
  EXPECT_EQ(ToPayload(1.5)->data(), "1.5");
  EXPECT_EQ(ToPayload(true)->data(), "true");
  EXPECT_EQ(Encoding(*ToPayload(42)), "json/plain");

  EXPECT_EQ(FromPayload<int>(*ToPayload(42)).value(), 42);
  EXPECT_EQ(FromPayload<std::int64_t>(*ToPayload(std::int64_t{9007199254740993})).value(),
            9007199254740993);
  EXPECT_EQ(FromPayload<double>(*ToPayload(1.5)).value(), 1.5);
  EXPECT_EQ(FromPayload<bool>(*ToPayload(true)).value(), true);
}

TEST(PayloadEncoding, StructIsCompactJsonWithSortedKeys) {
  const Order order{"o-1", 3, {"a", "b"}};
  Result<Payload> payload = ToPayload(order);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(Encoding(*payload), "json/plain");
  EXPECT_EQ(payload->data(), R"({"id":"o-1","quantity":3,"tags":["a","b"]})");
  EXPECT_EQ(FromPayload<Order>(*payload).value(), order);
}

TEST(PayloadEncoding, ContainersAndJsonValuesAreJsonPlain) {
  EXPECT_EQ(ToPayload(std::vector<int>{1, 2, 3})->data(), "[1,2,3]");
  EXPECT_EQ((ToPayload(std::map<std::string, int>{{"b", 2}, {"a", 1}})->data()),
            R"({"a":1,"b":2})");
  const nlohmann::json json = {{"k", nullptr}, {"n", 1}};
  EXPECT_EQ(ToPayload(json)->data(), R"({"k":null,"n":1})");
  EXPECT_EQ(FromPayload<nlohmann::json>(*ToPayload(json)).value(), json);
  EXPECT_EQ((FromPayload<std::vector<int>>(*ToPayload(std::vector<int>{1, 2, 3})).value()),
            (std::vector<int>{1, 2, 3}));
}

TEST(PayloadEncoding, JsonNullValueIsJsonPlainNullNotBinaryNull) {
  // As in the TypeScript SDK: `undefined` is binary/null, a JSON null is data.
  Result<Payload> payload = ToPayload(nlohmann::json());
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(Encoding(*payload), "json/plain");
  EXPECT_EQ(payload->data(), "null");
}

TEST(PayloadEncoding, OptionalWithValueIsEncodedAsItsValue) {
  Result<Payload> payload = ToPayload(std::optional<std::string>("x"));
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(Encoding(*payload), "json/plain");
  EXPECT_EQ(payload->data(), "\"x\"");
  EXPECT_EQ(FromPayload<std::optional<std::string>>(*payload).value(), "x");
}

TEST(PayloadEncoding, JsonNullDecodesIntoEmptyOptional) {
  Payload payload = *ToPayload(nlohmann::json());
  EXPECT_EQ(FromPayload<std::optional<int>>(payload).value(), std::nullopt);
  EXPECT_TRUE(FromPayload<std::monostate>(payload).ok());
}

TEST(PayloadEncoding, ProtobufMessageIsJsonProtobufWithMessageType) {
  WorkflowExecution execution;
  execution.set_workflow_id("wf-1");
  execution.set_run_id("run-1");
  Result<Payload> payload = ToPayload(execution);
  ASSERT_TRUE(payload.ok()) << payload.error();
  EXPECT_EQ(payload->metadata().size(), 2u);
  EXPECT_EQ(Encoding(*payload), "json/protobuf");
  EXPECT_EQ(payload->metadata().at("messageType"), "temporal.api.common.v1.WorkflowExecution");
  // proto3 JSON: lowerCamelCase field names.
  EXPECT_EQ(payload->data(), R"({"workflowId":"wf-1","runId":"run-1"})");

  Result<WorkflowExecution> decoded = FromPayload<WorkflowExecution>(*payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->workflow_id(), "wf-1");
  EXPECT_EQ(decoded->run_id(), "run-1");
}

TEST(PayloadEncoding, ProtobufMessageAsBinaryProtobufWithMessageType) {
  WorkflowType type;
  type.set_name("Provision");
  Result<Payload> payload = ToBinaryProtobufPayload(type);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(Encoding(*payload), "binary/protobuf");
  EXPECT_EQ(payload->metadata().at("messageType"), "temporal.api.common.v1.WorkflowType");
  // Field 1, wire type 2 (0x0a), length 9, "Provision".
  EXPECT_EQ(payload->data(), std::string("\x0a\x09Provision"));

  Result<WorkflowType> decoded = FromPayload<WorkflowType>(*payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->name(), "Provision");
}

TEST(PayloadEncoding, ProtobufPayloadWithoutMessageTypeStillDecodes) {
  Payload payload;
  (*payload.mutable_metadata())["encoding"] = "json/protobuf";
  payload.set_data(R"({"name":"Provision"})");
  Result<WorkflowType> decoded = FromPayload<WorkflowType>(payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->name(), "Provision");
}

TEST(PayloadEncoding, PayloadIsPassedThroughUnchanged) {
  Payload original;
  (*original.mutable_metadata())["encoding"] = "custom/thing";
  (*original.mutable_metadata())["extra"] = "1";
  original.set_data("\x01\x02");
  Result<Payload> payload = ToPayload(original);
  ASSERT_TRUE(payload.ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*payload, original));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      FromPayload<Payload>(original).value(), original));
}

TEST(PayloadEncoding, InvalidUtf8StringIsAConversionErrorNotAnException) {
  Result<Payload> payload = ToPayload(std::string("\xff\xfe"));
  ASSERT_FALSE(payload.ok());
  EXPECT_EQ(payload.error().code(), ErrorCode::kDataConversion);
  EXPECT_NE(payload.error().message().find("json/plain"), std::string::npos);
}

TEST(PayloadEncoding, TypeNamesAreReadable) {
  EXPECT_EQ(TypeName<std::string>(), "std::string");
  EXPECT_EQ(TypeName<Bytes>(), "temporal::Bytes");
  EXPECT_EQ(TypeName<std::optional<std::string>>(), "std::optional<std::string>");
  EXPECT_EQ(TypeName<std::vector<std::string>>(), "std::vector<std::string>");
  EXPECT_EQ(TypeName<int>(), "int");
  EXPECT_EQ(TypeName<WorkflowType>(), "temporal::api::common::v1::WorkflowType");
  EXPECT_EQ(TypeName<Order>(), "temporal::(anonymous namespace)::Order");
}

}  // namespace
}  // namespace temporal

namespace {

TEST(PayloadEncoding, RenamedNamespacePackageKeepsItsWireNameInMessageType) {
  // Our codegen renames temporal.api.namespace.v1 (C++ keyword); other SDKs
  // must still see the original name.
  temporal::api::namespace_::v1::NamespaceInfo info;
  info.set_name("payments");
  auto payload = temporal::ToPayload(info);
  ASSERT_TRUE(payload.ok()) << payload.error();
  EXPECT_EQ(payload->metadata().at("messageType"), "temporal.api.namespace.v1.NamespaceInfo");
  auto decoded = temporal::FromPayload<temporal::api::namespace_::v1::NamespaceInfo>(*payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->name(), "payments");
}

}  // namespace
