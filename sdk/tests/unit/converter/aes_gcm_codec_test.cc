// AesGcmCodec: format, round trip, key handling and every failure path.
#include "temporal/converter/aes_gcm_codec.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace temporal {
namespace {

Bytes KeyOf(std::byte fill) { return Bytes(32, fill); }

std::shared_ptr<AesGcmCodec> MakeCodec(std::string key_id, Bytes key,
                                       std::map<std::string, Bytes> decrypt_only = {}) {
  auto codec = AesGcmCodec::Create(std::move(key_id), std::move(key), std::move(decrypt_only));
  EXPECT_TRUE(codec.ok()) << codec.error();
  return codec.ok() ? *codec : nullptr;
}

Payload SecretPayload() {
  Payload payload = *ToPayload(nlohmann::json{{"password", "hunter2"}});
  (*payload.mutable_metadata())["extra"] = "kept";
  return payload;
}

TEST(AesGcmCodec, EncodedPayloadHasTheDocumentedMetadataAndLayout) {
  auto codec = MakeCodec("key-1", KeyOf(std::byte{7}));
  const Payload original = SecretPayload();
  Result<std::vector<Payload>> encoded = codec->Encode({original});
  ASSERT_TRUE(encoded.ok()) << encoded.error();
  ASSERT_EQ(encoded->size(), 1u);
  const Payload& payload = encoded->front();
  EXPECT_EQ(payload.metadata().size(), 3u);
  EXPECT_EQ(payload.metadata().at("encoding"), "binary/encrypted");
  EXPECT_EQ(payload.metadata().at("encryption-cipher"), "AES256-GCM");
  EXPECT_EQ(payload.metadata().at("encryption-key-id"), "key-1");
  // nonce (12) || ciphertext (same length as the serialized payload) || tag (16).
  EXPECT_EQ(payload.data().size(), 12 + original.SerializeAsString().size() + 16);
  EXPECT_EQ(payload.data().find("hunter2"), std::string::npos);
  EXPECT_EQ(payload.data().find("json/plain"), std::string::npos);
}

TEST(AesGcmCodec, RoundTripRestoresPayloadAndMetadataExactly) {
  auto codec = MakeCodec("key-1", KeyOf(std::byte{7}));
  const Payload original = SecretPayload();
  Payload empty_data = *ToPayload(nullptr);
  Result<std::vector<Payload>> encoded = codec->Encode({original, empty_data});
  ASSERT_TRUE(encoded.ok());
  Result<std::vector<Payload>> decoded = codec->Decode(*encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  ASSERT_EQ(decoded->size(), 2u);
  EXPECT_EQ((*decoded)[0].metadata().at("extra"), "kept");
  EXPECT_EQ((*decoded)[0].metadata().at("encoding"), "json/plain");
  EXPECT_EQ((*decoded)[0].data(), original.data());
  EXPECT_EQ((*decoded)[1].metadata().at("encoding"), "binary/null");
  EXPECT_EQ((*decoded)[1].data(), "");
}

TEST(AesGcmCodec, TwoEncodesOfTheSameValueDifferByNonce) {
  auto codec = MakeCodec("key-1", KeyOf(std::byte{7}));
  const Payload original = SecretPayload();
  Result<std::vector<Payload>> first = codec->Encode({original});
  Result<std::vector<Payload>> second = codec->Encode({original});
  ASSERT_TRUE(first.ok() && second.ok());
  const std::string& a = first->front().data();
  const std::string& b = second->front().data();
  EXPECT_NE(a.substr(0, 12), b.substr(0, 12));
  EXPECT_NE(a.substr(12), b.substr(12));
  EXPECT_NE(a.substr(12, a.size() - 28), original.SerializeAsString());
}

TEST(AesGcmCodec, UnknownKeyIdIsACodecErrorNamingIt) {
  auto writer = MakeCodec("key-old", KeyOf(std::byte{1}));
  auto reader = MakeCodec("key-new", KeyOf(std::byte{2}));
  Result<std::vector<Payload>> encoded = writer->Encode({SecretPayload()});
  ASSERT_TRUE(encoded.ok());
  Result<std::vector<Payload>> decoded = reader->Decode(*encoded);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), ErrorCode::kCodec);
  EXPECT_NE(decoded.error().message().find("'key-old'"), std::string::npos)
      << decoded.error().message();
}

TEST(AesGcmCodec, WrongKeyUnderTheSameIdFailsAuthentication) {
  auto writer = MakeCodec("key-1", KeyOf(std::byte{1}));
  auto reader = MakeCodec("key-1", KeyOf(std::byte{2}));
  Result<std::vector<Payload>> decoded = reader->Decode(*writer->Encode({SecretPayload()}));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), ErrorCode::kCodec);
  EXPECT_EQ(decoded.error().message(),
            "payload authentication failed (wrong key or corrupted data)");
}

TEST(AesGcmCodec, EveryFlippedByteFailsAuthentication) {
  auto codec = MakeCodec("key-1", KeyOf(std::byte{7}));
  const Payload encoded = codec->Encode({SecretPayload()})->front();
  for (std::size_t i = 0; i < encoded.data().size(); ++i) {
    Payload corrupted = encoded;
    (*corrupted.mutable_data())[i] = static_cast<char>(corrupted.data()[i] ^ 0x20);
    Result<std::vector<Payload>> decoded = codec->Decode({corrupted});
    ASSERT_FALSE(decoded.ok()) << "byte " << i;
    EXPECT_EQ(decoded.error().code(), ErrorCode::kCodec);
    EXPECT_EQ(decoded.error().message(),
              "payload authentication failed (wrong key or corrupted data)");
  }
}

