// A stack's life after it is provisioned: its drift schedule, which finds an
// out-of-band change and records it, and its expiry, with a reminder, a
// destroy, and an extension (provisioning_fixture.h says what runs).
#include "provisioning_fixture.h"
#include "temporal/client/schedule_handle.h"

namespace provisio_test {
namespace {

class StackLifecycleTest : public ProvisioningTest {
 protected:
  // Provisions `request` under `id`, approved by bob.
  void Provision(const ProvisionRequest& request, const std::string& id) {
    auto handle = Start(request, id);
    RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
    ASSERT_TRUE(Authorize(handle, Decision(id, "bob", "approve", *waiting.plan_hash)));
    auto result = handle.GetResult<provisio::model::ProvisionResult>();
    ASSERT_TRUE(result.ok()) << result.error();
  }

  provisio::model::StackState Stack(const std::string& stack) {
    auto state =
        client_->GetHandle("stack/" + stack).Query<provisio::model::StackState>("GetStack");
    EXPECT_TRUE(state.ok()) << state.error();
    return state.ok() ? *state : provisio::model::StackState{};
  }

  // Polls the entity until `done` holds (at most a minute).
  provisio::model::StackState WaitForStack(
      const std::string& stack,
      const std::function<bool(const provisio::model::StackState&)>& done) {
    provisio::model::StackState state;
    for (int i = 0; i < 600; ++i) {
      state = Stack(stack);
      if (done(state)) return state;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "stack " << stack << " never reached the state waited for";
    return state;
  }
};

TEST_F(StackLifecycleTest, TheDriftScheduleFindsAnOutOfBandChangeAndChangesNothing) {
  const std::string application = "site-" + Random(8);
  Provision(SiteRequest(application), application);
  started_.push_back("stack/" + application);
  // The entity created the stack's schedule with its first good apply.
  provisio::model::StackState state =
      WaitForStack(application, [](const auto& s) { return s.drift_schedule; });
  auto schedule = client_->GetScheduleHandle("drift/" + application);
  auto described = schedule.Describe();
  ASSERT_TRUE(described.ok()) << described.error();
  ASSERT_EQ(described->schedule.spec.intervals.size(), 1u);
  EXPECT_EQ(described->schedule.spec.intervals[0].every, std::chrono::hours(1));  // the template's
  EXPECT_EQ(described->schedule.action.workflow_type, "DetectDrift");

  // Someone edits the site by hand.
  const fs::path index = SiteDir(application, application) / "index.html";
  { std::ofstream(index) << "<h1>edited by hand</h1>\n"; }
  ASSERT_TRUE(schedule.Trigger().ok());
  state = WaitForStack(application, [](const auto& s) { return s.drift.has_value(); });
  ASSERT_TRUE(state.drift->drifted);
  ASSERT_EQ(state.drift->resources.size(), 1u);
  EXPECT_EQ(state.drift->resources[0].address, "local_file.index");
  bool content_recorded = false;
  for (const auto& attribute : state.drift->resources[0].changed)
    content_recorded = content_recorded || attribute.name == "content";
  EXPECT_TRUE(content_recorded) << "the drifted attribute was not recorded";
  EXPECT_EQ(Column("SELECT details->'resources'->0->>'address' FROM audit_events WHERE "
                   "workflow_id = $1 AND action = 'drift-found'",
                   {"stack/" + application}),
            (std::vector<std::string>{"local_file.index"}));
  // Detection changes nothing: reconciling is a new request.
  EXPECT_EQ(ReadFile(index), "<h1>edited by hand</h1>\n");
  ASSERT_TRUE(schedule.Delete().ok());
}

TEST_F(StackLifecycleTest, AStackIsRemindedThenDestroyedAtExpiryUnlessExtended) {
  const std::string expiring = "site-" + Random(8);
  const std::string extended = "site-" + Random(8);
  ProvisionRequest short_lived = SiteRequest(expiring);
  short_lived.ttl_seconds = 6;
  ProvisionRequest kept = SiteRequest(extended);
  kept.ttl_seconds = 6;
  Provision(short_lived, expiring);
  Provision(kept, extended);
  started_.push_back("stack/" + expiring);
  started_.push_back("stack/" + extended);

  // The owner keeps the second one longer (a signed decision, as the API sends).
  provisio::model::StackState before = Stack(extended);
  ASSERT_TRUE(before.expires_at_unix.has_value());
  SignedDecision extend = Decision("stack/" + extended, "alice", "extend", "", {"requester"});
  extend.extend_until_unix = *before.expires_at_unix + 3600;
  provisio::approval::Sign(extend, settings_.approval_key);
  SignedDecision stranger = Decision("stack/" + extended, "dave", "extend", "", {"requester"});
  stranger.extend_until_unix = *before.expires_at_unix + 3600;
  provisio::approval::Sign(stranger, settings_.approval_key);
  auto refused =
      client_->GetHandle("stack/" + extended).Update<std::int64_t>("ExtendExpiry", stranger);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().failure()->message().find("dave neither owns"), std::string::npos);
  auto moved = client_->GetHandle("stack/" + extended).Update<std::int64_t>("ExtendExpiry", extend);
  ASSERT_TRUE(moved.ok()) << moved.error();
  EXPECT_EQ(*moved, *before.expires_at_unix + 3600);

