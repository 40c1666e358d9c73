// temporal/converter/aes_gcm_codec.h: AES-256-GCM payload encryption.
//
// AesGcmCodec encrypts every payload with AES-256 in GCM mode, so that workflow
// and activity data (database passwords, customer data) is stored in Temporal's
// history only as ciphertext. Its format is shared with the TypeScript worker
// (node:crypto) and documented byte for byte in docs/payload-encryption.md:
//
//   encoded payload metadata:
//     "encoding"          = "binary/encrypted"
//     "encryption-cipher" = "AES256-GCM"
//     "encryption-key-id" = the key id (UTF-8)
//   encoded payload data:
//     12-byte random nonce || ciphertext || 16-byte GCM tag        (no AAD)
//   plaintext:
//     the binary protobuf serialization of the whole original
//     temporal.api.common.v1.Payload, metadata included.
//
// Encode always encrypts with the current key. Decode picks the key by the
// payload's "encryption-key-id", from the current key and the decrypt-only keys:
// to rotate keys, make the new key current and keep the old one decrypt-only until
// no open workflow still holds data encrypted with it. Decode returns payloads that
// are not "binary/encrypted" unchanged.
//
// Example:
//
//   temporal::Result<temporal::Bytes> key =
//       temporal::AesGcmCodec::KeyFromHex(std::getenv("PROVISIO_PAYLOAD_KEY"));
//   if (!key) return key.error();
//   auto codec = temporal::AesGcmCodec::Create("key-2024-06", *key);
//   if (!codec) return codec.error();
//   temporal::DataConverter converter = temporal::DataConverter::Default();
//   converter.AddCodec(*codec);
//
// Thread safety: an AesGcmCodec is immutable after Create; Encode and Decode are
// safe to call concurrently.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "temporal/converter/codec.h"
#include "temporal/converter/payload.h"
#include "temporal/error.h"

namespace temporal {

/// kEncodingEncrypted is the encoding of a payload encrypted by AesGcmCodec.
inline constexpr std::string_view kEncodingEncrypted = "binary/encrypted";
/// kMetadataEncryptionCipher is the metadata key naming the cipher of an encrypted
/// payload.
inline constexpr std::string_view kMetadataEncryptionCipher = "encryption-cipher";
/// kMetadataEncryptionKeyId is the metadata key naming the key an encrypted payload
/// was encrypted with.
inline constexpr std::string_view kMetadataEncryptionKeyId = "encryption-key-id";
/// kEncryptionCipherAes256Gcm is the cipher name AesGcmCodec writes and accepts.
inline constexpr std::string_view kEncryptionCipherAes256Gcm = "AES256-GCM";

/// AesGcmCodec is a PayloadCodec that encrypts payloads with AES-256-GCM (see the
/// top of this file for the format).
class AesGcmCodec : public PayloadCodec {
 public:
  /// kKeySize is the size in bytes of an AES-256 key.
  static constexpr std::size_t kKeySize = 32;
  /// kNonceSize is the size in bytes of the GCM nonce (IV) that starts the data.
  static constexpr std::size_t kNonceSize = 12;
  /// kTagSize is the size in bytes of the GCM authentication tag that ends the data.
  static constexpr std::size_t kTagSize = 16;

  /// Create returns a codec that encrypts with `key` under the id `key_id`, and
  /// decrypts payloads whose key id is `key_id` or a key of `decrypt_only_keys`.
  /// Fails with kInvalidArgument when a key is not 32 bytes or a key id is empty.
  static Result<std::shared_ptr<AesGcmCodec>> Create(
      std::string key_id, Bytes key, std::map<std::string, Bytes> decrypt_only_keys = {});

  /// KeyFromHex parses a 32-byte key written as 64 hexadecimal digits (either
  /// case; surrounding whitespace ignored). Fails with kInvalidArgument otherwise.
  /// Generate one with `openssl rand -hex 32`.
  static Result<Bytes> KeyFromHex(std::string_view hex);

  ~AesGcmCodec() override;
  AesGcmCodec(const AesGcmCodec&) = delete;
  AesGcmCodec& operator=(const AesGcmCodec&) = delete;

  /// Encode encrypts each payload with the current key and a fresh random nonce.
  /// Fails with kCodec only when OpenSSL fails.
  Result<std::vector<Payload>> Encode(std::vector<Payload> payloads) const override;

  /// Decode decrypts each "binary/encrypted" payload and returns others unchanged.
  /// Fails with kCodec when the key id is unknown (the message names it), the cipher
  /// is not AES256-GCM, or authentication fails ("payload authentication failed
  /// (wrong key or corrupted data)").
  Result<std::vector<Payload>> Decode(std::vector<Payload> payloads) const override;

  /// key_id returns the id of the key Encode uses.
  const std::string& key_id() const { return key_id_; }

 private:
  AesGcmCodec(std::string key_id, std::map<std::string, std::string> keys);

  const std::string key_id_;
  // Key id -> 32 raw key bytes; holds the current key and the decrypt-only keys.
  // Wiped (OPENSSL_cleanse) on destruction.
  std::map<std::string, std::string> keys_;
};

}  // namespace temporal
