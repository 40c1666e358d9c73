// api/auth/login_rate_limit.h: how many failed sign-ins the API allows.
//
// Failed sign-ins are counted per user id and per client address over a
// sliding window: after `max_failures` for one user id, or four times as many
// from one address, sign-in answers 429 with Retry-After until the oldest
// counted failure leaves the window, without checking the password (so a
// guesser learns nothing more). A success clears the user's failures.
//
// The counts live in this process: with several API processes behind a load
// balancer each counts its own (docs/api.md says so).
//
// Thread-safety: none; the API's I/O thread alone uses it.
#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <unordered_map>

namespace provisio::api::auth {

class LoginRateLimit {
 public:
  using Clock = std::chrono::steady_clock;

  LoginRateLimit(int max_failures, std::chrono::seconds window)
      : max_failures_(max_failures), window_(window) {}

  /// RetryAfter is how long `user` from `address` must wait before trying
  /// again (zero: go ahead).
  std::chrono::seconds RetryAfter(const std::string& user, const std::string& address,
                                  Clock::time_point now = Clock::now());
  /// RecordFailure counts a failed sign-in.
  void RecordFailure(const std::string& user, const std::string& address,
                     Clock::time_point now = Clock::now());
  /// RecordSuccess clears the user's failures (not the address's).
  void RecordSuccess(const std::string& user);

 private:
  using Failures = std::deque<Clock::time_point>;
  std::chrono::seconds Wait(std::unordered_map<std::string, Failures>& counts,
                            const std::string& key, int limit, Clock::time_point now);
  void Prune(Clock::time_point now);

  int max_failures_;
  std::chrono::seconds window_;
  std::unordered_map<std::string, Failures> by_user_;
  std::unordered_map<std::string, Failures> by_address_;
  Clock::time_point last_prune_{};
};

}  // namespace provisio::api::auth
