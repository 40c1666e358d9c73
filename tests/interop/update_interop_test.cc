// The official TypeScript client sends updates to a C++ workflow (issue 8,
// docs/interop.md): accepted (its handler runs an activity and reads the
// client's identity), rejected by the C++ validator, and deduplicated by
// update id. The client is tests/interop/src/update-client.ts, run with node;
// the C++ worker runs in this process. The history is replayed afterwards.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "interop_env.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/update.h"
#include "temporal/workflow/workflow.h"

namespace {

namespace wf = temporal::workflow;
namespace enums = temporal::api::enums::v1;

wf::Task<int> InteropLedger() {
  int balance = 0;
  bool closing = false;
  wf::SetSignalHandler("close", [&] { closing = true; });
  wf::SetUpdateHandler(
      "deposit",
      [&](const wf::UpdateInfo& info, int amount) -> wf::Task<std::string> {
        wf::ActivityOptions options;
        options.start_to_close_timeout = std::chrono::seconds(30);
        std::string receipt = co_await wf::ExecuteActivity<std::string>("Audit", options, amount);
        balance += amount;
        co_return receipt + " for " + info.identity;
      },
      [](int amount) {
        if (amount <= 0) {
          throw temporal::ApplicationFailure("a deposit must be positive", "InvalidAmount", true);
        }
      });
  co_await wf::WaitCondition([&] { return closing && wf::AllHandlersFinished(); });
  co_return balance;
}

// RunUpdateClient runs the TypeScript client against `workflow_id` and returns
// its exit status and everything it printed.
std::pair<int, std::string> RunUpdateClient(const std::string& workflow_id) {
  const std::string command = std::string("node '") + PROVISIO_INTEROP_DIR +
                              "/dist/update-client.js' '" + workflow_id + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(UpdateInterop, TypeScriptClientUpdatesACppWorkflow) {
  REQUIRE_DEV_SERVER();
  auto client = temporal::Client::Connect(provisio::testing::InteropClientOptions());
  ASSERT_TRUE(client.ok()) << client.error();
  temporal::WorkerOptions worker_options;
  worker_options.task_queue = provisio::testing::UniqueId("cpp-update-interop");
  temporal::Worker worker(*client, worker_options);
  worker.RegisterWorkflow("InteropLedger", InteropLedger);
  worker.RegisterActivity("Audit", [](int amount) { return "audited " + std::to_string(amount); });
  ASSERT_TRUE(worker.Start().ok());

  temporal::StartWorkflowOptions options;
  options.id = provisio::testing::UniqueId("interop-ledger");
  options.task_queue = worker_options.task_queue;
  auto handle = client->StartWorkflow("InteropLedger", options);
  ASSERT_TRUE(handle.ok()) << handle.error();

  auto [exit_code, output] = RunUpdateClient(options.id);
  ASSERT_EQ(exit_code, 0) << output;
  const auto seen = nlohmann::json::parse(output.substr(output.rfind('{')));
  EXPECT_EQ(seen.at("accepted"), "audited 5 for ts-interop-client");
  EXPECT_EQ(seen.at("rejected"), "a deposit must be positive");
  EXPECT_EQ(seen.at("dedupFirst"), "audited 7 for ts-interop-client");
  EXPECT_EQ(seen.at("dedupSecond"), "audited 7 for ts-interop-client");

  ASSERT_TRUE(handle->Signal("close").ok());
  auto balance = handle->GetResult<int>();
  ASSERT_TRUE(balance.ok()) << balance.error();
  EXPECT_EQ(*balance, 12);
  auto history = handle->FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  int accepted = 0;
  for (const auto& event : history->events())
    if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) ++accepted;
  EXPECT_EQ(accepted, 2) << "the rejected update must not be in history, the repeat only once";
  worker.Shutdown();

  temporal::Replayer replayer;
  replayer.RegisterWorkflow("InteropLedger", InteropLedger);
  EXPECT_TRUE(replayer.ReplayHistory(*history, options.id).ok());
}

}  // namespace
