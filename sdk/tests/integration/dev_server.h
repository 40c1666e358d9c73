// Test support: where the real Temporal dev server of this test run is.
//
// scripts/test starts a dev server on a free loopback port and exports
// TEMPORAL_ADDRESS (host:port) and TEMPORAL_NAMESPACE. Integration tests fail,
// rather than skip, when they are missing: a green run that skipped the
// integration tests would not be green.
#pragma once

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

namespace provisio::testing {

/// DevServerAddress returns TEMPORAL_ADDRESS, or an empty string when unset.
inline std::string DevServerAddress() {
  const char* address = std::getenv("TEMPORAL_ADDRESS");
  return address == nullptr ? std::string() : std::string(address);
}

/// DevServerNamespace returns TEMPORAL_NAMESPACE, "default" when unset.
inline std::string DevServerNamespace() {
  const char* ns = std::getenv("TEMPORAL_NAMESPACE");
  return ns == nullptr ? std::string("default") : std::string(ns);
}

/// UniqueId returns `prefix-` followed by random hex, for workflow ids and task
/// queues that no other test (or earlier run on the same server) uses.
inline std::string UniqueId(const std::string& prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(rng()));
  return prefix + "-" + buffer;
}

/// FreePort returns a loopback TCP port nothing listens on (for "unreachable" tests).
inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

/// Deadline returns a client context deadline `seconds` from now.
inline std::chrono::system_clock::time_point Deadline(int seconds = 10) {
  return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

}  // namespace provisio::testing

/// Fails the current test when scripts/test did not provide a dev server.
#define REQUIRE_DEV_SERVER()                                                           \
  do {                                                                                 \
    if (::provisio::testing::DevServerAddress().empty()) {                             \
      GTEST_FAIL() << "TEMPORAL_ADDRESS is not set; run the tests with scripts/test, " \
                      "which starts a real Temporal dev server";                       \
    }                                                                                  \
  } while (false)
