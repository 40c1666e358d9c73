// api/platform/services.h: what handlers reach the rest of the platform
// through. One per API process (app/api_process.h makes it); handlers get it
// from their RequestContext.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <string>
#include <vector>

#include "auth/login_rate_limit.h"
#include "config/api_config.h"
#include "platform/change_feed.h"
#include "platform/database_pool.h"
#include "platform/notification_listener.h"
#include "platform/request_metrics.h"
#include "platform/template_catalogue.h"
#include "temporal/client/client.h"
#include "web/static_site.h"

namespace provisio::api {

struct Route;

struct Services {
  const ApiConfig& config;
  /// blocking runs PostgreSQL and Temporal calls (platform/blocking.h).
  boost::asio::thread_pool& blocking;
  /// password_hashing runs argon2id, two at a time (64 MiB each).
  boost::asio::thread_pool& password_hashing;
  DatabasePool& database;
  /// temporal starts workflows, queries and updates them (with the codec).
  temporal::Client& temporal;
  /// temporal_probe is /readyz's: short timeouts, no retries to speak of.
  temporal::Client& temporal_probe;
  /// feed wakes long-polls (I/O thread only); listener feeds it.
  ChangeFeed& feed;
  const NotificationListener& listener;
  const TemplateCatalogue& templates;
  /// login_limit counts failed sign-ins (I/O thread only).
  auth::LoginRateLimit& login_limit;
  /// routes is the route table (GET /api/openapi.json describes it).
  const std::vector<Route>& routes;
  /// site is the built web UI, served for paths no route has; null when
  /// PROVISIO_UI_DIR is not set.
  const web::StaticSite* site = nullptr;
  /// metrics counts the answers (I/O thread only; GET /metrics renders them).
  RequestMetrics* metrics = nullptr;
};

}  // namespace provisio::api
