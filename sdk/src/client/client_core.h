// Private: the connection state a Client and its Workers share, and the one
// place gRPC calls are made (deadlines, metadata, retries, error mapping).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/client/client.h"
#include "temporal/client/client_options.h"
#include "temporal/error.h"

namespace temporal::detail {

/// CallCanceller lets one thread cancel calls in flight on others (worker
/// shutdown cancels its long polls). Thread-safe.
class CallCanceller {
 public:
  /// CancelAll cancels every registered call and makes later calls fail at once.
  void CancelAll();
  bool cancelled() const { return cancelled_.load(); }
  /// Register returns false (and registers nothing) when already cancelled.
  bool Register(grpc::ClientContext* context);
  void Unregister(grpc::ClientContext* context);

 private:
  std::mutex mutex_;
  std::set<grpc::ClientContext*> contexts_;  // guarded by mutex_
  std::atomic<bool> cancelled_{false};
};

/// CallOptions tunes one call.
struct CallOptions {
  /// timeout is the deadline of one attempt; zero = ClientOptions::rpc_timeout.
  std::chrono::milliseconds timeout{0};
  /// retry transient errors per ClientOptions::rpc_retry.
  bool retry = true;
  /// maximum_elapsed overrides ClientOptions::rpc_retry.maximum_elapsed.
  std::optional<std::chrono::milliseconds> maximum_elapsed;
  /// canceller, when set, can cancel the call from another thread.
  CallCanceller* canceller = nullptr;
};

/// ErrorFromGrpcStatus maps a failed gRPC status to an Error that keeps its
/// code; typed Temporal error details (query failed, already started, ...) pick
/// the more precise ErrorCode.
Error ErrorFromGrpcStatus(const grpc::Status& status, const char* rpc_name);

/// IsTransient tells whether `code` is worth retrying.
bool IsTransient(grpc::StatusCode code);

/// IsMessageTooLarge tells whether a call failed because its message exceeds
/// a gRPC message size limit (RESOURCE_EXHAUSTED "... larger than max ...",
/// from this process's gRPC or the server's). Retrying the same message
/// cannot help, so such calls are not retried.
bool IsMessageTooLarge(const grpc::Status& status);
bool IsMessageTooLarge(const Error& error);

class ClientCore {
 public:
  using Stub = temporal::api::workflowservice::v1::WorkflowService::Stub;

  /// Open creates the channel and checks it with GetSystemInfo.
  static Result<std::shared_ptr<ClientCore>> Open(ClientOptions options);

  const ClientOptions& options() const { return options_; }
  const std::string& namespace_() const { return options_.namespace_; }
  const std::string& identity() const { return options_.identity; }
  const DataConverter& converter() const { return options_.data_converter; }
  const ServerInfo& server_info() const { return server_info_; }

  /// Call makes one unary call with deadline, metadata and retries.
  template <typename Request, typename Response>
  Result<Response> Call(const char* rpc_name,
                        grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                     Response*),
                        const Request& request, const CallOptions& call_options = {}) const {
    Response response;
    grpc::Status status = Invoke(call_options, [&](grpc::ClientContext* context) {
      response.Clear();
      return (stub_.get()->*method)(context, request, &response);
    });
    if (!status.ok()) return ErrorFromGrpcStatus(status, rpc_name);
    return response;
  }

 private:
  ClientCore(ClientOptions options, std::shared_ptr<grpc::Channel> channel);
  grpc::Status Invoke(const CallOptions& call_options,
                      const std::function<grpc::Status(grpc::ClientContext*)>& attempt) const;
  void PrepareContext(grpc::ClientContext* context, std::chrono::milliseconds timeout) const;

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  ServerInfo server_info_;
};

}  // namespace temporal::detail
