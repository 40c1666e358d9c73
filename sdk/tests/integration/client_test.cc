// temporal::Client against the real dev server, on task queues nobody polls:
// everything a client does that needs no worker.
#include "temporal/client/client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "dev_server.h"
#include "temporal/converter/aes_gcm_codec.h"

namespace {

using provisio::testing::DevServerAddress;
using provisio::testing::DevServerNamespace;
using provisio::testing::UniqueId;
using temporal::ErrorCode;
namespace enums = temporal::api::enums::v1;

temporal::ClientOptions Options() {
  temporal::ClientOptions options;
  options.target_host = DevServerAddress();
  options.namespace_ = DevServerNamespace();
  options.identity = "client-test";
  return options;
}

temporal::StartWorkflowOptions Unpolled(const std::string& prefix) {
  temporal::StartWorkflowOptions options;
  options.id = UniqueId(prefix);
  options.task_queue = UniqueId("tq-unpolled");
  options.execution_timeout = std::chrono::minutes(10);
  return options;
}

std::shared_ptr<temporal::AesGcmCodec> Codec(const std::string& key_id, std::byte fill) {
  auto codec = temporal::AesGcmCodec::Create(key_id, temporal::Bytes(32, fill));
  EXPECT_TRUE(codec.ok());
  return *codec;
}

bool HasEvent(const temporal::api::history::v1::History& history, enums::EventType type) {
  for (const auto& event : history.events()) {
    if (event.event_type() == type) return true;
  }
  return false;
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    auto client = temporal::Client::Connect(Options());
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
  }
  std::unique_ptr<temporal::Client> client_;
};

TEST(ClientConnectTest, UnreachableServerGivesTypedUnavailableError) {
  temporal::ClientOptions options;
  options.target_host = "127.0.0.1:" + std::to_string(provisio::testing::FreePort());
  options.connect_timeout = std::chrono::milliseconds(1500);
  auto client = temporal::Client::Connect(options);
  ASSERT_FALSE(client.ok());
  EXPECT_TRUE(client.error().code() == ErrorCode::kUnavailable ||
              client.error().code() == ErrorCode::kDeadlineExceeded)
      << client.error();
  EXPECT_NE(client.error().message().find(options.target_host), std::string::npos)
      << client.error();
}

TEST(ClientConnectTest, ConnectReadsServerCapabilities) {
  REQUIRE_DEV_SERVER();
  auto client = temporal::Client::Connect(Options());
  ASSERT_TRUE(client.ok()) << client.error();
  EXPECT_FALSE(client->server_info().server_version.empty());
  EXPECT_TRUE(client->server_info().capabilities.sdk_metadata());
}

TEST_F(ClientTest, StartedWorkflowIsDescribedWithItsOptions) {
  auto options = Unpolled("wf-describe");
  options.search_attributes.SetKeyword("ProvisioTeam", "payments")
      .SetInt("ProvisioResourceCount", 3);
  options.memo["owner"] = *temporal::ToPayload(std::string("alice"));
  auto handle = client_->StartWorkflow("DescribeProbe", options, std::string("arg"), 7);
  ASSERT_TRUE(handle.ok()) << handle.error();
  EXPECT_FALSE(handle->run_id().empty());

  auto description = handle->Describe();
  ASSERT_TRUE(description.ok()) << description.error();
  EXPECT_EQ(description->workflow_id, options.id);
  EXPECT_EQ(description->run_id, handle->run_id());
  EXPECT_EQ(description->workflow_type, "DescribeProbe");
  EXPECT_EQ(description->task_queue, options.task_queue);
  EXPECT_EQ(description->status, enums::WORKFLOW_EXECUTION_STATUS_RUNNING);
  EXPECT_EQ(description->search_attributes.GetKeyword("ProvisioTeam"), "payments");
  EXPECT_EQ(description->search_attributes.GetInt("ProvisioResourceCount"), 3);
  ASSERT_EQ(description->memo.count("owner"), 1u);
  EXPECT_EQ(temporal::FromPayload<std::string>(description->memo.at("owner")).value(), "alice");
  EXPECT_EQ(description->raw.execution_config().workflow_execution_timeout().seconds(), 600);

  auto history = handle->FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  ASSERT_GE(history->events_size(), 1);
  const auto& started = history->events(0).workflow_execution_started_event_attributes();
  ASSERT_EQ(started.input().payloads_size(), 2);
  EXPECT_EQ(started.input().payloads(0).data(), "\"arg\"");
  EXPECT_EQ(started.input().payloads(1).data(), "7");
  EXPECT_TRUE(handle->Terminate("test done").ok());
}

