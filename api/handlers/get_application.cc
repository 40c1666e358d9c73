// GET /api/applications/{id}: a request's state (the GetState query) with
// each resource's apply progress. A long-poll answers with the state the
// workflow recorded in request_states (what its version counts).
//
// With ?waitAfterVersion=N it is a long-poll: it answers as soon as the
// application's `version` is greater than N, or after the long-poll time
// (30 s by default) with the state as it is. Waiting costs no polling: the
// API's one LISTEN connection wakes the waiters of this request when
// request_states or apply_progress get a row for it (platform/change_feed.h).
#include <spdlog/spdlog.h>

#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "platform/blocking.h"

namespace provisio::api::handlers {
namespace {

// Read reads the progress and the state: for a plain read, the workflow's
// answer (the freshest); for a long-poll, the state the workflow recorded,
// which is what its cursor counts. Why: a change wakes every waiter of the
// request at once, and a thousand PostgreSQL reads cost far less than a
// thousand queries, each a workflow task on the worker (bench/README.md, "API").
enum class StateSource { kWorkflow, kRecorded };

boost::asio::awaitable<temporal::Result<ApplicationView>> Read(Services& services,
                                                               const std::string& id,
                                                               StateSource source) {
  co_return co_await RunBlocking(services.blocking, [&]() -> temporal::Result<ApplicationView> {
    // Progress first: the state read after it is at least as new as the rows.
    auto progress = ReadProgress(services, id);
    if (!progress) return progress.error();
    auto loaded = source == StateSource::kRecorded ? LoadRecordedState(services, id)
                                                   : LoadState(services, id);
    if (!loaded) return loaded.error();
    return ApplicationView{id,
                           progress->cursor,
                           loaded->source,
                           MakeStateView(loaded->state),
                           std::move(progress->rows),
                           std::move(progress->timeline)};
  });
}

Problem ReadProblem(const RequestContext& context, const std::string& id,
                    const temporal::Error& error) {
  if (error.code() == temporal::ErrorCode::kNotFound) return NotVisible(id);
  spdlog::error("request {}: reading application {}: {}", context.info.request_id, id,
                error.message());
  return Problem::Unavailable("the application's state could not be read (" + error.message() +
                              "); try again");
}

boost::asio::awaitable<Outcome<ApplicationView>> GetApplication(RequestContext& context) {
  Services& services = context.services;
  const std::string id = context.path.at("id");
  if (!IsApplicationId(id)) co_return NotVisible(id);
  const std::optional<std::int64_t> after = context.QueryInteger("waitAfterVersion");

  // Subscribed before the first read: a change between that read and the
  // wait is not lost.
  std::unique_ptr<ChangeFeed::Subscription> subscription;
  if (after) subscription = services.feed.Subscribe(id);

  const StateSource source = after ? StateSource::kRecorded : StateSource::kWorkflow;
  temporal::Result<ApplicationView> view = co_await Read(services, id, source);
  if (!view) co_return ReadProblem(context, id, view.error());
  // Checked before waiting: a long-poll on a request one may not see
  // answers at once, like one on a request that does not exist.
  if (!MayRead(*context.user, view->state)) co_return NotVisible(id);
  if (!after || view->version > *after) co_return std::move(*view);

  const auto deadline = std::chrono::steady_clock::now() + services.config.long_poll;
  while (co_await subscription->Wait(deadline)) {
    // Woken: a row for this request, a reconnected listener, or shutdown.
    temporal::Result<std::int64_t> cursor =
        co_await RunBlocking(services.blocking, [&] { return ReadCursor(services, id); });
    if (!cursor) co_return ReadProblem(context, id, cursor.error());
    if (*cursor > *after) break;
  }
  // Grown, or the time is up (or the API is shutting down): the state as it is.
  view = co_await Read(services, id, source);
  if (!view) co_return ReadProblem(context, id, view.error());
  co_return std::move(*view);
}

}  // namespace

Endpoint GetApplicationEndpoint() {
  return MakeEndpoint<&GetApplication>({
      .operation_id = "getApplication",
      .summary = "A request's state and progress (long-poll)",
      .description =
          "The ProvisionApplication workflow's state (GetState) and each resource's apply "
          "progress. With waitAfterVersion=N, waits until `version` exceeds N (woken by "
          "PostgreSQL NOTIFY, no polling) or the long-poll time (30 s) passes, then answers "
          "with the state as it is. Requesters see their teams' requests, authorizers also "
          "those they may decide, operators and admins all; others get 404.",
      .tag = "applications",
      .query = {{.name = "waitAfterVersion",
                 .description = "Answer only once the application's version exceeds this one "
                                "(or after the long-poll time).",
                 .type = "integer",
                 .minimum = 0}},
      .path_parameters = {{"id", "The application id (the workflow id)."}},
      .problems = {404, 503},
  });
}

}  // namespace provisio::api::handlers
