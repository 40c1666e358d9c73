#include "operations/stack_recovery.h"

#include "model/stack.h"
#include "operations/drift_schedule_create.h"

namespace provisio::operations {

temporal::Result<RecoveryReport> RecoverStacks(database::Connection& db,
                                               const temporal::Client& client) {
  auto rows = db.Query(
      "SELECT stack, task_queue, state::text, destroyed FROM stack_registry ORDER BY stack", {});
  if (!rows) return rows.error();
  RecoveryReport report;
  for (const auto& row : *rows) {
    const std::string stack = row[0].value_or("");
    if (row[3].value_or("f") == "t") {
      report.destroyed.push_back(stack);
      continue;
    }
    model::StackState state;
    try {
      state = nlohmann::json::parse(row[2].value_or("{}")).get<model::StackState>();
    } catch (const std::exception& error) {
      return temporal::Error(
          temporal::ErrorCode::kDataLoss,
          "stack " + stack + ": its registry row does not parse: " + error.what());
    }
    state.queue.clear();
    state.holder.reset();
    state.applies = 0;
    state.drift_schedule = state.last_good.has_value();  // created just below
    temporal::StartWorkflowOptions options;
    options.id = "stack/" + stack;
    options.task_queue = row[1].value_or("");
    auto started = client.StartWorkflow("Stack", options, state);
    if (started) {
      report.started.push_back(stack);
    } else if (started.error().code() == temporal::ErrorCode::kAlreadyExists) {
      report.running.push_back(stack);
    } else {
      return temporal::Error(started.error().code(),
                             "stack " + stack + ": " + started.error().message());
    }
    if (state.last_good) {
      const temporal::Status scheduled = CreateDriftSchedule(
          client,
          model::DriftScheduleInput{stack, options.task_queue, state.drift_interval_seconds});
      if (!scheduled)
        return temporal::Error(
            scheduled.error().code(),
            "stack " + stack + ": its drift schedule: " + scheduled.error().message());
    }
  }
  return report;
}

}  // namespace provisio::operations
