// Requests for resources over HTTP, end to end: the API starts
// ProvisionApplication, the workflows run in this process (on a task queue
// of the test's own, with the API's approval key), the OpenTofu runner that
// scripts/test starts plans and applies the local-site template, and the
// requester follows it with long-polls woken by PostgreSQL NOTIFY.
#include "workflow_fixture.h"

namespace provisio_api_test {
namespace {

class ApplicationsTest : public WorkflowApiTest {
 protected:
  static void SetUpTestSuite() {
    UseSharedDatabase();  // the runner's progress rows
    ApiTest::SetUpTestSuite();
  }
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

namespace provisio_api_test {
namespace {

TEST_F(ApplicationRequestTest, ARetriedPostWithTheSameIdempotencyKeyGetsTheFirstRequest) {
  HttpClient requester = SignedIn(User("requester"));
  const nlohmann::json body = {{"team", Team()},
                               {"application", "idem-" + RandomHex(6)},
                               {"template", "local-site"},
                               {"parameters", {{"site_name", "idem-site"}}}};
  const auto post = [&](const std::string& key) {
    return requester.Send(http::verb::post, "/api/applications", body, {{"Idempotency-Key", key}});
  };
  const std::string key = "retry-" + RandomHex(8);
  Reply first = post(key);
  ASSERT_EQ(first.status, 201) << first.body;
  Reply again = post(key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Json()["id"], first.Json()["id"]);
  EXPECT_EQ(again.Json()["runId"], first.Json()["runId"]);
  Reply other = post("another-" + RandomHex(8));
  ASSERT_EQ(other.status, 201) << other.body;
  EXPECT_NE(other.Json()["id"], first.Json()["id"]);
  EXPECT_EQ(post("has a space").Json()["field"], "Idempotency-Key");

  // Nothing serves this suite's task queue: end the runs it started.
  temporal::ClientOptions options;
  options.target_host = Env("TEMPORAL_ADDRESS");
  auto client = temporal::Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.error();
  for (const Reply* started : {&first, &other}) {
    const std::string id = started->Json()["id"];
    EXPECT_TRUE(client->GetHandle(id).Terminate("idempotency test done").ok());
  }
}

}  // namespace
}  // namespace provisio_api_test