TEST_F(ClientTest, StartingARunningWorkflowIdAgainIsAlreadyExists) {
  auto options = Unpolled("wf-duplicate");
  auto first = client_->StartWorkflow("DuplicateProbe", options);
  ASSERT_TRUE(first.ok()) << first.error();
  auto second = client_->StartWorkflow("DuplicateProbe", options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kAlreadyExists) << second.error();

  options.id_conflict_policy = enums::WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING;
  auto existing = client_->StartWorkflow("DuplicateProbe", options);
  ASSERT_TRUE(existing.ok()) << existing.error();
  EXPECT_EQ(existing->run_id(), first->run_id());
  EXPECT_TRUE(first->Terminate().ok());
}

TEST_F(ClientTest, SignalWithStartStartsOnceAndSignalsTheSameRun) {
  auto options = Unpolled("wf-sws");
  auto first = client_->SignalWithStart("SwsProbe", options, "poke", *temporal::ToPayloads(1), {});
  ASSERT_TRUE(first.ok()) << first.error();
  auto second = client_->SignalWithStart("SwsProbe", options, "poke", *temporal::ToPayloads(2), {});
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(first->run_id(), second->run_id());
  ASSERT_TRUE(first->Signal("poke", 3).ok());

  auto history = client_->GetHandle(options.id).FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  std::vector<std::string> signals;
  for (const auto& event : history->events()) {
    if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
      const auto& attributes = event.workflow_execution_signaled_event_attributes();
      EXPECT_EQ(attributes.signal_name(), "poke");
      signals.push_back(attributes.input().payloads(0).data());
    }
  }
  EXPECT_EQ(signals, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_TRUE(first->Terminate().ok());
}

TEST_F(ClientTest, TerminatedWorkflowResultIsTypedTerminatedError) {
  auto handle = client_->StartWorkflow("TerminateProbe", Unpolled("wf-terminate"));
  ASSERT_TRUE(handle.ok()) << handle.error();
  ASSERT_TRUE(handle->Terminate("operator said so").ok());
  auto result = handle->GetResult<std::string>();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kWorkflowTerminated) << result.error();
  EXPECT_NE(result.error().message().find("operator said so"), std::string::npos);
  auto description = handle->Describe();
  ASSERT_TRUE(description.ok());
  EXPECT_EQ(description->status, enums::WORKFLOW_EXECUTION_STATUS_TERMINATED);
}

TEST_F(ClientTest, CancelIsRecordedAsCancelRequestedEvent) {
  auto handle = client_->StartWorkflow("CancelProbe", Unpolled("wf-cancel"));
  ASSERT_TRUE(handle.ok()) << handle.error();
  ASSERT_TRUE(handle->Cancel("no longer needed").ok());
  auto history = handle->FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  EXPECT_TRUE(HasEvent(*history, enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED));
  EXPECT_TRUE(handle->Terminate().ok());
}

TEST_F(ClientTest, GetResultOfARunningWorkflowTimesOutWithDeadlineExceeded) {
  auto handle = client_->StartWorkflow("WaitProbe", Unpolled("wf-wait"));
  ASSERT_TRUE(handle.ok()) << handle.error();
  temporal::GetResultOptions options;
  options.timeout = std::chrono::milliseconds(1500);
  auto result = handle->GetResult<int>(options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kDeadlineExceeded) << result.error();
  EXPECT_TRUE(handle->Terminate().ok());
}

