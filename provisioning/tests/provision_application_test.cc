// ProvisionApplication end to end: requests, decisions and their refusals
// (provisioning_fixture.h says what runs).
#include <gmock/gmock.h>

#include "provisioning_fixture.h"
#include "webhook_receiver.h"

namespace provisio_test {
namespace {

using ::testing::HasSubstr;
using ProvisionApplicationTest = ProvisioningTest;

TEST_F(ProvisionApplicationTest, AnApprovedRequestIsProvisionedAndEveryStepRecorded) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  ASSERT_TRUE(waiting.plan_hash.has_value());
  ASSERT_FALSE(waiting.plan_summary.empty());
  // The authorizers were notified; the requester was not, though she holds the role.
  EXPECT_EQ(Column("SELECT user_id FROM notifications WHERE workflow_id = $1 ORDER BY user_id",
                   {application}),
            (std::vector<std::string>{"bob", "carol"}));
  auto recorded = handle.Update<std::string>(
      "Authorize", Decision(application, "bob", "approve", *waiting.plan_hash));
  ASSERT_TRUE(recorded.ok()) << recorded.error();
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stack, application);
  EXPECT_EQ(result->plan_hash, *waiting.plan_hash);
  // The stack records which version of its template made it.
  ASSERT_TRUE(waiting.template_hash.has_value());
  EXPECT_EQ(waiting.template_hash->size(), 64u);
  EXPECT_EQ(result->template_hash, *waiting.template_hash);
  EXPECT_EQ(Column("SELECT state->>'templateHash' FROM request_states WHERE workflow_id = $1 "
                   "AND status = 'PROVISIONED'",
                   {application}),
            (std::vector<std::string>{*waiting.template_hash}));
  // The site exists where local-site puts it: <root>/<stack>/<site name>.
  const fs::path index =
      fs::path(Env("PROVISIO_LOCAL_ROOT")) / application / application / "index.html";
  ASSERT_TRUE(fs::exists(index)) << index;
  std::ifstream file(index);
  std::string html((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("Hello, payments"), std::string::npos);
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "PROVISIONED");
  ASSERT_EQ(state->approvals.size(), 1u);
  EXPECT_EQ(state->approvals[0].user, "bob");
  // Every version is in the database, in order.
  EXPECT_EQ(Column("SELECT status FROM request_states WHERE workflow_id = $1 ORDER BY version",
                   {application}),
            (std::vector<std::string>{"VALIDATING", "PLANNING", "AWAITING_AUTHORIZATION", "QUEUED",
                                      "PROVISIONING", "PROVISIONED"}));
  // The stack's entity gave the turn and got it back.
  auto stack =
      client_->GetHandle("stack/" + application).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(stack.ok()) << stack.error();
  EXPECT_FALSE(stack->holder.has_value());
  EXPECT_TRUE(stack->queue.empty());
  EXPECT_EQ(stack->last_good_plan_hash.value_or(""), *waiting.plan_hash);
  EXPECT_EQ(stack->template_hash.value_or(""), *waiting.template_hash);
  started_.push_back("stack/" + application);
  EXPECT_EQ(Column("SELECT actor || ':' || action FROM audit_events WHERE workflow_id = $1 "
                   "ORDER BY occurred_at, recorded_at",
                   {application}),
            (std::vector<std::string>{"alice:request", "bob:approve"}));
  EXPECT_EQ(Column("SELECT plan_hash FROM audit_events WHERE workflow_id = $1 AND action = "
                   "'approve'",
                   {application}),
            (std::vector<std::string>{*waiting.plan_hash}));
  // The runner wrote each resource's progress for the UI's bars (when the
  // suite shares its platform database with the runner, as scripts/test runs it).
  if (!Env("PROVISIO_PLATFORM_PG_URL").empty()) {
    EXPECT_EQ(
        Column("SELECT address || ':' || status FROM apply_progress WHERE workflow_id = $1 "
               "ORDER BY address",
               {application}),
        (std::vector<std::string>{"local_file.index:complete", "local_file.manifest:complete"}));
    EXPECT_EQ(Column("SELECT max(done) || '/' || max(total) FROM apply_progress WHERE "
                     "workflow_id = $1",
                     {application}),
              (std::vector<std::string>{"2/2"}));
  }
  // The request is found by its search attributes, as the API lists them.
  const std::string query = "ProvisioApplicationId = '" + application +
                            "' AND ProvisioStatus = 'PROVISIONED' AND ProvisioTeam = 'payments' "
                            "AND ProvisioTemplate = 'local-site' AND ProvisioStack = '" +
                            application + "' AND ProvisioRequestedBy = 'alice'";
  std::int64_t found = 0;
  for (int i = 0; i < 100 && found == 0; ++i) {
    auto count = client_->CountWorkflows(query);
    ASSERT_TRUE(count.ok()) << count.error();
    found = *count;
    if (found == 0) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(found, 1) << query;
}

TEST_F(ProvisionApplicationTest, ARejectedRequestFailsApplicationNotApproved) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  ASSERT_TRUE(handle
                  .Update<std::string>("Authorize",
                                       Decision(application, "carol", "reject", *waiting.plan_hash))
                  .ok());
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(result.ok());
  ASSERT_NE(result.error().failure(), nullptr) << result.error();
  EXPECT_EQ(result.error().failure()->application_type(), "ApplicationNotApproved");
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "REJECTED");
  EXPECT_EQ(state->error.value_or(""), "not this quarter");
  EXPECT_FALSE(fs::exists(fs::path(Env("PROVISIO_LOCAL_ROOT")) / application));
}

