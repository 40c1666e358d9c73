// Private: SDK flags, the way this SDK changes its own replay-visible
// behaviour without breaking open workflows.
//
// A behaviour change that would alter the commands a workflow issues gets a
// number here. The first workflow task that relies on the new behaviour lists
// the number in its completion (sdk_metadata.lang_used_flags); on replay, the
// new behaviour applies only to tasks whose recorded completion lists it, so
// histories written before the change replay as they ran. Numbers are never
// reused or renumbered; docs/determinism.md keeps the table.
#pragma once

#include <google/protobuf/repeated_field.h>

#include <cstdint>
#include <set>
#include <vector>

namespace temporal::workflow::detail {

/// SdkFlag numbers. Add new ones at the end, with the next number, and
/// document them in docs/determinism.md.
enum class SdkFlag : std::uint32_t {
  /// 1: within one workflow task, signals are delivered before the task's
  /// other events (results, timers, cancellation), as sdk-core orders jobs.
  /// Tasks recorded without it apply their events in history order.
  kSignalsBeforeResolutions = 1,
};

class SdkFlags {
 public:
  /// AddRecorded adds the flags a replayed task's completion lists. A flag
  /// stays in force for the rest of the run: it is recorded only in the first
  /// completion that used it (as in sdk-core).
  void AddRecorded(const google::protobuf::RepeatedField<std::uint32_t>& flags) {
    recorded_.insert(flags.begin(), flags.end());
  }

  /// TryUse tells whether behaviour `flag` applies to the task running now:
  /// always for a new task (and the flag is then recorded in its completion),
  /// on replay only if that task's or an earlier task's completion recorded it.
  bool TryUse(std::uint32_t flag, bool replaying) {
    if (replaying) return recorded_.count(flag) != 0;
    if (used_.insert(flag).second) newly_used_.push_back(flag);
    return true;
  }

  /// TakeNewlyUsed returns the flags first used since the last call.
  std::vector<std::uint32_t> TakeNewlyUsed() { return std::exchange(newly_used_, {}); }

 private:
  std::set<std::uint32_t> recorded_;
  std::set<std::uint32_t> used_;
  std::vector<std::uint32_t> newly_used_;
};

}  // namespace temporal::workflow::detail
