// Replayer::LoadHistoryJson / LoadHistoryFile: proto3 JSON as the Temporal CLI
// writes it, and older files with PascalCase enum values.
#include <gtest/gtest.h>

#include "temporal/worker/replayer.h"

namespace temporal::testing {
namespace {

namespace enums = temporal::api::enums::v1;

TEST(HistoryJsonTest, CanonicalEnumNamesLoad) {
  auto history = Replayer::LoadHistoryJson(R"({"events": [
    {"eventId": "1", "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
     "workflowExecutionStartedEventAttributes": {
       "workflowType": {"name": "Greet"},
       "taskQueue": {"name": "q", "kind": "TASK_QUEUE_KIND_NORMAL"}}},
    {"eventId": "2", "eventType": "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED"}]})");
  ASSERT_TRUE(history.ok()) << history.error();
  ASSERT_EQ(history->events_size(), 2);
  EXPECT_EQ(history->events(0).event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  EXPECT_EQ(history->events(0).workflow_execution_started_event_attributes().task_queue().kind(),
            enums::TASK_QUEUE_KIND_NORMAL);
  EXPECT_EQ(history->events(1).event_id(), 2);
}

TEST(HistoryJsonTest, LegacyPascalCaseEnumValuesAreRewrittenAtAnyDepth) {
  auto history = Replayer::LoadHistoryJson(R"({"events": [
    {"eventId": 1, "eventType": "WorkflowExecutionStarted",
     "workflowExecutionStartedEventAttributes": {
       "workflowType": {"name": "Greet"},
       "taskQueue": {"name": "q", "kind": "Normal"},
       "initiator": "CronSchedule"}},
    {"eventId": 2, "eventType": "WorkflowTaskFailed",
     "workflowTaskFailedEventAttributes": {"cause": "UnhandledCommand"}},
    {"eventId": 3, "eventType": "ActivityTaskTimedOut",
     "activityTaskTimedOutEventAttributes": {
       "retryState": "NonRetryableFailure",
       "failure": {"message": "timeout", "timeoutFailureInfo": {"timeoutType": "StartToClose"},
                   "cause": {"message": "inner",
                             "timeoutFailureInfo": {"timeoutType": "ScheduleToStart"}}}}},
    {"eventId": 4, "eventType": "WorkflowExecutionContinuedAsNew",
     "workflowExecutionContinuedAsNewEventAttributes": {"initiator": "Workflow"}}]})");
  ASSERT_TRUE(history.ok()) << history.error();
  ASSERT_EQ(history->events_size(), 4);
  const auto& started = history->events(0).workflow_execution_started_event_attributes();
  EXPECT_EQ(history->events(0).event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  EXPECT_EQ(started.task_queue().kind(), enums::TASK_QUEUE_KIND_NORMAL);
  EXPECT_EQ(started.initiator(), enums::CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
  EXPECT_EQ(history->events(1).workflow_task_failed_event_attributes().cause(),
            enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
  const auto& timed_out = history->events(2).activity_task_timed_out_event_attributes();
  EXPECT_EQ(timed_out.retry_state(), enums::RETRY_STATE_NON_RETRYABLE_FAILURE);
  EXPECT_EQ(timed_out.failure().timeout_failure_info().timeout_type(),
            enums::TIMEOUT_TYPE_START_TO_CLOSE);
  EXPECT_EQ(timed_out.failure().cause().timeout_failure_info().timeout_type(),
            enums::TIMEOUT_TYPE_SCHEDULE_TO_START);
  EXPECT_EQ(history->events(3).workflow_execution_continued_as_new_event_attributes().initiator(),
            enums::CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
}

TEST(HistoryJsonTest, ProtoFieldNamesAndNumericEnumsAreAccepted) {
  auto history = Replayer::LoadHistoryJson(
      R"({"events": [{"event_id": "1", "event_type": 1, "workflow_execution_started_event_attributes":
          {"task_queue": {"kind": "Sticky"}}}]})");
  ASSERT_TRUE(history.ok()) << history.error();
  EXPECT_EQ(history->events(0).event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  EXPECT_EQ(history->events(0).workflow_execution_started_event_attributes().task_queue().kind(),
            enums::TASK_QUEUE_KIND_STICKY);
}

TEST(HistoryJsonTest, UnknownFieldsAreIgnored) {
  auto history = Replayer::LoadHistoryJson(
      R"({"events": [{"eventId": "1", "eventType": "EVENT_TYPE_TIMER_FIRED",
          "fieldFromTheFuture": {"kind": "Whatever"}}], "alsoUnknown": 1})");
  ASSERT_TRUE(history.ok()) << history.error();
  EXPECT_EQ(history->events(0).event_type(), enums::EVENT_TYPE_TIMER_FIRED);
}

TEST(HistoryJsonTest, BareArrayOfEventsIsAccepted) {
  auto history = Replayer::LoadHistoryJson(R"([{"eventId": "1", "eventType": "TimerFired"}])");
  ASSERT_TRUE(history.ok()) << history.error();
  EXPECT_EQ(history->events(0).event_type(), enums::EVENT_TYPE_TIMER_FIRED);
}

TEST(HistoryJsonTest, MalformedJsonIsInvalidArgument) {
  auto history = Replayer::LoadHistoryJson(R"({"events": [{"eventId": "1",}]})");
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(history.error().message().find("malformed"), std::string::npos) << history.error();
}

TEST(HistoryJsonTest, UnknownEnumValueNamesItsFieldPath) {
  auto history = Replayer::LoadHistoryJson(R"({"events": [
    {"eventId": "1", "eventType": "WorkflowExecutionStarted"},
    {"eventId": "2", "eventType": "WorkflowExecutionExploded"}]})");
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(history.error().message().find("events[1].eventType"), std::string::npos)
      << history.error();
  EXPECT_NE(history.error().message().find("temporal.api.enums.v1.EventType"), std::string::npos)
      << history.error();
  EXPECT_NE(history.error().message().find("WorkflowExecutionExploded"), std::string::npos)
      << history.error();
}

TEST(HistoryJsonTest, UnknownNestedEnumValueNamesItsFieldPath) {
  auto history = Replayer::LoadHistoryJson(R"({"events": [
    {"eventId": "1", "eventType": "WorkflowExecutionStarted",
     "workflowExecutionStartedEventAttributes": {"taskQueue": {"kind": "Sideways"}}}]})");
  ASSERT_FALSE(history.ok());
  EXPECT_NE(history.error().message().find(
                "events[0].workflowExecutionStartedEventAttributes.taskQueue.kind"),
            std::string::npos)
      << history.error();
}

TEST(HistoryJsonTest, ValuesOfTheWrongTypeAreInvalidArgument) {
  auto history = Replayer::LoadHistoryJson(R"({"events": [{"eventId": {"nested": true}}]})");
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(history.error().message().find("temporal.api.history.v1.History"), std::string::npos)
      << history.error();
}

TEST(HistoryJsonTest, DocumentWithoutEventsIsInvalidArgument) {
  auto history = Replayer::LoadHistoryJson(R"({"history": []})");
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.error().code(), ErrorCode::kInvalidArgument);
}

TEST(HistoryJsonTest, MissingFileIsNotFound) {
  auto history = Replayer::LoadHistoryFile("/nonexistent/history.json");
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(history.error().message().find("/nonexistent/history.json"), std::string::npos);
}

}  // namespace
}  // namespace temporal::testing