TEST_F(ProvisionApplicationTest, NoDecisionInTimeFailsAuthorizationTimedOut) {
  const std::string application = "site-" + Random(8);
  ProvisionRequest request = SiteRequest(application);
  request.authorization_timeout_seconds = 2;
  auto handle = Start(request);
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(result.ok());
  ASSERT_NE(result.error().failure(), nullptr) << result.error();
  EXPECT_EQ(result.error().failure()->application_type(), "AuthorizationTimedOut");
  EXPECT_EQ(Column("SELECT status FROM request_states WHERE workflow_id = $1 ORDER BY version "
                   "DESC LIMIT 1",
                   {application}),
            (std::vector<std::string>{"AUTHORIZATION_TIMED_OUT"}));
}

TEST_F(ProvisionApplicationTest, RefusedDecisionsLeaveNoTraceAndASignedOneStillWorks) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  const std::string hash = *waiting.plan_hash;
  const auto refused = [&](SignedDecision decision, const std::string& expected) {
    auto answer = handle.Update<std::string>("Authorize", decision);
    ASSERT_FALSE(answer.ok()) << "accepted: " << expected;
    ASSERT_NE(answer.error().failure(), nullptr) << answer.error();
    EXPECT_NE(answer.error().failure()->message().find(expected), std::string::npos)
        << answer.error().failure()->message();
  };
  refused(Decision(application, "alice", "approve", hash), "alice requested this");
  SignedDecision no_role = Decision(application, "dave", "approve", hash);
  no_role.roles = {"developer"};
  provisio::approval::Sign(no_role, settings_.approval_key);
  refused(no_role, "dave holds none of the roles");
  SignedDecision forged = Decision(application, "bob", "approve", hash);
  provisio::approval::Sign(forged, "a key the platform never had");
  refused(forged, "not signed by the platform");
  SignedDecision claimed = Decision(application, "bob", "approve", hash);
  claimed.user = "carol";  // the signature was for bob
  refused(claimed, "not signed by the platform");
  refused(Decision(application, "bob", "approve", std::string(64, '0')), "is not the current plan");
  SignedDecision expired = Decision(application, "bob", "approve", hash);
  expired.expires_at_unix = 1;
  provisio::approval::Sign(expired, settings_.approval_key);
  refused(expired, "has expired");
  refused(Decision("someone-else", "bob", "approve", hash), "signed for request someone-else");
  EXPECT_EQ(UpdatesAccepted(handle), 0) << "a refused decision reached history";
  EXPECT_TRUE(
      handle.Update<std::string>("Authorize", Decision(application, "bob", "approve", hash)).ok());
  EXPECT_TRUE(handle.GetResult<provisio::model::ProvisionResult>().ok());
  EXPECT_EQ(UpdatesAccepted(handle), 1);
}

