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
  // The timeline: each change of status once, in order, with its recorded time.
  const nlohmann::json& timeline = done["timeline"];
  ASSERT_GE(timeline.size(), 4u) << done.dump();
  EXPECT_EQ(timeline.front()["status"], "VALIDATING");
  EXPECT_EQ(timeline.back()["status"], "PROVISIONED");
  bool awaited = false;
  for (std::size_t i = 0; i < timeline.size(); ++i) {
    awaited = awaited || timeline[i]["status"] == "AWAITING_AUTHORIZATION";
    if (i == 0) continue;
    EXPECT_NE(timeline[i]["status"], timeline[i - 1]["status"]) << timeline.dump();
    EXPECT_GT(timeline[i]["version"], timeline[i - 1]["version"]) << timeline.dump();
    EXPECT_GE(timeline[i]["at"].get<std::string>(), timeline[i - 1]["at"].get<std::string>())
        << timeline.dump();
  }
  EXPECT_TRUE(awaited) << timeline.dump();
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

TEST_F(ApplicationsTest, NoDecisionBeforeTheDeadlineEndsTheRequestTimedOut) {
  HttpClient requester = SignedIn(User("requester"));
  const std::string id =
      Request(requester, "site-" + RandomHex(8), {{"authorizationTimeoutSeconds", 3}});
  const nlohmann::json waiting = WaitForStatus(requester, id, "AWAITING_AUTHORIZATION");
  // The long-poll follows it past the deadline without anyone deciding.
  const nlohmann::json done = WaitForStatus(requester, id, "AUTHORIZATION_TIMED_OUT");
  EXPECT_EQ(done["state"]["error"], "no decision within 3 s");
  EXPECT_TRUE(done["state"]["approvals"].empty());
  EXPECT_TRUE(done["progress"].empty()) << "nothing was applied";
  // Too late to decide now: 409, and the workflow never hears of it.
  HttpClient authorizer = SignedIn(User("authorizer"));
  Reply late = authorizer.Post("/api/applications/" + id + "/authorize",
                               Decision("approve", waiting["state"]["planHash"]));
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(UpdatesAccepted(id), 0);
}

TEST_F(ApplicationsTest, ARequestThatNamesItsAuthorizerIsDecidedByThemAlone) {
  HttpClient requester = SignedIn(User("requester"));
  // Who may be named: the holders of local-site's approval role, by id.
  Reply listed = requester.Get("/api/templates/local-site/authorizers");
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::vector<std::string> listed_ids;
  const nlohmann::json authorizers = listed.Json();
  for (const auto& authorizer : authorizers["authorizers"]) {
    listed_ids.push_back(authorizer["user"]);
    EXPECT_NE(std::find(authorizer["roles"].begin(), authorizer["roles"].end(), AuthorizerRole()),
              authorizer["roles"].end());
  }
  EXPECT_EQ(listed_ids, (std::vector<std::string>{User("authorizer"), User("authorizer2")}))
      << listed.body;
  EXPECT_EQ(requester.Get("/api/templates/no-such-template/authorizers").status, 404);

  // Names that cannot decide are refused before anything starts.
  const auto refused = [&](nlohmann::json approvers, const std::string& detail) {
    Reply reply =
        requester.Post("/api/applications", {{"team", Team()},
                                             {"application", "named-" + RandomHex(6)},
                                             {"template", "local-site"},
                                             {"parameters", {{"site_name", "named-site"}}},
                                             {"approvers", approvers}});
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(reply.Json()["field"], "approvers") << reply.body;
    EXPECT_NE(reply.Json()["detail"].get<std::string>().find(detail), std::string::npos)
        << reply.body;
  };
  refused(nlohmann::json::array({User("mate")}), "is not a user holding one of the roles");
  refused(nlohmann::json::array({"nobody-" + RandomHex(4)}), "is not a user holding");
  refused(nlohmann::json::array({User("requester")}), "the requester, who may not decide");
  refused(nlohmann::json::array({User("authorizer"), User("authorizer")}), "is named twice");
  refused(nlohmann::json::array(), "must have at least 1 items");

  const std::string id = Request(requester, "site-" + RandomHex(8),
                                 {{"approvers", nlohmann::json::array({User("authorizer2")})}});
  const nlohmann::json waiting = WaitForStatus(requester, id, "AWAITING_AUTHORIZATION");
  EXPECT_EQ(waiting["state"]["approvers"], nlohmann::json::array({User("authorizer2")}));
  ASSERT_TRUE(waiting["state"].contains("authorizationDeadline")) << waiting.dump();
  const std::string plan = waiting["state"]["planHash"];
  // Only the named authorizer is asked.
  EXPECT_EQ(Sql("SELECT user_id FROM notifications WHERE workflow_id = $1"
                " AND kind = 'authorization_requested'",
                {id}),
            std::vector<std::string>{User("authorizer2")});
  EXPECT_EQ(Sql("SELECT body->>'deadline' FROM notifications WHERE workflow_id = $1", {id}),
            std::vector<std::string>{waiting["state"]["authorizationDeadline"]});

  // Another holder of the role is not the named one: 403, and the workflow
  // never hears of it; their list of requests to authorize leaves it out.
  HttpClient other = SignedIn(User("authorizer"));
  Reply not_named = other.Post("/api/applications/" + id + "/authorize", Decision("approve", plan));
  EXPECT_EQ(not_named.status, 403) << not_named.body;
  EXPECT_NE(not_named.Json()["detail"].get<std::string>().find("not a named authorizer"),
            std::string::npos);
  EXPECT_EQ(UpdatesAccepted(id), 0);
  HttpClient named = SignedIn(User("authorizer2"));
  const auto lists = [&](HttpClient& client) {
    Reply reply = client.Get("/api/applications?filter=toAuthorize");
    EXPECT_EQ(reply.status, 200) << reply.body;
    const nlohmann::json page = reply.Json();
    for (const auto& listed_application : page["applications"])
      if (listed_application["id"] == id) return true;
    return false;
  };
  // Visibility catches up within moments; the named one's list shows it,
  // then the other's must not.
  bool listed_for_named = false;
  for (int attempt = 0; attempt < 40 && !listed_for_named; ++attempt) {
    listed_for_named = lists(named);
    if (!listed_for_named) std::this_thread::sleep_for(250ms);
  }
  EXPECT_TRUE(listed_for_named);
  EXPECT_FALSE(lists(other));

  Reply rejected =
      named.Post("/api/applications/" + id + "/authorize", Decision("reject", plan, "not yet"));
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  const nlohmann::json done = WaitForStatus(requester, id, "REJECTED");
  EXPECT_EQ(done["state"]["approvals"][0]["user"], User("authorizer2"));
  EXPECT_TRUE(done["state"].value("authorizationDeadline", nlohmann::json()).is_null())
      << done.dump();
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
