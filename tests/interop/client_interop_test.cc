// The C++ client drives workflows written with the official TypeScript SDK.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "interop_env.h"

namespace {

using nlohmann::json;
using provisio::testing::UniqueId;
using temporal::ErrorCode;
namespace enums = temporal::api::enums::v1;

struct Resource {
  std::string kind;
  std::vector<std::string> tags;
  double cost = 0;
  bool operator==(const Resource&) const = default;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE(Resource, kind, tags, cost)
};

class ClientInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_INTEROP_WORKER();
    auto client = temporal::Client::Connect(provisio::testing::InteropClientOptions());
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
  }

  temporal::StartWorkflowOptions OnTypeScript(const std::string& prefix) {
    temporal::StartWorkflowOptions options;
    options.id = UniqueId(prefix);
    options.task_queue = provisio::testing::TypeScriptTaskQueue();
    options.execution_timeout = std::chrono::minutes(2);
    return options;
  }

  temporal::StartWorkflowOptions OnTypeScriptEncrypted() {
    auto options = OnTypeScript("encrypted");
    options.task_queue = provisio::testing::EncryptedTypeScriptTaskQueue();
    return options;
  }

  template <typename... Args>
  temporal::WorkflowHandle Start(const std::string& type, const Args&... args) {
    auto handle = client_->StartWorkflow(type, OnTypeScript(type), args...);
    EXPECT_TRUE(handle.ok()) << handle.error();
    return *handle;
  }

  std::unique_ptr<temporal::Client> client_;
};

TEST_F(ClientInteropTest, BinaryPlainDeadbeefRoundTripsByteExactly) {
  const temporal::Bytes deadbeef{std::byte{0xde}, std::byte{0xad}, std::byte{0xbe},
                                 std::byte{0xef}};
  auto described = Start("describeValue", deadbeef).GetResult<json>();
  ASSERT_TRUE(described.ok()) << described.error();
  EXPECT_EQ(*described, json::parse(R"({"kind": "bytes", "hex": "deadbeef"})"));

  auto echoed = Start("echoValue", deadbeef).GetResultPayloads();
  ASSERT_TRUE(echoed.ok()) << echoed.error();
  ASSERT_EQ(echoed->size(), 1u);
  EXPECT_EQ(echoed->at(0).metadata().at("encoding"), "binary/plain");
  EXPECT_EQ(echoed->at(0).data(), std::string("\xde\xad\xbe\xef"));
  EXPECT_EQ(temporal::FromPayload<temporal::Bytes>(echoed->at(0)).value(), deadbeef);
}

TEST_F(ClientInteropTest, BinaryNullRoundTripsAsAnEmptyPayload) {
  auto described = Start("describeValue", nullptr).GetResult<json>();
  ASSERT_TRUE(described.ok()) << described.error();
  EXPECT_EQ((*described)["kind"], "undefined");

  auto echoed = Start("echoValue", nullptr).GetResultPayloads();
  ASSERT_TRUE(echoed.ok()) << echoed.error();
  ASSERT_EQ(echoed->size(), 1u);
  EXPECT_EQ(echoed->at(0).metadata().at("encoding"), "binary/null");
  EXPECT_TRUE(echoed->at(0).data().empty());
  EXPECT_EQ(temporal::FromPayload<std::optional<std::string>>(echoed->at(0)).value(), std::nullopt);
}

TEST_F(ClientInteropTest, JsonStructsRoundTripThroughTypeScript) {
  Resource resource{"bucket", {"team:payments", "env:dev"}, 1.25};
  auto described = Start("describeValue", resource).GetResult<json>();
  ASSERT_TRUE(described.ok()) << described.error();
  EXPECT_EQ((*described)["kind"], "object");
  EXPECT_EQ(json::parse((*described)["json"].get<std::string>()), json(resource));
  auto echoed = Start("echoValue", resource).GetResult<Resource>();
  ASSERT_TRUE(echoed.ok()) << echoed.error();
  EXPECT_EQ(*echoed, resource);
}

