// provisio-worker: the provisioning domain's worker on task queue "provisio".
// At start it brings the platform database's schema up to date
// (db/migrations, one owner at a time), then runs ProvisionApplication and
// its activities. The OpenTofu runner (workers/opentofu) serves the
// "iac-opentofu" task queue beside it.
//
//   TEMPORAL_ADDRESS            host:port of the frontend (default 127.0.0.1:7233)
//   TEMPORAL_NAMESPACE          namespace (default "default")
//   TEMPORAL_TLS*, TEMPORAL_API_KEY
//                               TLS, mTLS and Temporal Cloud API keys, as the official
//                               SDKs read them (temporal/client/environment_options.h)
//   PROVISIO_DATABASE           libpq connection string of the platform database (required)
//   PROVISIO_APPROVAL_KEY_HEX   the HMAC key the API signs decisions with (required)
//   PROVISIO_CODEC_KEY_HEX, PROVISIO_CODEC_KEY_ID
//                               the AES-256-GCM payload key and its id (recommended:
//                               without them payloads are stored in plaintext)
//   PROVISIO_CODEC_DECRYPT_ONLY_KEYS
//                               "id=hex,id=hex": older keys, kept to decrypt after a
//                               rotation (the runner reads the same variable)
//   PROVISIO_WEBHOOK_URL, PROVISIO_PUBLIC_URL
//                               a chat webhook for notifications, and the platform's
//                               address for its links (optional)
//   PROVISIO_ACCEPT_DEMO_SIGNAL "1" accepts the reference demo's signal (off by default)
//   PROVISIO_TEMPLATES_DIR      the catalogue (default: templates/ of the source tree)
//   PROVISIO_MIGRATIONS_DIR     the migrations (default: db/migrations/ of the source tree)
//   PROVISIO_WORKER_METRICS_ADDRESS
//                               host:port to serve the SDK's worker metrics on, at
//                               /metrics in the Prometheus text format (port 0 picks
//                               one; it is printed); unset: not served
//   PROVISIO_RUNNER_HEARTBEAT_TIMEOUT_SECONDS
//                               how long a runner activity may go without a heartbeat
//                               before it is retried (default 60; the crash drills use 5)
//
// Prints "provisio worker ready" once polling; SIGINT or SIGTERM stops it.
//   provisio-worker --replay FILE...   replays exported histories (temporal/worker/replay_cli.h).
//   provisio-worker --migrate-only     brings the schema up to date and exits (needs only
//                                      PROVISIO_DATABASE): for deploy steps and test setups.
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "activities/register_activities.h"
#include "database/migrations.h"
#include "metrics/metrics_http_server.h"
#include "metrics/prometheus_worker_metrics.h"
#include "temporal/client/client.h"
#include "temporal/client/environment_options.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/replay_cli.h"
#include "temporal/worker/worker.h"
#include "workflows/activity_options.h"
#include "workflows/provision_application.h"

