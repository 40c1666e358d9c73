#include "auth/password_hash.h"

#include <sodium.h>

namespace provisio::api::auth {
namespace {

constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

}  // namespace

temporal::Status InitializeCrypto() {
  if (sodium_init() < 0)
    return temporal::Error(temporal::ErrorCode::kInternal, "libsodium failed to initialize");
  return temporal::OkStatus();
}

temporal::Result<std::string> HashPassword(std::string_view password) {
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return temporal::Error(temporal::ErrorCode::kResourceExhausted,
                           "argon2id: out of memory hashing the password");
  }
  return std::string(hash);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(const std::string& hash) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), kOpsLimit, kMemLimit) != 0;
}

void SpendVerificationTime(std::string_view password) {
  static const std::string throwaway = [] {
    auto hash = HashPassword("provisio-timing-equalizer");
    return hash ? *hash : std::string();
  }();
  (void)VerifyPassword(throwaway, password);
}

}  // namespace provisio::api::auth
