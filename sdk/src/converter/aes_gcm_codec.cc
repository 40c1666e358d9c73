#include "temporal/converter/aes_gcm_codec.h"

#include <openssl/crypto.h>

#include <cctype>
#include <utility>

#include "converter/aes_gcm.h"

namespace temporal {
namespace {

static_assert(AesGcmCodec::kKeySize == detail::kAesGcmKeySize);
static_assert(AesGcmCodec::kNonceSize == detail::kAesGcmNonceSize);
static_assert(AesGcmCodec::kTagSize == detail::kAesGcmTagSize);

std::string KeyBytes(const Bytes& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

void Wipe(std::string* secret) { OPENSSL_cleanse(secret->data(), secret->size()); }

void Wipe(Bytes* secret) { OPENSSL_cleanse(secret->data(), secret->size()); }

const std::string* FindMetadata(const Payload& payload, std::string_view key) {
  auto it = payload.metadata().find(std::string(key));
  return it == payload.metadata().end() ? nullptr : &it->second;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::shared_ptr<AesGcmCodec>> AesGcmCodec::Create(
    std::string key_id, Bytes key, std::map<std::string, Bytes> decrypt_only_keys) {
  std::map<std::string, std::string> keys;
  // Wipe the caller's copies (moved in) whether or not they are accepted.
  auto wipe_inputs = [&key, &decrypt_only_keys, &keys] {
    Wipe(&key);
    for (auto& [id, bytes] : decrypt_only_keys) Wipe(&bytes);
    for (auto& [id, bytes] : keys) Wipe(&bytes);
  };
  if (key_id.empty()) {
    wipe_inputs();
    return Error(ErrorCode::kInvalidArgument, "AES-GCM codec: key id must not be empty");
  }
  if (key.size() != kKeySize) {
    wipe_inputs();
    return Error(
        ErrorCode::kInvalidArgument,
        "AES-GCM codec: key '" + key_id + "' must be 32 bytes, got " + std::to_string(key.size()));
  }
  for (const auto& [id, bytes] : decrypt_only_keys) {
    if (id.empty()) {
      wipe_inputs();
      return Error(ErrorCode::kInvalidArgument,
                   "AES-GCM codec: decrypt-only key id must not be empty");
    }
    if (bytes.size() != kKeySize) {
      wipe_inputs();
      return Error(ErrorCode::kInvalidArgument, "AES-GCM codec: decrypt-only key '" + id +
                                                    "' must be 32 bytes, got " +
                                                    std::to_string(bytes.size()));
    }
    keys.emplace(id, KeyBytes(bytes));
  }
  // The current key wins over a decrypt-only key with the same id.
  keys.insert_or_assign(key_id, KeyBytes(key));
  Wipe(&key);
  for (auto& [id, bytes] : decrypt_only_keys) Wipe(&bytes);
  // The constructor is private, so make_shared cannot reach it.
  return std::shared_ptr<AesGcmCodec>(new AesGcmCodec(std::move(key_id), std::move(keys)));
}

Result<Bytes> AesGcmCodec::KeyFromHex(std::string_view hex) {
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.front()))) {
    hex.remove_prefix(1);
  }
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) {
    hex.remove_suffix(1);
  }
  if (hex.size() != 2 * kKeySize) {
    return Error(ErrorCode::kInvalidArgument,
                 "AES-GCM key must be 64 hexadecimal digits (32 bytes), got " +
                     std::to_string(hex.size()) + " characters");
  }
  Bytes key(kKeySize);
  for (std::size_t i = 0; i < kKeySize; ++i) {
    int high = HexDigit(hex[2 * i]);
    int low = HexDigit(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      Wipe(&key);
      return Error(ErrorCode::kInvalidArgument,
                   "AES-GCM key contains a non-hexadecimal character at position " +
                       std::to_string(high < 0 ? 2 * i : 2 * i + 1));
    }
    key[i] = static_cast<std::byte>(high * 16 + low);
  }
  return key;
}

AesGcmCodec::AesGcmCodec(std::string key_id, std::map<std::string, std::string> keys)
    : key_id_(std::move(key_id)), keys_(std::move(keys)) {}

AesGcmCodec::~AesGcmCodec() {
  for (auto& [id, key] : keys_) Wipe(&key);
}

Result<std::vector<Payload>> AesGcmCodec::Encode(std::vector<Payload> payloads) const {
  const std::string& key = keys_.at(key_id_);
  std::vector<Payload> encoded;
  encoded.reserve(payloads.size());
  std::string plaintext;
  for (const Payload& payload : payloads) {
    // Deterministic serialization is not needed: decode only parses it back.
    if (!payload.SerializeToString(&plaintext)) {
      return Error(ErrorCode::kCodec, "AES-GCM codec: cannot serialize payload");
    }
    Result<std::string> sealed = detail::AesGcmSealWithRandomNonce(key, plaintext);
    Wipe(&plaintext);
    if (!sealed) return Error(ErrorCode::kCodec, sealed.error().message());
    Payload& out = encoded.emplace_back();
    auto& metadata = *out.mutable_metadata();
    metadata[std::string(kMetadataEncoding)] = std::string(kEncodingEncrypted);
    metadata[std::string(kMetadataEncryptionCipher)] = std::string(kEncryptionCipherAes256Gcm);
    metadata[std::string(kMetadataEncryptionKeyId)] = key_id_;
    out.set_data(std::move(*sealed));
  }
  return encoded;
}

Result<std::vector<Payload>> AesGcmCodec::Decode(std::vector<Payload> payloads) const {
  for (Payload& payload : payloads) {
    const std::string* encoding = FindMetadata(payload, kMetadataEncoding);
    if (encoding == nullptr || *encoding != kEncodingEncrypted) continue;

    const std::string* cipher = FindMetadata(payload, kMetadataEncryptionCipher);
    // A missing cipher is accepted: Temporal's encryption samples, which this format
    // extends, write only the encoding and the key id, and use AES-256-GCM.
    if (cipher != nullptr && *cipher != kEncryptionCipherAes256Gcm) {
      return Error(ErrorCode::kCodec,
                   "AES-GCM codec: unsupported encryption cipher '" + *cipher + "'");
    }
    const std::string* key_id = FindMetadata(payload, kMetadataEncryptionKeyId);
    if (key_id == nullptr) {
      return Error(ErrorCode::kCodec,
                   "AES-GCM codec: encrypted payload has no 'encryption-key-id' metadata");
    }
    auto key = keys_.find(*key_id);
    if (key == keys_.end()) {
      return Error(ErrorCode::kCodec, "AES-GCM codec: unknown encryption key id '" + *key_id +
                                          "' (not the current key nor a decrypt-only key)");
    }
    Result<std::string> plaintext = detail::AesGcmOpen(key->second, payload.data());
    if (!plaintext) return Error(ErrorCode::kCodec, plaintext.error().message());
    Payload decoded;
    const bool parsed = decoded.ParseFromString(*plaintext);
    Wipe(&*plaintext);
    if (!parsed) {
      return Error(ErrorCode::kCodec,
                   "AES-GCM codec: decrypted data is not a temporal.api.common.v1.Payload");
    }
    payload = std::move(decoded);
  }
  return payloads;
}

}  // namespace temporal
