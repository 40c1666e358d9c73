// The schedules client against the real dev server: a schedule starting C++
// workflows on a C++ worker (interval, trigger, backfill), cron and calendar
// specs, pause with a note, list with paging, update, delete, and the typed
// error for a duplicate id. The client has a payload codec, so every action
// argument and memo crosses it. Counts and states are asserted, never timings;
// waits are bounded polls.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <iostream>
#include <set>
#include <thread>

#include "dev_server.h"
#include "temporal/client/client.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/replayer.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/workflow.h"

namespace {

namespace wf = temporal::workflow;
namespace enums = temporal::api::enums::v1;
using namespace std::chrono_literals;
using provisio::testing::UniqueId;
using temporal::ErrorCode;
using Clock = std::chrono::system_clock;

// The workflow every schedule here starts: it echoes its argument, after a
// durable timer so that the run has more than one workflow task to replay.
wf::Task<std::string> Scheduled(std::string label) {
  co_await wf::Sleep(10ms);
  co_return "ran:" + label;
}

template <typename Registry>
void RegisterWorkflows(Registry& registry) {
  registry.RegisterWorkflow("Scheduled", Scheduled);
}

// Polls `done` every 200 ms for at most `limit`; true when it held.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return done();
}

std::tm Utc(Clock::time_point time) {
  const std::time_t seconds = Clock::to_time_t(time);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return parts;
}

class ScheduleClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    temporal::ClientOptions options;
    options.target_host = provisio::testing::DevServerAddress();
    options.namespace_ = provisio::testing::DevServerNamespace();
    options.identity = "schedule-client-test";
    auto codec =
        temporal::AesGcmCodec::Create("schedule-test-key", temporal::Bytes(32, std::byte{0x3c}));
    ASSERT_TRUE(codec.ok()) << codec.error();
    options.data_converter.AddCodec(*codec);
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    task_queue_ = UniqueId("cpp-schedules");
  }

  // Deletes what the test created, and replays the history of every run it
  // waited for against the workflow code.
  void TearDown() override {
    if (worker_) worker_->Shutdown();
    if (!client_) return;
    for (const std::string& id : created_) (void)client_->GetScheduleHandle(id).Delete();
    temporal::Replayer replayer;
    replayer.SetDataConverter(client_->options().data_converter);  // the inputs are encrypted
    RegisterWorkflows(replayer);
    for (const temporal::ScheduleWorkflowExecution& run : completed_) {
      auto json =
          client_->GetHandle(run.workflow_id, run.first_execution_run_id).FetchHistoryJson();
      ASSERT_TRUE(json.ok()) << json.error();
      auto history = temporal::Replayer::LoadHistoryJson(*json);
      ASSERT_TRUE(history.ok()) << history.error();
      temporal::Status replayed = replayer.ReplayHistory(*history, run.workflow_id);
      EXPECT_TRUE(replayed.ok()) << run.workflow_id << ": " << replayed.error();
    }
  }

  void StartWorker() {
    temporal::WorkerOptions options;
    options.task_queue = task_queue_;
    worker_ = std::make_unique<temporal::Worker>(*client_, options);
    RegisterWorkflows(*worker_);
    ASSERT_TRUE(worker_->Start().ok());
  }

  // Options for a schedule starting "Scheduled" with `label` on this test's
  // task queue, every hour (so that nothing fires unless the test says so).
  temporal::ScheduleOptions Options(const std::string& prefix, const std::string& label) {
    temporal::ScheduleOptions options;
    options.id = UniqueId(prefix);
    options.schedule.spec.intervals.push_back({1h, 0ms});
    options.schedule.action.workflow_id = options.id + "-run";
    options.schedule.action.workflow_type = "Scheduled";
    options.schedule.action.task_queue = task_queue_;
    options.schedule.action.args = *temporal::ToPayloads(label);
    options.schedule.action.execution_timeout = 1min;
    return options;
  }

  temporal::ScheduleHandle Create(const temporal::ScheduleOptions& options) {
    auto handle = client_->CreateSchedule(options);
    EXPECT_TRUE(handle.ok()) << handle.error();
    created_.push_back(options.id);
    return client_->GetScheduleHandle(options.id);
  }

  temporal::ScheduleDescription Describe(const temporal::ScheduleHandle& handle) {
    auto description = handle.Describe();
    EXPECT_TRUE(description.ok()) << description.error();
    return description.ok() ? *description : temporal::ScheduleDescription{};
  }

  // Waits until the schedule has taken `count` actions; returns the description.
  temporal::ScheduleDescription WaitForActions(const temporal::ScheduleHandle& handle,
                                               std::size_t count) {
    temporal::ScheduleDescription description;
    const bool reached = WaitUntil([&] {
      auto current = handle.Describe();
      if (!current.ok()) return false;
      description = *current;
      return description.info.recent_actions.size() >= count;
    });
    EXPECT_TRUE(reached) << handle.id() << " took " << description.info.recent_actions.size()
                         << " actions, expected " << count;
    return description;
  }

  // Waits for the run an action started and returns its result.
  std::string ResultOf(const temporal::ScheduleActionResult& action) {
    auto result =
        client_->GetHandle(action.workflow.workflow_id, action.workflow.first_execution_run_id)
            .GetResult<std::string>({.follow_runs = true, .timeout = 30s});
    EXPECT_TRUE(result.ok()) << result.error();
    if (!result.ok()) return "";
    completed_.push_back(action.workflow);
    return *result;
  }

  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::string task_queue_;
  std::vector<std::string> created_;
  std::vector<temporal::ScheduleWorkflowExecution> completed_;
};

