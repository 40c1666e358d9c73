// temporal/client/client_options.h: how a Client (and a Worker, which shares its
// connection) reaches the Temporal server.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "temporal/converter/data_converter.h"

namespace temporal {

/// TlsOptions turns on TLS. With only `server_root_ca_pem` empty the system
/// roots are used; client cert and key together turn on mutual TLS.
struct TlsOptions {
  /// server_root_ca_pem is the PEM bundle trusted for the server; empty = system roots.
  std::string server_root_ca_pem;
  /// client_cert_pem is the client certificate chain for mTLS.
  std::string client_cert_pem;
  /// client_private_key_pem is the client private key for mTLS.
  std::string client_private_key_pem;
  /// server_name_override replaces the host name checked against the certificate.
  std::string server_name_override;
};

/// RpcRetryOptions governs how transient gRPC errors (UNAVAILABLE,
/// RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN) are retried: exponential
/// backoff with jitter, until `maximum_elapsed` has passed. Other errors are
/// returned at once.
struct RpcRetryOptions {
  std::chrono::milliseconds initial_interval{100};
  double backoff_coefficient = 2.0;
  std::chrono::milliseconds maximum_interval{5000};
  std::chrono::milliseconds maximum_elapsed{10000};
};

/// ClientOptions configures Client::Connect.
struct ClientOptions {
  /// target_host is "host:port" of the frontend service.
  std::string target_host = "127.0.0.1:7233";
  /// namespace_ is the Temporal namespace every call uses.
  std::string namespace_ = "default";
  /// identity names this process in histories; default "<pid>@<hostname>".
  std::string identity;
  /// tls, when set, makes the connection use TLS (or mTLS).
  std::optional<TlsOptions> tls;
  /// api_key, when set, is sent as "authorization: Bearer <api_key>" (Temporal Cloud).
  std::string api_key;
  /// headers are extra gRPC metadata sent with every call. Names are sent
  /// lower-case; an illegal name or value makes Connect fail with kInvalidArgument.
  std::map<std::string, std::string> headers;
  /// data_converter converts and encodes every payload sent or received.
  DataConverter data_converter = DataConverter::Default();
  /// rpc_retry governs retries of transient errors.
  RpcRetryOptions rpc_retry;
  /// rpc_timeout is the deadline of one ordinary (not long-poll) call attempt.
  std::chrono::milliseconds rpc_timeout{10000};
  /// connect_timeout bounds Connect's first GetSystemInfo, retries included.
  std::chrono::milliseconds connect_timeout{10000};
};

}  // namespace temporal
