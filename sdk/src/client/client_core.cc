#include "client/client_core.h"

#include <unistd.h>

#include <map>
#include <random>
#include <thread>

#include "common/random.h"
#include "temporal/version.h"

namespace temporal::detail {
namespace {

std::string DefaultIdentity() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::to_string(getpid()) + "@" + host;
}

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  grpc::ChannelArguments arguments;
  // Histories and poll responses can be large; match the official SDKs' 128 MiB.
  arguments.SetMaxReceiveMessageSize(128 * 1024 * 1024);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 15000);
  // Servers restart during deploys; gRPC's default reconnect backoff grows to
  // 120 s, which would leave workers idle long after the server is back.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.tls->server_root_ca_pem;
    ssl.pem_cert_chain = options.tls->client_cert_pem;
    ssl.pem_private_key = options.tls->client_private_key_pem;
    credentials = grpc::SslCredentials(ssl);
    if (!options.tls->server_name_override.empty()) {
      arguments.SetSslTargetNameOverride(options.tls->server_name_override);
    }
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateCustomChannel(options.target_host, credentials, arguments);
}

// gRPC aborts the whole process on a metadata entry it finds illegal (it
// asserts on GRPC_CALL_ERROR_INVALID_METADATA) instead of failing the call, so
// user-supplied metadata is checked once, at Open. Legal: keys of [a-z0-9-_.];
// values of printable ASCII, except under "-bin" keys, which gRPC base64-encodes.
bool IsLegalMetadataKey(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool legal =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!legal) return false;
  }
  return true;
}

bool IsLegalMetadataValue(const std::string& key, const std::string& value) {
  if (key.size() > 4 && key.ends_with("-bin")) return true;
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// NormalizeMetadata lower-cases the header names (HTTP/2 requires it; grpc-go
// and grpc-js do the same for their users) and rejects what gRPC would abort on.
Status NormalizeMetadata(ClientOptions* options) {
  std::map<std::string, std::string> headers;
  for (const auto& [key, value] : options->headers) {
    std::string lower = key;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!IsLegalMetadataKey(lower)) {
      return Error(ErrorCode::kInvalidArgument,
                   "ClientOptions::headers: illegal header name \"" + key + "\"");
    }
    if (!IsLegalMetadataValue(lower, value)) {
      return Error(ErrorCode::kInvalidArgument, "ClientOptions::headers: the value of \"" + key +
                                                    "\" has characters other than printable ASCII");
    }
    if (!headers.emplace(std::move(lower), value).second) {
      return Error(ErrorCode::kInvalidArgument,
                   "ClientOptions::headers: \"" + key + "\" is given twice (names ignore case)");
    }
  }
  options->headers = std::move(headers);
  if (!IsLegalMetadataValue("authorization", options->api_key)) {
    return Error(ErrorCode::kInvalidArgument,
                 "ClientOptions::api_key has characters other than printable ASCII");
  }
  return OkStatus();
}

}  // namespace

void CallCanceller::CancelAll() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  for (grpc::ClientContext* context : contexts_) context->TryCancel();
}

bool CallCanceller::Register(grpc::ClientContext* context) {
  std::lock_guard lock(mutex_);
  if (cancelled_) return false;
  contexts_.insert(context);
  return true;
}

void CallCanceller::Unregister(grpc::ClientContext* context) {
  std::lock_guard lock(mutex_);
  contexts_.erase(context);
}

ClientCore::ClientCore(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      stub_(temporal::api::workflowservice::v1::WorkflowService::NewStub(channel_)) {}

Result<std::shared_ptr<ClientCore>> ClientCore::Open(ClientOptions options) {
  if (options.target_host.empty()) {
    return Error(ErrorCode::kInvalidArgument, "ClientOptions::target_host is empty");
  }
  if (options.namespace_.empty()) {
    return Error(ErrorCode::kInvalidArgument, "ClientOptions::namespace_ is empty");
  }
  if (Status metadata = NormalizeMetadata(&options); !metadata) return metadata.error();
  if (options.identity.empty()) options.identity = DefaultIdentity();
  std::shared_ptr<grpc::Channel> channel = MakeChannel(options);
  std::shared_ptr<ClientCore> core(new ClientCore(std::move(options), std::move(channel)));

  // The first call doubles as the connectivity check, retried within connect_timeout.
  CallOptions call;
  call.timeout = std::min(core->options_.rpc_timeout, core->options_.connect_timeout);
  call.maximum_elapsed = core->options_.connect_timeout;
  Result<temporal::api::workflowservice::v1::GetSystemInfoResponse> info =
      core->Call("GetSystemInfo", &Stub::GetSystemInfo,
                 temporal::api::workflowservice::v1::GetSystemInfoRequest(), call);
  if (!info) {
    return Error(info.error().code(), "cannot reach the Temporal server at " +
                                          core->options_.target_host + ": " +
                                          info.error().message());
  }
  core->server_info_.server_version = info->server_version();
  core->server_info_.capabilities = info->capabilities();
  return core;
}

void ClientCore::PrepareContext(grpc::ClientContext* context,
                                std::chrono::milliseconds timeout) const {
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  context->AddMetadata("client-name", kSdkName);
  context->AddMetadata("client-version", kSdkVersion);
  context->AddMetadata("temporal-namespace", options_.namespace_);
  if (!options_.api_key.empty())
    context->AddMetadata("authorization", "Bearer " + options_.api_key);
  for (const auto& [key, value] : options_.headers) context->AddMetadata(key, value);
}

grpc::Status ClientCore::Invoke(
    const CallOptions& call_options,
    const std::function<grpc::Status(grpc::ClientContext*)>& attempt) const {
  const std::chrono::milliseconds timeout =
      call_options.timeout.count() > 0 ? call_options.timeout : options_.rpc_timeout;
  const RpcRetryOptions& retry = options_.rpc_retry;
  const std::chrono::milliseconds maximum_elapsed =
      call_options.maximum_elapsed.value_or(retry.maximum_elapsed);
  const auto started = std::chrono::steady_clock::now();
  std::chrono::milliseconds backoff = retry.initial_interval;
  while (true) {
    grpc::ClientContext context;
    PrepareContext(&context, timeout);
    if (call_options.canceller != nullptr && !call_options.canceller->Register(&context)) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled (shutting down)");
    }
    grpc::Status status = attempt(&context);
    if (call_options.canceller != nullptr) call_options.canceller->Unregister(&context);
    if (status.ok() || !call_options.retry || !IsTransient(status.error_code())) return status;
    if (IsMessageTooLarge(status)) return status;  // the same bytes are refused again
    if (call_options.canceller != nullptr && call_options.canceller->cancelled()) return status;

    // RESOURCE_EXHAUSTED means the server asks us to slow down: back off harder.
    std::chrono::milliseconds wait = backoff;
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      wait = std::max(wait, std::chrono::milliseconds(1000));
    }
    // The jitter's engine is made on a thread's first retry, not on its first call.
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    wait = std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(wait.count()) * jitter(ThreadRandom())));
    if (std::chrono::steady_clock::now() + wait - started > maximum_elapsed) return status;
    std::this_thread::sleep_for(wait);
    backoff = std::min(retry.maximum_interval,
                       std::chrono::milliseconds(static_cast<long long>(
                           static_cast<double>(backoff.count()) * retry.backoff_coefficient)));
  }
}

}  // namespace temporal::detail