TEST_F(ScheduleClientTest, IntervalScheduleStartsACppWorkflowThatCompletes) {
  StartWorker();
  temporal::ScheduleOptions options = Options("basic", "interval");
  options.schedule.spec.intervals = {{2s, 0ms}};
  temporal::RetryPolicy retry;
  retry.maximum_attempts = 2;
  options.schedule.action.retry_policy = retry;
  options.schedule.action.run_timeout = 50s;
  options.schedule.action.task_timeout = 5s;
  options.schedule.action.memo["purpose"] = *temporal::ToPayload(std::string("drift"));
  options.schedule.action.search_attributes.SetKeyword("ProvisioTeam", "schedules");
  options.schedule.policies.overlap = enums::SCHEDULE_OVERLAP_POLICY_SKIP;
  options.schedule.policies.catchup_window = 1min;
  options.schedule.policies.pause_on_failure = true;
  options.memo["owner"] = *temporal::ToPayload(std::string("platform"));
  temporal::ScheduleHandle handle = Create(options);

  temporal::ScheduleDescription description = WaitForActions(handle, 1);
  ASSERT_GE(description.info.recent_actions.size(), 1u);
  ASSERT_TRUE(handle.Pause("seen one run").ok());  // no more runs than the test needs
  const temporal::ScheduleActionResult action = description.info.recent_actions.front();
  EXPECT_EQ(action.workflow.workflow_id.rfind(options.schedule.action.workflow_id + "-", 0), 0u)
      << action.workflow.workflow_id;
  EXPECT_EQ(ResultOf(action), "ran:interval");

  // The started workflow has the action's options: memo through the codec,
  // search attributes in clear.
  auto run = client_->GetHandle(action.workflow.workflow_id, action.workflow.first_execution_run_id)
                 .Describe();
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_EQ(run->workflow_type, "Scheduled");
  EXPECT_EQ(run->task_queue, task_queue_);
  EXPECT_EQ(run->status, enums::WORKFLOW_EXECUTION_STATUS_COMPLETED);
  EXPECT_EQ(temporal::FromPayload<std::string>(run->memo.at("purpose")).value(), "drift");
  EXPECT_EQ(run->search_attributes.GetKeyword("ProvisioTeam"), "schedules");

  // Describe reads the definition back, payloads decoded; on the wire they were encrypted.
  description = Describe(handle);
  EXPECT_EQ(description.schedule.action.workflow_type, "Scheduled");
  ASSERT_EQ(description.schedule.action.args.size(), 1u);
  EXPECT_EQ(temporal::FromPayload<std::string>(description.schedule.action.args[0]).value(),
            "interval");
  const auto& raw_input = description.raw.schedule().action().start_workflow().input();
  ASSERT_EQ(raw_input.payloads_size(), 1);
  EXPECT_EQ(raw_input.payloads(0).metadata().at("encoding"), "binary/encrypted");
  EXPECT_EQ(temporal::FromPayload<std::string>(description.memo.at("owner")).value(), "platform");
  EXPECT_EQ(
      temporal::FromPayload<std::string>(description.schedule.action.memo.at("purpose")).value(),
      "drift");
  EXPECT_EQ(description.schedule.action.search_attributes.GetKeyword("ProvisioTeam"), "schedules");
  ASSERT_TRUE(description.schedule.action.retry_policy.has_value());
  EXPECT_EQ(description.schedule.action.retry_policy->maximum_attempts, 2);
  EXPECT_EQ(description.schedule.action.execution_timeout, 1min);
  EXPECT_EQ(description.schedule.action.run_timeout, 50s);
  EXPECT_EQ(description.schedule.action.task_timeout, 5s);
  ASSERT_EQ(description.schedule.spec.intervals.size(), 1u);
  EXPECT_EQ(description.schedule.spec.intervals[0].every, 2s);
  EXPECT_EQ(description.schedule.policies.overlap, enums::SCHEDULE_OVERLAP_POLICY_SKIP);
  EXPECT_EQ(description.schedule.policies.catchup_window, 1min);
  EXPECT_TRUE(description.schedule.policies.pause_on_failure);
  EXPECT_GE(description.info.num_actions, 1);
  EXPECT_TRUE(description.info.created_at.has_value());
  EXPECT_FALSE(description.conflict_token.empty());
}

