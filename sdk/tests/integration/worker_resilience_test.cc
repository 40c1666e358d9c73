// The activity worker when its server goes away and comes back: polls fail,
// are retried with capped backoff, the outage is logged once, the recovery
// once, and polling resumes. Runs a dev server of its own, which it stops and
// restarts (scripts/dev-server), so the shared test server is not disturbed.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "dev_server.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/client/client.h"
#include "temporal/worker/worker.h"

namespace {

using provisio::testing::UniqueId;

class OwnDevServer {
 public:
  OwnDevServer() : port_(provisio::testing::FreePort()) {
    const char* state = std::getenv("PROVISIO_TEST_STATE");
    state_dir_ = std::string(state != nullptr ? state : "/tmp") + "/" + UniqueId("resilience");
  }
  ~OwnDevServer() { Stop(); }
  // Empty long polls return after 3 s instead of a minute, so the worker sees a
  // successful poll (and logs its recovery) soon after the restart.
  bool Start() {
    return Run("start --headless --db " + state_dir_ +
               "/temporal.sqlite --dynamic-config matching.longPollExpirationInterval='\"3s\"'");
  }
  bool Stop() { return Run("stop"); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  bool Run(const std::string& verb) {
    const std::string command = std::string(PROVISIO_SOURCE_DIR) + "/scripts/dev-server " + verb +
                                " --port " + std::to_string(port_) + " --state-dir " + state_dir_ +
                                " >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
  }
  int port_;
  std::string state_dir_;
};

int CountContaining(const std::vector<std::string>& lines, const std::string& needle) {
  int count = 0;
  for (const auto& line : lines) count += line.find(needle) != std::string::npos;
  return count;
}

// Whether the server has seen a poll on `task_queue` since `since`.
bool SawPollSince(temporal::api::workflowservice::v1::WorkflowService::Stub& stub,
                  const std::string& task_queue, std::int64_t since_seconds) {
  temporal::api::workflowservice::v1::DescribeTaskQueueRequest request;
  request.set_namespace_("default");
  request.mutable_task_queue()->set_name(task_queue);
  request.set_task_queue_type(temporal::api::enums::v1::TASK_QUEUE_TYPE_ACTIVITY);
  temporal::api::workflowservice::v1::DescribeTaskQueueResponse response;
  grpc::ClientContext context;
  context.set_deadline(provisio::testing::Deadline(5));
  if (!stub.DescribeTaskQueue(&context, request, &response).ok()) return false;
  for (const auto& poller : response.pollers()) {
    if (poller.identity() == "resilience-worker" &&
        poller.last_access_time().seconds() >= since_seconds)
      return true;
  }
  return false;
}

TEST(WorkerResilienceTest, PollsRetryThroughAServerOutageAndLogOncePerStateChange) {
  REQUIRE_DEV_SERVER();
  OwnDevServer server;
  ASSERT_TRUE(server.Start());

  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
  auto previous_logger = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("resilience", sink));

  temporal::ClientOptions client_options;
  client_options.target_host = server.address();
  auto client = temporal::Client::Connect(client_options);
  ASSERT_TRUE(client.ok()) << client.error();
  temporal::WorkerOptions options;
  options.task_queue = UniqueId("resilience");
  options.identity = "resilience-worker";
  options.poll_backoff_initial = std::chrono::milliseconds(50);
  options.poll_backoff_maximum = std::chrono::milliseconds(400);
  temporal::Worker worker(*client, options);
  worker.RegisterActivity("Noop", [] { return 1; });
  ASSERT_TRUE(worker.Start().ok());

  ASSERT_TRUE(server.Stop());
  // Many polls fail during the outage (backoff is capped at 400 ms)...
  std::this_thread::sleep_for(std::chrono::seconds(3));
  std::vector<std::string> during = sink->last_formatted();
  EXPECT_EQ(CountContaining(during, "polling failed"), 1)
      << "the outage must be logged once, not per poll";

  ASSERT_TRUE(server.Start());
  const auto restarted = std::chrono::system_clock::now();
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto stub = temporal::api::workflowservice::v1::WorkflowService::NewStub(channel);
  const auto restarted_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(restarted.time_since_epoch()).count();
  bool polled = false;
  for (int attempt = 0; attempt < 150 && !polled; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    polled = SawPollSince(*stub, options.task_queue, restarted_seconds);
  }
  EXPECT_TRUE(polled) << "the restarted server saw no poll from the worker";
  bool recovered = false;
  for (int attempt = 0; attempt < 100 && !recovered; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    recovered = CountContaining(sink->last_formatted(), "polling recovered") == 1;
  }
  EXPECT_TRUE(recovered) << "the recovery was not logged";
  std::vector<std::string> after = sink->last_formatted();
  EXPECT_EQ(CountContaining(after, "polling failed"), 1);
  EXPECT_EQ(CountContaining(after, "polling recovered"), 1);

  worker.Shutdown();
  spdlog::set_default_logger(previous_logger);
}

}  // namespace
