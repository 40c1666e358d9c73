// api/platform/change_feed.h: long-poll waiters, woken by PostgreSQL NOTIFY.
//
// GET /api/applications/{id}?waitAfterVersion=N waits until the request's
// version grows. Nothing polls: the API keeps ONE connection that LISTENs to
// the channels request_states and apply_progress NOTIFY on (0001's triggers,
// the workflow id as payload; platform/notification_listener.h), and each
// notification wakes every waiter of that workflow, however many there are.
//
//   auto subscription = feed.Subscribe(workflow_id);   // before reading the version
//   while (version <= n && co_await subscription->Wait(deadline)) version = ...;
//
// Subscribing before reading the current version closes the race where a
// change lands between the read and the wait: the subscription remembers it.
// After the listener reconnects (notifications may have been lost) every
// waiter is woken; a woken waiter re-reads, so a spurious wake costs one read
// and never a wrong answer. At shutdown (Close) every wait ends at once.
//
// Thread-safety: none; the API's I/O thread alone uses it (the listener's
// thread posts to it).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

namespace provisio::api {

class ChangeFeed {
 public:
  explicit ChangeFeed(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    /// Wait returns true at once when a change came since the subscription
    /// or the last Wait, else when one comes; false at `deadline`, and at
    /// once when the feed is closed.
    boost::asio::awaitable<bool> Wait(std::chrono::steady_clock::time_point deadline);

   private:
    friend class ChangeFeed;
    Subscription(ChangeFeed& feed, std::string workflow_id);
    ChangeFeed& feed_;
    const std::string workflow_id_;
    boost::asio::steady_timer timer_;
    bool changed_ = false;
  };

  /// Subscribe starts remembering changes of `workflow_id`.
  std::unique_ptr<Subscription> Subscribe(const std::string& workflow_id);
  /// Notify wakes the subscribers of `workflow_id`.
  void Notify(const std::string& workflow_id);
  /// NotifyAll wakes every subscriber (the listener reconnected).
  void NotifyAll();
  /// Close wakes every subscriber and makes every wait, now and later,
  /// return false at once (shutdown: long-polls answer with what they have).
  void Close();
  /// executor is the executor the feed lives on (post to it from other threads).
  boost::asio::any_io_executor executor() const { return executor_; }
  /// waiting is how many subscriptions there are.
  std::size_t waiting() const { return count_; }
  /// notifications counts the notifications received (for tests and logs).
  std::size_t notifications() const { return notifications_; }

 private:
  void Wake(Subscription& subscription);

  boost::asio::any_io_executor executor_;
  std::unordered_map<std::string, std::set<Subscription*>> subscribers_;
  std::size_t count_ = 0;
  std::size_t notifications_ = 0;
  bool closed_ = false;
};

}  // namespace provisio::api
