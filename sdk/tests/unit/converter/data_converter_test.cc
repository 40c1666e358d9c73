// DataConverter: the codec chain over payload lists in all their container forms.
#include "temporal/converter/data_converter.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "temporal/converter/aes_gcm_codec.h"

namespace temporal {
namespace {

// Wraps each payload into a new one tagged "test/<name>" and records the order in
// which codecs ran, so chain order is observable.
class TaggingCodec : public PayloadCodec {
 public:
  TaggingCodec(std::string name, std::vector<std::string>* log)
      : name_(std::move(name)), log_(log) {}

  Result<std::vector<Payload>> Encode(std::vector<Payload> payloads) const override {
    Log("encode " + name_);
    for (Payload& payload : payloads) {
      Payload wrapped;
      (*wrapped.mutable_metadata())["encoding"] = "test/" + name_;
      wrapped.set_data(payload.SerializeAsString());
      payload = std::move(wrapped);
    }
    return payloads;
  }

  Result<std::vector<Payload>> Decode(std::vector<Payload> payloads) const override {
    Log("decode " + name_);
    for (Payload& payload : payloads) {
      auto it = payload.metadata().find("encoding");
      if (it == payload.metadata().end() || it->second != "test/" + name_) {
        return Error(ErrorCode::kCodec, name_ + " cannot decode " +
                                            (it == payload.metadata().end() ? "" : it->second));
      }
      Payload inner;
      inner.ParseFromString(payload.data());
      payload = std::move(inner);
    }
    return payloads;
  }

 private:
  void Log(std::string entry) const {
    std::lock_guard<std::mutex> lock(mutex_);
    log_->push_back(std::move(entry));
  }

  std::string name_;
  std::vector<std::string>* log_;
  mutable std::mutex mutex_;
};

class FailingCodec : public PayloadCodec {
 public:
  Result<std::vector<Payload>> Encode(std::vector<Payload>) const override {
    return Error(ErrorCode::kCodec, "encode refused");
  }
  Result<std::vector<Payload>> Decode(std::vector<Payload>) const override {
    return Error(ErrorCode::kCodec, "decode refused");
  }
};

std::string EncodingOf(const Payload& payload) { return payload.metadata().at("encoding"); }

TEST(DataConverter, DefaultHasNoCodecsAndLeavesPayloadsAlone) {
  DataConverter converter = DataConverter::Default();
  EXPECT_TRUE(converter.codecs().empty());
  EXPECT_FALSE(converter.encode_common_attributes());
  std::vector<Payload> payloads = *ToPayloads(std::string("a"), 1);
  const std::vector<Payload> original = payloads;
  ASSERT_TRUE(converter.EncodePayloads(&payloads).ok());
  ASSERT_EQ(payloads.size(), 2u);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(payloads[0], original[0]));
}

TEST(DataConverter, CodecsEncodeInOrderAddedAndDecodeInReverse) {
  std::vector<std::string> log;
  DataConverter converter;
  converter.AddCodec(std::make_shared<TaggingCodec>("first", &log))
      .AddCodec(std::make_shared<TaggingCodec>("second", &log));
  std::vector<Payload> payloads = *ToPayloads(std::string("a"));

  ASSERT_TRUE(converter.EncodePayloads(&payloads).ok());
  // The last codec added wraps the outside.
  EXPECT_EQ(EncodingOf(payloads[0]), "test/second");
  ASSERT_TRUE(converter.DecodePayloads(&payloads).ok());
  EXPECT_EQ(EncodingOf(payloads[0]), "json/plain");
  EXPECT_EQ(FromPayload<std::string>(payloads[0]).value(), "a");
  EXPECT_EQ(log, (std::vector<std::string>{"encode first", "encode second", "decode second",
                                           "decode first"}));
}

TEST(DataConverter, EncodesRepeatedFieldAndPayloadsMessage) {
  std::vector<std::string> log;
  DataConverter converter;
  converter.AddCodec(std::make_shared<TaggingCodec>("t", &log));

  temporal::api::common::v1::Payloads list;
  Result<std::vector<Payload>> converted = ToPayloads(1, 2, 3);
  ASSERT_TRUE(converted.ok());
  for (Payload& payload : *converted) *list.add_payloads() = std::move(payload);
  ASSERT_TRUE(converter.EncodePayloads(&list).ok());
  ASSERT_EQ(list.payloads_size(), 3);
  for (const Payload& payload : list.payloads()) EXPECT_EQ(EncodingOf(payload), "test/t");
  ASSERT_TRUE(converter.DecodePayloads(list.mutable_payloads()).ok());
  auto decoded = FromPayloads<int, int, int>(list.payloads());
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(*decoded, std::make_tuple(1, 2, 3));
}

TEST(DataConverter, EncodesASinglePayload) {
  std::vector<std::string> log;
  DataConverter converter;
  converter.AddCodec(std::make_shared<TaggingCodec>("t", &log));
  Payload payload = *ToPayload(std::string("memo"));
  ASSERT_TRUE(converter.EncodePayload(&payload).ok());
  EXPECT_EQ(EncodingOf(payload), "test/t");
  ASSERT_TRUE(converter.DecodePayload(&payload).ok());
  EXPECT_EQ(FromPayload<std::string>(payload).value(), "memo");
}

TEST(DataConverter, CodecErrorIsReturnedAndPayloadsAreLeftUnchanged) {
  std::vector<std::string> log;
  DataConverter converter;
  converter.AddCodec(std::make_shared<TaggingCodec>("t", &log))
      .AddCodec(std::make_shared<FailingCodec>());
  temporal::api::common::v1::Payloads list;
  *list.add_payloads() = *ToPayload(std::string("a"));
  const temporal::api::common::v1::Payloads before = list;

  Status encoded = converter.EncodePayloads(&list);
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.error().code(), ErrorCode::kCodec);
  EXPECT_EQ(encoded.error().message(), "encode refused");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(list, before));

  Status decoded = converter.DecodePayloads(&list);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message(), "decode refused");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(list, before));
}