TEST_F(ScheduleClientTest, CronSpecFutureActionTimesAreTheCronsTimes) {
  temporal::ScheduleOptions options = Options("cron", "cron");
  options.schedule.spec.intervals.clear();
  options.schedule.spec.cron_expressions = {"15 3 * * *"};  // 03:15:00 UTC every day
  temporal::ScheduleHandle handle = Create(options);
  temporal::ScheduleDescription description = Describe(handle);
  ASSERT_GE(description.info.next_action_times.size(), 2u);
  for (std::size_t i = 0; i < description.info.next_action_times.size(); ++i) {
    const std::tm parts = Utc(description.info.next_action_times[i]);
    EXPECT_EQ(parts.tm_hour, 3);
    EXPECT_EQ(parts.tm_min, 15);
    EXPECT_EQ(parts.tm_sec, 0);
    if (i > 0) {
      EXPECT_EQ(description.info.next_action_times[i] - description.info.next_action_times[i - 1],
                std::chrono::hours(24));
    }
  }
  EXPECT_GT(description.info.next_action_times.front(), Clock::now());
  // The server compiled the cron string into a calendar.
  EXPECT_TRUE(description.schedule.spec.cron_expressions.empty());
  ASSERT_EQ(description.schedule.spec.calendars.size(), 1u);
  ASSERT_EQ(description.schedule.spec.calendars[0].hour.size(), 1u);
  EXPECT_EQ(description.schedule.spec.calendars[0].hour[0].start, 3);
}

