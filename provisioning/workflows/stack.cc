#include "workflows/stack.h"

#include <algorithm>
#include <memory>

#include "approval/approval_signature.h"
#include "model/stack_registry.h"
#include "workflows/activity_options.h"
#include "workflows/provision_application.h"
#include "workflows/workflow_time.h"

namespace provisio::workflows {
namespace {
namespace wf = temporal::workflow;
using namespace std::chrono_literals;

std::int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(wf::Now().time_since_epoch()).count();
}

[[noreturn]] void Refuse(const std::string& why) {
  throw temporal::ApplicationFailure(why, "StackChangeRefused", /*non_retryable=*/true);
}

// The checks common to an admin's or owner's signed decision on the entity.
void VerifySigned(const model::SignedDecision& decision, const std::string& approval_key) {
  for (const std::string& field : {decision.workflow_id, decision.user, decision.plan_hash,
                                   decision.decision, decision.reason.value_or("")})
    if (field.find('\n') != std::string::npos) Refuse("a field contains a line break");
  if (temporal::Status verified =
          approval::Verify(decision, approval_key, wf::Info().workflow_id, wf::Now());
      !verified)
    Refuse(verified.error().message());
}

bool HasRole(const model::SignedDecision& decision, const std::string& role) {
  return std::find(decision.roles.begin(), decision.roles.end(), role) != decision.roles.end();
}

void CheckBreakLock(const model::SignedDecision& decision, const std::string& approval_key,
                    const model::StackState& state) {
  VerifySigned(decision, approval_key);
  if (decision.decision != "break-lock")
    Refuse("decision must be \"break-lock\", not \"" + decision.decision + "\"");
  if (!HasRole(decision, "admin")) Refuse(decision.user + " is not an admin");
  if (!state.holder) Refuse("stack " + state.stack + " is not locked");
  if (decision.plan_hash != state.holder->plan_hash)
    Refuse("the lock is held for plan " + state.holder->plan_hash + ", not " + decision.plan_hash);
}

void CheckExtend(const model::SignedDecision& decision, const std::string& approval_key,
                 const model::StackState& state) {
  VerifySigned(decision, approval_key);
  if (decision.decision != "extend")
    Refuse("decision must be \"extend\", not \"" + decision.decision + "\"");
  if (decision.user != state.owner.value_or("") && !HasRole(decision, "admin") &&
      !HasRole(decision, "operator"))
    Refuse(decision.user + " neither owns stack " + state.stack + " nor operates the platform");
  if (!state.expires_at_unix) Refuse("stack " + state.stack + " has no expiry to extend");
  if (!decision.extend_until_unix || *decision.extend_until_unix <= *state.expires_at_unix)
    Refuse("extendUntilUnix must be later than the current expiry " +
           std::to_string(*state.expires_at_unix));
}

// The entity's own steps, over its shared state.
class Entity {
 public:
  Entity(const std::string& approval_key, std::shared_ptr<model::StackState> state)
      : approval_key_(approval_key), state_(std::move(state)) {}

  void InstallHandlers();
  wf::Task<void> Run();

 private:
  wf::Task<void> Audit(const std::string& actor, const std::string& action,
                       std::optional<std::string> reason, std::optional<std::string> plan_hash,
                       nlohmann::json details);
  wf::Task<void> GiveTurn();
  wf::Task<void> CheckDrift();
  wf::Task<void> RemindOfExpiry();
  wf::Task<void> Expire();
  wf::Task<void> KeepDriftScheduleInStep();
  wf::Task<void> RecordInRegistry();
  /// The next time something is due (reminder, expiry), if any.
  std::optional<std::int64_t> NextDeadline() const;

