// Private: the table-driven state machine every command machine is built on.
//
// A machine declares its transition table as data at the top of its file: one
// row per (state, event) pair that may happen, naming the next state. Fire()
// looks the pair up; a pair that is not in the table means the history and the
// workflow code disagree, which is a NondeterminismError, never a guess. Each
// taken transition is counted, so tests can report which rows they covered.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "workflow/nondeterminism_error.h"

namespace temporal::workflow::detail {

template <typename State, typename Event>
struct Transition {
  State from;
  Event event;
  State to;
};

/// TransitionCoverage counts taken transitions per machine, for tests. It is
/// off unless a test calls Enable(): production workflows take transitions on
/// many threads at once, and a global lock on each one would serialize them.
class TransitionCoverage {
 public:
  /// Enable starts counting (tests only); Reset clears the counts.
  static void Enable();
  static bool enabled() { return enabled_.load(std::memory_order_relaxed); }
  static void Record(const char* machine, int from, int event);
  /// Covered returns how many distinct (from, event) rows of `machine` were taken.
  static std::size_t Covered(const std::string& machine);
  /// Taken tells whether row (from, event) of `machine` was taken.
  static bool Taken(const std::string& machine, int from, int event);
  static void Reset();

 private:
  static inline std::atomic<bool> enabled_{false};
};

template <typename State, typename Event, std::size_t N>
class StateMachine {
 public:
  using Table = std::array<Transition<State, Event>, N>;

  StateMachine(const char* name, const Table& table, State initial,
               const char* (*state_name)(State), const char* (*event_name)(Event))
      : name_(name),
        table_(table),
        state_(initial),
        state_name_(state_name),
        event_name_(event_name) {}

  State state() const { return state_; }

  /// Fire moves to the table's next state for (state, event), or throws.
  State Fire(Event event, long long history_event_id) {
    for (const auto& row : table_) {
      if (row.from == state_ && row.event == event) {
        if (TransitionCoverage::enabled()) {
          TransitionCoverage::Record(name_, static_cast<int>(state_), static_cast<int>(event));
        }
        state_ = row.to;
        return state_;
      }
    }
    throw NondeterminismError(history_event_id, std::string(name_) + ": " + event_name_(event) +
                                                    " is not expected in state " +
                                                    state_name_(state_));
  }

  /// Enter moves to `state` outside the table, for local decisions the history
  /// never records (abandoning an activity). Use sparingly, and say why.
  void Enter(State state) { state_ = state; }

  /// CanFire tells whether (state, event) is in the table.
  bool CanFire(Event event) const {
    for (const auto& row : table_) {
      if (row.from == state_ && row.event == event) return true;
    }
    return false;
  }

  static constexpr std::size_t kRows = N;

 private:
  const char* name_;
  const Table& table_;
  State state_;
  const char* (*state_name_)(State);
  const char* (*event_name_)(Event);
};

}  // namespace temporal::workflow::detail
