#include <set>

#include "workflow/machines/state_machine.h"

namespace temporal::workflow::detail {
namespace {
std::mutex& CoverageMutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<std::string, std::set<std::pair<int, int>>>& CoverageMap() {
  static std::map<std::string, std::set<std::pair<int, int>>> covered;
  return covered;
}
}  // namespace

void TransitionCoverage::Enable() { enabled_.store(true, std::memory_order_relaxed); }

void TransitionCoverage::Record(const char* machine, int from, int event) {
  std::lock_guard lock(CoverageMutex());
  CoverageMap()[machine].insert({from, event});
}

std::size_t TransitionCoverage::Covered(const std::string& machine) {
  std::lock_guard lock(CoverageMutex());
  auto it = CoverageMap().find(machine);
  return it == CoverageMap().end() ? 0 : it->second.size();
}

bool TransitionCoverage::Taken(const std::string& machine, int from, int event) {
  std::lock_guard lock(CoverageMutex());
  auto it = CoverageMap().find(machine);
  return it != CoverageMap().end() && it->second.count({from, event}) != 0;
}

void TransitionCoverage::Reset() {
  std::lock_guard lock(CoverageMutex());
  CoverageMap().clear();
}

}  // namespace temporal::workflow::detail
