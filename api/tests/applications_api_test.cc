// Requests for resources over HTTP, end to end: the API starts
// ProvisionApplication, the workflows run in this process (on a task queue
// of the test's own, with the API's approval key), the OpenTofu runner that
// scripts/test starts plans and applies the local-site template, and the
// requester follows it with long-polls woken by PostgreSQL NOTIFY.
#include <filesystem>
#include <fstream>
#include <future>

#include "activities/register_activities.h"
#include "api_fixture.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/worker.h"
#include "workflows/provision_application.h"

namespace provisio_api_test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace enums = temporal::api::enums::v1;

class ApplicationsTest : public ApiTest {
 protected:
  static void SetUpTestSuite() {
    UseSharedDatabase();  // the runner's progress rows
    ApiTest::SetUpTestSuite();
  }

  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    if (Env("PROVISIO_RUNNER_READY").empty())
      GTEST_FAIL()
          << "run with scripts/test: it starts the OpenTofu runner (PROVISIO_RUNNER_READY)";
    temporal::ClientOptions options;
    options.target_host = Env("TEMPORAL_ADDRESS");
    if (!Env("PROVISIO_CODEC_KEY_HEX").empty()) {
      auto key = temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_CODEC_KEY_HEX"));
      ASSERT_TRUE(key.ok()) << key.error();
      auto codec = temporal::AesGcmCodec::Create(Env("PROVISIO_CODEC_KEY_ID"), *key);
      ASSERT_TRUE(codec.ok()) << codec.error();
      options.data_converter.AddCodec(*codec);
    }
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    settings_.approval_key = config_.approval_key;
    environment_.conninfo = ConnInfo(database_);
    environment_.templates_dir = templates_dir_;
    environment_.client = client_.get();
    temporal::WorkerOptions worker_options;
    worker_options.task_queue = config_.task_queue;
    worker_ = std::make_unique<temporal::Worker>(*client_, worker_options);
    provisio::workflows::RegisterProvisioningWorkflows(*worker_, settings_);
    provisio::activities::RegisterProvisioningActivities(*worker_, environment_);
    ASSERT_TRUE(worker_->Start().ok());
  }

  void TearDown() override {
    // A stack keeps a drift schedule; the test's must not outlive its worker.
    for (const std::string& stack : stacks_)
      if (client_) (void)client_->GetScheduleHandle("drift/" + stack).Delete();
    if (worker_) worker_->Shutdown();
    ApiTest::TearDown();
  }

  // Requests a local site as the requester; returns the application id.
  std::string Request(HttpClient& requester, const std::string& application) {
    stacks_.push_back(application);
    Reply created =
        requester.Post("/api/applications",
                       {{"team", Team()},
                        {"application", application},
                        {"template", "local-site"},
                        {"parameters", {{"site_name", application}, {"greeting", "Hello, API"}}}});
    EXPECT_EQ(created.status, 201) << created.body;
    const std::string id = created.Json().value("id", "");
    EXPECT_EQ(created.Header("location"), "/api/applications/" + id);
    EXPECT_EQ(id.rfind(application + "-", 0), 0u) << id;
    return id;
  }

  // Follows the request with long-polls until it reaches `status`.
  nlohmann::json WaitForStatus(HttpClient& client, const std::string& id, const std::string& status,
                               std::chrono::seconds limit = 180s) {
    std::int64_t version = 0;
    nlohmann::json view;
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      Reply reply =
          client.Get("/api/applications/" + id + "?waitAfterVersion=" + std::to_string(version));
      EXPECT_EQ(reply.status, 200) << reply.body;
      if (reply.status != 200) break;
      view = reply.Json();
      if (view["state"]["status"] == status) return view;
      version = view["version"];
    }
    ADD_FAILURE() << id << " never reached " << status << "; last: " << view.dump();
    return view;
  }

  int UpdatesAccepted(const std::string& id) {
    auto history = client_->GetHandle(id).FetchHistory();
    EXPECT_TRUE(history.ok()) << history.error();
    int accepted = 0;
    if (history.ok())
      for (const auto& event : history->events())
        if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) ++accepted;
    return accepted;
  }

  nlohmann::json Decision(const std::string& decision, const std::string& plan_hash,
                          const std::string& reason = "looks right") {
    return {{"decision", decision}, {"planHash", plan_hash}, {"reason", reason}};
  }

  provisio::workflows::ProvisionSettings settings_;
  provisio::activities::ActivityEnvironment environment_;
  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::vector<std::string> stacks_;
};

