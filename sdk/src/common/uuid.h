// Private: formatting 128 random bits as a version-4 UUID string. The bits
// come from the caller: a random device for request ids, the workflow's
// deterministic generator for workflow::NewUuid.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "common/random.h"

namespace temporal::detail {

inline std::string FormatUuidV4(std::uint64_t high, std::uint64_t low) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xffff),
                static_cast<unsigned>(high & 0xfff),
                static_cast<unsigned>(0x8000 | ((low >> 48) & 0x3fff)),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return buffer;
}

}  // namespace temporal::detail

namespace temporal::detail {

/// RandomUuidV4 returns a fresh random UUID, for request ids that deduplicate
/// retried client requests (not for workflow code, which uses its seeded generator).
inline std::string RandomUuidV4() {
  std::mt19937_64& rng = ThreadRandom();
  const std::uint64_t high = rng();
  return FormatUuidV4(high, rng());
}

}  // namespace temporal::detail
