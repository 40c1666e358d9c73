// ToPayloads / FromPayloads: several arguments in one payload list.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "temporal/api/common/v1/message.pb.h"
#include "temporal/converter/payload.h"

namespace temporal {
namespace {

using temporal::api::common::v1::WorkflowType;

struct Request {
  std::string team;
  int size = 0;
  bool operator==(const Request&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Request, team, size)

TEST(PayloadArguments, MixedArgumentsRoundTripInOrder) {
  WorkflowType type;
  type.set_name("Provision");
  const Bytes bytes = {std::byte{1}, std::byte{2}};
  Result<std::vector<Payload>> payloads =
      ToPayloads(std::string("app-1"), 3, Request{"infra", 2}, bytes, type, std::optional<int>());
  ASSERT_TRUE(payloads.ok()) << payloads.error();
  ASSERT_EQ(payloads->size(), 6u);
  EXPECT_EQ((*payloads)[0].metadata().at("encoding"), "json/plain");
  EXPECT_EQ((*payloads)[3].metadata().at("encoding"), "binary/plain");
  EXPECT_EQ((*payloads)[4].metadata().at("encoding"), "json/protobuf");
  EXPECT_EQ((*payloads)[5].metadata().at("encoding"), "binary/null");

  auto decoded =
      FromPayloads<std::string, int, Request, Bytes, WorkflowType, std::optional<int>>(*payloads);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  auto [id, count, request, raw, workflow_type, limit] = *std::move(decoded);
  EXPECT_EQ(id, "app-1");
  EXPECT_EQ(count, 3);
  EXPECT_EQ(request, (Request{"infra", 2}));
  EXPECT_EQ(raw, bytes);
  EXPECT_EQ(workflow_type.name(), "Provision");
  EXPECT_EQ(limit, std::nullopt);
}

TEST(PayloadArguments, RepeatedFieldOverloadDecodesTheSame) {
  temporal::api::common::v1::Payloads list;
  // Keep the Result alive: a range-for over `*ToPayloads(...)` would dangle.
  Result<std::vector<Payload>> converted = ToPayloads(std::string("a"), 1);
  ASSERT_TRUE(converted.ok());
  for (Payload& payload : *converted) {
    *list.add_payloads() = std::move(payload);
  }
  auto decoded = FromPayloads<std::string, int>(list.payloads());
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(*decoded, std::make_tuple(std::string("a"), 1));
}

TEST(PayloadArguments, NoArgumentsIsAnEmptyList) {
  Result<std::vector<Payload>> payloads = ToPayloads();
  ASSERT_TRUE(payloads.ok());
  EXPECT_TRUE(payloads->empty());
  EXPECT_TRUE(FromPayloads<>(*payloads).ok());
}

TEST(PayloadArguments, ExtraPayloadsAreIgnored) {
  auto decoded = FromPayloads<std::string>(*ToPayloads(std::string("a"), 2, 3));
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(std::get<0>(*decoded), "a");
}

TEST(PayloadArguments, MissingOptionalArgumentIsEmpty) {
  auto decoded = FromPayloads<std::string, std::optional<int>, std::optional<std::string>>(
      *ToPayloads(std::string("a")));
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(std::get<1>(*decoded), std::nullopt);
  EXPECT_EQ(std::get<2>(*decoded), std::nullopt);
}

TEST(PayloadArguments, MissingRequiredArgumentIsAnError) {
  auto decoded = FromPayloads<std::string, int>(*ToPayloads(std::string("a")));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), ErrorCode::kDataConversion);
  EXPECT_EQ(decoded.error().message(), "argument 1: missing (int expected, 1 payload given)");
}

TEST(PayloadArguments, DecodeErrorNamesTheArgument) {
  auto decoded = FromPayloads<std::string, Bytes>(*ToPayloads(std::string("a"), 7));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), ErrorCode::kDataConversion);
  EXPECT_EQ(decoded.error().message(),
            "argument 1: cannot decode payload with encoding 'json/plain' into temporal::Bytes");
}

TEST(PayloadArguments, EncodeErrorNamesTheArgument) {
  Result<std::vector<Payload>> payloads = ToPayloads(1, std::string("\xff"));
  ASSERT_FALSE(payloads.ok());
  EXPECT_EQ(payloads.error().code(), ErrorCode::kDataConversion);
  EXPECT_EQ(payloads.error().message().rfind("argument 1: ", 0), 0u) << payloads.error().message();
}

}  // namespace
}  // namespace temporal
