// Private: the error kind for workflow code that diverged from its history.
//
// Kept apart from every other failure (SDK bugs, user exceptions): the worker
// reports it as a workflow-task failure with cause NON_DETERMINISTIC_ERROR and
// a message starting with the stable code below, so the server retries the
// task (a fixed deployment can then make progress) and operators can search
// for it. Never "repaired" silently.
#pragma once

#include <stdexcept>
#include <string>

namespace temporal::workflow::detail {

/// kNondeterminismCode prefixes every non-determinism message. The same code
/// the Go SDK and sdk-core use, so one search finds them all.
inline constexpr const char kNondeterminismCode[] = "[TMPRL1100]";

class NondeterminismError : public std::runtime_error {
 public:
  NondeterminismError(long long event_id, const std::string& what)
      : std::runtime_error(std::string(kNondeterminismCode) + " nondeterminism at history event " +
                           std::to_string(event_id) + ": " + what),
        event_id_(event_id) {}
  long long event_id() const { return event_id_; }

 private:
  long long event_id_;
};

}  // namespace temporal::workflow::detail