TEST_F(ProvisionApplicationTest, ARePlanReplacesThePlanAndTwoDistinctApprovalsAreNeeded) {
  const std::string application = "site-" + Random(8);
  ProvisionRequest request = SiteRequest(application);
  request.approval = provisio::model::ApprovalPolicy{{"platform-admin"}, 2, false};
  auto handle = Start(request);
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  const std::string first_hash = *waiting.plan_hash;
  // The authorizer asks for a fresh plan: a new plan file, a new hash.
  auto replanned =
      handle.Update<provisio::model::Plan>("PreviewPlan", provisio::model::PlanChoice{});
  ASSERT_TRUE(replanned.ok()) << replanned.error();
  ASSERT_NE(replanned->hash, first_hash);
  EXPECT_FALSE(replanned->plan_text.empty());
  auto stale =
      handle.Update<std::string>("Authorize", Decision(application, "bob", "approve", first_hash));
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().failure()->message().find("is not the current plan"), std::string::npos);
  // One approval is not enough; the same person twice does not count twice.
  ASSERT_TRUE(handle
                  .Update<std::string>("Authorize",
                                       Decision(application, "bob", "approve", replanned->hash))
                  .ok());
  auto again = handle.Update<std::string>("Authorize",
                                          Decision(application, "bob", "approve", replanned->hash));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().failure()->message().find("bob has decided already"), std::string::npos);
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "AWAITING_AUTHORIZATION");
  ASSERT_TRUE(handle
                  .Update<std::string>("Authorize",
                                       Decision(application, "carol", "approve", replanned->hash))
                  .ok());
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->plan_hash, replanned->hash);
  EXPECT_EQ(Column("SELECT actor FROM audit_events WHERE workflow_id = $1 AND action = "
                   "'approve' ORDER BY occurred_at, actor",
                   {application}),
            (std::vector<std::string>{"bob", "carol"}));
}

TEST_F(ProvisionApplicationTest, NamedAuthorizersAloneAreAskedAndMayDecide) {
  // The validator's own check, behind the API's: a decision signed for a
  // holder of the role who is not named is refused, and leaves no trace.
  const std::string application = "site-" + Random(8);
  ProvisionRequest request = SiteRequest(application);
  request.approvers = std::vector<std::string>{"carol"};
  auto handle = Start(request);
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  ASSERT_TRUE(waiting.approvers.has_value());
  EXPECT_EQ(*waiting.approvers, std::vector<std::string>{"carol"});
  ASSERT_TRUE(waiting.authorization_deadline.has_value());
  auto not_named = handle.Update<std::string>(
      "Authorize", Decision(application, "bob", "approve", *waiting.plan_hash));
  ASSERT_FALSE(not_named.ok());
  ASSERT_NE(not_named.error().failure(), nullptr) << not_named.error();
  EXPECT_NE(not_named.error().failure()->message().find(
                "bob is not a named authorizer of this request (named: carol)"),
            std::string::npos)
      << not_named.error().failure()->message();
  EXPECT_EQ(UpdatesAccepted(handle), 0);
  // Only carol was asked, with the deadline the state shows.
  EXPECT_EQ(Column("SELECT user_id || ' ' || (body->>'deadline') FROM notifications"
                   " WHERE workflow_id = $1 AND kind = 'authorization_requested'",
                   {application}),
            (std::vector<std::string>{"carol " + *waiting.authorization_deadline}));
  ASSERT_TRUE(handle
                  .Update<std::string>("Authorize",
                                       Decision(application, "carol", "reject", *waiting.plan_hash))
                  .ok());
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().failure()->application_type(), "ApplicationNotApproved");

  // Names that can never make up the policy fail the request at once.
  ProvisionRequest requester_named = SiteRequest("site-" + Random(8));
  requester_named.approvers = std::vector<std::string>{"alice"};
  EXPECT_THAT(RefusalOf(requester_named), HasSubstr("approvers: \"alice\" is the requester"));
  ProvisionRequest too_few = SiteRequest("site-" + Random(8));
  too_few.approval = provisio::model::ApprovalPolicy{{"platform-admin"}, 2, false};
  too_few.approvers = std::vector<std::string>{"bob"};
  EXPECT_THAT(RefusalOf(too_few), HasSubstr("the policy needs 2 approvals"));
}

