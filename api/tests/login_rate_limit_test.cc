#include "auth/login_rate_limit.h"

#include <gtest/gtest.h>

namespace provisio::api::auth {
namespace {

using namespace std::chrono_literals;
using Clock = LoginRateLimit::Clock;

TEST(LoginRateLimit, AUserIsHeldBackAfterMaxFailuresUntilTheOldestAgesOut) {
  LoginRateLimit limit(3, 60s);
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limit.RetryAfter("alice", "10.0.0.1", start + std::chrono::seconds(i)), 0s);
    limit.RecordFailure("alice", "10.0.0.1", start + std::chrono::seconds(i));
  }
  EXPECT_EQ(limit.RetryAfter("alice", "10.0.0.2", start + 10s), 50s) << "per user, any address";
  EXPECT_EQ(limit.RetryAfter("bob", "10.0.0.1", start + 10s), 0s) << "others are not held back";
  EXPECT_EQ(limit.RetryAfter("alice", "10.0.0.1", start + 61s), 0s);
}

TEST(LoginRateLimit, AnAddressIsHeldBackAfterFourTimesAsManyFailures) {
  LoginRateLimit limit(2, 60s);
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < 8; ++i) limit.RecordFailure("user" + std::to_string(i), "10.0.0.9", start);
  EXPECT_GT(limit.RetryAfter("someone-new", "10.0.0.9", start + 1s), 0s);
  EXPECT_EQ(limit.RetryAfter("someone-new", "10.0.0.8", start + 1s), 0s);
}

TEST(LoginRateLimit, ASuccessClearsTheUsersFailures) {
  LoginRateLimit limit(2, 60s);
  const Clock::time_point start = Clock::now();
  limit.RecordFailure("alice", "a", start);
  limit.RecordSuccess("alice");
  limit.RecordFailure("alice", "a", start);
  EXPECT_EQ(limit.RetryAfter("alice", "a", start), 0s);
}

}  // namespace
}  // namespace provisio::api::auth
