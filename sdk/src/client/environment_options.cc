#include "temporal/client/environment_options.h"

#include <fstream>
#include <sstream>

namespace temporal {
namespace {

Result<std::string> ReadPem(const char* variable, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error(ErrorCode::kInvalidArgument, std::string(variable) + ": cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos)
    return Error(ErrorCode::kInvalidArgument,
                 std::string(variable) + ": " + path + " is not a PEM file");
  return text.str();
}

}  // namespace

Result<ClientOptions> ClientOptionsFromEnvironment(const EnvironmentLookup& lookup) {
  const auto get = [&](const char* name) -> std::optional<std::string> {
    auto value = lookup(name);
    if (value && value->empty()) return std::nullopt;
    return value;
  };
  ClientOptions options;
  options.target_host = get("TEMPORAL_ADDRESS").value_or(options.target_host);
  options.namespace_ = get("TEMPORAL_NAMESPACE").value_or(options.namespace_);
  options.api_key = get("TEMPORAL_API_KEY").value_or("");

  const auto ca_path = get("TEMPORAL_TLS_SERVER_CA_CERT_PATH");
  const auto cert_path = get("TEMPORAL_TLS_CLIENT_CERT_PATH");
  const auto key_path = get("TEMPORAL_TLS_CLIENT_KEY_PATH");
  const auto server_name = get("TEMPORAL_TLS_SERVER_NAME");
  if (cert_path.has_value() != key_path.has_value())
    return Error(
        ErrorCode::kInvalidArgument,
        std::string(cert_path ? "TEMPORAL_TLS_CLIENT_KEY_PATH" : "TEMPORAL_TLS_CLIENT_CERT_PATH") +
            " is missing: a client certificate needs both its certificate and its key");

  bool tls = !options.api_key.empty() || ca_path || cert_path || server_name;
  if (const auto flag = get("TEMPORAL_TLS")) {
    if (*flag == "true" || *flag == "1")
      tls = true;
    else if (*flag == "false" || *flag == "0")
      tls = false;
    else
      return Error(ErrorCode::kInvalidArgument,
                   "TEMPORAL_TLS: \"" + *flag + "\" is not true, false, 1 or 0");
  }
  if (!tls) {
    if (ca_path || cert_path)
      return Error(ErrorCode::kInvalidArgument,
                   "TEMPORAL_TLS is false but TLS files are given: remove one or the other");
    return options;
  }
  TlsOptions tls_options;
  if (ca_path) {
    auto pem = ReadPem("TEMPORAL_TLS_SERVER_CA_CERT_PATH", *ca_path);
    if (!pem) return pem.error();
    tls_options.server_root_ca_pem = *pem;
  }
  if (cert_path) {
    auto cert = ReadPem("TEMPORAL_TLS_CLIENT_CERT_PATH", *cert_path);
    if (!cert) return cert.error();
    auto key = ReadPem("TEMPORAL_TLS_CLIENT_KEY_PATH", *key_path);
    if (!key) return key.error();
    tls_options.client_cert_pem = *cert;
    tls_options.client_private_key_pem = *key;
  }
  tls_options.server_name_override = server_name.value_or("");
  options.tls = std::move(tls_options);
  return options;
}

}  // namespace temporal
