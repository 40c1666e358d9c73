// AES-256-GCM sealing and opening, in the byte layout of AesGcmCodec's payload data
// (docs/payload-encryption.md): nonce (12 bytes) || ciphertext || tag (16 bytes),
// no additional authenticated data.
//
// Private to the SDK. Separate from the codec so that tests can seal with a fixed
// nonce and compare against known answers; production code must only call
// AesGcmSealWithRandomNonce.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "temporal/error.h"

namespace temporal::detail {

inline constexpr std::size_t kAesGcmKeySize = 32;
inline constexpr std::size_t kAesGcmNonceSize = 12;
inline constexpr std::size_t kAesGcmTagSize = 16;

using AesGcmNonce = std::array<std::uint8_t, kAesGcmNonceSize>;

/// AesGcmSeal encrypts `plaintext` with the 32-byte `key` and the given nonce and
/// returns nonce || ciphertext || tag. Reusing a nonce with the same key destroys
/// GCM's security: only tests pass a fixed one. Fails with kInvalidArgument on a
/// wrong key size, kCodec if OpenSSL fails.
Result<std::string> AesGcmSeal(std::string_view key, const AesGcmNonce& nonce,
                               std::string_view plaintext);

/// AesGcmSealWithRandomNonce is AesGcmSeal with a nonce from OpenSSL's CSPRNG.
Result<std::string> AesGcmSealWithRandomNonce(std::string_view key, std::string_view plaintext);

/// AesGcmOpen checks and decrypts nonce || ciphertext || tag. Any failure (data
/// shorter than nonce + tag, tag mismatch) is a kCodec error with the message
/// kAesGcmAuthenticationFailed; it never returns unauthenticated bytes.
Result<std::string> AesGcmOpen(std::string_view key, std::string_view sealed);

inline constexpr std::string_view kAesGcmAuthenticationFailed =
    "payload authentication failed (wrong key or corrupted data)";

}  // namespace temporal::detail
