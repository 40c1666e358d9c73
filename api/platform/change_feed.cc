#include "platform/change_feed.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace provisio::api {

ChangeFeed::Subscription::Subscription(ChangeFeed& feed, std::string workflow_id)
    : feed_(feed), workflow_id_(std::move(workflow_id)), timer_(feed.executor_) {}

ChangeFeed::Subscription::~Subscription() {
  auto it = feed_.subscribers_.find(workflow_id_);
  if (it != feed_.subscribers_.end()) {
    it->second.erase(this);
    if (it->second.empty()) feed_.subscribers_.erase(it);
  }
  --feed_.count_;
}

boost::asio::awaitable<bool> ChangeFeed::Subscription::Wait(
    std::chrono::steady_clock::time_point deadline) {
  if (!changed_ && !feed_.closed_) {
    timer_.expires_at(deadline);
    // Woken: the timer is cancelled (operation_aborted) with changed_ set.
    (void)co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  const bool changed = changed_ && !feed_.closed_;
  changed_ = false;
  co_return changed;
}

std::unique_ptr<ChangeFeed::Subscription> ChangeFeed::Subscribe(const std::string& workflow_id) {
  std::unique_ptr<Subscription> subscription(new Subscription(*this, workflow_id));
  subscribers_[workflow_id].insert(subscription.get());
  ++count_;
  return subscription;
}

void ChangeFeed::Wake(Subscription& subscription) {
  subscription.changed_ = true;
  subscription.timer_.cancel();
}

void ChangeFeed::Notify(const std::string& workflow_id) {
  ++notifications_;
  auto it = subscribers_.find(workflow_id);
  if (it == subscribers_.end()) return;
  for (Subscription* subscription : it->second) Wake(*subscription);
}

void ChangeFeed::NotifyAll() {
  for (auto& [id, subscriptions] : subscribers_)
    for (Subscription* subscription : subscriptions) Wake(*subscription);
}

void ChangeFeed::Close() {
  closed_ = true;
  NotifyAll();
}

}  // namespace provisio::api