TEST(DataConverter, NullPointersAreNoOps) {
  DataConverter converter;
  converter.AddCodec(std::make_shared<FailingCodec>());
  EXPECT_TRUE(converter.EncodePayloads(static_cast<std::vector<Payload>*>(nullptr)).ok());
  EXPECT_TRUE(
      converter.DecodePayloads(static_cast<temporal::api::common::v1::Payloads*>(nullptr)).ok());
  EXPECT_TRUE(converter.EncodeFailure(nullptr).ok());
}

TEST(DataConverter, AesGcmCodecInTheChainEncryptsAndDecrypts) {
  auto codec = AesGcmCodec::Create("k", Bytes(32, std::byte{9}));
  ASSERT_TRUE(codec.ok());
  DataConverter converter;
  converter.AddCodec(*codec);
  std::vector<Payload> payloads = *ToPayloads(std::string("secret"), Bytes{std::byte{0xde}});
  ASSERT_TRUE(converter.EncodePayloads(&payloads).ok());
  EXPECT_EQ(EncodingOf(payloads[0]), "binary/encrypted");
  EXPECT_EQ(EncodingOf(payloads[1]), "binary/encrypted");
  ASSERT_TRUE(converter.DecodePayloads(&payloads).ok());
  auto decoded = FromPayloads<std::string, Bytes>(payloads);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(std::get<0>(*decoded), "secret");
  EXPECT_EQ(std::get<1>(*decoded), Bytes{std::byte{0xde}});
}

TEST(DataConverter, CopiesShareTheCodecChain) {
  std::vector<std::string> log;
  DataConverter original;
  original.AddCodec(std::make_shared<TaggingCodec>("t", &log)).SetEncodeCommonAttributes(true);
  const DataConverter copy = original;
  EXPECT_EQ(copy.codecs().size(), 1u);
  EXPECT_EQ(copy.codecs()[0], original.codecs()[0]);
  EXPECT_TRUE(copy.encode_common_attributes());
}

}  // namespace
}  // namespace temporal
