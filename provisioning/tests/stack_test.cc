// The Stack entity end to end: serialized applies, a stale plan asked
// again, continue-as-new carrying the queue, an admin's lock break
// (provisioning_fixture.h says what runs).
#include "provisioning_fixture.h"

namespace provisio_test {
namespace {

using StackTest = ProvisioningTest;

// The time of the first event of `type` in `handle`'s history whose
// activity (scheduled event) is `activity_type`.
std::chrono::system_clock::time_point ActivityEventTime(const temporal::WorkflowHandle& handle,
                                                        const std::string& activity_type,
                                                        enums::EventType type) {
  auto history = handle.FetchHistory();
  EXPECT_TRUE(history.ok()) << history.error();
  std::set<std::int64_t> scheduled;
  for (const auto& event : history->events()) {
    if (event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
        event.activity_task_scheduled_event_attributes().activity_type().name() == activity_type)
      scheduled.insert(event.event_id());
    std::int64_t of = 0;
    if (event.has_activity_task_started_event_attributes())
      of = event.activity_task_started_event_attributes().scheduled_event_id();
    if (event.has_activity_task_completed_event_attributes())
      of = event.activity_task_completed_event_attributes().scheduled_event_id();
    if (event.has_activity_task_failed_event_attributes())
      of = event.activity_task_failed_event_attributes().scheduled_event_id();
    if (event.event_type() == type && scheduled.count(of) != 0)
      return std::chrono::system_clock::time_point(
          std::chrono::seconds(event.event_time().seconds()) +
          std::chrono::nanoseconds(event.event_time().nanos()));
  }
  ADD_FAILURE() << "no " << enums::EventType_Name(type) << " of " << activity_type;
  return {};
}

TEST_F(StackTest, TwoRequestsOnOneStackApplyOneAfterTheOtherAndAStalePlanIsAskedAgain) {
  const std::string application = "site-" + Random(8);
  ProvisionRequest first = SiteRequest(application);
  ProvisionRequest second = SiteRequest(application);
  second.parameters["greeting"] = "Second version";
  auto a = Start(first, application + "-a");
  auto b = Start(second, application + "-b");
  started_.push_back("stack/" + application);
  const std::string hash_a = *WaitForStatus(a, "AWAITING_AUTHORIZATION").plan_hash;
  const std::string hash_b = *WaitForStatus(b, "AWAITING_AUTHORIZATION").plan_hash;
  // Both plans were made on the empty stack. The first approved applies; the
  // second is then stale: OpenTofu refuses it rather than undo the first.
  ASSERT_TRUE(Authorize(a, Decision(application + "-a", "bob", "approve", hash_a)));
  auto result_a = a.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result_a.ok()) << result_a.error();
  ASSERT_TRUE(Authorize(b, Decision(application + "-b", "bob", "approve", hash_b)));
  // The second request plans again, on the first's state, and asks again.
  RequestState asked_again;
  for (int i = 0; i < 600; ++i) {
    auto state = b.Query<RequestState>("GetState");
    if (state.ok() && state->status == "AWAITING_AUTHORIZATION" && state->rounds == 2) {
      asked_again = *state;
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(asked_again.rounds, 2) << "the stale plan was not put to the authorizers again";
  ASSERT_TRUE(asked_again.plan_hash.has_value());
  EXPECT_NE(*asked_again.plan_hash, hash_b);
  // The fresh plan updates the first request's site, rather than creating it.
  bool updates_index = false;
  for (const auto& change : asked_again.plan_summary)
    if (change.address == "local_file.index")
      updates_index = change.actions != std::vector<std::string>{"create"};
  EXPECT_TRUE(updates_index) << "the fresh plan was not made on the first request's state";
  // The old hash no longer counts; the fresh one does.
  auto stale =
      b.Update<std::string>("Authorize", Decision(application + "-b", "carol", "approve", hash_b));
  EXPECT_FALSE(stale.ok());
  ASSERT_TRUE(
      Authorize(b, Decision(application + "-b", "carol", "approve", *asked_again.plan_hash)));
  auto result_b = b.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result_b.ok()) << result_b.error();
  EXPECT_LE(ActivityEventTime(a, "apply", enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
            ActivityEventTime(b, "apply", enums::EVENT_TYPE_ACTIVITY_TASK_STARTED));
  EXPECT_NE(ReadFile(SiteDir(application, application) / "index.html").find("Second version"),
            std::string::npos);
  // Both approvals of the second request are recorded, with the stale plan.
  EXPECT_EQ(AuditActions(application + "-b"),
            (std::vector<std::string>{"request", "approve", "stale-plan", "approve"}));
  // The stale-plan row says why: OpenTofu's refusal of the saved plan.
  const auto stale_reason =
      Column("SELECT reason FROM audit_events WHERE workflow_id = $1 AND action = 'stale-plan'",
             {application + "-b"});
  ASSERT_EQ(stale_reason.size(), 1u);
  EXPECT_NE(stale_reason[0].find("Saved plan is stale"), std::string::npos) << stale_reason[0];
  EXPECT_EQ(Column("SELECT count(*) FROM notifications WHERE workflow_id = $1 AND user_id = "
                   "'carol'",
                   {application + "-b"}),
            (std::vector<std::string>{"2"}));
  auto stack =
      client_->GetHandle("stack/" + application).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(stack.ok()) << stack.error();
  EXPECT_FALSE(stack->holder.has_value());
  EXPECT_EQ(stack->next_ticket, 4) << "a, b's stale turn, b's second turn";
  EXPECT_EQ(stack->last_good_plan_hash.value_or(""), *asked_again.plan_hash);
  ASSERT_TRUE(stack->last_good.has_value());
  EXPECT_EQ(stack->last_good->parameters.at("greeting"), "Second version");
}

// Stands for a request: takes its turn and keeps it until the test says.
temporal::workflow::Task<std::int64_t> AwaitsTurn() {
  std::optional<std::int64_t> turn;
  temporal::workflow::SetSignalHandler(
      "ApplyTurn", [&turn](provisio::model::ApplyTurn given) { turn = given.ticket; });
  co_await temporal::workflow::WaitCondition([&turn] { return turn.has_value(); });
  co_return *turn;
}

TEST_F(StackTest, TheStackContinuesAsNewCarryingItsQueue) {
  RestartWorker(
      [](temporal::Worker& worker) { worker.RegisterWorkflow("AwaitsTurn", AwaitsTurn); });

  const std::string stack = "stack-" + Random(8);
  provisio::model::StackState fresh;
  fresh.stack = stack;
  fresh.template_name = "local-site";
  fresh.applies_per_run = 1;  // continue as new after every turn
  temporal::StartWorkflowOptions stack_options;
  stack_options.id = "stack/" + stack;
  stack_options.task_queue = task_queue_;
  auto entity = client_->StartWorkflow("Stack", stack_options, fresh);
  ASSERT_TRUE(entity.ok()) << entity.error();
  started_.push_back(stack_options.id);
  std::vector<temporal::WorkflowHandle> requests;
  for (int i = 1; i <= 3; ++i) {
    temporal::StartWorkflowOptions request_options;
    request_options.id = stack + "-request-" + std::to_string(i);
    request_options.task_queue = task_queue_;
    auto request = client_->StartWorkflow("AwaitsTurn", request_options);
    ASSERT_TRUE(request.ok()) << request.error();
    requests.push_back(*request);
    provisio::model::EnqueueApplyInput enqueue{stack, "local-site", request_options.id,
                                               std::string(64, 'a' + i)};
    auto ticket = client_->GetHandle(stack_options.id)
                      .Update<provisio::model::EnqueueApplyResult>("EnqueueApply", enqueue);
    ASSERT_TRUE(ticket.ok()) << ticket.error();
    EXPECT_EQ(ticket->ticket, i);
    EXPECT_EQ(ticket->position, i - 1);
  }
  // The first request holds the turn; the other two wait in the queue.
  auto first = requests[0].GetResult<std::int64_t>();
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(*first, 1);
  // Its turn ends: the run has given its one turn, and continues as new with
  // the two waiting requests, whose first gets the next turn.
  provisio::model::ApplyFinished finished;
  finished.ticket = 1;
  finished.succeeded = true;
  finished.plan_hash = std::string(64, 'b');
  finished.template_hash = std::string(64, 'f');
  ASSERT_TRUE(client_->GetHandle(stack_options.id).Signal("ApplyFinished", finished).ok());
  auto second = requests[1].GetResult<std::int64_t>();
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(*second, 2);
  auto state = client_->GetHandle(stack_options.id).Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->generation, 2);
  ASSERT_TRUE(state->holder.has_value());
  EXPECT_EQ(state->holder->request_id, stack + "-request-2");
  ASSERT_EQ(state->queue.size(), 1u);
  EXPECT_EQ(state->queue[0].request_id, stack + "-request-3");
  EXPECT_EQ(state->next_ticket, 4);
  EXPECT_EQ(state->last_good_plan_hash.value_or(""), std::string(64, 'b'));
  // The first run ended by continuing as new.
  auto history = entity->FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  EXPECT_EQ(history->events(history->events_size() - 1).event_type(),
            enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
  ASSERT_TRUE(requests[2].Cancel().ok());
}

TEST_F(StackTest, AnAdminBreaksAStuckLockAndItIsAudited) {
  RestartWorker(
      [](temporal::Worker& worker) { worker.RegisterWorkflow("AwaitsTurn", AwaitsTurn); });

  const std::string stack = "stack-" + Random(8);
  const std::string entity_id = "stack/" + stack;
  provisio::model::StackState fresh;
  fresh.stack = stack;
  fresh.template_name = "local-site";
  temporal::StartWorkflowOptions stack_options;
  stack_options.id = entity_id;
  stack_options.task_queue = task_queue_;
  auto entity = client_->StartWorkflow("Stack", stack_options, fresh);
  ASSERT_TRUE(entity.ok()) << entity.error();
  started_.push_back(entity_id);
  std::vector<temporal::WorkflowHandle> requests;
  for (int i = 1; i <= 2; ++i) {
    temporal::StartWorkflowOptions request_options;
    request_options.id = stack + "-holder-" + std::to_string(i);
    request_options.task_queue = task_queue_;
    auto request = client_->StartWorkflow("AwaitsTurn", request_options);
    ASSERT_TRUE(request.ok()) << request.error();
    requests.push_back(*request);
    provisio::model::EnqueueApplyInput enqueue{stack, "local-site", request_options.id,
                                               std::string(64, '0' + i)};
    ASSERT_TRUE(entity->Update<provisio::model::EnqueueApplyResult>("EnqueueApply", enqueue).ok());
  }
  // The first holder takes its turn and never reports: the lock is stuck.
  ASSERT_TRUE(requests[0].GetResult<std::int64_t>().ok());
  const auto refused = [&](SignedDecision decision, const std::string& expected) {
    auto answer = entity->Update<std::string>("BreakLock", decision);
    ASSERT_FALSE(answer.ok()) << "accepted: " << expected;
    ASSERT_NE(answer.error().failure(), nullptr) << answer.error();
    EXPECT_NE(answer.error().failure()->message().find(expected), std::string::npos)
        << answer.error().failure()->message();
  };
  const std::string held = std::string(64, '1');
  refused(Decision(entity_id, "bob", "break-lock", held, {"operator"}), "bob is not an admin");
  refused(Decision(entity_id, "erin", "break-lock", std::string(64, '2'), {"admin"}),
          "the lock is held for plan");
  SignedDecision forged = Decision(entity_id, "erin", "break-lock", held, {"admin"});
  provisio::approval::Sign(forged, "not the platform's key");
  refused(forged, "not signed by the platform");
  EXPECT_EQ(UpdatesAccepted(*entity), 2) << "a refused lock break reached history";

  auto broken = entity->Update<std::string>(
      "BreakLock", Decision(entity_id, "erin", "break-lock", held, {"admin"}));
  ASSERT_TRUE(broken.ok()) << broken.error();
  EXPECT_EQ(*broken, "released " + stack + "-holder-1");
  // The next in the queue gets its turn at once.
  auto second = requests[1].GetResult<std::int64_t>();
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(*second, 2);
  auto state = entity->Query<provisio::model::StackState>("GetStack");
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->lock_breaks, 1);
  ASSERT_TRUE(state->holder.has_value());
  EXPECT_EQ(state->holder->request_id, stack + "-holder-2");
  EXPECT_EQ(Column("SELECT actor || ':' || action || ':' || (details->>'holder') FROM "
                   "audit_events WHERE workflow_id = $1",
                   {entity_id}),
            (std::vector<std::string>{"erin:break-lock:" + stack + "-holder-1"}));
  ASSERT_TRUE(entity->Cancel().ok());
}

}  // namespace
}  // namespace provisio_test
