// `provisio stack recover` (operations/stack_recovery.h): a provisioned
// stack's entity records itself in the stack registry; after Temporal's data
// is lost (a fresh dev server, the same PostgreSQL), the recovery starts the
// entity again with its last good configuration, owner and template, and
// creates its drift schedule (provisioning_fixture.h says what runs).
#include "operations/stack_recovery.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "provisioning_fixture.h"

namespace provisio_test {
namespace {

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class StackRecoveryTest : public ProvisioningTest {
 protected:
  // A second dev server with nothing in it: Temporal's data, lost.
  void StartFreshServer() {
    port_ = FreePort();
    state_ = fs::temp_directory_path() / ("provisio-recover-" + Random(8));
    fs::create_directories(state_);
    ASSERT_EQ(std::system((DevServer() + " start --headless" + Where()).c_str()), 0);
    temporal::ClientOptions options;
    options.target_host = "127.0.0.1:" + std::to_string(port_);
    options.data_converter = Converter();
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    fresh_client_ = std::make_unique<temporal::Client>(std::move(*client));
    fresh_environment_ = environment_;
    fresh_environment_.client = fresh_client_.get();
    temporal::WorkerOptions worker_options;
    worker_options.task_queue = task_queue_;
    fresh_worker_ = std::make_unique<temporal::Worker>(*fresh_client_, worker_options);
    provisio::workflows::RegisterProvisioningWorkflows(*fresh_worker_, settings_);
    provisio::activities::RegisterProvisioningActivities(*fresh_worker_, fresh_environment_);
    ASSERT_TRUE(fresh_worker_->Start().ok());
  }
  void TearDown() override {
    if (fresh_worker_) {
      fresh_worker_->Shutdown();
      fresh_worker_.reset();
    }
    fresh_client_.reset();
    if (port_ != 0) {
      (void)std::system((DevServer() + " stop" + Where()).c_str());
      fs::remove_all(state_);
    }
    ProvisioningTest::TearDown();
  }
  static std::string DevServer() {
    return std::string(PROVISIO_SOURCE_DIR) + "/scripts/dev-server";
  }
  std::string Where() const {
    return " --port " + std::to_string(port_) + " --state-dir " + state_.string() +
           " >/dev/null 2>&1";
  }

  int port_ = 0;
  fs::path state_;
  std::unique_ptr<temporal::Client> fresh_client_;
  provisio::activities::ActivityEnvironment fresh_environment_;
  std::unique_ptr<temporal::Worker> fresh_worker_;
};

TEST_F(StackRecoveryTest, RecoverRebuildsTheEntityAndItsDriftScheduleAfterTemporalsDataIsLost) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  ASSERT_TRUE(Authorize(handle, Decision(application, "bob", "approve", *waiting.plan_hash)));
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  started_.push_back("stack/" + application);

  // The entity recorded its first good apply in the registry.
  std::vector<std::string> recorded;
  for (int i = 0; i < 300; ++i) {
    recorded = Column(
        "SELECT state->>'lastGoodPlanHash' FROM stack_registry WHERE stack = $1 AND NOT destroyed",
        {application});
    if (!recorded.empty() && recorded[0] == result->plan_hash) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(recorded, std::vector<std::string>{result->plan_hash});
  auto before =
      client_->GetHandle("stack/" + application).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(before.ok()) << before.error();

  StartFreshServer();
  ASSERT_FALSE(fresh_client_->GetHandle("stack/" + application).Describe().ok())
      << "the fresh server knows the stack already";
  auto db = Connection::Open(ConnInfo(database_));
  ASSERT_TRUE(db.ok()) << db.error();
  auto report = provisio::operations::RecoverStacks(*db, *fresh_client_);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_NE(std::find(report->started.begin(), report->started.end(), application),
            report->started.end());

  // The entity answers with the state it had.
  std::optional<provisio::model::StackState> after;
  for (int i = 0; i < 300 && !after; ++i) {
    auto answer = fresh_client_->GetHandle("stack/" + application)
                      .Query<provisio::model::StackState>("GetStack");
    if (answer.ok())
      after = *answer;
    else
      std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(after.has_value()) << "the recovered entity never answered GetStack";
  EXPECT_EQ(after->stack, application);
  EXPECT_EQ(after->template_name, "local-site");
  EXPECT_EQ(after->last_good_plan_hash, before->last_good_plan_hash);
  EXPECT_EQ(after->template_hash, before->template_hash);
  EXPECT_EQ(after->owner, std::optional<std::string>("alice"));
  ASSERT_TRUE(after->last_good.has_value());
  EXPECT_EQ(nlohmann::json(*after->last_good), nlohmann::json(*before->last_good));
  EXPECT_TRUE(after->queue.empty());
  EXPECT_FALSE(after->holder.has_value());
  EXPECT_FALSE(after->destroyed);

  // And its drift schedule exists again, starting DetectDrift on the same queue.
  auto schedule = fresh_client_->GetScheduleHandle("drift/" + application).Describe();
  ASSERT_TRUE(schedule.ok()) << schedule.error();
  EXPECT_EQ(schedule->schedule.action.workflow_type, "DetectDrift");
  EXPECT_EQ(schedule->schedule.action.task_queue, task_queue_);
  ASSERT_EQ(schedule->schedule.spec.intervals.size(), 1u);
  EXPECT_EQ(schedule->schedule.spec.intervals[0].every, std::chrono::hours(1));

  // Running it again changes nothing.
  auto again = provisio::operations::RecoverStacks(*db, *fresh_client_);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_NE(std::find(again->running.begin(), again->running.end(), application),
            again->running.end());
  EXPECT_EQ(std::find(again->started.begin(), again->started.end(), application),
            again->started.end());

  (void)fresh_client_->GetScheduleHandle("drift/" + application).Delete();
  (void)fresh_client_->GetHandle("stack/" + application).Terminate("test over");
}

}  // namespace
}  // namespace provisio_test
