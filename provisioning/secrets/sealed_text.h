// provisioning/secrets/sealed_text.h: opening a sensitive value the OpenTofu
// runner sealed (packages/codec-ts sealText).
//
// Sensitive outputs (generated passwords) leave the runner only sealed, so
// they are ciphertext in Temporal's history whatever the payload codec does:
//
//   "provisio-aesgcm:v1:" base64url(key id) ":" base64(nonce(12) || AES-256-GCM ciphertext ||
//   tag(16))
//
// under the codec's key ring (the same keys as the payload codec: current
// and decrypt-only, by id). Only the API's audited reveal of an output to its
// requester, and tests, open them.
#pragma once

#include <map>
#include <string>

#include "temporal/converter/payload.h"
#include "temporal/error.h"

namespace provisio::secrets {

/// kSealedTextPrefix starts every sealed text.
inline constexpr char kSealedTextPrefix[] = "provisio-aesgcm:v1:";

/// IsSealedText says whether `text` is in sealText's form.
bool IsSealedText(const std::string& text);

/// OpenSealedText returns the plaintext of `sealed`, using the key its id
/// names among `keys` (id → 32-byte key). kInvalidArgument when the form is
/// wrong, kNotFound for an unknown key id, kPermissionDenied when the box
/// does not authenticate (a wrong key, or tampered text).
temporal::Result<std::string> OpenSealedText(const std::map<std::string, temporal::Bytes>& keys,
                                             const std::string& sealed);

}  // namespace provisio::secrets
