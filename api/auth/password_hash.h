// api/auth/password_hash.h: argon2id password hashes (libsodium's
// crypto_pwhash_str), the only form in which passwords are stored.
//
//   auto hash = HashPassword("correct horse");           // "$argon2id$v=19$m=65536,t=2,p=1$..."
//   bool ok = VerifyPassword(*hash, "correct horse");    // true
//
// The cost is libsodium's "interactive" level (64 MiB, 2 passes): about a
// tenth of a second, on purpose. Callers run these off the I/O thread, a few
// at a time (each takes 64 MiB while it runs).
#pragma once

#include <string>
#include <string_view>

#include "temporal/error.h"

namespace provisio::api::auth {

/// kMaxPasswordBytes bounds a password (argon2 takes any length; hashing a
/// megabyte on every attempt is a denial of service).
inline constexpr std::size_t kMaxPasswordBytes = 1024;
/// kMinPasswordBytes is the shortest password `provisio user passwd` accepts.
inline constexpr std::size_t kMinPasswordBytes = 12;

/// InitializeCrypto initializes libsodium; call once before the others.
/// kInternal when it cannot.
temporal::Status InitializeCrypto();

/// HashPassword returns the PHC string of a fresh argon2id hash (random salt).
/// kResourceExhausted when libsodium cannot get the memory.
temporal::Result<std::string> HashPassword(std::string_view password);

/// VerifyPassword tells whether `password` matches `hash` (constant time in
/// the password). A malformed hash never matches.
bool VerifyPassword(const std::string& hash, std::string_view password);

/// NeedsRehash tells whether `hash` was made with other parameters than
/// HashPassword uses now (rehash it at the next successful sign-in).
bool NeedsRehash(const std::string& hash);

/// SpendVerificationTime does the work of one VerifyPassword against a
/// throwaway hash: sign-in calls it for an unknown user, so that timing does
/// not tell which users exist.
void SpendVerificationTime(std::string_view password);

}  // namespace provisio::api::auth