TEST_F(ApplicationsTest, TheAuthorizerApprovesOverHttpAndLongPollsFollowItToProvisioned) {
  HttpClient requester = SignedIn(User("requester"));
  const std::string application = "site-" + RandomHex(8);
  const std::string id = Request(requester, application);
  const nlohmann::json waiting = WaitForStatus(requester, id, "AWAITING_AUTHORIZATION");
  const std::string plan = waiting["state"]["planHash"];
  ASSERT_EQ(plan.size(), 64u);
  EXPECT_FALSE(waiting["state"]["planSummary"].empty());
  EXPECT_EQ(waiting["state"]["requester"], User("requester"));

  // Who may not decide: the requester and a teammate without the role
  // (403, and why); an outsider cannot even see it (404); a plan that is
  // not the current one (409). None of them reaches the workflow.
  Reply own = requester.Post("/api/applications/" + id + "/authorize", Decision("approve", plan));
  EXPECT_EQ(own.status, 403) << own.body;
  EXPECT_EQ(own.Json()["detail"], "you requested this and may not decide on it");
  HttpClient mate = SignedIn(User("mate"));
  Reply unroled = mate.Post("/api/applications/" + id + "/authorize", Decision("approve", plan));
  EXPECT_EQ(unroled.status, 403) << unroled.body;
  EXPECT_NE(unroled.Json()["detail"].get<std::string>().find("needs one of the roles " +
                                                             AuthorizerRole()),
            std::string::npos);
  HttpClient outsider = SignedIn(User("outsider"));
  EXPECT_EQ(
      outsider.Post("/api/applications/" + id + "/authorize", Decision("approve", plan)).status,
      404);
  EXPECT_EQ(outsider.Get("/api/applications/" + id).status, 404);
  HttpClient authorizer = SignedIn(User("authorizer"));
  Reply stale = authorizer.Post("/api/applications/" + id + "/authorize",
                                Decision("approve", std::string(64, '0')));
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(UpdatesAccepted(id), 0);

  // Long-polls already waiting (the requester, a teammate, another
  // authorizer) wake when the decision lands.
  const std::int64_t version = waiting["version"];
  std::vector<std::future<std::pair<Reply, Clock::time_point>>> polls;
  for (const char* user : {"requester", "mate", "authorizer2"}) {
    polls.push_back(std::async(std::launch::async, [this, user, id, version] {
      HttpClient client = SignedIn(User(user));
      Reply reply =
          client.Get("/api/applications/" + id + "?waitAfterVersion=" + std::to_string(version));
      return std::make_pair(reply, Clock::now());
    }));
  }
  std::this_thread::sleep_for(1500ms);
  for (auto& poll : polls) ASSERT_EQ(poll.wait_for(0s), std::future_status::timeout);
  const auto decided = Clock::now();
  Reply approved =
      authorizer.Post("/api/applications/" + id + "/authorize", Decision("approve", plan));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.Json()["result"], "recorded");
  for (auto& poll : polls) {
    auto [reply, answered] = poll.get();
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_GT(reply.Json()["version"].get<std::int64_t>(), version);
    EXPECT_LT(answered - decided, 10s) << "woken by NOTIFY";
  }
  // The waiters sent the workflow nothing: one update, the decision.
  EXPECT_EQ(UpdatesAccepted(id), 1);

  const nlohmann::json done = WaitForStatus(requester, id, "PROVISIONED");
  ASSERT_EQ(done["state"]["approvals"].size(), 1u);
  EXPECT_EQ(done["state"]["approvals"][0]["user"], User("authorizer"));
  EXPECT_EQ(done["state"]["approvals"][0]["reason"], "looks right");
  ASSERT_FALSE(done["progress"].empty()) << done.dump();
  for (const auto& row : done["progress"]) {
    EXPECT_EQ(row["status"], "complete") << row.dump();
    EXPECT_EQ(row["planHash"], plan);
  }
  const std::filesystem::path index =
      std::filesystem::path(Env("PROVISIO_LOCAL_ROOT")) / application / application / "index.html";
  std::ifstream file(index);
  const std::string page((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("Hello, API"), std::string::npos) << index;
  EXPECT_EQ(
      Sql("SELECT actor FROM audit_events WHERE workflow_id = $1 AND action = 'approve'", {id}),
      std::vector<std::string>{User("authorizer")});

  // Decided: a second authorizer is too late.
  HttpClient second = SignedIn(User("authorizer2"));
  Reply late = second.Post("/api/applications/" + id + "/authorize", Decision("approve", plan));
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_NE(late.Json()["detail"].get<std::string>().find("not awaiting authorization"),
            std::string::npos);
}

