// api/app/api_process.h: one provisio-api process: its I/O thread, thread
// pools, PostgreSQL pool, Temporal clients, LISTEN connection, router and
// HTTP server, wired together. main.cc runs one; the tests run one in their
// own process.
//
//   auto api = ApiProcess::Create(*config);        // connects to Temporal and PostgreSQL
//   if (!api) ...
//   if (auto listening = (*api)->Listen(); !listening) ...
//   (*api)->ShutDownOnSignals();                   // SIGTERM, SIGINT: drain, then return
//   (*api)->Run();                                 // this thread is the I/O thread
//
// Shutdown (from any thread, or a signal) stops accepting, ends every
// long-poll's wait (they answer with the state as it is), lets requests in
// flight finish, and makes Run return once the last connection is closed.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <optional>

#include "auth/login_rate_limit.h"
#include "config/api_config.h"
#include "platform/change_feed.h"
#include "platform/database_pool.h"
#include "platform/notification_listener.h"
#include "platform/services.h"
#include "platform/template_catalogue.h"
#include "routes/router.h"
#include "server/http_server.h"
#include "temporal/client/client.h"
#include "web/static_site.h"

namespace provisio::api {

class ApiProcess {
 public:
  /// Create connects to Temporal and checks the platform database (reachable,
  /// migrated to the schema this API needs); an Error says which failed.
  static temporal::Result<std::unique_ptr<ApiProcess>> Create(const ApiConfig& config);
  ~ApiProcess();
  ApiProcess(const ApiProcess&) = delete;
  ApiProcess& operator=(const ApiProcess&) = delete;

  /// Listen binds the configured address (port 0: a free one).
  temporal::Status Listen();
  /// endpoint is where it listens.
  boost::asio::ip::tcp::endpoint endpoint() const { return server_.local_endpoint(); }
  /// ShutDownOnSignals makes SIGTERM and SIGINT call Shutdown.
  void ShutDownOnSignals();
  /// Run serves on the calling thread until a shutdown completes.
  void Run();
  /// Shutdown starts a graceful shutdown; safe from any thread.
  void Shutdown();

  /// services gives tests the process's parts.
  Services& services() { return services_; }

 private:
  ApiProcess(const ApiConfig& config, temporal::Client client, temporal::Client probe,
             std::optional<web::StaticSite> site);

  ApiConfig config_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  boost::asio::thread_pool blocking_;
  boost::asio::thread_pool password_hashing_{2};
  DatabasePool database_;
  temporal::Client temporal_;
  temporal::Client probe_;
  ChangeFeed feed_;
  NotificationListener listener_;
  TemplateCatalogue templates_;
  auth::LoginRateLimit login_limit_;
  std::optional<web::StaticSite> site_;
  RequestMetrics metrics_;
  Services services_;
  Router router_;
  server::HttpServer server_;
  std::optional<boost::asio::signal_set> signals_;
};

}  // namespace provisio::api
