// The applications list and what people do to a request besides deciding,
// over HTTP, end to end (workflow_fixture.h): the list by search attributes
// (scoped, filtered, paged), preview, cancel, destroy, and revealing a
// sensitive output. In a database of the suite's own: its authorizers hold
// platform-admin (local-site's and database's policy).
#include "workflow_fixture.h"

namespace provisio_api_test {
namespace {

class ApplicationActionsTest : public WorkflowApiTest {
 protected:
  // The ids a list answer holds.
  static std::vector<std::string> Ids(const nlohmann::json& list) {
    std::vector<std::string> ids;
    for (const auto& item : list["applications"]) ids.push_back(item["id"]);
    return ids;
  }

  // Lists until `done` holds (the visibility store lags the workflows by a
  // moment), or 30 s pass; returns the last answer.
  nlohmann::json ListUntil(HttpClient& client, const std::string& query,
                           const std::function<bool(const nlohmann::json&)>& done) {
    nlohmann::json list;
    const auto deadline = Clock::now() + 30s;
    do {
      Reply reply = client.Get("/api/applications" + query);
      EXPECT_EQ(reply.status, 200) << reply.body;
      if (reply.status != 200) return list;
      list = reply.Json();
      if (done(list)) return list;
      std::this_thread::sleep_for(300ms);
    } while (Clock::now() < deadline);
    ADD_FAILURE() << "GET /api/applications" << query
                  << " never showed what was expected: " << list.dump();
    return list;
  }

  static bool Has(const nlohmann::json& list, const std::string& id) {
    const std::vector<std::string> ids = Ids(list);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }
};

TEST_F(ApplicationActionsTest, TheListIsFoundBySearchAttributesScopedFilteredAndPaged) {
  HttpClient requester = SignedIn(User("requester"));
  const std::string first = Request(requester, "site-" + RandomHex(8));
  const std::string second = Request(requester, "site-" + RandomHex(8));
  WaitForStatus(requester, first, "AWAITING_AUTHORIZATION");
  WaitForStatus(requester, second, "AWAITING_AUTHORIZATION");

  // The requester sees both, with their search attributes.
  const nlohmann::json mine = ListUntil(requester, "?filter=mine", [&](const nlohmann::json& list) {
    return Ids(list).size() == 2 && list["applications"][0]["status"] == "AWAITING_AUTHORIZATION" &&
           list["applications"][1]["status"] == "AWAITING_AUTHORIZATION";
  });
  EXPECT_EQ(Ids(mine), (std::vector<std::string>{second, first})) << "newest first";
  EXPECT_EQ(mine["applications"][0]["team"], Team());
  EXPECT_EQ(mine["applications"][0]["template"], "local-site");
  EXPECT_EQ(mine["applications"][0]["requester"], User("requester"));
  EXPECT_FALSE(mine.contains("nextPageToken"));

  // A teammate sees them (the team's), but they are not theirs.
  HttpClient mate = SignedIn(User("mate"));
  EXPECT_TRUE(Has(ListUntil(mate, "", [&](auto& list) { return Has(list, first); }), second));
  EXPECT_TRUE(Ids(mate.Get("/api/applications?filter=mine").Json()).empty());
  // An outsider sees neither; an authorizer sees both to decide, the
  // requester none.
  HttpClient outsider = SignedIn(User("outsider"));
  EXPECT_TRUE(Ids(outsider.Get("/api/applications").Json()).empty());
  HttpClient authorizer = SignedIn(User("authorizer"));
  const nlohmann::json to_decide = ListUntil(authorizer, "?filter=toAuthorize", [&](auto& list) {
    return Has(list, first) && Has(list, second);
  });
  EXPECT_TRUE(Ids(requester.Get("/api/applications?filter=toAuthorize").Json()).empty());
  EXPECT_TRUE(Ids(requester.Get("/api/applications?status=PROVISIONED").Json()).empty());

  // Paged: one at a time, the token leads to the other.
  Reply page1 = requester.Get("/api/applications?team=" + Team() + "&pageSize=1");
  ASSERT_EQ(page1.status, 200) << page1.body;
  ASSERT_EQ(Ids(page1.Json()), std::vector<std::string>{second});
  const std::string token = page1.Json()["nextPageToken"];
  Reply page2 =
      requester.Get("/api/applications?team=" + Team() + "&pageSize=1&pageToken=" + token);
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_EQ(Ids(page2.Json()), std::vector<std::string>{first});

  // Bad filters name the parameter.
  Reply bad = requester.Get("/api/applications?filter=everything");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["field"], "filter");
  EXPECT_EQ(requester.Get("/api/applications?status=DONE").Json()["field"], "status");
  EXPECT_EQ(requester.Get("/api/applications?pageToken=!!").Json()["field"], "pageToken");
  // Well-formed but made up (found by scripts/fuzz-api): the client's mistake, not a 503.
  Reply made_up = requester.Get("/api/applications?pageToken=bWFkZS11cA");
  EXPECT_EQ(made_up.status, 400) << made_up.body;
  EXPECT_EQ(made_up.Json()["field"], "pageToken");