TEST_F(ApplicationsTest, ARejectionEndsTheRequestWithTheReason) {
  HttpClient requester = SignedIn(User("requester"));
  const std::string id = Request(requester, "site-" + RandomHex(8));
  const nlohmann::json waiting = WaitForStatus(requester, id, "AWAITING_AUTHORIZATION");
  HttpClient authorizer = SignedIn(User("authorizer2"));
  Reply rejected = authorizer.Post("/api/applications/" + id + "/authorize",
                                   Decision("reject", waiting["state"]["planHash"], "not now"));
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  const nlohmann::json done = WaitForStatus(requester, id, "REJECTED");
  EXPECT_EQ(done["state"]["error"], "not now");
  EXPECT_TRUE(done["progress"].empty());
}

class ApplicationRequestTest : public ApiTest {};

TEST_F(ApplicationRequestTest, WhatTheApiCanTellAtOnceIsRefusedBeforeAnyWorkflowStarts) {
  HttpClient requester = SignedIn(User("requester"));
  const auto request = [&](const std::string& team, const std::string& template_name,
                           nlohmann::json parameters) {
    return requester.Post("/api/applications", {{"team", team},
                                                {"application", "refused-" + RandomHex(6)},
                                                {"template", template_name},
                                                {"parameters", parameters}});
  };
  Reply other_team = request("payments-" + RandomHex(4), "local-site", {{"site_name", "abc"}});
  EXPECT_EQ(other_team.status, 403) << other_team.body;
  EXPECT_EQ(other_team.Json()["type"], "urn:provisio:problem:not-a-team-member");
  Reply no_template = request(Team(), "no-such-template", {{"site_name", "abc"}});
  EXPECT_EQ(no_template.status, 400);
  EXPECT_EQ(no_template.Json()["field"], "template");
  Reply unknown = request(Team(), "local-site", {{"site_name", "abc"}, {"colour", "red"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.Json()["field"], "parameters.colour");
  EXPECT_NE(
      unknown.Json()["detail"].get<std::string>().find("its parameters are site_name, greeting"),
      std::string::npos);
  Reply missing = request(Team(), "local-site", {{"greeting", "hi"}});
  EXPECT_EQ(missing.Json()["field"], "parameters.site_name");
  Reply pattern = request(Team(), "local-site", {{"site_name", "Not A Name"}});
  EXPECT_EQ(pattern.Json()["field"], "parameters.site_name");
  EXPECT_NE(pattern.Json()["detail"].get<std::string>().find("site_name must be 3 to 63"),
            std::string::npos);
  Reply typed = request(Team(), "local-site", {{"site_name", 12}});
  EXPECT_NE(typed.Json()["detail"].get<std::string>().find("must be a string"), std::string::npos);
}

}  // namespace
}  // namespace provisio_api_test
