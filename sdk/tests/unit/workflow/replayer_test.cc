// The Replayer's own contract: lookup of the workflow type, malformed
// histories, the workflow id and the data converter it replays with.
#include "temporal/worker/replayer.h"

#include <gtest/gtest.h>

#include "history_builder.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/workflow/workflow.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;

wf::Task<std::string> Echo(std::string value) { co_return value; }

// Runs an activity whose type depends on the workflow id.
wf::Task<std::string> ActivityNamedAfterWorkflowId() {
  wf::ActivityOptions options;
  options.start_to_close_timeout = std::chrono::seconds(10);
  co_return co_await wf::ExecuteActivity<std::string>("Process-" + wf::Info().workflow_id, options);
}

TEST(ReplayerTest, UnknownWorkflowTypeIsNotFoundAndNamesTheRegisteredTypes) {
  Replayer replayer;
  replayer.RegisterWorkflow("Echo", Echo).RegisterWorkflow("Other", Echo);
  Status replayed = replayer.ReplayHistory(HistoryBuilder().Started("Missing").Build());
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(replayed.error().message().find("'Missing'"), std::string::npos) << replayed.error();
  EXPECT_NE(replayed.error().message().find("Echo, Other"), std::string::npos) << replayed.error();
}

TEST(ReplayerTest, EmptyHistoryIsInvalidArgument) {
  Replayer replayer;
  replayer.RegisterWorkflow("Echo", Echo);
  Status replayed = replayer.ReplayHistory({});
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ReplayerTest, HistoryNotStartingWithWorkflowExecutionStartedIsInvalidArgument) {
  Replayer replayer;
  replayer.RegisterWorkflow("Echo", Echo);
  Status replayed = replayer.ReplayHistory(HistoryBuilder().WorkflowTaskScheduled().Build());
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(replayed.error().message().find("EVENT_TYPE_WORKFLOW_TASK_SCHEDULED"),
            std::string::npos)
      << replayed.error();
}

TEST(ReplayerTest, WorkflowIdIsWhatWorkflowInfoReports) {
  auto history = HistoryBuilder()
                     .Started("ActivityNamedAfterWorkflowId")
                     .WorkflowTask()
                     .ActivityScheduled("1", "Process-order-17")
                     .Build();
  Replayer replayer;
  replayer.RegisterWorkflow("ActivityNamedAfterWorkflowId", ActivityNamedAfterWorkflowId);
  Status replayed = replayer.ReplayHistory(history, "order-17");
  EXPECT_TRUE(replayed.ok()) << replayed.error();
  Status with_default_id = replayer.ReplayHistory(history);
  ASSERT_FALSE(with_default_id.ok());
  EXPECT_EQ(with_default_id.error().code(), ErrorCode::kNondeterminism);
  EXPECT_NE(with_default_id.error().message().find("Process-replay"), std::string::npos)
      << with_default_id.error();
}

TEST(ReplayerTest, OneReplayerReplaysManyHistories) {
  Replayer replayer;
  replayer.RegisterWorkflow("Echo", Echo);
  for (const char* value : {"a", "b", "c"}) {
    Status replayed = replayer.ReplayHistory(HistoryBuilder()
                                                 .Started("Echo", std::string(value))
                                                 .WorkflowTask()
                                                 .WorkflowExecutionCompleted(std::string(value))
                                                 .Build());
    EXPECT_TRUE(replayed.ok()) << replayed.error();
  }
  EXPECT_EQ(replayer.workflow_types(), std::vector<std::string>{"Echo"});
}

TEST(ReplayerTest, EncryptedHistoryReplaysWithTheWorkersDataConverter) {
  auto codec = AesGcmCodec::Create("key-1", Bytes(AesGcmCodec::kKeySize, std::byte{7}));
  ASSERT_TRUE(codec.ok()) << codec.error();
  DataConverter converter;
  converter.AddCodec(*codec);
  // The history holds the input as the worker's client wrote it: encrypted.
  auto history = HistoryBuilder()
                     .Started("Echo", std::string("secret"))
                     .WorkflowTask()
                     .WorkflowExecutionCompleted(std::string("secret"))
                     .Build();
  ASSERT_TRUE(converter
                  .EncodePayloads(history.mutable_events(0)
                                      ->mutable_workflow_execution_started_event_attributes()
                                      ->mutable_input())
                  .ok());

  Replayer with_codec;
  with_codec.RegisterWorkflow("Echo", Echo).SetDataConverter(converter);
  Status replayed = with_codec.ReplayHistory(history);
  EXPECT_TRUE(replayed.ok()) << replayed.error();

  // Without the codec the input does not decode: the run would fail, which
  // history does not record.
  Replayer without_codec;
  without_codec.RegisterWorkflow("Echo", Echo);
  EXPECT_FALSE(without_codec.ReplayHistory(history).ok());
}

}  // namespace
}  // namespace temporal::testing
