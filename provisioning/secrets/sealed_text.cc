#include "secrets/sealed_text.h"

#include <openssl/evp.h>

#include <memory>

namespace provisio::secrets {
namespace {

constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;

temporal::Error Invalid(const std::string& why) {
  return temporal::Error(temporal::ErrorCode::kInvalidArgument, "sealed text: " + why);
}

// Decodes standard or URL-safe base64 (with or without padding).
temporal::Result<std::string> Base64Decode(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  std::string out(text.size() / 4 * 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) return Invalid("not base64");
  std::size_t padding = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) ++padding;
  out.resize(static_cast<std::size_t>(written) - padding);
  return out;
}

}  // namespace

bool IsSealedText(const std::string& text) { return text.rfind(kSealedTextPrefix, 0) == 0; }

temporal::Result<std::string> OpenSealedText(const std::map<std::string, temporal::Bytes>& keys,
                                             const std::string& sealed) {
  if (!IsSealedText(sealed))
    return Invalid("does not start with " + std::string(kSealedTextPrefix));
  const std::string rest = sealed.substr(sizeof(kSealedTextPrefix) - 1);
  const std::size_t colon = rest.find(':');
  if (colon == std::string::npos) return Invalid("has no key id");
  auto key_id = Base64Decode(rest.substr(0, colon));
  if (!key_id) return key_id.error();
  auto data = Base64Decode(rest.substr(colon + 1));
  if (!data) return data.error();
  const auto key = keys.find(*key_id);
  if (key == keys.end())
    return temporal::Error(temporal::ErrorCode::kNotFound,
                           "sealed text: unknown key id \"" + *key_id + "\"");
  if (key->second.size() != 32) return Invalid("key " + *key_id + " is not 32 bytes");
  if (data->size() < kNonce + kTag) return Invalid("too short");

  const auto* bytes = reinterpret_cast<const unsigned char*>(data->data());
  const std::size_t cipher_size = data->size() - kNonce - kTag;
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(EVP_CIPHER_CTX_new(),
                                                                          EVP_CIPHER_CTX_free);
  std::string plain(cipher_size, '\0');
  int length = 0;
  int final_length = 0;
  const bool opened =
      context &&
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr,
                         reinterpret_cast<const unsigned char*>(key->second.data()), bytes) == 1 &&
      EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(plain.data()), &length,
                        bytes + kNonce, static_cast<int>(cipher_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTag,
                          const_cast<unsigned char*>(bytes + kNonce + cipher_size)) == 1 &&
      EVP_DecryptFinal_ex(context.get(), reinterpret_cast<unsigned char*>(plain.data()) + length,
                          &final_length) == 1;
  if (!opened)
    return temporal::Error(temporal::ErrorCode::kPermissionDenied,
                           "sealed text: does not authenticate under key " + *key_id);
  plain.resize(static_cast<std::size_t>(length + final_length));
  return plain;
}

}  // namespace provisio::secrets
