#include "workflows/provision_application.h"

#include <memory>

#include "workflows/request_run.h"

namespace provisio::workflows {

temporal::workflow::Task<model::ProvisionResult> ProvisionApplication(
    const ProvisionSettings& settings, model::ProvisionRequest request) {
  auto run = std::make_shared<request::Request>(settings, std::move(request));
  co_return co_await run->Run();
}

}  // namespace provisio::workflows