TEST_F(ScheduleClientTest, CalendarSpecInATimeZoneWithJitterAndBounds) {
  temporal::ScheduleOptions options = Options("calendar", "calendar");
  options.schedule.spec.intervals.clear();
  temporal::ScheduleCalendarSpec calendar;  // 06:30 on the 1st and the 15th of each month
  calendar.hour = {{6}};
  calendar.minute = {{30}};
  calendar.day_of_month = {{1}, {15}};
  calendar.comment = "twice a month";
  options.schedule.spec.calendars.push_back(calendar);
  options.schedule.spec.time_zone_name = "UTC";
  options.schedule.spec.start_at = Clock::now();
  options.schedule.spec.end_at = Clock::now() + std::chrono::hours(24 * 400);
  temporal::ScheduleHandle handle = Create(options);
  temporal::ScheduleDescription description = Describe(handle);
  ASSERT_GE(description.info.next_action_times.size(), 2u);
  for (Clock::time_point time : description.info.next_action_times) {
    const std::tm parts = Utc(time);
    EXPECT_EQ(parts.tm_hour, 6);
    EXPECT_EQ(parts.tm_min, 30);
    EXPECT_TRUE(parts.tm_mday == 1 || parts.tm_mday == 15) << parts.tm_mday;
  }
  EXPECT_EQ(description.schedule.spec.time_zone_name, "UTC");
  ASSERT_EQ(description.schedule.spec.calendars.size(), 1u);
  EXPECT_EQ(description.schedule.spec.calendars[0].comment, "twice a month");
  EXPECT_TRUE(description.schedule.spec.start_at.has_value());
  EXPECT_TRUE(description.schedule.spec.end_at.has_value());

  // Jitter and another zone are accepted and read back.
  temporal::ScheduleOptions zoned = Options("zoned", "zoned");
  zoned.schedule.spec.intervals.clear();
  zoned.schedule.spec.calendars.push_back(calendar);
  zoned.schedule.spec.time_zone_name = "America/New_York";
  zoned.schedule.spec.jitter = 90s;
  temporal::ScheduleDescription zoned_description = Describe(Create(zoned));
  EXPECT_EQ(zoned_description.schedule.spec.time_zone_name, "America/New_York");
  EXPECT_EQ(zoned_description.schedule.spec.jitter, 90s);
  ASSERT_FALSE(zoned_description.info.next_action_times.empty());
  EXPECT_NE(Utc(zoned_description.info.next_action_times.front()).tm_hour, 6);  // 06:30 New York
}

TEST_F(ScheduleClientTest, CreatedPausedWithANoteThenUnpausedAndPausedAgain) {
  temporal::ScheduleOptions options = Options("pause", "pause");
  options.schedule.state.paused = true;
  options.schedule.state.note = "created paused";
  temporal::ScheduleHandle handle = Create(options);
  temporal::ScheduleDescription description = Describe(handle);
  EXPECT_TRUE(description.schedule.state.paused);
  EXPECT_EQ(description.schedule.state.note, "created paused");

  ASSERT_TRUE(handle.Unpause("back on").ok());
  description = Describe(handle);
  EXPECT_FALSE(description.schedule.state.paused);
  EXPECT_EQ(description.schedule.state.note, "back on");

  ASSERT_TRUE(handle.Pause("maintenance").ok());
  description = Describe(handle);
  EXPECT_TRUE(description.schedule.state.paused);
  EXPECT_EQ(description.schedule.state.note, "maintenance");

  ASSERT_TRUE(handle.Unpause().ok());
  description = Describe(handle);
  EXPECT_FALSE(description.schedule.state.paused);
  EXPECT_EQ(description.schedule.state.note, "Unpaused via C++ SDK");
}

TEST_F(ScheduleClientTest, TriggerStartsARunAtOnceEvenWhilePaused) {
  StartWorker();
  temporal::ScheduleOptions options = Options("trigger", "triggered");
  options.schedule.state.paused = true;
  options.schedule.state.note = "only by hand";
  temporal::ScheduleHandle handle = Create(options);
  EXPECT_TRUE(Describe(handle).info.recent_actions.empty());
  ASSERT_TRUE(handle.Trigger(enums::SCHEDULE_OVERLAP_POLICY_ALLOW_ALL).ok());
  temporal::ScheduleDescription description = WaitForActions(handle, 1);
  ASSERT_EQ(description.info.recent_actions.size(), 1u);
  EXPECT_EQ(ResultOf(description.info.recent_actions[0]), "ran:triggered");
  description = Describe(handle);
  EXPECT_TRUE(description.schedule.state.paused);
  EXPECT_EQ(description.info.num_actions, 1);
}