TEST_F(ClientTest, ListAndCountFindWorkflowsByVisibilityQuery) {
  const std::string team = UniqueId("team");
  std::vector<temporal::WorkflowHandle> handles;
  for (int i = 0; i < 3; ++i) {
    auto options = Unpolled("wf-list");
    options.search_attributes.SetKeyword("ProvisioTeam", team);
    auto handle = client_->StartWorkflow("ListProbe", options);
    ASSERT_TRUE(handle.ok()) << handle.error();
    handles.push_back(*handle);
  }
  const std::string query = "ProvisioTeam = '" + team + "'";
  // Visibility is eventually consistent: wait (bounded) until all three show.
  temporal::Result<std::int64_t> count = std::int64_t{0};
  for (int attempt = 0; attempt < 50; ++attempt) {
    count = client_->CountWorkflows(query);
    ASSERT_TRUE(count.ok()) << count.error();
    if (*count == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(*count, 3);
  auto page = client_->ListWorkflowsPage(query, "", 2);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->executions.size(), 2u);
  EXPECT_FALSE(page->next_page_token.empty());
  auto all = client_->ListWorkflows(query);
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_EQ(all->size(), 3u);
  for (const auto& summary : *all) {
    EXPECT_EQ(summary.workflow_type, "ListProbe");
    EXPECT_EQ(summary.search_attributes.GetKeyword("ProvisioTeam"), team);
  }
  for (auto& handle : handles) EXPECT_TRUE(handle.Terminate().ok());
}

TEST_F(ClientTest, HistoryJsonUsesCanonicalEventTypeNames) {
  auto handle = client_->StartWorkflow("JsonProbe", Unpolled("wf-json"), std::string("x"));
  ASSERT_TRUE(handle.ok()) << handle.error();
  ASSERT_TRUE(handle->Terminate("done").ok());
  auto json = handle->FetchHistoryJson();
  ASSERT_TRUE(json.ok()) << json.error();
  auto parsed = nlohmann::json::parse(*json);
  ASSERT_TRUE(parsed.contains("events"));
  ASSERT_GE(parsed["events"].size(), 2u);
  EXPECT_EQ(parsed["events"][0]["eventType"], "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED");
  EXPECT_EQ(parsed["events"][0]["eventId"], "1");  // int64 as a string, as proto3 JSON says
  EXPECT_EQ(parsed["events"].back()["eventType"], "EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED");
  EXPECT_EQ(parsed["events"][0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"],
            "JsonProbe");
}

TEST_F(ClientTest, CodecEncryptsPayloadsAtRestAndAWrongKeyIsAClearError) {
  auto encrypted_options = Options();
  encrypted_options.data_converter.AddCodec(Codec("key-a", std::byte{0x11}));
  auto encrypted = temporal::Client::Connect(encrypted_options);
  ASSERT_TRUE(encrypted.ok()) << encrypted.error();

  auto options = Unpolled("wf-codec");
  options.memo["secret"] = *temporal::ToPayload(std::string("db-password"));
  auto handle = encrypted->StartWorkflow("CodecProbe", options, std::string("db-password"));
  ASSERT_TRUE(handle.ok()) << handle.error();

  // At rest (as any other reader sees it), the input is ciphertext.
  auto history = client_->GetHandle(options.id).FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  const auto& input =
      history->events(0).workflow_execution_started_event_attributes().input().payloads(0);
  EXPECT_EQ(input.metadata().at("encoding"), "binary/encrypted");
  EXPECT_EQ(input.metadata().at("encryption-key-id"), "key-a");
  EXPECT_EQ(input.data().find("db-password"), std::string::npos);

  // The same client decodes its memo back.
  auto description = encrypted->GetHandle(options.id).Describe();
  ASSERT_TRUE(description.ok()) << description.error();
  EXPECT_EQ(temporal::FromPayload<std::string>(description->memo.at("secret")).value(),
            "db-password");

  // A client holding another key gets a codec error, not garbage.
  auto wrong_options = Options();
  wrong_options.data_converter.AddCodec(Codec("key-b", std::byte{0x22}));
  auto wrong = temporal::Client::Connect(wrong_options);
  ASSERT_TRUE(wrong.ok()) << wrong.error();
  auto wrong_description = wrong->GetHandle(options.id).Describe();
  ASSERT_FALSE(wrong_description.ok());
  EXPECT_EQ(wrong_description.error().code(), ErrorCode::kCodec) << wrong_description.error();
  EXPECT_NE(wrong_description.error().message().find("key-a"), std::string::npos)
      << wrong_description.error();
  EXPECT_TRUE(handle->Terminate().ok());
}

TEST_F(ClientTest, StartOptionsReachTheStartedEvent) {
  auto options = Unpolled("wf-options");
  options.run_timeout = std::chrono::minutes(5);
  options.task_timeout = std::chrono::seconds(7);
  options.start_delay = std::chrono::seconds(30);
  temporal::RetryPolicy retry;
  retry.initial_interval = std::chrono::milliseconds(1500);
  retry.backoff_coefficient = 3.0;
  retry.maximum_attempts = 4;
  retry.non_retryable_error_types = {"ValidationError"};
  options.retry_policy = retry;
  auto handle = client_->StartWorkflow("OptionsProbe", options);
  ASSERT_TRUE(handle.ok()) << handle.error();

  auto history = handle->FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  const auto& started = history->events(0).workflow_execution_started_event_attributes();
  EXPECT_EQ(started.workflow_run_timeout().seconds(), 300);
  EXPECT_EQ(started.workflow_task_timeout().seconds(), 7);
  EXPECT_EQ(started.first_workflow_task_backoff().seconds(), 30);
  EXPECT_EQ(started.identity(), "client-test");
  auto round_tripped = temporal::RetryPolicy::FromProto(started.retry_policy());
  EXPECT_EQ(round_tripped.initial_interval, std::chrono::milliseconds(1500));
  EXPECT_EQ(round_tripped.backoff_coefficient, 3.0);
  EXPECT_EQ(round_tripped.maximum_attempts, 4);
  EXPECT_EQ(round_tripped.non_retryable_error_types, std::vector<std::string>{"ValidationError"});
  // The delayed start has no workflow task scheduled yet.
  EXPECT_EQ(history->events_size(), 1);
  EXPECT_TRUE(handle->Terminate().ok());
}

TEST_F(ClientTest, RejectDuplicateReusePolicyRefusesAClosedId) {
  auto options = Unpolled("wf-reuse");
  options.id_reuse_policy = enums::WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE;
  auto first = client_->StartWorkflow("ReuseProbe", options);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE(first->Terminate().ok());
  auto second = client_->StartWorkflow("ReuseProbe", options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kAlreadyExists) << second.error();

  options.id_reuse_policy = enums::WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE;
  auto third = client_->StartWorkflow("ReuseProbe", options);
  ASSERT_TRUE(third.ok()) << third.error();
  EXPECT_NE(third->run_id(), first->run_id());
  EXPECT_TRUE(third->Terminate().ok());
}

TEST_F(ClientTest, MissingRequiredStartOptionsAreInvalidArgument) {
  temporal::StartWorkflowOptions options;
  options.task_queue = "tq";
  auto no_id = client_->StartWorkflow("Probe", options);
  ASSERT_FALSE(no_id.ok());
  EXPECT_EQ(no_id.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_id.error().message().find("id"), std::string::npos);
  options.id = UniqueId("wf");
  options.task_queue.clear();
  auto no_queue = client_->StartWorkflow("Probe", options);
  ASSERT_FALSE(no_queue.ok());
  EXPECT_EQ(no_queue.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_queue.error().message().find("task_queue"), std::string::npos);
}

TEST_F(ClientTest, SignalToAnUnknownWorkflowIsNotFound) {
  auto status = client_->GetHandle(UniqueId("never-started")).Signal("poke");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound) << status.error();
}

}  // namespace