TEST_F(ClientInteropTest, SignalsQueriesAndUpdatesDriveATypeScriptWorkflow) {
  auto handle = Start("signalsQueriesUpdates");
  ASSERT_TRUE(handle.Signal("add", 5).ok());
  ASSERT_TRUE(handle.Signal("add", 7).ok());
  auto total = handle.Query<int>("total");
  ASSERT_TRUE(total.ok()) << total.error();
  EXPECT_EQ(*total, 12);

  auto previous = handle.Update<int>("setTotal", 100);
  ASSERT_TRUE(previous.ok()) << previous.error();
  EXPECT_EQ(*previous, 12);

  auto rejected = handle.Update<int>("setTotal", -3);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code(), ErrorCode::kUpdateFailed) << rejected.error();
  ASSERT_NE(rejected.error().failure(), nullptr);
  EXPECT_NE(rejected.error().failure()->message().find("negative totals are not allowed"),
            std::string::npos);

  // Accepted first, result later; the same update id is deduplicated.
  temporal::UpdateOptions options;
  options.update_id = UniqueId("update");
  auto accepted = handle.StartUpdate(options, "setTotal", 200);
  ASSERT_TRUE(accepted.ok()) << accepted.error();
  auto again = handle.StartUpdate(options, "setTotal", 999);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(accepted->GetResult<int>().value(), 100);
  EXPECT_EQ(again->GetResult<int>().value(), 100);
  EXPECT_EQ(handle.GetUpdateHandle(options.update_id).GetResult<int>().value(), 100);

  auto unknown = handle.Query<int>("noSuchQuery");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kQueryFailed) << unknown.error();
  EXPECT_NE(unknown.error().message().find("noSuchQuery"), std::string::npos) << unknown.error();

  ASSERT_TRUE(handle.Signal("add", 1).ok());
  ASSERT_TRUE(handle.Signal("finish").ok());
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 201);

  // Rejected updates never reach history; the two accepted ones (one deduplicated) do.
  auto history = handle.FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  int accepted_events = 0;
  for (const auto& event : history->events()) {
    accepted_events += event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED;
  }
  EXPECT_EQ(accepted_events, 2);

  auto closed =
      handle.QueryWithRejectCondition<int>(enums::QUERY_REJECT_CONDITION_NOT_OPEN, "total");
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().code(), ErrorCode::kQueryRejected) << closed.error();
}

TEST_F(ClientInteropTest, CancelledTypeScriptWorkflowEndsCanceled) {
  auto handle = Start("waitForCancellation");
  // Let the workflow start its timer first, so the cancel reaches running code.
  for (int i = 0; i < 100; ++i) {
    auto description = handle.Describe();
    ASSERT_TRUE(description.ok());
    if (description->history_length >= 5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(handle.Cancel("test").ok());
  auto result = handle.GetResult<json>();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kWorkflowCanceled) << result.error();
  auto description = handle.Describe();
  ASSERT_TRUE(description.ok());
  EXPECT_EQ(description->status, enums::WORKFLOW_EXECUTION_STATUS_CANCELED);
}

TEST_F(ClientInteropTest, TerminatedTypeScriptWorkflowEndsTerminated) {
  auto handle = Start("waitForCancellation");
  ASSERT_TRUE(handle.Terminate("stop now").ok());
  auto result = handle.GetResult<json>();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kWorkflowTerminated) << result.error();
}

TEST_F(ClientInteropTest, TypeScriptApplicationFailureArrivesTyped) {
  auto handle = Start("failWith", std::string("QuotaExceeded"), std::string("too many buckets"),
                      true, json{{"limit", 10}});
  auto result = handle.GetResult<json>();
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().code(), ErrorCode::kWorkflowFailed) << result.error();
  const temporal::Failure* failure = result.error().failure();
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->kind(), temporal::FailureKind::kApplication);
  EXPECT_EQ(failure->application_type(), "QuotaExceeded");
  EXPECT_EQ(failure->message(), "too many buckets");
  EXPECT_TRUE(failure->non_retryable());
  EXPECT_EQ(failure->Details<json>(0).value(), json({{"limit", 10}}));
  EXPECT_EQ(failure->source(), "TypeScriptSDK");
}

