// GET /healthz: the process is up and its I/O thread answers (liveness).
#include "handlers/handlers.h"

namespace provisio::api::handlers {
namespace {

struct HealthView {
  std::string status;
  static void Rules(json::FieldRules& rules) { rules["status"] = {.one_of = {"ok"}}; }
};
BOOST_DESCRIBE_STRUCT(HealthView, (), (status))

boost::asio::awaitable<Outcome<HealthView>> Health(RequestContext&) { co_return HealthView{"ok"}; }

}  // namespace

Endpoint HealthEndpoint() {
  return MakeEndpoint<&Health>({
      .operation_id = "health",
      .summary = "Liveness",
      .description = "Answers while the process runs; it checks nothing else (see /readyz).",
      .tag = "health",
      .access = Access::kPublic,
  });
}

}  // namespace provisio::api::handlers
