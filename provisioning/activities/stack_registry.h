// provisioning/activities/stack_registry.h: the Stack entity's RecordStack
// activity, which keeps its row in the stack registry
// (db/migrations/0003_stack_registry.sql) up to date.
#pragma once

#include "activities/activity_environment.h"
#include "model/stack_registry.h"

namespace provisio::activities {

/// RecordStack upserts the entity's row (keyed by the stack's name): a
/// retried activity writes the same row again.
void RecordStack(const ActivityEnvironment& environment, const model::StackRegistryEntry& entry);

}  // namespace provisio::activities
