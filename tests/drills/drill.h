// tests/drills/drill.h: one crash drill. A request for a drill-chain stack
// (ten files, each after a pacer) is approved; at a set point of the apply
// (or of the saga rollback that follows a failed change) the worker or the
// runner is SIGKILLed and started again. The drill passes when the request
// ends as it would have without the kill, and the stack converged: exactly
// the ten files on the local root with the expected content (nothing
// orphaned, nothing made twice), the runner's state lists each resource once
// and a drift check finds nothing (the state equals reality), and the
// platform database holds one decision, finished progress rows and the
// request's last status, with the entity's lock free.
#pragma once

#include <string>
#include <vector>

#include "drill_environment.h"

namespace provisio_drill {

enum class Victim { kWorker, kRunner };

/// KillPoint is when a drill kills: after `files_done` of the ten files
/// (0 = after the apply started, before the first resource; 10 = after the
/// last, while the last pacer runs), in the first apply or in the rollback.
struct KillPoint {
  Victim victim = Victim::kWorker;
  int files_done = 0;
  bool during_rollback = false;
};

/// PhaseName: "before the first resource", "after 3 of 10", "after the
/// last", or "rollback, after 2 of 10".
std::string PhaseName(const KillPoint& point);
std::string VictimName(Victim victim);

struct DrillOutcome {
  bool converged = false;
  /// stack is the drill's stack; once converged it holds generation 1, so a
  /// later rollback drill can start from it.
  std::string stack;
  /// problems lists every check that failed (empty when converged).
  std::vector<std::string> problems;
  /// note says what the kill hit (files on disk at the kill).
  std::string note;
  double seconds = 0;
};

/// RunKillDrill runs one drill at `point` on a new stack. A rollback drill
/// changes `provisioned_stack` (a converged drill's, at generation 1) when
/// given, else provisions a new stack first.
DrillOutcome RunKillDrill(DrillEnvironment& environment, const KillPoint& point,
                          const std::string& provisioned_stack = "");

/// RunDevServerRestartDrill restarts the dev server after the third file of
/// an apply: the request still ends PROVISIONED and the stack converges.
DrillOutcome RunDevServerRestartDrill(DrillEnvironment& environment);

}  // namespace provisio_drill
