// provisio-api: the platform's HTTP API (docs/api.md).
//
// Configured by environment variables (api/config/api_config.h; docs/api.md
// lists them): PROVISIO_DATABASE and PROVISIO_APPROVAL_KEY_HEX are required.
// Prints "provisio-api listening on http://HOST:PORT" once it accepts
// connections; SIGTERM or SIGINT drains it (requests in flight finish).
//
//   provisio-api                  serve
//   provisio-api --print-openapi  print the OpenAPI document and exit
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "app/api_process.h"
#include "openapi/openapi_document.h"
#include "routes/route_table.h"

namespace {

std::optional<std::string> Lookup(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

}  // namespace

int main(int argc, char** argv) {
  namespace api = provisio::api;
  const std::string argument = argc > 1 ? argv[1] : "";
  if (argument == "--print-openapi") {
    std::cout
        << api::OpenApiDocument(api::RouteTable(), Lookup("PROVISIO_COOKIE_SECURE") == "1").dump(2)
        << "\n";
    return 0;
  }
  if (!argument.empty()) {
    std::cerr << "usage: provisio-api [--print-openapi]  (configured by environment variables; "
                 "see docs/api.md)\n";
    return 2;
  }
  // Diagnostics on standard error; standard output carries the access log.
  spdlog::set_default_logger(spdlog::stderr_color_mt("provisio-api"));

  auto config = api::ApiConfig::FromEnvironment(Lookup, PROVISIO_SOURCE_DIR "/templates");
  if (!config) {
    std::cerr << "provisio-api: " << config.error().message() << "\n";
    return 1;
  }
  auto process = api::ApiProcess::Create(*config);
  if (!process) {
    std::cerr << "provisio-api: " << process.error().message() << "\n";
    return 1;
  }
  if (auto listening = (*process)->Listen(); !listening) {
    std::cerr << "provisio-api: " << listening.error().message() << "\n";
    return 1;
  }
  (*process)->ShutDownOnSignals();
  const auto endpoint = (*process)->endpoint();
  std::cout << "provisio-api listening on http://" << endpoint.address().to_string() << ":"
            << endpoint.port() << std::endl;
  (*process)->Run();
  return 0;
}