TEST_F(ProvisionApplicationTest, ARequestMayNarrowThePolicyButNeverWidenIt) {
  ProvisionRequest fewer = SiteRequest("site-" + Random(8));
  fewer.approval = provisio::model::ApprovalPolicy{{"platform-admin"}, 0, false};
  EXPECT_THAT(RefusalOf(fewer), HasSubstr("approval.count: 0 is fewer than the template's 1"));
  ProvisionRequest other_role = SiteRequest("site-" + Random(8));
  other_role.approval = provisio::model::ApprovalPolicy{{"anyone"}, 1, false};
  EXPECT_THAT(RefusalOf(other_role), HasSubstr("\"anyone\" is not one of the template's roles"));
  ProvisionRequest self = SiteRequest("site-" + Random(8));
  self.approval = provisio::model::ApprovalPolicy{{"platform-admin"}, 1, true};
  EXPECT_THAT(RefusalOf(self), HasSubstr("approval.selfApproval"));
}

TEST_F(ProvisionApplicationTest, TheTemporalCliCannotClaimAnAuthorizersIdentity) {
  const std::string cli = Env("TEMPORAL_CLI");
  ASSERT_FALSE(cli.empty()) << "TEMPORAL_CLI is not set (scripts/test sets it)";
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  // What anyone with the CLI could send: a real authorizer's name, the real
  // plan hash, no platform signature. The client has no codec: the payload is
  // plain JSON, which the worker reads.
  const std::string input =
      nlohmann::json{{"workflowId", application},        {"user", "bob"},
                     {"roles", {"platform-admin"}},      {"decision", "approve"},
                     {"planHash", *waiting.plan_hash},   {"expiresAtUnix", 4102444800},
                     {"signature", std::string(64, 'f')}}
          .dump();
  const fs::path out = fs::temp_directory_path() / (application + ".cli");
  const std::string command =
      cli + " workflow update execute --address " + Env("TEMPORAL_ADDRESS") + " --workflow-id " +
      application + " --name Authorize --input '" + input + "' >" + out.string() + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream file(out);
  std::string said((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  fs::remove(out);
  EXPECT_NE(status, 0) << said;
  EXPECT_NE(said.find("not signed by the platform"), std::string::npos) << said;
  EXPECT_EQ(UpdatesAccepted(handle), 0);
  ASSERT_TRUE(handle.Cancel().ok());
  EXPECT_FALSE(handle.GetResult<provisio::model::ProvisionResult>().ok());
}

TEST_F(ProvisionApplicationTest, AnUnknownTeamOrParameterFailsTheRequestAtOnceNamingIt) {
  ProvisionRequest unknown_team = SiteRequest("site-" + Random(8));
  unknown_team.team = "no-such-team";
  auto team_handle = Start(unknown_team);
  auto team_result = team_handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(team_result.ok());
  ASSERT_NE(team_result.error().failure(), nullptr);
  ASSERT_TRUE(team_result.error().failure()->cause().has_value()) << team_result.error();
  EXPECT_EQ(team_result.error().failure()->cause()->application_type(), "UnknownTeam");

  ProvisionRequest bad_parameter = SiteRequest("site-" + Random(8));
  bad_parameter.parameters["colour"] = "blue";
  auto parameter_handle = Start(bad_parameter);
  auto parameter_result = parameter_handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(parameter_result.ok());
  ASSERT_NE(parameter_result.error().failure(), nullptr);
  ASSERT_TRUE(parameter_result.error().failure()->cause().has_value());
  EXPECT_EQ(parameter_result.error().failure()->cause()->application_type(), "InvalidRequest");
  EXPECT_NE(parameter_result.error().failure()->cause()->message().find("parameters.colour"),
            std::string::npos);
  auto state = parameter_handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->status, "FAILED");
}

TEST_F(ProvisionApplicationTest, TheDemoSignalIsRefusedWhenOffAndChecksLikeAuthorizeWhenOn) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  const std::string hash = *WaitForStatus(handle, "AWAITING_AUTHORIZATION").plan_hash;
  const auto wait_for_audit = [&](std::size_t rows) {
    for (int i = 0; i < 300 && AuditActions(application).size() < rows; ++i)
      std::this_thread::sleep_for(100ms);
    return AuditActions(application);
  };
  // Off (the default): even a well-signed decision by signal is not applied.
  ASSERT_TRUE(
      handle.Signal("AuthorizationReceivedResponse", Decision(application, "bob", "approve", hash))
          .ok());
  EXPECT_EQ(wait_for_audit(2), (std::vector<std::string>{"request", "refused-signal"}));
  EXPECT_EQ(Column("SELECT reason FROM audit_events WHERE workflow_id = $1 AND action = "
                   "'refused-signal'",
                   {application}),
            (std::vector<std::string>{
                "the demo signal AuthorizationReceivedResponse is turned off in this deployment"}));
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "AWAITING_AUTHORIZATION");
  EXPECT_TRUE(state->approvals.empty());
  // On: the signal goes through Authorize's checks.
  settings_.accept_demo_signal = true;
  ASSERT_TRUE(
      handle
          .Signal("AuthorizationReceivedResponse", Decision(application, "alice", "approve", hash))
          .ok());
  EXPECT_EQ(wait_for_audit(3).back(), "refused-signal");
  ASSERT_TRUE(
      handle.Signal("AuthorizationReceivedResponse", Decision(application, "bob", "approve", hash))
          .ok());
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(AuditActions(application),
            (std::vector<std::string>{"request", "refused-signal", "refused-signal", "approve"}));
}