TEST_F(ScheduleClientTest, BackfillOfThreeIntervalsStartsThreeRuns) {
  StartWorker();
  temporal::ScheduleOptions options = Options("backfill", "backfilled");
  options.schedule.spec.intervals = {{1min, 0ms}};
  options.schedule.state.paused = true;  // only the backfill acts
  temporal::ScheduleHandle handle = Create(options);

  // Three whole minutes some time ago: M, M+1, M+2 lie in [M - 30 s, M + 2 min + 30 s].
  const auto minute =
      std::chrono::floor<std::chrono::minutes>(Clock::now()) - std::chrono::minutes(10);
  temporal::ScheduleBackfill backfill;
  backfill.start = minute - 30s;
  backfill.end = minute + 2min + 30s;
  backfill.overlap = enums::SCHEDULE_OVERLAP_POLICY_ALLOW_ALL;
  ASSERT_TRUE(handle.Backfill({backfill}).ok());

  temporal::ScheduleDescription description = WaitForActions(handle, 3);
  ASSERT_EQ(description.info.recent_actions.size(), 3u);
  std::set<Clock::time_point> times;
  for (const auto& action : description.info.recent_actions) {
    times.insert(std::chrono::floor<std::chrono::seconds>(action.schedule_time));
    EXPECT_EQ(ResultOf(action), "ran:backfilled");
  }
  EXPECT_EQ(times, (std::set<Clock::time_point>{minute, minute + 1min, minute + 2min}));
  EXPECT_EQ(Describe(handle).info.num_actions, 3);
}

TEST_F(ScheduleClientTest, ListWithPageSizeOneFindsEverySchedule) {
  const std::string first = Create(Options("list-a", "a")).id();
  const std::string second = Create(Options("list-b", "b")).id();
  int pages = 0;
  std::set<std::string> found;
  // Visibility is eventually consistent: list again until both appear.
  const bool listed = WaitUntil(
      [&] {
        found.clear();
        pages = 0;
        std::string token;
        do {
          auto page = client_->ListSchedulesPage("", token, 1);
          if (!page.ok()) {
            ADD_FAILURE() << page.error();
            return true;
          }
          EXPECT_LE(page->schedules.size(), 1u);
          ++pages;
          for (const auto& entry : page->schedules) {
            if (entry.id == first || entry.id == second) {
              EXPECT_EQ(entry.workflow_type, "Scheduled");
              found.insert(entry.id);
            }
          }
          token = page->next_page_token;
        } while (!token.empty() && pages < 500);
        return found.size() == 2;
      },
      30s);
  EXPECT_TRUE(listed) << "found " << found.size() << " of 2 in " << pages << " pages";
  EXPECT_GE(pages, 2);

  auto all = client_->ListSchedules();
  ASSERT_TRUE(all.ok()) << all.error();
  std::set<std::string> ids;
  for (const auto& entry : *all) ids.insert(entry.id);
  EXPECT_EQ(ids.count(first) + ids.count(second), 2u);
}

TEST_F(ScheduleClientTest, UpdateReplacesTheSpecAndTheWorkflowArgs) {
  temporal::ScheduleHandle handle = Create(Options("update", "before"));
  int calls = 0;
  temporal::Status updated = handle.Update(
      [&](const temporal::ScheduleDescription& current) -> std::optional<temporal::ScheduleUpdate> {
        ++calls;
        EXPECT_EQ(temporal::FromPayload<std::string>(current.schedule.action.args.at(0)).value(),
                  "before");
        temporal::ScheduleUpdate update;
        update.schedule = current.schedule;
        update.schedule.spec.intervals = {{2h, 30min}};
        update.schedule.action.args = *temporal::ToPayloads(std::string("after"));
        update.schedule.state.note = "updated";
        return update;
      });
  ASSERT_TRUE(updated.ok()) << updated.error();
  EXPECT_EQ(calls, 1);
  temporal::ScheduleDescription description = Describe(handle);
  ASSERT_EQ(description.schedule.spec.intervals.size(), 1u);
  EXPECT_EQ(description.schedule.spec.intervals[0].every, 2h);
  EXPECT_EQ(description.schedule.spec.intervals[0].offset, 30min);
  ASSERT_EQ(description.schedule.action.args.size(), 1u);
  EXPECT_EQ(temporal::FromPayload<std::string>(description.schedule.action.args[0]).value(),
            "after");
  EXPECT_EQ(description.schedule.state.note, "updated");
  EXPECT_TRUE(description.info.last_updated_at.has_value());

  // An updater that returns nullopt changes nothing.
  ASSERT_TRUE(handle
                  .Update([](const temporal::ScheduleDescription&) {
                    return std::optional<temporal::ScheduleUpdate>();
                  })
                  .ok());
  EXPECT_EQ(Describe(handle).schedule.state.note, "updated");
}