TEST(AesGcmCodec, ShortOrTruncatedDataFailsAuthentication) {
  auto codec = MakeCodec("key-1", KeyOf(std::byte{7}));
  const Payload encoded = codec->Encode({SecretPayload()})->front();
  for (std::size_t size :
       {std::size_t{0}, std::size_t{11}, std::size_t{27}, encoded.data().size() - 1}) {
    Payload truncated = encoded;
    truncated.mutable_data()->resize(size);
    Result<std::vector<Payload>> decoded = codec->Decode({truncated});
    ASSERT_FALSE(decoded.ok()) << "size " << size;
    EXPECT_EQ(decoded.error().message(),
              "payload authentication failed (wrong key or corrupted data)");
  }
}

TEST(AesGcmCodec, DecryptOnlyKeyReadsDataFromBeforeRotation) {
  auto before = MakeCodec("key-2023", KeyOf(std::byte{1}));
  auto after = MakeCodec("key-2024", KeyOf(std::byte{2}), {{"key-2023", KeyOf(std::byte{1})}});
  Result<std::vector<Payload>> old_data = before->Encode({SecretPayload()});
  ASSERT_TRUE(old_data.ok());
  Result<std::vector<Payload>> decoded = after->Decode(*old_data);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->front().data(), SecretPayload().data());

  // New data is written with the current key only.
  Result<std::vector<Payload>> new_data = after->Encode({SecretPayload()});
  EXPECT_EQ(new_data->front().metadata().at("encryption-key-id"), "key-2024");
  EXPECT_FALSE(before->Decode(*new_data).ok());
}

TEST(AesGcmCodec, NonEncryptedPayloadsPassThroughDecodeUnchanged) {
  auto codec = MakeCodec("key-1", KeyOf(std::byte{7}));
  Payload no_encoding;
  no_encoding.set_data("raw");
  const std::vector<Payload> plain = {*ToPayload(std::string("hi")), no_encoding,
                                      *ToPayload(Bytes{std::byte{0xde}})};
  Result<std::vector<Payload>> encrypted = codec->Encode({SecretPayload()});
  std::vector<Payload> mixed = plain;
  mixed.push_back(encrypted->front());

  Result<std::vector<Payload>> decoded = codec->Decode(mixed);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  ASSERT_EQ(decoded->size(), 4u);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals((*decoded)[i], plain[i])) << i;
  }
  EXPECT_EQ((*decoded)[3].data(), SecretPayload().data());
}

TEST(AesGcmCodec, UnsupportedCipherIsACodecError) {
  auto codec = MakeCodec("key-1", KeyOf(std::byte{7}));
  Payload encoded = codec->Encode({SecretPayload()})->front();
  (*encoded.mutable_metadata())["encryption-cipher"] = "AES128-CBC";
  Result<std::vector<Payload>> decoded = codec->Decode({encoded});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), ErrorCode::kCodec);
  EXPECT_NE(decoded.error().message().find("AES128-CBC"), std::string::npos);
}

TEST(AesGcmCodec, MissingKeyIdIsACodecError) {
  auto codec = MakeCodec("key-1", KeyOf(std::byte{7}));
  Payload encoded = codec->Encode({SecretPayload()})->front();
  encoded.mutable_metadata()->erase("encryption-key-id");
  Result<std::vector<Payload>> decoded = codec->Decode({encoded});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), ErrorCode::kCodec);
}

TEST(AesGcmCodec, ConcurrentEncodeAndDecodeFromManyThreads) {
  auto codec = MakeCodec("key-1", KeyOf(std::byte{7}));
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&codec, &failures, t] {
      for (int i = 0; i < 200; ++i) {
        Payload original = *ToPayload(t * 1000 + i);
        Result<std::vector<Payload>> encoded = codec->Encode({original});
        Result<std::vector<Payload>> decoded =
            encoded.ok() ? codec->Decode(*encoded) : encoded.error();
        if (!decoded.ok() || decoded->front().data() != original.data()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(AesGcmCodec, CreateRejectsKeysThatAreNot32Bytes) {
  for (std::size_t size : {0, 16, 24, 31, 33}) {
    auto codec = AesGcmCodec::Create("key-1", Bytes(size, std::byte{1}));
    ASSERT_FALSE(codec.ok()) << size;
    EXPECT_EQ(codec.error().code(), ErrorCode::kInvalidArgument);
  }
  auto bad_old = AesGcmCodec::Create("key-1", KeyOf(std::byte{1}), {{"old", Bytes(16)}});
  ASSERT_FALSE(bad_old.ok());
  EXPECT_EQ(bad_old.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_old.error().message().find("'old'"), std::string::npos);
  EXPECT_FALSE(AesGcmCodec::Create("", KeyOf(std::byte{1})).ok());
}

TEST(AesGcmCodec, KeyFromHexParsesSixtyFourDigits) {
  Result<Bytes> key = AesGcmCodec::KeyFromHex(
      "  000102030405060708090A0B0C0D0E0F101112131415161718191a1b1c1d1e1f\n");
  ASSERT_TRUE(key.ok()) << key.error();
  ASSERT_EQ(key->size(), 32u);
  for (std::size_t i = 0; i < 32; ++i) EXPECT_EQ((*key)[i], std::byte(i));
}

TEST(AesGcmCodec, KeyFromHexRejectsWrongLengthAndNonHex) {
  for (std::string_view hex :
       {std::string_view(""), std::string_view("00"),
        std::string_view("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e"),
        std::string_view("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00"),
        std::string_view("zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")}) {
    Result<Bytes> key = AesGcmCodec::KeyFromHex(hex);
    ASSERT_FALSE(key.ok()) << hex;
    EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace temporal