TEST_F(ProvisionApplicationTest, AWorkerRestartDuringAnUpdateLosesNothing) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  const std::string first = *WaitForStatus(handle, "AWAITING_AUTHORIZATION").plan_hash;
  // PreviewPlan's handler waits for the runner's plan; the worker goes away
  // meanwhile, and a new one (a deploy) takes the run over.
  temporal::Result<provisio::model::Plan> answer =
      temporal::Error(temporal::ErrorCode::kUnknown, "no answer yet");
  std::thread previewer([&] {
    answer = handle.Update<provisio::model::Plan>("PreviewPlan", provisio::model::PlanChoice{});
  });
  WaitForStatus(handle, "PLANNING");
  RestartWorker();
  previewer.join();
  ASSERT_TRUE(answer.ok()) << answer.error();
  EXPECT_NE(answer->hash, first);
  RequestState state = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  EXPECT_EQ(state.plan_hash.value_or(""), answer->hash);
  EXPECT_EQ(UpdatesAccepted(handle), 1);
  ASSERT_TRUE(Authorize(handle, Decision(application, "bob", "approve", answer->hash)));
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->plan_hash, answer->hash);
}

TEST_F(ProvisionApplicationTest, ARequestForSeveralRegionsFansOutAsChildRuns) {
  const std::string application = "site-" + Random(8);
  ProvisionRequest request = SiteRequest(application);
  request.regions = std::vector<std::string>{"north", "south"};
  auto parent = Start(request);
  for (const std::string region : {"north", "south"}) {
    const std::string child_id = application + "/" + region;
    started_.push_back(child_id);
    started_.push_back("stack/" + application + "-" + region);
    auto child = client_->GetHandle(child_id);
    RequestState waiting = WaitForStatus(child, "AWAITING_AUTHORIZATION");
    // Each region is its own stack, planned for that region, decided on its own.
    EXPECT_EQ(waiting.application_id, child_id);
    auto moved = child.Update<provisio::model::Plan>(
        "PreviewPlan", provisio::model::PlanChoice{"west", std::nullopt});
    ASSERT_FALSE(moved.ok()) << "the request's region was changed";
    SignedDecision decision = Decision(child_id, "bob", "approve", *waiting.plan_hash);
    decision.region = region;
    provisio::approval::Sign(decision, settings_.approval_key);
    ASSERT_TRUE(Authorize(child, decision));
  }
  auto result = parent.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->stack, application);
  auto state = parent.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "PROVISIONED");
  EXPECT_EQ(state->children,
            (std::vector<std::string>{application + "/north", application + "/south"}));
  for (const std::string region : {"north", "south"}) {
    EXPECT_TRUE(fs::exists(SiteDir(application + "-" + region, application) / "index.html"))
        << region;
    // The parent gathers each region's outputs under its name.
    const auto index = result->outputs.find(region + ".index_path");
    ASSERT_NE(index, result->outputs.end()) << region;
    EXPECT_EQ(index->second.value.value_or(""),
              (SiteDir(application + "-" + region, application) / "index.html").string());
  }
  // Both children were started at once, before either was decided.
  auto history = parent.FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  int initiated = 0;
  for (const auto& event : history->events())
    if (event.has_start_child_workflow_execution_initiated_event_attributes()) ++initiated;
  EXPECT_EQ(initiated, 2);
}

