// temporal/client/environment_options.h: where the server is and how to reach
// it, from the environment variables the official SDKs and the `temporal` CLI
// read, so that one deployment's settings serve every process of it.
//
//   auto options = temporal::ClientOptionsFromEnvironment(
//       [](const char* name) -> std::optional<std::string> { ... getenv ... });
//   if (!options) ... options.error() names the variable ...
//   options->data_converter.AddCodec(...);
//   auto client = temporal::Client::Connect(*options);
//
// Variables (all optional):
//   TEMPORAL_ADDRESS                  host:port of the frontend (default 127.0.0.1:7233)
//   TEMPORAL_NAMESPACE                the namespace (default "default")
//   TEMPORAL_API_KEY                  sent as a bearer token; turns TLS on (Temporal Cloud)
//   TEMPORAL_TLS                      "true"/"1" turns TLS on, "false"/"0" off (default:
//                                     on when an API key or any TLS path is given)
//   TEMPORAL_TLS_SERVER_CA_CERT_PATH  PEM file of the CA the server's certificate is checked
//                                     against (default: the system roots)
//   TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH
//                                     PEM files of the client certificate and key (mTLS;
//                                     both or neither)
//   TEMPORAL_TLS_SERVER_NAME          the name checked against the server's certificate
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "temporal/client/client_options.h"
#include "temporal/error.h"

namespace temporal {

/// EnvironmentLookup reads one variable; nullopt when it is not set.
using EnvironmentLookup = std::function<std::optional<std::string>(const char*)>;

/// ClientOptionsFromEnvironment reads the variables above through `lookup`
/// (an empty value counts as unset). kInvalidArgument naming the variable for
/// a malformed value, an unreadable file, or half a client certificate.
Result<ClientOptions> ClientOptionsFromEnvironment(const EnvironmentLookup& lookup);

}  // namespace temporal
