#include "activities/stack_registry.h"

#include <stdexcept>

namespace provisio::activities {

void RecordStack(const ActivityEnvironment& environment, const model::StackRegistryEntry& entry) {
  model::StackState state = entry.state;
  state.queue.clear();  // requests live in Temporal only
  state.holder.reset();
  database::Connection db = environment.Connect();
  auto written = db.Query(
      "INSERT INTO stack_registry (stack, template, task_queue, state, destroyed) "
      "VALUES ($1, $2, $3, $4::jsonb, $5::boolean) ON CONFLICT (stack) DO UPDATE SET "
      "template = EXCLUDED.template, task_queue = EXCLUDED.task_queue, state = EXCLUDED.state, "
      "destroyed = EXCLUDED.destroyed, recorded_at = now()",
      {state.stack, state.template_name, entry.task_queue, nlohmann::json(state).dump(),
       std::string(state.destroyed ? "true" : "false")});
  if (!written) throw std::runtime_error(written.error().message());  // retryable
}

}  // namespace provisio::activities
