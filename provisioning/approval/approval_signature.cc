#include "approval/approval_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace provisio::approval {
namespace {

using temporal::Error;
using temporal::ErrorCode;

std::string Hex(const unsigned char* bytes, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[bytes[i] >> 4];
    hex += kHex[bytes[i] & 0xf];
  }
  return hex;
}

std::string Mac(const model::SignedDecision& decision, const std::string& key) {
  const std::string text = CanonicalText(decision);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &length);
  return Hex(digest, length);
}

}  // namespace

std::string CanonicalText(const model::SignedDecision& decision) {
  // A field may not contain a newline (the validator refuses such input
  // before it gets here), so the lines cannot be shifted into one another.
  std::string roles;
  for (const std::string& role : decision.roles) roles += (roles.empty() ? "" : ",") + role;
  return "provisio-decision-v2\n" + decision.workflow_id + "\n" + decision.user + "\n" + roles +
         "\n" + decision.decision + "\n" + decision.plan_hash + "\n" +
         decision.region.value_or("") + "\n" + decision.profile.value_or("") + "\n" +
         decision.reason.value_or("") + "\n" +
         (decision.confirm_stateful_changes.value_or(false) ? "confirm" : "") + "\n" +
         decision.resource.value_or("") + "\n" +
         (decision.extend_until_unix ? std::to_string(*decision.extend_until_unix) : "") + "\n" +
         std::to_string(decision.expires_at_unix);
}

void Sign(model::SignedDecision& decision, const std::string& key) {
  decision.signature = Mac(decision, key);
}

temporal::Status Verify(const model::SignedDecision& decision, const std::string& key,
                        const std::string& workflow_id, std::chrono::system_clock::time_point now) {
  const std::string expected = Mac(decision, key);
  if (decision.signature.size() != expected.size() ||
      CRYPTO_memcmp(decision.signature.data(), expected.data(), expected.size()) != 0) {
    return Error(ErrorCode::kPermissionDenied,
                 "the decision is not signed by the platform (signature does not verify)");
  }
  if (decision.workflow_id != workflow_id) {
    return Error(ErrorCode::kPermissionDenied,
                 "the decision was signed for request " + decision.workflow_id + ", not this one");
  }
  const auto expires =
      std::chrono::system_clock::time_point(std::chrono::seconds(decision.expires_at_unix));
  if (now > expires) {
    return Error(ErrorCode::kPermissionDenied, "the signed decision has expired");
  }
  return temporal::OkStatus();
}

}  // namespace provisio::approval
