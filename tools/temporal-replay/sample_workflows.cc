#include "sample_workflows.h"

#include <chrono>
#include <exception>
#include <optional>

namespace temporal::samples {

namespace wf = temporal::workflow;

wf::ActivityOptions Quick() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = std::chrono::seconds(10);
  RetryPolicy retry;
  retry.initial_interval = std::chrono::milliseconds(100);
  retry.maximum_attempts = 3;
  options.retry_policy = retry;
  return options;
}

wf::Task<std::string> Greet(std::string name) {
  std::string greeting = co_await wf::ExecuteActivity<std::string>("Greeting", Quick(), name);
  co_return greeting + "!";
}

wf::Task<int> SleepThenCount(int milliseconds) {
  co_await wf::Sleep(std::chrono::milliseconds(milliseconds));
  co_return milliseconds;
}

wf::Task<std::vector<int>> Fanout(int count) {
  std::vector<wf::Future<int>> squares;
  for (int i = 1; i <= count; ++i)
    squares.push_back(wf::ExecuteActivity<int>("Square", Quick(), i));
  co_return co_await wf::WhenAll(std::move(squares));
}

wf::Task<std::string> AwaitDecision(int timeout_ms) {
  std::optional<std::string> decision;
  int signals = 0;
  wf::SetSignalHandler("decide", [&](std::string value) {
    ++signals;
    decision = value;
  });
  wf::SetQueryHandler("state", [&]() -> std::string {
    return decision ? "decided:" + *decision : "waiting(" + std::to_string(signals) + ")";
  });
  const bool decided = co_await wf::WaitCondition([&] { return decision.has_value(); },
                                                  std::chrono::milliseconds(timeout_ms));
  if (!decided) throw ApplicationFailure("no decision in time", "DecisionTimeout", true);
  co_return *decision;
}

wf::Task<std::string> CleanupOnCancel(std::string resource) {
  co_await wf::ExecuteActivity<std::string>("Create", Quick(), resource);
  std::exception_ptr cancelled;
  try {
    co_await wf::Sleep(std::chrono::hours(1));
  } catch (const CanceledFailure&) {
    cancelled = std::current_exception();  // C++ cannot co_await inside a catch block
  }
  if (cancelled) {
    // Undo what was created, in a scope the run's cancellation does not reach.
    co_await wf::CancellationScope::Detached().Run([](std::string name) -> wf::Task<void> {
      co_await wf::ExecuteActivity<std::string>("Destroy", Quick(), name);
    }(resource));
    std::rethrow_exception(cancelled);
  }
  co_return "not cancelled";
}

wf::Task<std::string> FailingActivity() {
  co_return co_await wf::ExecuteActivity<std::string>("AlwaysFails", Quick());
}

wf::Task<int> CountRuns(int remaining, int count) {
  if (remaining > 0) wf::ContinueAsNew(remaining - 1, count + 1);
  co_return count;
}

void RegisterSampleWorkflows(Replayer& replayer) {
  replayer.RegisterWorkflow("Greet", Greet)
      .RegisterWorkflow("SleepThenCount", SleepThenCount)
      .RegisterWorkflow("Fanout", Fanout)
      .RegisterWorkflow("AwaitDecision", AwaitDecision)
      .RegisterWorkflow("CleanupOnCancel", CleanupOnCancel)
      .RegisterWorkflow("FailingActivity", FailingActivity)
      .RegisterWorkflow("CountRuns", CountRuns);
}

}  // namespace temporal::samples
