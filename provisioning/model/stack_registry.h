// provisioning/model/stack_registry.h: a Stack entity's row in the stack
// registry (db/migrations/0003_stack_registry.sql), which
// `provisio stack recover` rebuilds the entities from.
#pragma once

#include <string>

#include "model/stack.h"

namespace provisio::model {

/// StackRegistryEntry is what the entity records of itself: its state
/// (queue and holder left out: requests are Temporal's, and are lost with
/// it) and the task queue it runs on.
struct StackRegistryEntry {
  std::string task_queue;
  StackState state;
};
TEMPORAL_JSON_STRUCT(StackRegistryEntry, (task_queue, "taskQueue"), (state, "state"))

}  // namespace provisio::model
