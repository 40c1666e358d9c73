#include "worker/heartbeat_manager.h"

#include <spdlog/spdlog.h>

namespace temporal::detail {

namespace wfs = temporal::api::workflowservice::v1;

HeartbeatManager::HeartbeatManager(std::shared_ptr<ClientCore> core, std::string identity)
    : core_(std::move(core)), identity_(std::move(identity)), thread_([this] { Loop(); }) {}

HeartbeatManager::~HeartbeatManager() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void HeartbeatManager::Record(ActivityExecution* execution, std::vector<Payload> details) {
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = entries_.try_emplace(execution);
    if (inserted)
      it->second.next_allowed = std::chrono::steady_clock::now();  // the first goes out at once
    it->second.latest = details;
    it->second.pending = std::move(details);
  }
  changed_.notify_all();
}

std::optional<std::vector<Payload>> HeartbeatManager::Forget(ActivityExecution* execution) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return sending_ != execution; });
  auto it = entries_.find(execution);
  if (it == entries_.end()) return std::nullopt;
  std::vector<Payload> latest = std::move(it->second.latest);
  entries_.erase(it);
  return latest;
}

void HeartbeatManager::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    ActivityExecution* due = nullptr;
    std::optional<std::chrono::steady_clock::time_point> earliest;
    for (auto& [execution, entry] : entries_) {
      if (!entry.pending) continue;
      if (entry.next_allowed <= now) {
        due = execution;
        break;
      }
      if (!earliest || entry.next_allowed < *earliest) earliest = entry.next_allowed;
    }
    if (due == nullptr) {
      if (earliest) {
        changed_.wait_until(lock, *earliest);
      } else {
        changed_.wait(lock);
      }
      continue;
    }
    Entry& entry = entries_[due];
    std::vector<Payload> details = std::move(*entry.pending);
    entry.pending.reset();
    entry.next_allowed = now + due->HeartbeatThrottle();
    sending_ = due;
    lock.unlock();
    Send(due, std::move(details));
    lock.lock();
    sending_ = nullptr;
    changed_.notify_all();
  }
}

void HeartbeatManager::Send(ActivityExecution* execution, std::vector<Payload> details) {
  if (Status encoded = core_->converter().EncodePayloads(&details); !encoded) {
    spdlog::warn("activity {} ({}): heartbeat details not sent: {}", execution->info().activity_id,
                 execution->info().activity_type, encoded.error().ToString());
    return;
  }
  wfs::RecordActivityTaskHeartbeatRequest request;
  request.set_namespace_(core_->namespace_());
  request.set_task_token(execution->info().task_token);
  for (Payload& payload : details) *request.mutable_details()->add_payloads() = std::move(payload);
  request.set_identity(identity_);
  auto response = core_->Call("RecordActivityTaskHeartbeat",
                              &ClientCore::Stub::RecordActivityTaskHeartbeat, request);
  if (!response) {
    if (response.error().code() == ErrorCode::kNotFound) {
      execution->RequestCancel(CancellationReason::kGone);
    } else {
      spdlog::warn("activity {} ({}): heartbeat failed: {}", execution->info().activity_id,
                   execution->info().activity_type, response.error().ToString());
    }
    return;
  }
  if (response->cancel_requested()) execution->RequestCancel(CancellationReason::kRequested);
}

}  // namespace temporal::detail
