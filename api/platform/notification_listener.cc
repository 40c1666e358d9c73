#include "platform/notification_listener.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "database/connection.h"

namespace provisio::api {

NotificationListener::NotificationListener(std::string conninfo,
                                           std::function<void(const std::string&)> on_change,
                                           std::function<void()> on_reconnect)
    : conninfo_(std::move(conninfo)),
      on_change_(std::move(on_change)),
      on_reconnect_(std::move(on_reconnect)) {}

NotificationListener::~NotificationListener() { Stop(); }

void NotificationListener::Start() {
  thread_ = std::thread([this] { Run(); });
}

void NotificationListener::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stopping_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool NotificationListener::Pause(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !stopping_.wait_for(lock, duration, [this] { return stop_; });
}

void NotificationListener::Run() {
  std::chrono::milliseconds backoff(500);
  bool first = true;
  const auto stopped = [this] {
    std::lock_guard lock(mutex_);
    return stop_;
  };
  while (!stopped()) {
    auto connection = database::Connection::Open(conninfo_);
    temporal::Status ready =
        connection ? temporal::OkStatus() : temporal::Status(connection.error());
    for (const char* channel : kNotificationChannels) {
      if (!ready) break;
      ready = connection->Exec(std::string("LISTEN ") + channel);
    }
    if (!ready) {
      spdlog::warn("notifications: cannot LISTEN ({}); retrying in {} ms", ready.error().message(),
                   backoff.count());
      if (!Pause(backoff)) break;
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      continue;
    }
    backoff = std::chrono::milliseconds(500);
    listening_ = true;
    // Waiters that subscribed while there was no connection may have missed
    // changes: wake them all to re-read (a spurious wake costs one read).
    if (!first) spdlog::info("notifications: listening again; waking every long-poll");
    on_reconnect_();
    first = false;
    while (!stopped()) {
      auto notification = connection->WaitForNotification(500);
      if (!notification) {
        spdlog::warn("notifications: connection lost ({})", notification.error().message());
        break;
      }
      if (*notification) on_change_((*notification)->payload);
    }
    listening_ = false;
    // Missed notifications are possible from here on: waiters re-read when
    // the connection is back (on_reconnect_).
  }
  listening_ = false;
}

}  // namespace provisio::api
