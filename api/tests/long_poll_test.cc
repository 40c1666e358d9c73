// Long-polls of GET /api/applications/{id}?waitAfterVersion=N, woken by the
// API's one LISTEN connection when request_states or apply_progress get a
// row, and graceful shutdown with long-polls in flight. The request here is
// one whose workflow is gone from Temporal: its recorded state (the
// "database" source) is what the API shows, so no worker is needed.
#include <future>

#include "api_fixture.h"
#include "model/provision_request.h"

namespace provisio_api_test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class LongPollTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    id_ = "recorded-" + RandomHex(10);
    Record(1, "AWAITING_AUTHORIZATION");
  }

  // Records version `version` of the request's state, as RecordState does.
  void Record(std::int64_t version, const std::string& status) {
    provisio::model::RequestState state;
    state.status = status;
    state.version = version;
    state.application_id = id_;
    state.requester = User("requester");
    state.team = Team();
    state.template_name = "local-site";
    state.policy = provisio::model::ApprovalPolicy{{"platform-admin"}, 1, false};
    Sql("INSERT INTO request_states (workflow_id, version, status, state)"
        " VALUES ($1, $2, $3, $4::jsonb) RETURNING version",
        {id_, std::to_string(version), status, nlohmann::json(state).dump()});
  }

  void Progress(const std::string& address, const std::string& status, int done,
                std::int64_t version) {
    Sql("INSERT INTO apply_progress (workflow_id, stack, plan_hash, address, action, status,"
        " done, total, version) VALUES ($1, 'stack', $2, $3, 'create', $4, $5, 2, $6)"
        " ON CONFLICT (workflow_id, plan_hash, address) DO UPDATE SET status = EXCLUDED.status,"
        " done = EXCLUDED.done, version = EXCLUDED.version RETURNING version",
        {id_, std::string(64, 'a'), address, status, std::to_string(done),
         std::to_string(version)});
  }

  std::string Target(std::int64_t after) {
    return "/api/applications/" + id_ + "?waitAfterVersion=" + std::to_string(after);
  }

  std::string id_;
};

TEST_F(LongPollTest, AnAnswerComesAtOnceWhenTheVersionIsAlreadyNewer) {
  HttpClient client = SignedIn(User("requester"));
  const auto started = Clock::now();
  Reply reply = client.Get(Target(0));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_LT(Clock::now() - started, 2s);
  EXPECT_EQ(reply.Json()["version"], 1);
  EXPECT_EQ(reply.Json()["source"], "database");
  EXPECT_EQ(reply.Json()["state"]["status"], "AWAITING_AUTHORIZATION");
}

TEST_F(LongPollTest, EveryWaiterOfTheRequestWakesOnOneNotify) {
  constexpr int kWaiters = 20;
  std::vector<std::future<std::pair<Reply, Clock::time_point>>> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.push_back(std::async(std::launch::async, [this, i] {
      HttpClient client = SignedIn(User(i % 2 == 0 ? "requester" : "authorizer"));
      Reply reply = client.Get(Target(1));
      return std::make_pair(reply, Clock::now());
    }));
  }
  // Wait until they all wait (sign-in takes a tenth of a second each).
  const auto until = Clock::now() + 30s;
  while (Clock::now() < until) {
    std::promise<std::size_t> waiting;
    auto count = waiting.get_future();
    boost::asio::post(api_->services().feed.executor(),
                      [&] { waiting.set_value(api_->services().feed.waiting()); });
    if (count.get() == kWaiters) break;
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(300ms);
  for (auto& waiter : waiters)
    ASSERT_EQ(waiter.wait_for(0s), std::future_status::timeout) << "answered before any change";

  const auto changed = Clock::now();
  Record(2, "QUEUED");
  for (auto& waiter : waiters) {
    auto [reply, answered] = waiter.get();
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.Json()["version"], 2);
    EXPECT_EQ(reply.Json()["state"]["status"], "QUEUED");
    EXPECT_LT(answered - changed, 3s) << "woken by the NOTIFY, not by the long-poll's end";
  }
}

TEST_F(LongPollTest, ProgressRowsWakeWaitersAndCountInTheVersion) {
  HttpClient client = SignedIn(User("requester"));
  auto waiting = std::async(std::launch::async, [&] { return client.Get(Target(1)); });
  std::this_thread::sleep_for(500ms);
  Progress("local_file.index", "started", 0, 1);
  Reply first = waiting.get();
  ASSERT_EQ(first.status, 200) << first.body;
  const std::int64_t version = first.Json()["version"];
  EXPECT_EQ(version, 2) << "state version 1 plus progress version 1";
  ASSERT_EQ(first.Json()["progress"].size(), 1u);
  EXPECT_EQ(first.Json()["progress"][0]["status"], "started");

  auto next = std::async(std::launch::async, [&] { return client.Get(Target(version)); });
  std::this_thread::sleep_for(500ms);
  Progress("local_file.index", "complete", 1, 2);
  Reply second = next.get();
  EXPECT_EQ(second.Json()["version"], 3);
  EXPECT_EQ(second.Json()["progress"][0]["status"], "complete");
  EXPECT_EQ(second.Json()["progress"][0]["done"], 1);
}

TEST_F(LongPollTest, WithoutAChangeItAnswersAfterTheLongPollTimeWithTheSameVersion) {
  StopApi();
  StartApi([](ApiConfig& config) { config.long_poll = 2s; });
  HttpClient client = SignedIn(User("requester"));
  const auto started = Clock::now();
  Reply reply = client.Get(Target(1));
  const auto waited = Clock::now() - started;
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["version"], 1);
  EXPECT_GE(waited, 1900ms);
  EXPECT_LT(waited, 5s);
}

TEST_F(LongPollTest, OnlyThoseWhoMaySeeARequestCanWaitOnIt) {
  HttpClient outsider = SignedIn(User("outsider"));
  const auto started = Clock::now();
  Reply hidden = outsider.Get(Target(1));
  EXPECT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_LT(Clock::now() - started, 2s) << "refused before waiting";
  // Teammates, authorizers of the policy's roles and operators may.
  for (const char* user : {"mate", "authorizer", "operator"})
    EXPECT_EQ(SignedIn(User(user)).Get(Target(0)).status, 200) << user;
  EXPECT_EQ(SignedIn(User("requester")).Get("/api/applications/no-such-" + RandomHex(6)).status,
            404);
}

TEST_F(LongPollTest, ShutdownAnswersLongPollsInFlightThenStops) {
  HttpClient client = SignedIn(User("requester"));
  auto waiting = std::async(std::launch::async, [&] { return client.Get(Target(1)); });
  std::this_thread::sleep_for(700ms);
  const auto stopping = Clock::now();
  api_->Shutdown();
  Reply reply = waiting.get();
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["version"], 1);
  EXPECT_EQ(reply.Header("connection"), "close");
  EXPECT_LT(Clock::now() - stopping, 5s);
  api_thread_.join();  // Run returned: every connection is closed
  EXPECT_THROW(Client().Get("/healthz"), boost::system::system_error) << "no longer accepting";
  api_.reset();
}

}  // namespace
}  // namespace provisio_api_test
