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

/// SdkFlag numbers. None is defined yet: every behaviour shipped so far is the
/// baseline. Add new ones at the end, with the next number, and document them.
enum class SdkFlag : std::uint32_t {};

class SdkFlags {
 public:
  /// SetRecorded replaces the flags the history says the task being replayed used.
  void SetRecorded(const google::protobuf::RepeatedField<std::uint32_t>& flags) {
    recorded_.assign(flags.begin(), flags.end());
  }
  void ClearRecorded() { recorded_.clear(); }

  /// TryUse tells whether behaviour `flag` applies to the task running now:
  /// always for a new task (and the flag is then recorded in its completion),
  /// on replay only if that task's completion recorded it.
  bool TryUse(std::uint32_t flag, bool replaying) {
    if (replaying) {
      for (std::uint32_t recorded : recorded_) {
        if (recorded == flag) return true;
      }
      return false;
    }
    if (used_.insert(flag).second) newly_used_.push_back(flag);
    return true;
  }

  /// TakeNewlyUsed returns the flags first used since the last call.
  std::vector<std::uint32_t> TakeNewlyUsed() { return std::exchange(newly_used_, {}); }

 private:
  std::vector<std::uint32_t> recorded_;
  std::set<std::uint32_t> used_;
  std::vector<std::uint32_t> newly_used_;
};

}  // namespace temporal::workflow::detail
