// Every way a payload can fail to decode gives a kDataConversion error that names
// the encoding and the target type; never a garbage value, never an exception.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>

#include "temporal/api/common/v1/message.pb.h"
#include "temporal/converter/payload.h"

namespace temporal {
namespace {

using temporal::api::common::v1::WorkflowExecution;
using temporal::api::common::v1::WorkflowType;

struct Order {
  std::string id;
  int quantity = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Order, id, quantity)

Payload MakePayload(std::optional<std::string> encoding, std::string data) {
  Payload payload;
  if (encoding) (*payload.mutable_metadata())["encoding"] = *encoding;
  payload.set_data(std::move(data));
  return payload;
}

template <typename T>
void ExpectDecodeError(const Payload& payload, const std::string& expected_message) {
  Result<T> result = FromPayload<T>(payload);
  ASSERT_FALSE(result.ok()) << "decoded into " << TypeName<T>();
  EXPECT_EQ(result.error().code(), ErrorCode::kDataConversion);
  EXPECT_EQ(result.error().message(), expected_message);
}

TEST(PayloadDecodingErrors, BinaryPlainIntoStringNamesEncodingAndType) {
  ExpectDecodeError<std::string>(
      MakePayload("binary/plain", "\xde\xad"),
      "cannot decode payload with encoding 'binary/plain' into std::string");
}

TEST(PayloadDecodingErrors, MissingEncodingIsAnError) {
  ExpectDecodeError<std::string>(MakePayload(std::nullopt, "\"hi\""),
                                 "cannot decode payload without 'encoding' metadata into "
                                 "std::string");
  ExpectDecodeError<Bytes>(MakePayload(std::nullopt, "x"),
                           "cannot decode payload without 'encoding' metadata into "
                           "temporal::Bytes");
}

TEST(PayloadDecodingErrors, UnknownEncodingIsAnErrorForEveryTarget) {
  const Payload payload = MakePayload("binary/encrypted", "xyz");
  ExpectDecodeError<std::string>(
      payload, "cannot decode payload with encoding 'binary/encrypted' into std::string");
  ExpectDecodeError<Bytes>(
      payload, "cannot decode payload with encoding 'binary/encrypted' into temporal::Bytes");
  ExpectDecodeError<nlohmann::json>(
      payload, "cannot decode payload with encoding 'binary/encrypted' into nlohmann::json");
  ExpectDecodeError<std::monostate>(
      payload, "cannot decode payload with encoding 'binary/encrypted' into std::monostate");
  ExpectDecodeError<std::optional<int>>(
      payload, "cannot decode payload with encoding 'binary/encrypted' into std::optional<int>");
  ExpectDecodeError<WorkflowType>(payload,
                                  "cannot decode payload with encoding 'binary/encrypted' into "
                                  "temporal::api::common::v1::WorkflowType");
}

TEST(PayloadDecodingErrors, JsonPlainIntoBytesIsAnError) {
  ExpectDecodeError<Bytes>(*ToPayload(std::string("hi")),
                           "cannot decode payload with encoding 'json/plain' into "
                           "temporal::Bytes");
}

TEST(PayloadDecodingErrors, BinaryNullIntoNonOptionalValueIsAnError) {
  ExpectDecodeError<std::string>(
      *ToPayload(nullptr), "cannot decode payload with encoding 'binary/null' into std::string");
  ExpectDecodeError<int>(*ToPayload(nullptr),
                         "cannot decode payload with encoding 'binary/null' into int");
}

TEST(PayloadDecodingErrors, ValueIntoNullTypeIsAnError) {
  ExpectDecodeError<std::nullptr_t>(
      *ToPayload(1), "cannot decode payload with encoding 'json/plain' into std::nullptr_t");
}

TEST(PayloadDecodingErrors, JsonPlainIntoProtobufMessageIsAnError) {
  ExpectDecodeError<WorkflowType>(*ToPayload(nlohmann::json{{"name", "x"}}),
                                  "cannot decode payload with encoding 'json/plain' into "
                                  "temporal::api::common::v1::WorkflowType");
}

TEST(PayloadDecodingErrors, ProtobufIntoJsonValueIsAnError) {
  WorkflowType type;
  type.set_name("x");
  ExpectDecodeError<nlohmann::json>(
      *ToPayload(type), "cannot decode payload with encoding 'json/protobuf' into nlohmann::json");
  ExpectDecodeError<std::string>(
      *ToBinaryProtobufPayload(type),
      "cannot decode payload with encoding 'binary/protobuf' into std::string");
}

TEST(PayloadDecodingErrors, ProtobufOfAnotherMessageTypeIsAnError) {
  WorkflowType type;
  type.set_name("x");
  ExpectDecodeError<WorkflowExecution>(
      *ToPayload(type),
      "cannot decode json/protobuf payload of message type "
      "'temporal.api.common.v1.WorkflowType' into temporal::api::common::v1::WorkflowExecution "
      "(message type 'temporal.api.common.v1.WorkflowExecution')");
  ExpectDecodeError<WorkflowExecution>(
      *ToBinaryProtobufPayload(type),
      "cannot decode binary/protobuf payload of message type "
      "'temporal.api.common.v1.WorkflowType' into temporal::api::common::v1::WorkflowExecution "
      "(message type 'temporal.api.common.v1.WorkflowExecution')");
}

TEST(PayloadDecodingErrors, MalformedBinaryProtobufIsAnError) {
  Payload payload = MakePayload("binary/protobuf", "\x0a\x7f");  // length beyond the data
  ExpectDecodeError<WorkflowType>(payload,
                                  "cannot decode binary/protobuf payload into "
                                  "temporal::api::common::v1::WorkflowType: malformed protobuf "
                                  "data");
}

TEST(PayloadDecodingErrors, MalformedOrUnknownFieldJsonProtobufIsAnError) {
  for (const char* data : {"{not json", R"({"noSuchField":1})"}) {
    Result<WorkflowType> result = FromPayload<WorkflowType>(MakePayload("json/protobuf", data));
    ASSERT_FALSE(result.ok()) << data;
    EXPECT_EQ(result.error().code(), ErrorCode::kDataConversion);
    EXPECT_EQ(result.error().message().rfind("cannot decode json/protobuf payload into "
                                             "temporal::api::common::v1::WorkflowType: ",
                                             0),
              0u)
        << result.error().message();
  }
}

TEST(PayloadDecodingErrors, MalformedJsonIsAnError) {
  ExpectDecodeError<std::string>(MakePayload("json/plain", "\"unterminated"),
                                 "cannot decode json/plain payload into std::string: malformed "
                                 "JSON");
  ExpectDecodeError<nlohmann::json>(MakePayload("json/plain", ""),
                                    "cannot decode json/plain payload into nlohmann::json: "
                                    "malformed JSON");
}

TEST(PayloadDecodingErrors, JsonOfWrongShapeIsAnErrorNotAnException) {
  Result<int> number = FromPayload<int>(*ToPayload(std::string("hi")));
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().code(), ErrorCode::kDataConversion);
  EXPECT_EQ(number.error().message().rfind("cannot decode json/plain payload into int: ", 0), 0u)
      << number.error().message();

  Result<Order> order = FromPayload<Order>(*ToPayload(nlohmann::json{{"id", "o-1"}}));
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.error().code(), ErrorCode::kDataConversion);
  EXPECT_NE(order.error().message().find("quantity"), std::string::npos) << order.error().message();
}

TEST(PayloadDecodingErrors, OptionalNamesItselfInTheError) {
  ExpectDecodeError<std::optional<std::string>>(
      MakePayload("binary/plain", "x"),
      "cannot decode payload with encoding 'binary/plain' into std::optional<std::string>");
}

}  // namespace
}  // namespace temporal