  const std::string& approval_key_;
  std::shared_ptr<model::StackState> state_;
  bool drift_requested_ = false;
  int audits_ = 0;
  /// What RecordInRegistry last wrote in this run (empty: nothing yet).
  std::string recorded_;
};

wf::Task<void> Entity::Audit(const std::string& actor, const std::string& action,
                             std::optional<std::string> reason,
                             std::optional<std::string> plan_hash, nlohmann::json details) {
  model::AuditInput audit;
  audit.event_id = wf::Info().workflow_id + "/" + std::to_string(wf::Info().history_length) + "." +
                   action + "." + std::to_string(++audits_);
  audit.occurred_at = Rfc3339(wf::Now());
  audit.actor = actor;
  audit.action = action;
  audit.workflow_id = wf::Info().workflow_id;
  audit.stack = state_->stack;
  audit.plan_hash = std::move(plan_hash);
  audit.reason = std::move(reason);
  audit.details = std::move(details);
  co_await wf::ExecuteActivity<void>("Audit", PlatformActivity(), audit);
}

void Entity::InstallHandlers() {
  auto state = state_;
  wf::SetQueryHandler("GetStack", [state] { return *state; });

  wf::SetUpdateHandler(
      "EnqueueApply",
      [state](model::EnqueueApplyInput input) -> model::EnqueueApplyResult {
        // The same request twice (a retried activity with a new update id)
        // keeps its one place.
        if (state->holder && state->holder->request_id == input.request_id)
          return {state->holder->ticket, 0};
        for (std::size_t i = 0; i < state->queue.size(); ++i) {
          if (state->queue[i].request_id == input.request_id)
            return {state->queue[i].ticket, static_cast<std::int32_t>(i) + (state->holder ? 1 : 0)};
        }
        model::ApplyTicket ticket{input.request_id, input.plan_hash, state->next_ticket++};
        state->queue.push_back(ticket);
        return {ticket.ticket,
                static_cast<std::int32_t>(state->queue.size() - 1) + (state->holder ? 1 : 0)};
      },
      [state](const model::EnqueueApplyInput& input) {
        if (input.request_id.empty() || input.plan_hash.empty())
          throw temporal::ApplicationFailure("requestId and planHash are required",
                                             "InvalidArgument", true);
        if (input.stack != state->stack)
          throw temporal::ApplicationFailure(
              "this is stack " + state->stack + ", not " + input.stack, "InvalidArgument", true);
      });

  wf::SetSignalHandler("ApplyFinished", [state](model::ApplyFinished finished) {
    if (!state->holder || state->holder->ticket != finished.ticket) return;  // late or stray
    if (finished.succeeded) {
      state->last_good_plan_hash = finished.plan_hash;
      state->template_hash = finished.template_hash;
      if (finished.inputs) state->last_good = finished.inputs;
      state->destroyed = false;
      if (finished.requester) state->owner = finished.requester;
      if (finished.drift_interval_seconds)
        state->drift_interval_seconds = *finished.drift_interval_seconds;
      // A request's time to live starts when it is provisioned; a request
      // without one leaves the stack to live until destroyed.
      state->ttl_seconds = finished.ttl_seconds;
      state->expires_at_unix.reset();
      if (finished.ttl_seconds) state->expires_at_unix = UnixNow() + *finished.ttl_seconds;
      state->reminded = false;
    }
    if (finished.destroyed.value_or(false)) {
      state->last_good.reset();
      state->last_good_plan_hash.reset();
      state->expires_at_unix.reset();
      state->destroyed = true;
    }
    state->holder.reset();
  });

  // The drift schedule's DetectDrift asks for a check; the entity runs it
  // between turns, so it never races an apply for the state lock.
  wf::SetSignalHandler("CheckDrift", [this] { drift_requested_ = true; });

  // An admin breaks a lock whose holder is stuck (audited). The holder's
  // late ApplyFinished is then ignored as stray.
  wf::SetUpdateHandler(
      "BreakLock",
      [this](model::SignedDecision decision) -> wf::Task<std::string> {
        const model::ApplyTicket broken = *state_->holder;
        state_->holder.reset();
        ++state_->lock_breaks;
        co_await Audit(decision.user, "break-lock", decision.reason, broken.plan_hash,
                       nlohmann::json{{"holder", broken.request_id}, {"ticket", broken.ticket}});
        co_return std::string("released " + broken.request_id);
      },
      [this](const model::SignedDecision& decision) {
        CheckBreakLock(decision, approval_key_, *state_);
      });

  // The owner (or an operator) extends the stack's life before it expires.
  wf::SetUpdateHandler(
      "ExtendExpiry",
      [this](model::SignedDecision decision) -> wf::Task<std::int64_t> {
        const std::int64_t before = *state_->expires_at_unix;
        state_->expires_at_unix = *decision.extend_until_unix;
        state_->reminded = false;
        co_await Audit(decision.user, "extend-expiry", decision.reason, std::nullopt,
                       nlohmann::json{{"from", before}, {"to", *decision.extend_until_unix}});
        co_await RecordInRegistry();
        co_return *state_->expires_at_unix;
      },
      [this](const model::SignedDecision& decision) {
        CheckExtend(decision, approval_key_, *state_);
      });
}

std::optional<std::int64_t> Entity::NextDeadline() const {
  if (!state_->expires_at_unix) return std::nullopt;
  if (!state_->reminded && state_->ttl_seconds) {
    // The reminder is due at 80% of the life granted, counted back from expiry.
    const std::int64_t remind_at = *state_->expires_at_unix - *state_->ttl_seconds / 5;
    return std::min(remind_at, *state_->expires_at_unix);
  }
  return state_->expires_at_unix;
}

wf::Task<void> Entity::GiveTurn() {
  state_->holder = state_->queue.front();
  state_->queue.erase(state_->queue.begin());
  const model::ApplyTicket turn = *state_->holder;
  bool delivered = true;
  try {
    co_await wf::SignalExternalWorkflow(turn.request_id, "", "ApplyTurn",
                                        model::ApplyTurn{turn.ticket, state_->last_good});
  } catch (const wf::FailureError&) {
    delivered = false;  // the request is gone (closed, terminated): next
  }
  if (!delivered) {
    wf::LogWarning("stack " + state_->stack + ": request " + turn.request_id +
                   " is gone; its turn is skipped");
    state_->holder.reset();
    ++state_->applies;
    co_return;
  }
  auto state = state_;
  const bool reported = co_await wf::WaitCondition(
      [state, &turn] { return !state->holder || state->holder->ticket != turn.ticket; },
      std::chrono::duration_cast<std::chrono::milliseconds>(kStackLease));
  if (!reported) {
    wf::LogWarning("stack " + state_->stack + ": the lease of " + turn.request_id +
                   " ran out; the lock is released");
    state_->holder.reset();
  }
  ++state_->applies;
}

wf::Task<void> Entity::KeepDriftScheduleInStep() {
  // The schedule exists while the stack does: created with its first good
  // apply, deleted when it is destroyed.
  const bool wanted = state_->last_good.has_value() && !state_->destroyed;
  if (wanted == state_->drift_schedule) co_return;
  model::DriftScheduleInput input{state_->stack, wf::Info().task_queue,
                                  state_->drift_interval_seconds};
  co_await wf::ExecuteActivity<void>(wanted ? "EnsureDriftSchedule" : "DeleteDriftSchedule",
                                     PlatformActivity(), input);
  state_->drift_schedule = wanted;
}

wf::Task<void> Entity::CheckDrift() {
  drift_requested_ = false;
  if (!state_->last_good) co_return;  // nothing provisioned to compare
  const model::DriftResult found = co_await wf::ExecuteActivity<model::DriftResult>(
      "drift", RunnerActivity(), *state_->last_good);
  if (found.drifted) {
    nlohmann::json resources = nlohmann::json::array();
    for (const model::ResourceChange& change : found.resources) {
      nlohmann::json attributes = nlohmann::json::array();
      for (const model::AttributeChange& attribute : change.changed)
        attributes.push_back(attribute.name);
      resources.push_back(
          {{"address", change.address}, {"actions", change.actions}, {"attributes", attributes}});
    }
    co_await Audit("provisio", "drift-found", std::nullopt, state_->last_good_plan_hash,
                   nlohmann::json{{"resources", resources}, {"runId", found.run_id}});
  }
  // Shown once audited: whoever reads the finding can find its audit row.
  state_->drift =
      model::DriftStatus{Rfc3339(wf::Now()), found.drifted, found.resources, found.run_id};
}

wf::Task<void> Entity::RemindOfExpiry() {
  state_->reminded = true;
  model::NotifyInput notify;
  notify.notification_id =
      wf::Info().workflow_id + "/expiry/" + std::to_string(*state_->expires_at_unix);
  if (state_->owner) notify.users = {*state_->owner};
  notify.kind = "expiry_reminder";
  notify.workflow_id = wf::Info().workflow_id;
  notify.subject = "stack " + state_->stack + " will be destroyed at " +
                   Rfc3339(std::chrono::system_clock::time_point(
                       std::chrono::seconds(*state_->expires_at_unix))) +
                   " unless extended";
  notify.body =
      nlohmann::json{{"stack", state_->stack}, {"expiresAtUnix", *state_->expires_at_unix}};
  co_await wf::ExecuteActivity<int>("Notify", PlatformActivity(), notify);
}

wf::Task<void> Entity::Expire() {
  if (state_->last_good) {
    co_await wf::ExecuteActivity<nlohmann::json>("destroy", RunnerActivity(), *state_->last_good);
  }
  co_await Audit("provisio", "destroy", std::string("the stack's time to live ran out"),
                 state_->last_good_plan_hash,
                 nlohmann::json{{"expiresAtUnix", *state_->expires_at_unix}});
  state_->last_good.reset();
  state_->last_good_plan_hash.reset();
  state_->expires_at_unix.reset();
  co_await KeepDriftScheduleInStep();
  state_->destroyed = true;  // last: a reader that sees it sees the schedule gone too
  co_await RecordInRegistry();
}

wf::Task<void> Entity::RecordInRegistry() {
  // The stack registry (`provisio stack recover` rebuilds entities from it)
  // gets what a recovery needs: the last good configuration, owner, expiry,
  // destroyed. Written when that changes, not at every turn or drift check.
  if (!state_->last_good && !state_->destroyed) co_return;
  nlohmann::json wanted = *state_;
  for (const char* passing : {"queue", "holder", "applies", "nextTicket", "drift", "generation",
                              "lockBreaks", "driftSchedule"})
    wanted.erase(passing);
  const std::string text = wanted.dump();
  if (text == recorded_) co_return;
  // Runs recorded before the registry existed did not schedule this
  // activity here: they replay without it.
  if (!wf::Patched("stack-registry")) co_return;
  co_await wf::ExecuteActivity<void>("RecordStack", PlatformActivity(),
                                     model::StackRegistryEntry{wf::Info().task_queue, *state_});
  recorded_ = text;
}

wf::Task<void> Entity::Run() {
  while (true) {
    const auto rollover = [this] {
      return state_->applies >= state_->applies_per_run.value_or(kStackAppliesPerRun) ||
             wf::Info().continue_as_new_suggested;
    };
    const auto work = [this, &rollover] {
      return !state_->queue.empty() || drift_requested_ || rollover();
    };
    if (const std::optional<std::int64_t> deadline = NextDeadline()) {
      const std::int64_t wait = std::max<std::int64_t>(0, *deadline - UnixNow());
      if (wait > 0) co_await wf::WaitCondition(work, std::chrono::seconds(wait));
    } else {
      co_await wf::WaitCondition(work);
    }
    if (rollover()) {
      // Drain the handlers first (an update being accepted, a signal being
      // handled), then carry the queue over.
      co_await wf::WaitCondition(wf::AllHandlersFinished);
      model::StackState next = *state_;
      next.applies = 0;
      ++next.generation;
      wf::ContinueAsNew(next);
    }
    if (drift_requested_) {
      co_await CheckDrift();
      continue;
    }
    if (state_->expires_at_unix && UnixNow() >= *state_->expires_at_unix) {
      co_await Expire();
      continue;
    }
    if (state_->expires_at_unix && !state_->reminded && NextDeadline() &&
        UnixNow() >= *NextDeadline()) {
      co_await RemindOfExpiry();
      continue;
    }
    if (state_->queue.empty()) continue;
    co_await GiveTurn();
    co_await KeepDriftScheduleInStep();
    co_await RecordInRegistry();
  }
}

}  // namespace

wf::Task<void> Stack(const std::string& approval_key, model::StackState carried) {
  // Shared with the query handler: a closed run is queried after this
  // function has returned.
  auto state = std::make_shared<model::StackState>(std::move(carried));
  auto entity = std::make_shared<Entity>(approval_key, state);
  entity->InstallHandlers();
  co_await entity->Run();
}

wf::Task<void> DetectDrift(std::string stack) {
  // Started by the stack's schedule: hand the check to the entity, which
  // runs it between applies.
  co_await wf::SignalExternalWorkflow(StackWorkflowId(stack), "", "CheckDrift");
}

}  // namespace provisio::workflows
