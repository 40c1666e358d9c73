// Stacks and operators over HTTP, end to end (workflow_fixture.h): a real
// failed apply (a directory stands where local-site writes index.html, so
// OpenTofu's local provider fails it) leaves the request waiting for an
// operator while it holds its stack's lock; the stack routes show the
// holder, an admin breaks the lock, an operator aborts. In a database of the
// suite's own, where `operator` and `admin` hold those roles.
#include "workflow_fixture.h"

namespace provisio_api_test {
namespace {

class StacksTest : public WorkflowApiTest {};

TEST_F(StacksTest, StacksShowTheLockAnAdminBreaksItAndAnOperatorIntervenes) {
  HttpClient requester = SignedIn(User("requester"));
  const std::string stack = "site-" + RandomHex(8);
  std::filesystem::create_directories(std::filesystem::path(Env("PROVISIO_LOCAL_ROOT")) / stack /
                                      stack / "index.html");
  const std::string id = Request(
      requester, stack, {{"failurePolicy", {{"onFailure", "intervene"}, {"applyAttempts", 1}}}});
  const std::string plan =
      WaitForStatus(requester, id, "AWAITING_AUTHORIZATION")["state"]["planHash"];
  HttpClient authorizer = SignedIn(User("authorizer"));
  ASSERT_EQ(
      authorizer.Post("/api/applications/" + id + "/authorize", Decision("approve", plan)).status,
      200);
  const nlohmann::json stuck = WaitForStatus(requester, id, "NEEDS_INTERVENTION");
  ASSERT_TRUE(stuck["state"].contains("intervention")) << stuck.dump();
  EXPECT_NE(stuck["state"]["intervention"]["resource"].get<std::string>().find("local_file.index"),
            std::string::npos);

  // The stack: held by the failed request, for its plan.
  Reply read = requester.Get("/api/stacks/" + stack);
  ASSERT_EQ(read.status, 200) << read.body;
  ASSERT_TRUE(read.Json().contains("holder")) << read.body;
  EXPECT_EQ(read.Json()["holder"]["requestId"], id);
  EXPECT_EQ(read.Json()["holder"]["planHash"], plan);
  EXPECT_EQ(read.Json()["template"], "local-site");
  EXPECT_EQ(read.Json()["requests"], nlohmann::json::array({id}));
  HttpClient outsider = SignedIn(User("outsider"));
  EXPECT_EQ(outsider.Get("/api/stacks/" + stack).status, 404);
  EXPECT_EQ(requester.Get("/api/stacks/no-such-stack-" + RandomHex(4)).status, 404);
  // Listed for those who may read its requests (the visibility store may lag).
  std::string last_list;
  const auto listed = [&](HttpClient& client) {
    Reply list = client.Get("/api/stacks");
    EXPECT_EQ(list.status, 200) << list.body;
    last_list = list.body;
    const nlohmann::json body = list.Json();
    for (const auto& item : body["stacks"])
      if (item["name"] == stack) return item["latestRequest"] == id;
    return false;
  };
  const auto deadline = Clock::now() + 30s;
  while (!listed(requester) && Clock::now() < deadline) std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(listed(requester)) << last_list;
  EXPECT_FALSE(listed(outsider));

  // Interventions are operators' only, on the failed plan.
  HttpClient operator_client = SignedIn(User("operator"));
  const nlohmann::json abort = {{"decision", "abort"}, {"planHash", plan}, {"reason", "give up"}};
  Reply by_requester = requester.Post("/api/applications/" + id + "/intervene", abort);
  EXPECT_EQ(by_requester.status, 403) << by_requester.body;
  EXPECT_EQ(by_requester.Json()["type"], "urn:provisio:problem:not-an-operator");
  Reply wrong_plan =
      operator_client.Post("/api/applications/" + id + "/intervene",
                           {{"decision", "retry"}, {"planHash", std::string(64, '0')}});
  EXPECT_EQ(wrong_plan.status, 409) << wrong_plan.body;
  Reply not_a_choice =
      operator_client.Post("/api/applications/" + id + "/intervene",
                           {{"decision", "change-properties"}, {"planHash", plan}});
  EXPECT_EQ(not_a_choice.status, 400);
  EXPECT_EQ(not_a_choice.Json()["field"], "decision");

  // Breaking the lock: admins only, naming the holder's plan.
  const nlohmann::json break_lock = {{"planHash", plan}, {"reason", "stuck holder"}};
  EXPECT_EQ(operator_client.Post("/api/stacks/" + stack + "/break-lock", break_lock).status, 403);
  HttpClient admin = SignedIn(User("admin"));
  EXPECT_EQ(admin.Post("/api/stacks/" + stack + "/break-lock", {{"planHash", std::string(64, 'a')}})
                .status,
            409);
  Reply broken = admin.Post("/api/stacks/" + stack + "/break-lock", break_lock);
  ASSERT_EQ(broken.status, 200) << broken.body;
  EXPECT_EQ(broken.Json()["releasedRequest"], id);
  Reply after = admin.Get("/api/stacks/" + stack);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_FALSE(after.Json().contains("holder")) << after.body;
  EXPECT_EQ(after.Json()["lockBreaks"], 1);
  EXPECT_EQ(Sql("SELECT actor || ' ' || reason FROM audit_events WHERE workflow_id = $1 AND "
                "action = 'break-lock'",
                {"stack/" + stack}),
            std::vector<std::string>{User("admin") + " stuck holder"});
  EXPECT_EQ(admin.Post("/api/stacks/" + stack + "/break-lock", break_lock).status, 409)
      << "not locked any more";

  // The operator aborts: FAILED, audited with the operator's name.
  Reply aborted = operator_client.Post("/api/applications/" + id + "/intervene", abort);
  ASSERT_EQ(aborted.status, 200) << aborted.body;
  EXPECT_EQ(aborted.Json()["result"], "recorded");
  WaitForStatus(requester, id, "FAILED");
  EXPECT_FALSE(Sql("SELECT actor FROM audit_events WHERE workflow_id = $1 AND actor = $2",
                   {id, User("operator")})
                   .empty());
  EXPECT_EQ(operator_client.Post("/api/applications/" + id + "/intervene", abort).status, 409);
}

}  // namespace
}  // namespace provisio_api_test
