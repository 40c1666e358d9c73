// A failed apply end to end: the saga's rollback, and an operator's retry,
// exclude, rollback or abort (provisioning_fixture.h says what runs).
//
// The failure is a real one: a directory stands where local-site writes its
// index.html, so OpenTofu's local provider fails that resource (and creates
// the manifest beside it). Removing the directory is the operator's fix.
#include "provisioning_fixture.h"

namespace provisio_test {
namespace {

class ApplyRecoveryTest : public ProvisioningTest {
 protected:
  // A request whose apply is tried once, then follows `on_failure`.
  ProvisionRequest FailingRequest(const std::string& application, const std::string& on_failure) {
    ProvisionRequest request = SiteRequest(application);
    request.failure_policy = provisio::model::FailurePolicy{on_failure, 1};
    fs::create_directories(SiteDir(application, application) / "index.html");
    return request;
  }

  // Approves the request's first plan as bob.
  void Approve(const temporal::WorkflowHandle& handle, const std::string& id) {
    RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
    ASSERT_TRUE(Authorize(handle, Decision(id, "bob", "approve", *waiting.plan_hash)));
  }

  SignedDecision Operator(const std::string& id, const std::string& choice,
                          const RequestState& state, std::string user = "olga") {
    return Decision(id, user, choice, state.plan_hash.value_or(""), {"operator"});
  }
};

TEST_F(ApplyRecoveryTest, TheSagaRollsBackAFailedApplyOfANewStack) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(FailingRequest(application, "rollback"));
  started_.push_back("stack/" + application);
  Approve(handle, application);
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(result.ok());
  ASSERT_NE(result.error().failure(), nullptr) << result.error();
  EXPECT_EQ(result.error().failure()->application_type(), "RolledBack");
  EXPECT_NE(result.error().failure()->message().find("local_file.index"), std::string::npos)
      << result.error().failure()->message();
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "ROLLED_BACK");
  ASSERT_TRUE(state->error.has_value());
  // What the apply created (the manifest) was destroyed: the stack had no
  // good configuration before.
  EXPECT_FALSE(fs::exists(SiteDir(application, application) / "manifest.json"));
  EXPECT_EQ(AuditActions(application),
            (std::vector<std::string>{"request", "approve", "apply-failed", "rollback"}));
  auto stack =
      client_->GetHandle("stack/" + application).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(stack.ok()) << stack.error();
  EXPECT_FALSE(stack->holder.has_value());
  EXPECT_FALSE(stack->last_good.has_value());
}

TEST_F(ApplyRecoveryTest, TheSagaRestoresTheLastGoodConfiguration) {
  const std::string application = "site-" + Random(8);
  // A good first version of the stack.
  auto good = Start(SiteRequest(application), application + "-v1");
  started_.push_back("stack/" + application);
  Approve(good, application + "-v1");
  ASSERT_TRUE(good.GetResult<provisio::model::ProvisionResult>().ok());
  // The second moves the site elsewhere, and fails halfway: the old files are
  // replaced by the new manifest, and the new index.html fails.
  ProvisionRequest moved = SiteRequest(application);
  moved.parameters["site_name"] = application + "-moved";
  moved.parameters["greeting"] = "Moved";
  moved.failure_policy = provisio::model::FailurePolicy{"rollback", 1};
  fs::create_directories(SiteDir(application, application + "-moved") / "index.html");
  auto failing = Start(moved, application + "-v2");
  Approve(failing, application + "-v2");
  auto result = failing.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().failure()->application_type(), "RolledBack") << result.error();
  // The rollback re-applied the first version: its site is back as it was,
  // and the half-made second site's manifest is gone.
  EXPECT_NE(ReadFile(SiteDir(application, application) / "index.html").find("Hello, payments"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(SiteDir(application, application) / "manifest.json"));
  EXPECT_FALSE(fs::exists(SiteDir(application, application + "-moved") / "manifest.json"));
  auto stack =
      client_->GetHandle("stack/" + application).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(stack.ok()) << stack.error();
  ASSERT_TRUE(stack->last_good.has_value());
  EXPECT_EQ(stack->last_good->parameters.at("site_name"), application);
}