TEST_F(ProvisionApplicationTest, ApproversAreNotifiedByWebhookAndAFailingWebhookStopsNothing) {
  WebhookReceiver receiver;
  environment_.webhook_url = receiver.url();
  environment_.public_url = "https://provisio.example.test";
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  const auto posts = receiver.received();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].target, "/hooks/t");
  EXPECT_EQ(posts[0].content_type, "application/json");
  const nlohmann::json body = nlohmann::json::parse(posts[0].body);
  // Slack's incoming-webhook shape: text, and blocks of mrkdwn sections.
  EXPECT_NE(body["text"].get<std::string>().find("alice requests local-site"), std::string::npos)
      << body.dump();
  EXPECT_NE(body["text"].get<std::string>().find("<https://provisio.example.test/applications/" +
                                                 application + ">"),
            std::string::npos)
      << body.dump();
  ASSERT_TRUE(body["blocks"].is_array());
  EXPECT_EQ(body["blocks"][0]["type"], "section");
  EXPECT_EQ(body["blocks"][0]["text"]["type"], "mrkdwn");
  ASSERT_TRUE(handle.Cancel().ok());

  // A webhook that refuses (404: non-retryable) is logged; the request goes on.
  WebhookReceiver refusing(404);
  environment_.webhook_url = refusing.url();
  const std::string second = "site-" + Random(8);
  auto refused = Start(SiteRequest(second));
  WaitForStatus(refused, "AWAITING_AUTHORIZATION");
  EXPECT_EQ(refusing.received().size(), 1u);
  auto history = refused.FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  int failed = 0;
  for (const auto& event : history->events())
    if (event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_FAILED) ++failed;
  EXPECT_EQ(failed, 1);
  ASSERT_TRUE(refused.Cancel().ok());
}

}  // namespace
}  // namespace provisio_test
