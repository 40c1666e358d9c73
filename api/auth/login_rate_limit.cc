#include "auth/login_rate_limit.h"

#include <algorithm>

namespace provisio::api::auth {
namespace {

// Bounds memory when many names are tried: beyond this many failures kept
// per key, older ones add nothing (the limit is already reached).
constexpr std::size_t kKeptPerKey = 1000;

}  // namespace

std::chrono::seconds LoginRateLimit::Wait(std::unordered_map<std::string, Failures>& counts,
                                          const std::string& key, int limit,
                                          Clock::time_point now) {
  auto it = counts.find(key);
  if (it == counts.end()) return std::chrono::seconds(0);
  Failures& failures = it->second;
  while (!failures.empty() && failures.front() <= now - window_) failures.pop_front();
  if (failures.size() < static_cast<std::size_t>(limit)) return std::chrono::seconds(0);
  // Free again when the failure that makes the count reach the limit ages out.
  const Clock::time_point frees =
      failures[failures.size() - static_cast<std::size_t>(limit)] + window_;
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(frees - now));
}

std::chrono::seconds LoginRateLimit::RetryAfter(const std::string& user, const std::string& address,
                                                Clock::time_point now) {
  Prune(now);
  return std::max(Wait(by_user_, user, max_failures_, now),
                  Wait(by_address_, address, max_failures_ * 4, now));
}

void LoginRateLimit::RecordFailure(const std::string& user, const std::string& address,
                                   Clock::time_point now) {
  for (Failures* failures : {&by_user_[user], &by_address_[address]}) {
    failures->push_back(now);
    if (failures->size() > kKeptPerKey) failures->pop_front();
  }
}

void LoginRateLimit::RecordSuccess(const std::string& user) { by_user_.erase(user); }

void LoginRateLimit::Prune(Clock::time_point now) {
  // Once a window, forget the keys whose failures have all aged out.
  if (now - last_prune_ < window_) return;
  last_prune_ = now;
  for (auto* counts : {&by_user_, &by_address_}) {
    for (auto it = counts->begin(); it != counts->end();) {
      if (it->second.empty() || it->second.back() <= now - window_) {
        it = counts->erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace provisio::api::auth