TEST_F(ApplyRecoveryTest, AnOperatorRetriesAfterFixingTheCause) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(FailingRequest(application, "intervene"));
  started_.push_back("stack/" + application);
  Approve(handle, application);
  RequestState stuck = WaitForStatus(handle, "NEEDS_INTERVENTION");
  ASSERT_TRUE(stuck.intervention.has_value());
  EXPECT_EQ(stuck.intervention->resource, "local_file.index");
  EXPECT_EQ(stuck.intervention->choices,
            (std::vector<std::string>{"retry", "exclude", "rollback", "abort"}));
  // Operators were told.
  EXPECT_EQ(Column("SELECT kind FROM notifications WHERE workflow_id = $1 AND user_id = 'olga'",
                   {application}),
            (std::vector<std::string>{"intervention_needed"}));
  const auto refused = [&](SignedDecision decision, const std::string& expected) {
    auto answer = handle.Update<std::string>("Intervene", decision);
    ASSERT_FALSE(answer.ok()) << "accepted: " << expected;
    ASSERT_NE(answer.error().failure(), nullptr) << answer.error();
    EXPECT_NE(answer.error().failure()->message().find(expected), std::string::npos)
        << answer.error().failure()->message();
  };
  refused(Decision(application, "bob", "retry", *stuck.plan_hash), "bob is not an operator");
  refused(Operator(application, "resize", stuck), "exactly one of retry, exclude, rollback");
  refused(Decision(application, "olga", "retry", std::string(64, '0'), {"operator"}),
          "is not the failed plan");
  EXPECT_EQ(UpdatesAccepted(handle), 1) << "only the approval is in history";

  fs::remove_all(SiteDir(application, application) / "index.html");  // the operator's fix
  auto retried = handle.Update<std::string>("Intervene", Operator(application, "retry", stuck));
  ASSERT_TRUE(retried.ok()) << retried.error();
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_TRUE(fs::is_regular_file(SiteDir(application, application) / "index.html"));
  // The fresh plan only finished the approved one: no new approval, audited.
  EXPECT_EQ(AuditActions(application),
            (std::vector<std::string>{"request", "approve", "apply-failed", "intervene-retry",
                                      "resume-approved-plan"}));
  EXPECT_EQ(Column("SELECT status FROM request_states WHERE workflow_id = $1 ORDER BY version",
                   {application}),
            (std::vector<std::string>{"VALIDATING", "PLANNING", "AWAITING_AUTHORIZATION", "QUEUED",
                                      "PROVISIONING", "NEEDS_INTERVENTION", "PROVISIONING",
                                      "PROVISIONED"}));
}

TEST_F(ApplyRecoveryTest, AnOperatorExcludesTheFailingResource) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(FailingRequest(application, "intervene"));
  started_.push_back("stack/" + application);
  Approve(handle, application);
  RequestState stuck = WaitForStatus(handle, "NEEDS_INTERVENTION");
  SignedDecision exclude = Operator(application, "exclude", stuck);
  exclude.resource = "local_file.index";
  provisio::approval::Sign(exclude, settings_.approval_key);
  ASSERT_TRUE(handle.Update<std::string>("Intervene", exclude).ok());
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  // The rest of the stack is there; the excluded resource is not.
  EXPECT_TRUE(fs::exists(SiteDir(application, application) / "manifest.json"));
  EXPECT_TRUE(fs::is_directory(SiteDir(application, application) / "index.html"));
  EXPECT_EQ(AuditActions(application).back(), "resume-approved-plan");
}

TEST_F(ApplyRecoveryTest, AnOperatorRollsBackOrAborts) {
  const std::string rolled = "site-" + Random(8);
  auto rolled_back = Start(FailingRequest(rolled, "intervene"));
  started_.push_back("stack/" + rolled);
  const std::string aborted_id = "site-" + Random(8);
  auto aborted = Start(FailingRequest(aborted_id, "intervene"));
  started_.push_back("stack/" + aborted_id);
  Approve(rolled_back, rolled);
  Approve(aborted, aborted_id);

  RequestState stuck = WaitForStatus(rolled_back, "NEEDS_INTERVENTION");
  ASSERT_TRUE(
      rolled_back.Update<std::string>("Intervene", Operator(rolled, "rollback", stuck)).ok());
  auto rolled_result = rolled_back.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(rolled_result.ok());
  EXPECT_EQ(rolled_result.error().failure()->application_type(), "RolledBack");
  EXPECT_FALSE(fs::exists(SiteDir(rolled, rolled) / "manifest.json"));

  stuck = WaitForStatus(aborted, "NEEDS_INTERVENTION");
  // OpenTofu creates the manifest beside the failing index.html, and stops
  // scheduling once one fails: whether the manifest got made is a race, so
  // the test compares with what the failed apply left, not with a guess.
  const fs::path manifest = SiteDir(aborted_id, aborted_id) / "manifest.json";
  const bool manifest_left_by_the_failure = fs::exists(manifest);
  ASSERT_TRUE(aborted.Update<std::string>("Intervene", Operator(aborted_id, "abort", stuck)).ok());
  auto aborted_result = aborted.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(aborted_result.ok());
  EXPECT_EQ(aborted_result.error().failure()->application_type(), "Aborted");
  auto state = aborted.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->status, "FAILED");
  // Abort leaves the stack as the failed apply left it, and frees the lock.
  EXPECT_EQ(fs::exists(manifest), manifest_left_by_the_failure);
  EXPECT_TRUE(fs::is_directory(SiteDir(aborted_id, aborted_id) / "index.html"));
  auto stack =
      client_->GetHandle("stack/" + aborted_id).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(stack.ok()) << stack.error();
  EXPECT_FALSE(stack->holder.has_value());
}

TEST_F(ApplyRecoveryTest, CancellingARequestDestroysWhatItCreated) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(FailingRequest(application, "intervene"));
  started_.push_back("stack/" + application);
  Approve(handle, application);
  WaitForStatus(handle, "NEEDS_INTERVENTION");
  ASSERT_TRUE(fs::exists(SiteDir(application, application) / "manifest.json"));
  ASSERT_TRUE(handle.Cancel().ok());
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(result.ok());
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "CANCELLED");
  EXPECT_FALSE(fs::exists(SiteDir(application, application) / "manifest.json"));
  EXPECT_EQ(AuditActions(application).back(), "destroy");
}

}  // namespace
}  // namespace provisio_test
