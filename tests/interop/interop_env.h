// Test support for the interop suite: where the TypeScript worker listens and
// which codec key it holds (exported by scripts/test; see docs/interop.md).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "dev_server.h"
#include "temporal/client/client.h"
#include "temporal/converter/aes_gcm_codec.h"

namespace provisio::testing {

inline std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

/// TypeScriptTaskQueue is where the TypeScript interop worker polls (plain converter).
inline std::string TypeScriptTaskQueue() { return EnvOrEmpty("INTEROP_TASK_QUEUE"); }
/// EncryptedTypeScriptTaskQueue is where it polls with the AES-GCM codec.
inline std::string EncryptedTypeScriptTaskQueue() {
  return EnvOrEmpty("INTEROP_ENCRYPTED_TASK_QUEUE");
}

inline temporal::ClientOptions InteropClientOptions() {
  temporal::ClientOptions options;
  options.target_host = DevServerAddress();
  options.namespace_ = DevServerNamespace();
  options.identity = "cpp-interop-test";
  return options;
}

/// SharedCodec returns the AES-GCM codec with the key the TypeScript worker holds.
inline std::shared_ptr<temporal::AesGcmCodec> SharedCodec() {
  auto key = temporal::AesGcmCodec::KeyFromHex(EnvOrEmpty("PROVISIO_CODEC_KEY_HEX"));
  EXPECT_TRUE(key.ok()) << key.error();
  if (!key.ok()) return nullptr;
  auto codec = temporal::AesGcmCodec::Create(EnvOrEmpty("PROVISIO_CODEC_KEY_ID"), *key);
  EXPECT_TRUE(codec.ok()) << codec.error();
  return codec.ok() ? *codec : nullptr;
}

}  // namespace provisio::testing

/// Fails the test unless scripts/test started the dev server and the TypeScript worker.
#define REQUIRE_INTEROP_WORKER()                                                               \
  do {                                                                                         \
    REQUIRE_DEV_SERVER();                                                                      \
    if (::provisio::testing::TypeScriptTaskQueue().empty()) {                                  \
      GTEST_FAIL() << "INTEROP_TASK_QUEUE is not set; run the tests with scripts/test, which " \
                      "starts the TypeScript interop worker";                                  \
    }                                                                                          \
  } while (false)
