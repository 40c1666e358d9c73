// provisioning/activities/activity_environment.h: what the provisioning
// activities need from their deployment: the platform database and the
// template catalogue. The worker main fills it from its flags and environment.
#pragma once

#include <filesystem>
#include <string>

#include "database/connection.h"
#include "temporal/client/client.h"
#include "temporal/error.h"

namespace provisio::activities {

struct ActivityEnvironment {
  /// conninfo is the platform database's libpq connection string.
  std::string conninfo;
  /// templates_dir holds the catalogue (templates/NAME).
  std::filesystem::path templates_dir;
  /// client reaches Temporal for the activities that talk to other workflows
  /// (EnqueueApply); it must outlive the worker.
  const temporal::Client* client = nullptr;
  /// webhook_url, when set, also receives every notification
  /// (activities/webhook.h); public_url is the platform's address, for links.
  std::string webhook_url;
  std::string public_url;

  /// Connect opens a connection; a failure is retryable (the database may be
  /// back on the next attempt), so callers throw it as a plain error.
  database::Connection Connect() const;
};

}  // namespace provisio::activities
