// Engine correctness against the real dev server (issue 7): cancellation of
// a run whose activity completed while no workflow worker ran, the payload
// codec on every payload that reaches history, continue-as-new carrying the
// run's memo and search attributes, and signals no client can kill a run with.
// Every history is exported and replayed afterwards (with the codec).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "dev_server.h"
#include "payload_walker.h"
#include "temporal/client/client.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/workflow.h"

namespace {

namespace wf = temporal::workflow;
namespace enums = temporal::api::enums::v1;
using provisio::testing::UniqueId;
using temporal::ErrorCode;
using temporal::Payload;

wf::ActivityOptions Patient() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = std::chrono::seconds(60);
  return options;
}

wf::Task<std::string> WaitsForSlowActivity() {
  co_return co_await wf::ExecuteActivity<std::string>("CompletesLater", Patient());
}

wf::Task<std::string> EchoChild(std::string input) { co_return "child got " + input; }

wf::Task<std::string> UsesEveryKindOfPayload(std::string secret) {
  wf::UpsertMemo({{"secret", *temporal::ToPayload(secret)}});
  temporal::SearchAttributes visible;
  visible.SetKeyword("ProvisioStatus", "indexed-in-clear");
  wf::UpsertSearchAttributes(visible);
  const bool patched = wf::Patched("encrypted-patch");
  const std::string from_side_effect = wf::SideEffect([&] { return secret + "-side-effect"; });
  wf::ChildWorkflowOptions child_options;
  child_options.workflow_id = wf::Info().workflow_id + "-child";
  child_options.memo = {{"child-memo", *temporal::ToPayload(secret)}};
  std::string child =
      co_await wf::ExecuteChildWorkflow<std::string>("EchoChild", child_options, secret);
  std::string echoed = co_await wf::ExecuteActivity<std::string>("Echo", Patient(), secret);
  // Local activities: the result and the failure (its details) in their markers.
  wf::LocalActivityOptions local;
  local.start_to_close_timeout = std::chrono::seconds(10);
  std::string local_echo = co_await wf::ExecuteLocalActivity<std::string>("Echo", local, secret);
  std::string local_failure;
  try {
    co_await wf::ExecuteLocalActivity<std::string>("RefusesWithDetails", local, secret);
  } catch (const wf::FailureError& error) {
    local_failure = *error.failure().cause()->Details<std::string>();
  }
  co_return child + "/" + echoed + "/" + from_side_effect + (patched ? "/patched" : "") +
      "/local " + local_echo + "/refused " + local_failure;
}

wf::Task<int> ContinuesOnce(int generation) {
  if (generation == 0) {
    temporal::SearchAttributes status;
    status.SetKeyword("ProvisioStatus", "upserted-before-continue");
    wf::UpsertSearchAttributes(status);
    wf::UpsertMemo({{"upserted", *temporal::ToPayload(std::string("kept"))}});
    wf::ContinueAsNew(generation + 1);
  }
  bool go = false;
  wf::SetSignalHandler("go", [&] { go = true; });
  co_await wf::WaitCondition([&] { return go; });
  co_return generation;
}

wf::Task<int> WaitsForANumber() {
  std::optional<int> number;
  wf::SetSignalHandler("number", [&](int value) { number = value; });
  co_await wf::WaitCondition([&] { return number.has_value(); });
  co_return *number;
}

template <typename Registry>
void RegisterWorkflows(Registry& registry) {
  registry.RegisterWorkflow("WaitsForSlowActivity", WaitsForSlowActivity)
      .RegisterWorkflow("EchoChild", EchoChild)
      .RegisterWorkflow("UsesEveryKindOfPayload", UsesEveryKindOfPayload)
      .RegisterWorkflow("ContinuesOnce", ContinuesOnce)
      .RegisterWorkflow("WaitsForANumber", WaitsForANumber);
}

temporal::DataConverter EncryptingConverter() {
  auto codec =
      temporal::AesGcmCodec::Create("engine-test-key", temporal::Bytes(32, std::byte{0x5a}));
  EXPECT_TRUE(codec.ok()) << codec.error();
  temporal::DataConverter converter;
  converter.AddCodec(*codec);
  return converter;
}

class EngineCorrectnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    temporal::ClientOptions options;
    options.target_host = provisio::testing::DevServerAddress();
    options.identity = "engine-correctness-test";
    options.data_converter = EncryptingConverter();
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    task_queue_ = UniqueId("cpp-engine");
  }

  void TearDown() override {
    StopWorker();
    temporal::Replayer replayer;
    replayer.SetDataConverter(EncryptingConverter());
    RegisterWorkflows(replayer);
    for (const auto& [workflow_id, run_id] : started_) {
      auto json = client_->GetHandle(workflow_id, run_id).FetchHistoryJson();
      ASSERT_TRUE(json.ok()) << json.error();
      auto history = temporal::Replayer::LoadHistoryJson(*json);
      ASSERT_TRUE(history.ok()) << history.error();
      temporal::Status replayed = replayer.ReplayHistory(*history, workflow_id);
      EXPECT_TRUE(replayed.ok()) << workflow_id << ": " << replayed.error();
    }
  }

  void StartWorker() {
    temporal::WorkerOptions options;
    options.task_queue = task_queue_;
    worker_ = std::make_unique<temporal::Worker>(*client_, options);
    RegisterWorkflows(*worker_);
    worker_->RegisterActivity("Echo", [](std::string value) { return "echo " + value; });
    worker_->RegisterActivity("RefusesWithDetails", [](std::string value) -> std::string {
      throw temporal::ApplicationFailure("refused", "Refused", true).WithDetails(value);
    });
    worker_->RegisterActivity("CompletesLater", [this](temporal::ActivityContext& context) {
      {
        std::lock_guard lock(mutex_);
        slow_activity_token_ = context.info().task_token;
      }
      context.CompleteAsync();
      return std::string();
    });
    ASSERT_TRUE(worker_->Start().ok());
  }
  void StopWorker() {
    if (worker_) worker_->Shutdown();
    worker_.reset();
  }

  temporal::WorkflowHandle Start(const std::string& type, const std::string& prefix,
                                 temporal::StartWorkflowOptions options = {}, auto... args) {
    options.id = UniqueId(prefix);
    options.task_queue = task_queue_;
    auto handle = client_->StartWorkflow(type, options, args...);
    EXPECT_TRUE(handle.ok()) << handle.error();
    started_.emplace_back(handle->workflow_id(), handle->run_id());
    return std::move(*handle);
  }

  std::vector<enums::EventType> EventTypes(const temporal::WorkflowHandle& handle) {
    std::vector<enums::EventType> types;
    auto history = handle.FetchHistory();
    EXPECT_TRUE(history.ok()) << history.error();
    for (const auto& event : history->events()) types.push_back(event.event_type());
    return types;
  }

  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
  std::vector<std::pair<std::string, std::string>> started_;
  std::mutex mutex_;
  std::string slow_activity_token_;
};

// Defect 1: the worker is down while the run is cancelled and its activity
// completes; when a worker comes back both reach the workflow in one task. The
// cancel request for the finished activity must not be sent (the server would
// refuse it forever), and the run ends CANCELED.
TEST_F(EngineCorrectnessTest, RunCancelledWhileItsActivityCompletedEndsCanceledAfterRestart) {
  StartWorker();
  auto handle = Start("WaitsForSlowActivity", "cancel-while-completing");
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mutex_);
      if (!slow_activity_token_.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string token;
  {
    std::lock_guard lock(mutex_);
    token = slow_activity_token_;
  }
  ASSERT_FALSE(token.empty()) << "the activity never started";
  StopWorker();
  ASSERT_TRUE(handle.Cancel("test").ok());
  ASSERT_TRUE(client_->GetAsyncActivityHandle(token).Complete(std::string("done late")).ok());
  StartWorker();
  auto result = handle.GetResult<std::string>();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kWorkflowCanceled) << result.error();
  for (enums::EventType type : EventTypes(handle)) {
    EXPECT_NE(type, enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
    EXPECT_NE(type, enums::EVENT_TYPE_WORKFLOW_TASK_FAILED);
  }
}

