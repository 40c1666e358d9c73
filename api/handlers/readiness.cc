// GET /readyz: whether this API process can serve: Temporal answers,
// PostgreSQL answers with the schema the API needs, the LISTEN connection
// that wakes long-polls is up, and workers poll the provisioning queue (for
// workflow tasks) and the OpenTofu runner's (for activity tasks), without
// which a request would wait forever. 200 when all hold, else 503 with the
// same body saying which does not.
#include <algorithm>

#include "handlers/handlers.h"
#include "platform/blocking.h"
#include "platform/services.h"
#include "temporal/client/client.h"
#include "temporal/client/task_queue_pollers.h"

namespace provisio::api::handlers {
namespace {

// The schema version this build of the API needs (0002: credentials, sessions).
constexpr int kSchemaVersion = 2;

struct CheckView {
  std::string name;
  bool ok = false;
  std::string detail;
};
BOOST_DESCRIBE_STRUCT(CheckView, (), (name, ok, detail))

struct ReadinessView {
  std::string status;
  std::vector<CheckView> checks;
  static void Rules(json::FieldRules& rules) {
    rules["status"] = {.one_of = {"ready", "not-ready"}};
    rules["checks"].description =
        "temporal, postgres, notifications, worker and runner, each with what it found.";
  }
};
BOOST_DESCRIBE_STRUCT(ReadinessView, (), (status, checks))

CheckView CheckTemporal(Services& services) {
  // Any answer from the frontend will do: a workflow that does not exist
  // is NOT_FOUND, which only a reachable server says.
  auto described = services.temporal_probe.GetHandle("provisio-readiness-probe").Describe();
  if (described || described.error().code() == temporal::ErrorCode::kNotFound)
    return {"temporal", true, services.config.temporal_address + " answers"};
  return {"temporal", false, described.error().ToString()};
}

CheckView CheckPostgres(Services& services) {
  auto rows = services.database.With([](database::Connection& db) {
    return db.Query("SELECT coalesce(max(version), 0) FROM schema_migrations");
  });
  if (!rows) return {"postgres", false, rows.error().message()};
  const int version = std::stoi(*rows->front()[0]);
  if (version < kSchemaVersion)
    return {"postgres", false,
            "schema version " + std::to_string(version) + ", this API needs " +
                std::to_string(kSchemaVersion) +
                ": start provisio-worker (or run it with "
                "--migrate-only) to migrate"};
  return {"postgres", true, "schema version " + std::to_string(version)};
}

// CheckPollers: someone polled `queue` for `kind` tasks lately (the server
// keeps a poller listed for a few minutes after its last poll).
CheckView CheckPollers(Services& services, const std::string& name, const std::string& queue,
                       temporal::TaskQueueKind kind, const std::string& who) {
  auto pollers = temporal::DescribeTaskQueuePollers(services.temporal_probe, queue, kind);
  if (!pollers) return {name, false, pollers.error().ToString()};
  if (pollers->empty())
    return {name, false, "no " + who + " has polled task queue \"" + queue + "\" lately"};
  return {name, true,
          std::to_string(pollers->size()) + " poller(s) on \"" + queue + "\", e.g. " +
              pollers->front().identity};
}

boost::asio::awaitable<Outcome<ReadinessView>> Readiness(RequestContext& context) {
  Services& services = context.services;
  ReadinessView view;
  view.checks = co_await RunBlocking(services.blocking, [&] {
    return std::vector<CheckView>{
        CheckTemporal(services), CheckPostgres(services),
        CheckPollers(services, "worker", services.config.task_queue,
                     temporal::TaskQueueKind::kWorkflow, "provisio-worker"),
        CheckPollers(services, "runner", services.config.runner_task_queue,
                     temporal::TaskQueueKind::kActivity, "OpenTofu runner")};
  });
  const bool listening = services.listener.listening();
  view.checks.push_back({"notifications", listening,
                         listening ? "listening on request_state and apply_progress"
                                   : "the LISTEN connection is down (reconnecting)"});
  const bool ready = std::all_of(view.checks.begin(), view.checks.end(),
                                 [](const CheckView& check) { return check.ok; });
  view.status = ready ? "ready" : "not-ready";
  if (!ready) context.status = 503;
  co_return view;
}

}  // namespace

Endpoint ReadinessEndpoint() {
  return MakeEndpoint<&Readiness>({
      .operation_id = "readiness",
      .summary = "Readiness",
      .description = "Temporal reachable, PostgreSQL reachable and migrated, the notification "
                     "listener up, workers polling the provisioning and the OpenTofu runner's "
                     "task queues. 503 with the same body when one is not.",
      .tag = "health",
      .access = Access::kPublic,
      .success_description = "Ready.",
      .extra_responses = {{503, "Not ready; `checks` says what is not."}},
  });
}

}  // namespace provisio::api::handlers