  // The first is destroyed at expiry, after its owner was reminded.
  provisio::model::StackState gone =
      WaitForStack(expiring, [](const auto& s) { return s.destroyed; });
  EXPECT_FALSE(gone.last_good.has_value());
  EXPECT_FALSE(gone.drift_schedule);
  EXPECT_FALSE(fs::exists(SiteDir(expiring, expiring) / "index.html"));
  EXPECT_EQ(Column("SELECT user_id FROM notifications WHERE workflow_id = $1 AND kind = "
                   "'expiry_reminder'",
                   {"stack/" + expiring}),
            (std::vector<std::string>{"alice"}));
  EXPECT_EQ(Column("SELECT action FROM audit_events WHERE workflow_id = $1 ORDER BY occurred_at",
                   {"stack/" + expiring}),
            (std::vector<std::string>{"destroy"}));
  // The server closes a deleted schedule's own workflow asynchronously.
  bool schedule_gone = false;
  for (int i = 0; i < 100 && !schedule_gone; ++i) {
    auto described = client_->GetScheduleHandle("drift/" + expiring).Describe();
    schedule_gone = !described.ok() && described.error().code() == temporal::ErrorCode::kNotFound;
    if (!schedule_gone) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(schedule_gone) << "the drift schedule outlived its stack";
  // The extended one is still there, past its first expiry.
  const auto first_expiry =
      std::chrono::system_clock::time_point(std::chrono::seconds(*before.expires_at_unix + 2));
  while (std::chrono::system_clock::now() < first_expiry) std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(fs::exists(SiteDir(extended, extended) / "index.html"));
  EXPECT_FALSE(Stack(extended).destroyed);
  EXPECT_EQ(Column("SELECT actor || ':' || action FROM audit_events WHERE workflow_id = $1",
                   {"stack/" + extended}),
            (std::vector<std::string>{"alice:extend-expiry"}));
  (void)client_->GetScheduleHandle("drift/" + extended).Delete();
}

TEST_F(StackLifecycleTest, DestroyingAStackIsARequestWithApproval) {
  const std::string application = "site-" + Random(8);
  Provision(SiteRequest(application), application);
  started_.push_back("stack/" + application);
  WaitForStack(application, [](const auto& s) { return s.drift_schedule; });
  ASSERT_TRUE(fs::exists(SiteDir(application, application) / "index.html"));

  ProvisionRequest destroy = SiteRequest(application);
  destroy.destroy = true;
  auto handle = Start(destroy, application + "-destroy");
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  // The authorizers see what would go: every resource deleted.
  ASSERT_EQ(waiting.plan_summary.size(), 2u);
  for (const auto& change : waiting.plan_summary)
    EXPECT_EQ(change.actions, std::vector<std::string>{"delete"}) << change.address;
  // Nothing is destroyed before the approval.
  EXPECT_TRUE(fs::exists(SiteDir(application, application) / "index.html"));
  ASSERT_TRUE(
      Authorize(handle, Decision(application + "-destroy", "bob", "approve", *waiting.plan_hash)));
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->status, "DESTROYED");
  EXPECT_FALSE(fs::exists(SiteDir(application, application) / "index.html"));
  provisio::model::StackState stack =
      WaitForStack(application, [](const auto& s) { return !s.drift_schedule; });
  EXPECT_TRUE(stack.destroyed);
  EXPECT_FALSE(stack.last_good.has_value());
  EXPECT_EQ(AuditActions(application + "-destroy"),
            (std::vector<std::string>{"request", "approve", "destroy"}));
}

}  // namespace
}  // namespace provisio_test
