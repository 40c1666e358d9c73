#include "converter/aes_gcm.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <memory>

namespace temporal::detail {
namespace {

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext NewContext() { return CipherContext(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free); }

const unsigned char* Unsigned(std::string_view bytes) {
  return reinterpret_cast<const unsigned char*>(bytes.data());
}

unsigned char* Unsigned(std::string& bytes, std::size_t offset) {
  return reinterpret_cast<unsigned char*>(bytes.data()) + offset;
}

Error OpenSslError(std::string_view what) {
  return Error(ErrorCode::kCodec, "AES-256-GCM " + std::string(what) + " failed in OpenSSL");
}

Error AuthenticationFailed() {
  return Error(ErrorCode::kCodec, std::string(kAesGcmAuthenticationFailed));
}

}  // namespace

Result<std::string> AesGcmSeal(std::string_view key, const AesGcmNonce& nonce,
                               std::string_view plaintext) {
  if (key.size() != kAesGcmKeySize) {
    return Error(ErrorCode::kInvalidArgument, "AES-256-GCM key must be 32 bytes");
  }
  if (plaintext.size() > static_cast<std::size_t>(INT_MAX)) {
    return Error(ErrorCode::kInvalidArgument, "AES-256-GCM plaintext too large");
  }
  std::string sealed(kAesGcmNonceSize + plaintext.size() + kAesGcmTagSize, '\0');
  std::copy(nonce.begin(), nonce.end(), Unsigned(sealed, 0));

  CipherContext context = NewContext();
  // The default GCM IV length is 12 bytes, which is ours, so EVP_CTRL_GCM_SET_IVLEN
  // is not needed.
  if (context == nullptr || EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                                               Unsigned(key), nonce.data()) != 1) {
    return OpenSslError("encryption setup");
  }
  int written = 0;
  if (!plaintext.empty() &&
      EVP_EncryptUpdate(context.get(), Unsigned(sealed, kAesGcmNonceSize), &written,
                        Unsigned(plaintext), static_cast<int>(plaintext.size())) != 1) {
    return OpenSslError("encryption");
  }
  int final_written = 0;
  if (EVP_EncryptFinal_ex(context.get(), Unsigned(sealed, kAesGcmNonceSize + written),
                          &final_written) != 1 ||
      static_cast<std::size_t>(written + final_written) != plaintext.size()) {
    return OpenSslError("encryption");
  }
  if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAesGcmTagSize),
                          Unsigned(sealed, kAesGcmNonceSize + plaintext.size())) != 1) {
    return OpenSslError("tag computation");
  }
  return sealed;
}

Result<std::string> AesGcmSealWithRandomNonce(std::string_view key, std::string_view plaintext) {
  AesGcmNonce nonce;
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    return OpenSslError("nonce generation");
  }
  return AesGcmSeal(key, nonce, plaintext);
}

Result<std::string> AesGcmOpen(std::string_view key, std::string_view sealed) {
  if (key.size() != kAesGcmKeySize) {
    return Error(ErrorCode::kInvalidArgument, "AES-256-GCM key must be 32 bytes");
  }
  if (sealed.size() < kAesGcmNonceSize + kAesGcmTagSize ||
      sealed.size() > static_cast<std::size_t>(INT_MAX)) {
    return AuthenticationFailed();
  }
  const std::string_view nonce = sealed.substr(0, kAesGcmNonceSize);
  const std::string_view ciphertext =
      sealed.substr(kAesGcmNonceSize, sealed.size() - kAesGcmNonceSize - kAesGcmTagSize);
  // EVP_CTRL_GCM_SET_TAG takes a non-const pointer; copy the tag rather than cast.
  std::string tag(sealed.substr(sealed.size() - kAesGcmTagSize));

  CipherContext context = NewContext();
  if (context == nullptr || EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                                               Unsigned(key), Unsigned(nonce)) != 1) {
    return OpenSslError("decryption setup");
  }
  std::string plaintext(ciphertext.size(), '\0');
  int written = 0;
  if (!ciphertext.empty() &&
      EVP_DecryptUpdate(context.get(), Unsigned(plaintext, 0), &written, Unsigned(ciphertext),
                        static_cast<int>(ciphertext.size())) != 1) {
    return AuthenticationFailed();
  }
  if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAesGcmTagSize),
                          Unsigned(tag, 0)) != 1) {
    return OpenSslError("tag setup");
  }
  int final_written = 0;
  // DecryptFinal verifies the tag; on mismatch the decrypted bytes are discarded.
  if (EVP_DecryptFinal_ex(context.get(), Unsigned(plaintext, static_cast<std::size_t>(written)),
                          &final_written) != 1 ||
      static_cast<std::size_t>(written + final_written) != ciphertext.size()) {
    return AuthenticationFailed();
  }
  return plaintext;
}

}  // namespace temporal::detail
