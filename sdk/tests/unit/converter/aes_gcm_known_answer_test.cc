// Known answers for the AES-256-GCM layer and the codec's payload format, computed
// outside this SDK so that a bug shared by sealing and opening cannot hide:
//   - test cases 13 and 14 of McGrew & Viega, "The Galois/Counter Mode of Operation
//     (GCM)" (the AES-256, 96-bit IV vectors NIST's GCM validation also uses);
//   - a whole encrypted payload produced once with Python's `cryptography` package
//     (AESGCM; the inner protobuf written by hand), which docs/payload-encryption.md
//     gives as the cross-language test vector;
//   - the vector of docs/interop.md, produced by the TypeScript codec (node:crypto).
#include <gtest/gtest.h>

#include <string>

#include "converter/aes_gcm.h"
#include "temporal/converter/aes_gcm_codec.h"

namespace temporal {
namespace {

std::string FromHex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xf]);
  }
  return hex;
}

const std::string kZeroKey(32, '\0');
constexpr detail::AesGcmNonce kZeroNonce = {};

// Key 00 01 .. 1f, nonce a0 a1 .. ab, the vector of docs/payload-encryption.md.
constexpr std::string_view kVectorKeyHex =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr detail::AesGcmNonce kVectorNonce = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
                                              0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};
// Payload{metadata: {"encoding": "json/plain"}, data: "\"hi\""} in binary protobuf.
constexpr std::string_view kVectorPlaintextHex =
    "0a160a08656e636f64696e67120a6a736f6e2f706c61696e120422686922";
constexpr std::string_view kVectorSealedHex =
    "a0a1a2a3a4a5a6a7a8a9aaab"                                      // nonce
    "ec0e762520a561d0060ce9b41570aaad1fc27660fed62b028e0a04ee1689"  // ciphertext
    "9a0d71b48347cd633c7477a37f3e220f";                             // tag

TEST(AesGcmKnownAnswer, GcmSpecTestCase13EmptyPlaintextGivesTagOnly) {
  Result<std::string> sealed = detail::AesGcmSeal(kZeroKey, kZeroNonce, "");
  ASSERT_TRUE(sealed.ok()) << sealed.error();
  EXPECT_EQ(ToHex(*sealed),
            "000000000000000000000000"
            "530f8afbc74536b9a963b4f1c4cb738b");
  Result<std::string> opened = detail::AesGcmOpen(kZeroKey, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(*opened, "");
}

TEST(AesGcmKnownAnswer, GcmSpecTestCase14OneZeroBlock) {
  Result<std::string> sealed = detail::AesGcmSeal(kZeroKey, kZeroNonce, std::string(16, '\0'));
  ASSERT_TRUE(sealed.ok()) << sealed.error();
  EXPECT_EQ(ToHex(*sealed),
            "000000000000000000000000"
            "cea7403d4d606b6e074ec5d3baf39d18"
            "d0d1c8a799996bf0265b98b5d48ab919");
  Result<std::string> opened = detail::AesGcmOpen(kZeroKey, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(*opened, std::string(16, '\0'));
}

TEST(AesGcmKnownAnswer, SealedPayloadMatchesTheDocumentedVector) {
  Payload payload;
  (*payload.mutable_metadata())["encoding"] = "json/plain";
  payload.set_data("\"hi\"");
  ASSERT_EQ(ToHex(payload.SerializeAsString()), kVectorPlaintextHex);

  Result<std::string> sealed =
      detail::AesGcmSeal(FromHex(kVectorKeyHex), kVectorNonce, payload.SerializeAsString());
  ASSERT_TRUE(sealed.ok()) << sealed.error();
  EXPECT_EQ(ToHex(*sealed), kVectorSealedHex);
  EXPECT_EQ(sealed->size(), 12u + 30u + 16u);
}

TEST(AesGcmKnownAnswer, CodecDecodesTheDocumentedVector) {
  Result<Bytes> key = AesGcmCodec::KeyFromHex(kVectorKeyHex);
  ASSERT_TRUE(key.ok()) << key.error();
  auto codec = AesGcmCodec::Create("test-key", *key);
  ASSERT_TRUE(codec.ok()) << codec.error();

  Payload encrypted;
  (*encrypted.mutable_metadata())["encoding"] = "binary/encrypted";
  (*encrypted.mutable_metadata())["encryption-cipher"] = "AES256-GCM";
  (*encrypted.mutable_metadata())["encryption-key-id"] = "test-key";
  encrypted.set_data(FromHex(kVectorSealedHex));

  Result<std::vector<Payload>> decoded = (*codec)->Decode({encrypted});
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ(decoded->front().metadata().size(), 1u);
  EXPECT_EQ(decoded->front().metadata().at("encoding"), "json/plain");
  EXPECT_EQ(decoded->front().data(), "\"hi\"");
  EXPECT_EQ(FromPayload<std::string>(decoded->front()).value(), "hi");
}

TEST(AesGcmKnownAnswer, CodecDecodesTheTypeScriptCodecVector) {
  // docs/interop.md: key 00..1f, nonce 00..0b, Payload{json/plain, "\"hello\""}.
  Result<Bytes> key = AesGcmCodec::KeyFromHex(kVectorKeyHex);
  ASSERT_TRUE(key.ok());
  auto codec = AesGcmCodec::Create("test-key-1", *key);
  ASSERT_TRUE(codec.ok());
  Payload encrypted;
  (*encrypted.mutable_metadata())["encoding"] = "binary/encrypted";
  (*encrypted.mutable_metadata())["encryption-cipher"] = "AES256-GCM";
  (*encrypted.mutable_metadata())["encryption-key-id"] = "test-key-1";
  encrypted.set_data(
      FromHex("000102030405060708090a0b4d14dc13a08ba174e928f9eca3e3121eecb8a8449c1a36122a60c7ed"
              "78056cdd233e4fbc54257ed240000e7081621c3c45"));
  Result<std::vector<Payload>> decoded = (*codec)->Decode({encrypted});
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(FromPayload<std::string>(decoded->front()).value(), "hello");
}

TEST(AesGcmKnownAnswer, OpenRejectsAFlippedTagBit) {
  std::string sealed = FromHex(kVectorSealedHex);
  sealed.back() = static_cast<char>(sealed.back() ^ 0x01);
  Result<std::string> opened = detail::AesGcmOpen(FromHex(kVectorKeyHex), sealed);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code(), ErrorCode::kCodec);
  EXPECT_EQ(opened.error().message(), detail::kAesGcmAuthenticationFailed);
}

TEST(AesGcmKnownAnswer, SealRejectsAKeyThatIsNot32Bytes) {
  Result<std::string> sealed = detail::AesGcmSeal(std::string(16, '\0'), kZeroNonce, "x");
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace temporal