namespace {

std::string Env(const char* name, const std::string& fallback = "") {
  const char* value = std::getenv(name);
  return value == nullptr || *value == '\0' ? fallback : std::string(value);
}

int Fail(const std::string& message) {
  std::cerr << "provisio-worker: " << message << "\n";
  return 1;
}

// MigrateSchema brings the platform database's schema up to date.
int MigrateSchema(const std::string& conninfo) {
  auto migrations = provisio::database::LoadMigrations(
      Env("PROVISIO_MIGRATIONS_DIR", PROVISIO_SOURCE_DIR "/db/migrations"));
  if (!migrations) return Fail(migrations.error().message());
  auto db = provisio::database::Connection::Open(conninfo);
  if (!db) return Fail(db.error().message());
  auto report = provisio::database::ApplyMigrations(*db, *migrations);
  if (!report) return Fail(report.error().message());
  spdlog::info("platform database at schema version {} ({} migration(s) applied now)",
               report->version, report->applied.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  namespace workflows = provisio::workflows;
  if (argc == 2 && std::string(argv[1]) == "--migrate-only") {
    if (Env("PROVISIO_DATABASE").empty()) return Fail("PROVISIO_DATABASE is not set");
    return MigrateSchema(Env("PROVISIO_DATABASE"));
  }
  static workflows::ProvisionSettings settings;
  if (std::optional<int> replayed =
          temporal::RunReplayModeIfRequested(argc, argv, [](temporal::Replayer& replayer) {
            workflows::RegisterProvisioningWorkflows(replayer, settings);
          })) {
    return *replayed;
  }
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGINT);
  sigaddset(&shutdown_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);

  auto approval_key = temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_APPROVAL_KEY_HEX"));
  if (!approval_key) return Fail("PROVISIO_APPROVAL_KEY_HEX: " + approval_key.error().message());
  settings.approval_key.assign(reinterpret_cast<const char*>(approval_key->data()),
                               approval_key->size());

  if (const std::string seconds = Env("PROVISIO_RUNNER_HEARTBEAT_TIMEOUT_SECONDS");
      !seconds.empty()) {
    char* end = nullptr;
    const long value = std::strtol(seconds.c_str(), &end, 10);
    if (*end != '\0' || value < 1 || value > 3600)
      return Fail("PROVISIO_RUNNER_HEARTBEAT_TIMEOUT_SECONDS: \"" + seconds +
                  "\" is not a number of seconds from 1 to 3600");
    workflows::SetRunnerHeartbeatTimeout(std::chrono::seconds(value));
  }

  // The reference demo's signal (docs/provisioning.md): off unless turned on.
  settings.accept_demo_signal = Env("PROVISIO_ACCEPT_DEMO_SIGNAL") == "1";

  provisio::activities::ActivityEnvironment environment;
  environment.conninfo = Env("PROVISIO_DATABASE");
  if (environment.conninfo.empty()) return Fail("PROVISIO_DATABASE is not set");
  environment.webhook_url = Env("PROVISIO_WEBHOOK_URL");
  environment.public_url = Env("PROVISIO_PUBLIC_URL");
  environment.templates_dir = Env("PROVISIO_TEMPLATES_DIR", PROVISIO_SOURCE_DIR "/templates");

  // The schema first: nothing runs against a database it does not know.
  if (int failed = MigrateSchema(environment.conninfo); failed != 0) return failed;

  // Where Temporal is and how to reach it (TLS, API key): the official SDKs' variables.
  auto connection =
      temporal::ClientOptionsFromEnvironment([](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        return value ? std::optional<std::string>(value) : std::nullopt;
      });
  if (!connection) return Fail(connection.error().message());
  temporal::ClientOptions options = std::move(*connection);
  if (!Env("PROVISIO_CODEC_KEY_HEX").empty()) {
    auto key = temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_CODEC_KEY_HEX"));
    if (!key) return Fail("PROVISIO_CODEC_KEY_HEX: " + key.error().message());
    std::map<std::string, temporal::Bytes> decrypt_only;
    std::stringstream entries(Env("PROVISIO_CODEC_DECRYPT_ONLY_KEYS"));
    for (std::string entry; std::getline(entries, entry, ',');) {
      const std::size_t equals = entry.find('=');
      if (equals == std::string::npos)
        return Fail("PROVISIO_CODEC_DECRYPT_ONLY_KEYS: \"" + entry.substr(0, 24) +
                    "...\" is not id=hex");
      auto old_key = temporal::AesGcmCodec::KeyFromHex(entry.substr(equals + 1));
      if (!old_key)
        return Fail("PROVISIO_CODEC_DECRYPT_ONLY_KEYS: key " + entry.substr(0, equals) + ": " +
                    old_key.error().message());
      decrypt_only[entry.substr(0, equals)] = *old_key;
    }
    auto codec =
        temporal::AesGcmCodec::Create(Env("PROVISIO_CODEC_KEY_ID", "provisio"), *key, decrypt_only);
    if (!codec) return Fail(codec.error().message());
    options.data_converter.AddCodec(*codec);
  } else {
    spdlog::warn("PROVISIO_CODEC_KEY_HEX is not set: payloads are stored in plaintext");
  }
  auto client = temporal::Client::Connect(options);
  if (!client) return Fail(client.error().ToString());

  environment.client = &*client;
  temporal::WorkerOptions worker_options;
  worker_options.task_queue = workflows::kTaskQueue;
  // Operators scrape the worker's slots, latencies, failures and cache.
  std::unique_ptr<provisio::metrics::MetricsHttpServer> metrics_server;
  if (const std::string address = Env("PROVISIO_WORKER_METRICS_ADDRESS"); !address.empty()) {
    auto metrics = std::make_shared<provisio::metrics::PrometheusWorkerMetrics>();
    auto server = provisio::metrics::MetricsHttpServer::Start(
        address, [metrics] { return metrics->Render(); });
    if (!server) return Fail("PROVISIO_WORKER_METRICS_ADDRESS: " + server.error().message());
    metrics_server = std::move(*server);
    worker_options.metrics = metrics;
    std::cout << "provisio worker metrics on port " << metrics_server->port() << std::endl;
  }
  temporal::Worker worker(*client, worker_options);
  workflows::RegisterProvisioningWorkflows(worker, settings);
  provisio::activities::RegisterProvisioningActivities(worker, environment);
  if (temporal::Status started = worker.Start(); !started) return Fail(started.error().ToString());
  std::cout << "provisio worker ready" << std::endl;

  int signal_number = 0;
  sigwait(&shutdown_signals, &signal_number);
  spdlog::info("signal {}: shutting down", signal_number);
  worker.Shutdown();
  return 0;
}
