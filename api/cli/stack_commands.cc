#include "cli/stack_commands.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "database/connection.h"
#include "operations/stack_recovery.h"
#include "temporal/converter/aes_gcm_codec.h"

namespace provisio::cli {
namespace {

struct RecoverOptions {
  std::string database;
  std::string address;
  std::string namespace_;
};

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

int Recover(const RecoverOptions& options) {
  const std::string conninfo =
      options.database.empty() ? Env("PROVISIO_DATABASE") : options.database;
  if (conninfo.empty()) {
    std::cerr << "provisio stack recover: no database: set PROVISIO_DATABASE or pass --database\n";
    return 2;
  }
  auto db = database::Connection::Open(conninfo);
  if (!db) {
    std::cerr << "provisio stack recover: " << db.error().message() << "\n";
    return 1;
  }
  temporal::ClientOptions client_options;
  client_options.target_host =
      options.address.empty()
          ? (Env("TEMPORAL_ADDRESS").empty() ? "127.0.0.1:7233" : Env("TEMPORAL_ADDRESS"))
          : options.address;
  client_options.namespace_ =
      options.namespace_.empty()
          ? (Env("TEMPORAL_NAMESPACE").empty() ? "default" : Env("TEMPORAL_NAMESPACE"))
          : options.namespace_;
  // The entities' input is a payload like any other: encrypted with the
  // worker's key when it has one.
  if (!Env("PROVISIO_CODEC_KEY_HEX").empty()) {
    auto key = temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_CODEC_KEY_HEX"));
    if (!key) {
      std::cerr << "provisio stack recover: PROVISIO_CODEC_KEY_HEX: " << key.error().message()
                << "\n";
      return 2;
    }
    const std::string id =
        Env("PROVISIO_CODEC_KEY_ID").empty() ? "provisio" : Env("PROVISIO_CODEC_KEY_ID");
    auto codec = temporal::AesGcmCodec::Create(id, *key);
    if (!codec) {
      std::cerr << "provisio stack recover: " << codec.error().message() << "\n";
      return 2;
    }
    client_options.data_converter.AddCodec(*codec);
  }
  auto client = temporal::Client::Connect(client_options);
  if (!client) {
    std::cerr << "provisio stack recover: " << client.error().ToString() << "\n";
    return 1;
  }
  auto report = operations::RecoverStacks(*db, *client);
  if (!report) {
    std::cerr << "provisio stack recover: " << report.error().message() << "\n";
    return 1;
  }
  for (const std::string& stack : report->started) std::cout << "started  " << stack << "\n";
  for (const std::string& stack : report->running) std::cout << "running  " << stack << "\n";
  for (const std::string& stack : report->destroyed) std::cout << "destroyed " << stack << "\n";
  std::cout << report->started.size() << " stack(s) recovered, " << report->running.size()
            << " already running, " << report->destroyed.size() << " destroyed\n";
  return 0;
}

}  // namespace

void AddStackCommands(CLI::App& app, std::function<int()>& run) {
  CLI::App* stack = app.add_subcommand("stack", "the platform's stacks");
  stack->require_subcommand(1);
  auto options = std::make_shared<RecoverOptions>();
  CLI::App* recover = stack->add_subcommand(
      "recover",
      "start the Stack entities and their drift schedules again from PostgreSQL's stack "
      "registry, after Temporal's data was lost (harmless to run twice)");
  recover->add_option("--database", options->database,
                      "libpq connection string of the platform database (default: "
                      "$PROVISIO_DATABASE)");
  recover->add_option("--address", options->address,
                      "Temporal frontend host:port (default: $TEMPORAL_ADDRESS or 127.0.0.1:7233)");
  recover->add_option("--namespace", options->namespace_,
                      "Temporal namespace (default: $TEMPORAL_NAMESPACE or default)");
  recover->callback([&run, options] { run = [options] { return Recover(*options); }; });
}

}  // namespace provisio::cli