// Defect 5: with the AES-GCM codec, every payload in the raw history is
// encrypted, search attributes excepted (the server indexes them).
TEST_F(EngineCorrectnessTest, EveryPayloadInTheRawHistoryIsEncryptedButSearchAttributes) {
  StartWorker();
  auto handle = Start("UsesEveryKindOfPayload", "encrypted", {}, std::string("hunter2"));
  auto result = handle.GetResult<std::string>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result,
            "child got hunter2/echo hunter2/hunter2-side-effect/patched/local echo hunter2/refused "
            "hunter2");
  started_.emplace_back(handle.workflow_id() + "-child", "");
  for (const auto& [workflow_id, run_id] : started_) {
    auto history = client_->GetHandle(workflow_id, run_id).FetchHistory();
    ASSERT_TRUE(history.ok()) << history.error();
    int encrypted = 0;
    for (const auto& event : history->events()) {
      temporal::testing::ForEachPayload(
          event, enums::EventType_Name(event.event_type()),
          [&](const std::string& path, const Payload& payload) {
            auto encoding = payload.metadata().find("encoding");
            ASSERT_NE(encoding, payload.metadata().end()) << path;
            EXPECT_EQ(encoding->second, "binary/encrypted") << workflow_id << " " << path;
            EXPECT_EQ(payload.data().find("hunter2"), std::string::npos) << path;
            ++encrypted;
          });
    }
    EXPECT_GT(encrypted, 0) << workflow_id;
  }
}

// Defect 4: continue-as-new keeps the start's memo and search attributes, and
// what the run upserted.
TEST_F(EngineCorrectnessTest, ContinueAsNewKeepsMemoAndSearchAttributes) {
  StartWorker();
  temporal::StartWorkflowOptions options;
  options.memo = {{"original", *temporal::ToPayload(std::string("from the start"))}};
  options.search_attributes.SetKeyword("ProvisioTeam", "payments");
  auto handle = Start("ContinuesOnce", "continues", options, 0);
  temporal::WorkflowDescription next;
  for (int i = 0; i < 100; ++i) {
    auto latest = client_->GetHandle(handle.workflow_id()).Describe();
    ASSERT_TRUE(latest.ok()) << latest.error();
    next = *latest;
    if (next.run_id != handle.run_id()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(next.run_id, handle.run_id()) << "the run did not continue as new";
  started_.emplace_back(handle.workflow_id(), next.run_id);
  ASSERT_EQ(next.memo.count("original"), 1u);
  EXPECT_EQ(*temporal::FromPayload<std::string>(next.memo.at("original")), "from the start");
  ASSERT_EQ(next.memo.count("upserted"), 1u);
  EXPECT_EQ(*temporal::FromPayload<std::string>(next.memo.at("upserted")), "kept");
  EXPECT_EQ(next.search_attributes.GetKeyword("ProvisioTeam"), "payments");
  EXPECT_EQ(next.search_attributes.GetKeyword("ProvisioStatus"), "upserted-before-continue");
  ASSERT_TRUE(client_->GetHandle(handle.workflow_id()).Signal("go").ok());
  auto result = client_->GetHandle(handle.workflow_id(), next.run_id).GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 1);
}

// Defect 19: a signal of the wrong type, or one the codec cannot decode, is
// dropped with a warning; the run goes on and a good signal still completes it.
TEST_F(EngineCorrectnessTest, SignalsThatDoNotDecodeCannotKillOrStallARun) {
  StartWorker();
  auto handle = Start("WaitsForANumber", "garbage-signals");
  ASSERT_TRUE(handle.Signal("number", std::string("not a number")).ok());
  Payload forged;
  (*forged.mutable_metadata())["encoding"] = "binary/encrypted";
  (*forged.mutable_metadata())["encryption-key-id"] = "a-key-nobody-has";
  forged.set_data("garbage");
  temporal::ClientOptions plain;
  plain.target_host = provisio::testing::DevServerAddress();
  auto raw_client = temporal::Client::Connect(plain);
  ASSERT_TRUE(raw_client.ok()) << raw_client.error();
  ASSERT_TRUE(raw_client->GetHandle(handle.workflow_id()).SignalPayloads("number", {forged}).ok());
  ASSERT_TRUE(handle.Signal("number", 7).ok());
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 7);
  for (enums::EventType type : EventTypes(handle))
    EXPECT_NE(type, enums::EVENT_TYPE_WORKFLOW_TASK_FAILED);
}

}  // namespace