TEST_F(ScheduleClientTest, UpdateDoesNotOverwriteAChangeMadeSinceItsDescribe) {
  temporal::ScheduleHandle handle = Create(Options("conflict", "conflict"));
  // Right after its creation a schedule may be described before it has a
  // conflict token (an empty one is not checked): first let it settle with a
  // change of its own, seen applied.
  ASSERT_TRUE(handle
                  .Update([](const temporal::ScheduleDescription& latest)
                              -> std::optional<temporal::ScheduleUpdate> {
                    temporal::ScheduleUpdate update;
                    update.schedule = latest.schedule;
                    update.schedule.state.note = "settled";
                    return update;
                  })
                  .ok());
  ASSERT_TRUE(WaitUntil([&] {
    temporal::ScheduleDescription settled = Describe(handle);
    return settled.schedule.state.note == "settled" && !settled.conflict_token.empty();
  }));
  temporal::Status stale = handle.Update([&](const temporal::ScheduleDescription& current)
                                             -> std::optional<temporal::ScheduleUpdate> {
    // Another client changes the schedule between our describe and our update.
    temporal::Status concurrent = handle.Update(
        [](const temporal::ScheduleDescription& latest) -> std::optional<temporal::ScheduleUpdate> {
          temporal::ScheduleUpdate update;
          update.schedule = latest.schedule;
          update.schedule.state.note = "concurrent";
          return update;
        });
    EXPECT_TRUE(concurrent.ok()) << concurrent.error();
    // The server applies updates asynchronously: the concurrent change
    // is in place (and has a new token) before the stale one is sent.
    EXPECT_TRUE(WaitUntil([&] { return Describe(handle).schedule.state.note == "concurrent"; }));
    temporal::ScheduleUpdate update;
    update.schedule = current.schedule;
    update.schedule.spec.intervals = {{3h, 0ms}};
    update.schedule.state.note = "stale";
    return update;
  });
  // Whether the server says so or drops the stale update silently depends on
  // its version; either way the concurrent change stands. A pause sent after
  // it is applied after it, so once the pause shows, so would the stale update.
  if (!stale.ok()) std::cout << "stale update refused: " << stale.error() << "\n";
  ASSERT_TRUE(handle.Pause("after").ok());
  temporal::ScheduleDescription description;
  EXPECT_TRUE(WaitUntil([&] {
    description = Describe(handle);
    return description.schedule.state.paused;
  }));
  ASSERT_EQ(description.schedule.spec.intervals.size(), 1u);
  EXPECT_EQ(description.schedule.spec.intervals[0].every, 1h)
      << "note " << description.schedule.state.note;
}

TEST_F(ScheduleClientTest, DeletedScheduleIsNotFound) {
  temporal::ScheduleHandle handle = Create(Options("delete", "delete"));
  ASSERT_TRUE(handle.Describe().ok());
  ASSERT_TRUE(handle.Delete().ok());
  auto description = handle.Describe();
  ASSERT_FALSE(description.ok());
  EXPECT_EQ(description.error().code(), ErrorCode::kNotFound) << description.error();
  auto missing = client_->GetScheduleHandle(UniqueId("never-created")).Describe();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound) << missing.error();
}

TEST_F(ScheduleClientTest, DuplicateIdIsAlreadyExists) {
  temporal::ScheduleOptions options = Options("duplicate", "first");
  Create(options);
  options.schedule.action.args = *temporal::ToPayloads(std::string("second"));
  options.request_id.clear();
  auto again = client_->CreateSchedule(options);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists) << again.error();
  EXPECT_NE(again.error().message().find(options.id), std::string::npos) << again.error();
  // The first definition stands.
  temporal::ScheduleDescription description = Describe(client_->GetScheduleHandle(options.id));
  EXPECT_EQ(temporal::FromPayload<std::string>(description.schedule.action.args.at(0)).value(),
            "first");
}

TEST_F(ScheduleClientTest, InvalidOptionsAreRefusedBeforeAnyCall) {
  temporal::ScheduleOptions options = Options("invalid", "x");
  options.schedule.action.workflow_type.clear();
  auto created = client_->CreateSchedule(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code(), ErrorCode::kInvalidArgument);
  options = Options("invalid", "x");
  options.schedule.spec.intervals = {{0ms, 0ms}};
  created = client_->CreateSchedule(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