TEST_F(ClientInteropTest, GetResultFollowsContinueAsNewRuns) {
  auto handle = Start("continueAsNewCounter", 3, 10);
  auto result = handle.GetResult<int>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(*result, 13);

  temporal::GetResultOptions first_run_only;
  first_run_only.follow_runs = false;
  auto first =
      client_->GetHandle(handle.workflow_id(), handle.run_id()).GetResult<int>(first_run_only);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), ErrorCode::kWorkflowContinuedAsNew) << first.error();
}

TEST_F(ClientInteropTest, ListFindsCompletedTypeScriptWorkflowsByVisibilityQuery) {
  const std::string stack = UniqueId("stack");
  for (int i = 0; i < 2; ++i) {
    auto options = OnTypeScript("echo-list");
    options.search_attributes.SetKeyword("ProvisioStack", stack);
    auto handle = client_->StartWorkflow("echoValue", options, i);
    ASSERT_TRUE(handle.ok()) << handle.error();
    ASSERT_TRUE(handle->GetResult<int>().ok());
  }
  const std::string query = "ProvisioStack = '" + stack + "' AND ExecutionStatus = 'Completed'";
  temporal::Result<std::vector<temporal::WorkflowExecutionSummary>> listed =
      std::vector<temporal::WorkflowExecutionSummary>{};
  for (int attempt = 0; attempt < 50; ++attempt) {
    listed = client_->ListWorkflows(query);
    ASSERT_TRUE(listed.ok()) << listed.error();
    if (listed->size() == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(listed->size(), 2u);
  for (const auto& summary : *listed) {
    EXPECT_EQ(summary.workflow_type, "echoValue");
    EXPECT_EQ(summary.status, enums::WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }
}

TEST_F(ClientInteropTest, PayloadsEncryptedInCppAreDecryptedInTypeScriptAndBack) {
  auto options = provisio::testing::InteropClientOptions();
  auto codec = provisio::testing::SharedCodec();
  ASSERT_NE(codec, nullptr);
  options.data_converter.AddCodec(codec);
  auto encrypted = temporal::Client::Connect(options);
  ASSERT_TRUE(encrypted.ok()) << encrypted.error();

  temporal::StartWorkflowOptions start = OnTypeScript("encrypted-echo");
  start.task_queue = provisio::testing::EncryptedTypeScriptTaskQueue();
  auto handle = encrypted->StartWorkflow("describeValue", start, std::string("s3cret-password"));
  ASSERT_TRUE(handle.ok()) << handle.error();
  auto described = handle->GetResult<json>();
  ASSERT_TRUE(described.ok()) << described.error();
  EXPECT_EQ((*described)["kind"], "string");  // TypeScript decrypted our payload
  EXPECT_EQ((*described)["json"], "\"s3cret-password\"");

  // Both directions are ciphertext at rest, under the shared key id.
  auto history = handle->FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  int encrypted_payloads = 0;
  for (const auto& event : history->events()) {
    const temporal::api::common::v1::Payloads* payloads = nullptr;
    if (event.has_workflow_execution_started_event_attributes()) {
      payloads = &event.workflow_execution_started_event_attributes().input();
    } else if (event.has_workflow_execution_completed_event_attributes()) {
      payloads = &event.workflow_execution_completed_event_attributes().result();
    }
    if (payloads == nullptr) continue;
    for (const auto& payload : payloads->payloads()) {
      EXPECT_EQ(payload.metadata().at("encoding"), "binary/encrypted");
      EXPECT_EQ(payload.metadata().at("encryption-key-id"),
                provisio::testing::EnvOrEmpty("PROVISIO_CODEC_KEY_ID"));
      EXPECT_EQ(payload.data().find("s3cret"), std::string::npos);
      ++encrypted_payloads;
    }
  }
  EXPECT_EQ(encrypted_payloads, 2);

  // And a value TypeScript encrypted decrypts here byte-exactly.
  const temporal::Bytes deadbeef{std::byte{0xde}, std::byte{0xad}, std::byte{0xbe},
                                 std::byte{0xef}};
  auto echo = encrypted->StartWorkflow("echoValue", OnTypeScriptEncrypted(), deadbeef);
  ASSERT_TRUE(echo.ok()) << echo.error();
  auto echoed = echo->GetResult<temporal::Bytes>();
  ASSERT_TRUE(echoed.ok()) << echoed.error();
  EXPECT_EQ(*echoed, deadbeef);
}

}  // namespace
