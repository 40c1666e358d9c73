#include "workflows/stack.h"

#include <algorithm>
#include <memory>

namespace provisio::workflows {
namespace {
namespace wf = temporal::workflow;
}  // namespace

wf::Task<void> Stack(model::StackState carried) {
  // Shared with the query handler: a closed run is queried after this
  // function has returned.
  auto state = std::make_shared<model::StackState>(std::move(carried));
  state->applies = 0;
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
    }
    state->holder.reset();
  });

  while (true) {
    const auto rollover = [state] {
      return state->applies >= state->applies_per_run.value_or(kStackAppliesPerRun) ||
             wf::Info().continue_as_new_suggested;
    };
    co_await wf::WaitCondition([&] { return !state->queue.empty() || rollover(); });
    if (rollover()) {
      // Drain the handlers first (an update being accepted, a signal being
      // handled), then carry the queue over.
      co_await wf::WaitCondition(wf::AllHandlersFinished);
      model::StackState next = *state;
      ++next.generation;
      wf::ContinueAsNew(next);
    }
    state->holder = state->queue.front();
    state->queue.erase(state->queue.begin());
    const model::ApplyTicket turn = *state->holder;
    bool delivered = true;
    try {
      co_await wf::SignalExternalWorkflow(turn.request_id, "", "ApplyTurn", turn.ticket);
    } catch (const wf::FailureError&) {
      delivered = false;  // the request is gone (closed, terminated): next
    }
    if (!delivered) {
      wf::LogWarning("stack " + state->stack + ": request " + turn.request_id +
                     " is gone; its turn is skipped");
      state->holder.reset();
      ++state->applies;
      continue;
    }
    const bool reported = co_await wf::WaitCondition(
        [state, &turn] { return !state->holder || state->holder->ticket != turn.ticket; },
        std::chrono::duration_cast<std::chrono::milliseconds>(kStackLease));
    if (!reported) {
      wf::LogWarning("stack " + state->stack + ": the lease of " + turn.request_id +
                     " ran out; the lock is released");
      state->holder.reset();
    }
    ++state->applies;
  }
}

}  // namespace provisio::workflows
