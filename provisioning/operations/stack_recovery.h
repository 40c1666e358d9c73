// provisioning/operations/stack_recovery.h: `provisio stack recover`. After
// Temporal's data is lost (a new cluster, a wiped dev server), starts each
// Stack entity again from its row in the stack registry (PostgreSQL,
// db/migrations/0003_stack_registry.sql) and creates its drift schedule. The
// requests that were running are not recovered (they lived in Temporal
// only); a recovered entity starts with an empty queue and a free lock.
#pragma once

#include <string>
#include <vector>

#include "database/connection.h"
#include "temporal/client/client.h"

namespace provisio::operations {

struct RecoveryReport {
  /// started: entities started again (and their schedules created).
  std::vector<std::string> started;
  /// running: entities that were running already (their schedules ensured).
  std::vector<std::string> running;
  /// destroyed: stacks the registry records as destroyed (nothing to do).
  std::vector<std::string> destroyed;
};

/// RecoverStacks recovers every stack of the registry; running it twice is
/// harmless. Fails on the first stack it cannot recover, naming it.
temporal::Result<RecoveryReport> RecoverStacks(database::Connection& db,
                                               const temporal::Client& client);

}  // namespace provisio::operations
