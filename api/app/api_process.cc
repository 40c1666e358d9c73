#include "app/api_process.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <cstring>

#include "auth/password_hash.h"
#include "routes/route_table.h"
#include "temporal/converter/aes_gcm_codec.h"

namespace provisio::api {
namespace {

using temporal::Error;
using temporal::ErrorCode;

constexpr int kSchemaVersion = 2;

temporal::Result<temporal::Client> ConnectTemporal(const ApiConfig& config, bool probe) {
  temporal::ClientOptions options;
  options.target_host = config.temporal_address;
  options.namespace_ = config.temporal_namespace;
  options.tls = config.temporal_tls;
  options.api_key = config.temporal_api_key;
  options.identity = "provisio-api";
  if (!config.codec_key.empty()) {
    temporal::Bytes key(config.codec_key.size());
    std::memcpy(key.data(), config.codec_key.data(), key.size());
    auto codec = temporal::AesGcmCodec::Create(config.codec_key_id, std::move(key));
    if (!codec) return codec.error();
    options.data_converter.AddCodec(*codec);
  }
  if (probe) {
    // /readyz wants an answer now, not after ten seconds of retries.
    options.rpc_timeout = std::chrono::milliseconds(2000);
    options.rpc_retry.maximum_elapsed = std::chrono::milliseconds(1000);
  }
  auto client = temporal::Client::Connect(options);
  if (!client)
    return Error(client.error().code(),
                 "Temporal at " + config.temporal_address + ": " + client.error().message());
  return client;
}

temporal::Status CheckSchema(const ApiConfig& config) {
  auto db = database::Connection::Open(config.database);
  if (!db) return db.error();
  auto rows = db->Query("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!rows)
    return Error(ErrorCode::kFailedPrecondition,
                 "the platform database is not migrated (" + rows.error().message() +
                     "): start provisio-worker, or run provisio-worker --migrate-only");
  const int version = std::stoi(*rows->front()[0]);
  if (version < kSchemaVersion)
    return Error(ErrorCode::kFailedPrecondition,
                 "the platform database is at schema version " + std::to_string(version) +
                     " and this API needs " + std::to_string(kSchemaVersion) +
                     ": run provisio-worker --migrate-only");
  return temporal::OkStatus();
}

}  // namespace

temporal::Result<std::unique_ptr<ApiProcess>> ApiProcess::Create(const ApiConfig& config) {
  if (auto crypto = auth::InitializeCrypto(); !crypto) return crypto.error();
  if (auto schema = CheckSchema(config); !schema) return schema.error();
  auto client = ConnectTemporal(config, false);
  if (!client) return client.error();
  auto probe = ConnectTemporal(config, true);
  if (!probe) return probe.error();
  std::optional<web::StaticSite> site;
  if (!config.ui_dir.empty()) {
    auto loaded = web::StaticSite::Load(config.ui_dir);
    if (!loaded) return loaded.error();
    spdlog::info("serving the web UI from {} ({} files)", config.ui_dir, loaded->file_count());
    site = std::move(*loaded);
  }
  return std::unique_ptr<ApiProcess>(
      new ApiProcess(config, std::move(*client), std::move(*probe), std::move(site)));
}

ApiProcess::ApiProcess(const ApiConfig& config, temporal::Client client, temporal::Client probe,
                       std::optional<web::StaticSite> site)
    : config_(config),
      keep_running_(io_.get_executor()),
      blocking_(config_.blocking_threads),
      database_(config_.database),
      temporal_(std::move(client)),
      probe_(std::move(probe)),
      feed_(io_.get_executor()),
      listener_(
          config_.database,
          [this](const std::string& workflow_id) {
            boost::asio::post(io_, [this, workflow_id] { feed_.Notify(workflow_id); });
          },
          [this] { boost::asio::post(io_, [this] { feed_.NotifyAll(); }); }),
      templates_(config_.templates_dir),
      login_limit_(config_.login_max_failures, config_.login_window),
      site_(std::move(site)),
      services_{config_,      blocking_,    password_hashing_,
                database_,    temporal_,    probe_,
                feed_,        listener_,    templates_,
                login_limit_, RouteTable(), site_ ? &*site_ : nullptr,
                &metrics_},
      router_(services_),
      server_(io_.get_executor(),
              server::ServerOptions{.header_limit = 16 * 1024,
                                    .body_limit = config_.body_limit,
                                    .header_timeout = config_.header_timeout,
                                    .body_timeout = config_.body_timeout,
                                    .write_timeout = std::chrono::milliseconds(30'000),
                                    .drain_timeout = config_.long_poll + std::chrono::seconds(10)},
              [this](server::Request request, server::RequestInfo info) {
                return router_.Handle(std::move(request), std::move(info));
              }) {}

ApiProcess::~ApiProcess() {
  listener_.Stop();
  blocking_.join();
  password_hashing_.join();
}

temporal::Status ApiProcess::Listen() {
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(config_.listen_host, error);
  if (error)
    return Error(ErrorCode::kInvalidArgument,
                 "PROVISIO_API_LISTEN: \"" + config_.listen_host + "\" is not an IP address");
  return server_.Listen({address, config_.listen_port});
}

void ApiProcess::ShutDownOnSignals() {
  signals_.emplace(io_, SIGTERM, SIGINT);
  signals_->async_wait([this](boost::system::error_code error, int signal) {
    if (error) return;
    spdlog::info("signal {}: shutting down (requests in flight finish)", signal);
    Shutdown();
  });
}

void ApiProcess::Run() {
  server_.Start();
  listener_.Start();
  io_.run();
  listener_.Stop();
}

void ApiProcess::Shutdown() {
  boost::asio::post(io_, [this] {
    feed_.Close();
    server_.Shutdown([this] {
      spdlog::info("shutdown: every connection is closed");
      if (signals_) signals_->cancel();
      keep_running_.reset();
    });
  });
}

}  // namespace provisio::api