  // The decision taken, the request leaves the authorizer's list.
  const std::string plan =
      WaitForStatus(requester, first, "AWAITING_AUTHORIZATION")["state"]["planHash"];
  ASSERT_EQ(
      authorizer.Post("/api/applications/" + first + "/authorize", Decision("reject", plan)).status,
      200);
  ListUntil(authorizer, "?filter=toAuthorize",
            [&](auto& list) { return !Has(list, first) && Has(list, second); });
  ListUntil(requester, "?status=REJECTED",
            [&](auto& list) { return Ids(list) == std::vector<std::string>{first}; });
}

TEST_F(ApplicationActionsTest, AnAuthorizerPreviewsAnotherPlanAndTheRequesterCancels) {
  HttpClient requester = SignedIn(User("requester"));
  const std::string id = Request(requester, "site-" + RandomHex(8));
  const nlohmann::json waiting = WaitForStatus(requester, id, "AWAITING_AUTHORIZATION");
  const std::int32_t rounds = waiting["state"]["rounds"];

  // Only those who may decide preview; the requester may not.
  Reply own = requester.Post("/api/applications/" + id + "/preview", nlohmann::json::object());
  EXPECT_EQ(own.status, 403) << own.body;
  HttpClient authorizer = SignedIn(User("authorizer"));
  Reply preview = authorizer.Post("/api/applications/" + id + "/preview", nlohmann::json::object());
  ASSERT_EQ(preview.status, 200) << preview.body;
  const std::string previewed = preview.Json()["planHash"];
  EXPECT_FALSE(preview.Json().contains("region"));
  EXPECT_FALSE(preview.Json()["planSummary"].empty());
  EXPECT_FALSE(preview.Json()["planText"].get<std::string>().empty());
  // The previewed plan is the current one.
  Reply read = requester.Get("/api/applications/" + id);
  EXPECT_EQ(read.Json()["state"]["planHash"], previewed);
  EXPECT_EQ(read.Json()["state"]["status"], "AWAITING_AUTHORIZATION");
  EXPECT_GE(read.Json()["state"]["rounds"].get<std::int32_t>(), rounds);

  // Cancelling: a teammate may not, the requester may; then nothing is left
  // to cancel.
  HttpClient mate = SignedIn(User("mate"));
  Reply refused = mate.Post("/api/applications/" + id + "/cancel", nlohmann::json::object());
  EXPECT_EQ(refused.status, 403) << refused.body;
  Reply cancelled =
      requester.Post("/api/applications/" + id + "/cancel", {{"reason", "not needed after all"}});
  ASSERT_EQ(cancelled.status, 202) << cancelled.body;
  EXPECT_EQ(cancelled.Json()["result"], "cancel-requested");
  WaitForStatus(requester, id, "CANCELLED");
  EXPECT_EQ(Sql("SELECT actor || ' ' || reason FROM audit_events WHERE workflow_id = $1 AND "
                "action = 'cancel'",
                {id}),
            std::vector<std::string>{User("requester") + " not needed after all"});
  EXPECT_EQ(requester.Post("/api/applications/" + id + "/cancel", nlohmann::json::object()).status,
            409);
  // Nor can a cancelled request be previewed.
  EXPECT_EQ(
      authorizer.Post("/api/applications/" + id + "/preview", nlohmann::json::object()).status,
      409);
}

TEST_F(ApplicationActionsTest, ATeamMemberDestroysAProvisionedStackThroughANewRequest) {
  HttpClient requester = SignedIn(User("requester"));
  const std::string application = "site-" + RandomHex(8);
  const std::string id = Request(requester, application);
  HttpClient authorizer = SignedIn(User("authorizer"));
  // Not yet provisioned: nothing to destroy.
  EXPECT_EQ(requester.Post("/api/applications/" + id + "/destroy", nlohmann::json::object()).status,
            409);
  const std::string plan =
      WaitForStatus(requester, id, "AWAITING_AUTHORIZATION")["state"]["planHash"];
  ASSERT_EQ(
      authorizer.Post("/api/applications/" + id + "/authorize", Decision("approve", plan)).status,
      200);
  WaitForStatus(requester, id, "PROVISIONED");
  const std::filesystem::path index =
      std::filesystem::path(Env("PROVISIO_LOCAL_ROOT")) / application / application / "index.html";
  ASSERT_TRUE(std::filesystem::exists(index));

  HttpClient outsider = SignedIn(User("outsider"));
  EXPECT_EQ(outsider.Post("/api/applications/" + id + "/destroy", nlohmann::json::object()).status,
            404);
  HttpClient mate = SignedIn(User("mate"));
  Reply destroy = mate.Post("/api/applications/" + id + "/destroy", nlohmann::json::object());
  ASSERT_EQ(destroy.status, 201) << destroy.body;
  const std::string destroy_id = destroy.Json()["id"];
  EXPECT_EQ(destroy.Json()["stack"], application);
  EXPECT_EQ(destroy.Header("location"), "/api/applications/" + destroy_id);

  const nlohmann::json waiting = WaitForStatus(mate, destroy_id, "AWAITING_AUTHORIZATION");
  EXPECT_EQ(waiting["state"]["requester"], User("mate"));
  for (const auto& change : waiting["state"]["planSummary"])
    EXPECT_EQ(change["actions"], nlohmann::json::array({"delete"})) << change.dump();
  ASSERT_EQ(authorizer
                .Post("/api/applications/" + destroy_id + "/authorize",
                      Decision("approve", waiting["state"]["planHash"]))
                .status,
            200);
  WaitForStatus(mate, destroy_id, "DESTROYED");
  EXPECT_FALSE(std::filesystem::exists(index));
}

TEST_F(ApplicationActionsTest, ASensitiveOutputIsRevealedToItsRequesterOnlyAndAudited) {
  if (Env("PROVISIO_RUNNER_PG_PROVIDER").empty())
    GTEST_FAIL()
        << "run with scripts/test: the runner reaches PostgreSQL (PROVISIO_RUNNER_PG_PROVIDER)";
  HttpClient requester = SignedIn(User("requester"));
  const std::string application = "db-" + RandomHex(8);
  stacks_.push_back(application);
  Reply created = requester.Post(
      "/api/applications",
      {{"team", Team()},
       {"application", application},
       {"template", "database"},
       {"parameters", {{"database_name", "r_" + RandomHex(10)}, {"connection_limit", 5}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.Json()["id"];
  const nlohmann::json waiting = WaitForStatus(requester, id, "AWAITING_AUTHORIZATION");
  EXPECT_EQ(
      requester.Send(http::verb::post, "/api/applications/" + id + "/outputs/owner_password/reveal")
          .status,
      409)
      << "no outputs before it is provisioned";
  for (const char* who : {"authorizer", "authorizer2"}) {
    HttpClient authorizer = SignedIn(User(who));
    Reply approved = authorizer.Post("/api/applications/" + id + "/authorize",
                                     Decision("approve", waiting["state"]["planHash"]));
    ASSERT_EQ(approved.status, 200) << approved.body;
  }
  const nlohmann::json done = WaitForStatus(requester, id, "PROVISIONED");
  EXPECT_EQ(done["state"]["outputs"]["owner_password"], "(sensitive)");

  HttpClient mate = SignedIn(User("mate"));
  EXPECT_EQ(
      mate.Send(http::verb::post, "/api/applications/" + id + "/outputs/owner_password/reveal")
          .status,
      403);
  Reply revealed = requester.Send(http::verb::post,
                                  "/api/applications/" + id + "/outputs/owner_password/reveal");
  ASSERT_EQ(revealed.status, 200) << revealed.body;
  const std::string password = revealed.Json()["value"];
  EXPECT_GE(password.size(), 16u);
  EXPECT_EQ(password.find("sensitive"), std::string::npos);
  // Audited with the output's name, never its value.
  EXPECT_EQ(Sql("SELECT actor || ' ' || (details->>'output') FROM audit_events WHERE workflow_id "
                "= $1 AND action = 'reveal-output'",
                {id}),
            std::vector<std::string>{User("requester") + " owner_password"});
  EXPECT_TRUE(
      Sql("SELECT event_id FROM audit_events WHERE details::text LIKE '%' || $1 || '%'", {password})
          .empty());
  EXPECT_EQ(
      requester.Send(http::verb::post, "/api/applications/" + id + "/outputs/no_such_output/reveal")
          .status,
      404);
}

}  // namespace
}  // namespace provisio_api_test
