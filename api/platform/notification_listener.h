// api/platform/notification_listener.h: the API process's one LISTEN
// connection (platform/change_feed.h says why).
//
// A thread of its own holds a connection that LISTENs to `request_state` and
// `apply_progress` and hands each notification's payload (a workflow id) to
// `on_change`. When the connection breaks it reconnects (after 0.5 s, then up
// to 5 s between tries) and calls `on_reconnect`, since notifications sent
// meanwhile are lost. The callbacks run on the listener's thread: post them
// to where their state lives.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace provisio::api {

class NotificationListener {
 public:
  NotificationListener(std::string conninfo, std::function<void(const std::string&)> on_change,
                       std::function<void()> on_reconnect);
  ~NotificationListener();
  NotificationListener(const NotificationListener&) = delete;
  NotificationListener& operator=(const NotificationListener&) = delete;

  /// Start starts the thread.
  void Start();
  /// Stop ends the thread (within half a second) and closes the connection.
  void Stop();
  /// listening tells whether the connection is up and LISTENing (readiness).
  bool listening() const { return listening_; }

 private:
  void Run();
  bool Pause(std::chrono::milliseconds duration);  // false when stopping

  const std::string conninfo_;
  std::function<void(const std::string&)> on_change_;
  std::function<void()> on_reconnect_;
  std::atomic<bool> listening_{false};
  std::mutex mutex_;
  std::condition_variable stopping_;
  bool stop_ = false;  // guarded by mutex_
  std::thread thread_;
};

/// kNotificationChannels are the channels 0001's triggers NOTIFY on.
inline constexpr const char* kNotificationChannels[] = {"request_state", "apply_progress"};

}  // namespace provisio::api
