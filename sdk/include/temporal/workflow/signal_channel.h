// temporal/workflow/signal_channel.h: receive a signal's values as a stream.
//
// A channel is the other way to take signals (besides SetSignalHandler): the
// workflow pulls values when it is ready for them, in arrival order. Values
// sent before the channel existed are buffered by the engine and delivered
// when it is created.
//
//   auto approvals = workflow::GetSignalChannel<Decision>("decide");
//   Decision first = co_await approvals.Receive();     // waits for one
//   while (auto more = approvals.TryReceive()) { ... } // drains without waiting
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "temporal/workflow/workflow.h"

namespace temporal::workflow {

/// SignalChannel<T> buffers the values of one signal (its first argument).
/// Copies share the buffer. Use it only from workflow code.
template <typename T>
class SignalChannel {
 public:
  /// Receive resolves with the next value, at once if one is buffered.
  Future<T> Receive() {
    auto state = std::make_shared<typename Future<T>::State>();
    if (!shared_->values.empty()) {
      state->SetValue(std::move(shared_->values.front()));
      shared_->values.pop_front();
    } else {
      shared_->receivers.push_back(state);
    }
    return Future<T>(state);
  }
  /// TryReceive returns the next buffered value, or nullopt without waiting.
  std::optional<T> TryReceive() {
    if (shared_->values.empty()) return std::nullopt;
    T value = std::move(shared_->values.front());
    shared_->values.pop_front();
    return value;
  }
  /// size returns how many values wait to be received.
  std::size_t size() const { return shared_->values.size(); }

 private:
  template <typename U>
  friend SignalChannel<U> GetSignalChannel(const std::string& name);
  struct Shared {
    std::deque<T> values;
    std::deque<std::shared_ptr<typename Future<T>::State>> receivers;
  };
  void Deliver(T value) const {
    if (!shared_->receivers.empty()) {
      auto receiver = shared_->receivers.front();
      shared_->receivers.pop_front();
      receiver->SetValue(std::move(value));
    } else {
      shared_->values.push_back(std::move(value));
    }
  }
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

/// GetSignalChannel makes the channel of signal `name` (it becomes the
/// signal's handler; one channel or one handler per signal name).
template <typename T>
SignalChannel<T> GetSignalChannel(const std::string& name) {
  SignalChannel<T> channel;
  SetSignalHandler(name, [channel](T value) { channel.Deliver(std::move(value)); });
  return channel;
}

}  // namespace temporal::workflow
