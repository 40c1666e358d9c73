// RecordingWorkflowService: a WorkflowService that checks what arrives on the
// wire. It implements only what the transport tests call (GetSystemInfo,
// SignalWorkflowExecution, QueryWorkflow), records every call's metadata and
// peer, and answers with scripted gRPC statuses. It stands in for nothing of
// Temporal's semantics; every other method is the generated UNIMPLEMENTED.
//
// Header-only because the unit-test glob compiles only *_test.cc files.
//
// Thread-safety: gRPC runs handlers on its own threads; every member is guarded
// by one mutex, so tests may script and inspect it while a call is in flight.
//
// Example:
//
//   RecordingWorkflowService service;
//   service.FailNext(RecordingWorkflowService::kSignal,
//                    {grpc::Status(grpc::StatusCode::UNAVAILABLE, "try again")});
//   ... client->GetHandle("wf").Signal("go") ...
//   EXPECT_EQ(service.CallCount(RecordingWorkflowService::kSignal), 2);
#pragma once

#include <grpc/grpc_security_constants.h>
#include <grpcpp/grpcpp.h>

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "temporal/api/workflowservice/v1/service.grpc.pb.h"

namespace temporal::test {

/// ReceivedCall is what the server saw of one call attempt.
struct ReceivedCall {
  /// method is the RPC's short name, e.g. "SignalWorkflowExecution".
  std::string method;
  /// metadata is every client metadata entry (keys are lower-case on the wire).
  std::multimap<std::string, std::string> metadata;
  /// peer_common_name is the verified client certificate's subject CN; empty
  /// without mutual TLS.
  std::string peer_common_name;

  /// Values returns every value sent under `key`.
  std::vector<std::string> Values(const std::string& key) const {
    std::vector<std::string> values;
    auto [begin, end] = metadata.equal_range(key);
    for (auto it = begin; it != end; ++it) values.push_back(it->second);
    return values;
  }
};

class RecordingWorkflowService final
    : public temporal::api::workflowservice::v1::WorkflowService::Service {
 public:
  static constexpr const char kGetSystemInfo[] = "GetSystemInfo";
  static constexpr const char kSignal[] = "SignalWorkflowExecution";
  static constexpr const char kQuery[] = "QueryWorkflow";

  using Capabilities = temporal::api::workflowservice::v1::GetSystemInfoResponse::Capabilities;

  /// SetSystemInfo sets what GetSystemInfo answers.
  void SetSystemInfo(std::string server_version, Capabilities capabilities) {
    std::lock_guard lock(mutex_);
    server_version_ = std::move(server_version);
    capabilities_ = std::move(capabilities);
  }

  /// SetQueryResult sets the payload a successful QueryWorkflow answers.
  void SetQueryResult(temporal::api::common::v1::Payload payload) {
    std::lock_guard lock(mutex_);
    query_result_ = std::move(payload);
  }

  /// FailNext makes the next calls of `method` answer `statuses`, one per call
  /// in order; calls after them succeed.
  void FailNext(const std::string& method, std::vector<grpc::Status> statuses) {
    std::lock_guard lock(mutex_);
    for (grpc::Status& status : statuses) scripted_[method].push_back(std::move(status));
  }

  /// FailAlways makes every call of `method` answer `status` (after any FailNext).
  void FailAlways(const std::string& method, grpc::Status status) {
    std::lock_guard lock(mutex_);
    always_.insert_or_assign(method, std::move(status));
  }

  /// calls returns every call attempt received so far, in arrival order.
  std::vector<ReceivedCall> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

  /// CallCount counts the attempts of `method` received so far.
  int CallCount(const std::string& method) const {
    std::lock_guard lock(mutex_);
    int count = 0;
    for (const ReceivedCall& call : calls_) count += call.method == method ? 1 : 0;
    return count;
  }

  grpc::Status GetSystemInfo(
      grpc::ServerContext* context,
      const temporal::api::workflowservice::v1::GetSystemInfoRequest* /*request*/,
      temporal::api::workflowservice::v1::GetSystemInfoResponse* response) override {
    grpc::Status status = Record(kGetSystemInfo, context);
    std::lock_guard lock(mutex_);
    response->set_server_version(server_version_);
    *response->mutable_capabilities() = capabilities_;
    return status;
  }

  grpc::Status SignalWorkflowExecution(
      grpc::ServerContext* context,
      const temporal::api::workflowservice::v1::SignalWorkflowExecutionRequest* /*request*/,
      temporal::api::workflowservice::v1::SignalWorkflowExecutionResponse* /*response*/) override {
    return Record(kSignal, context);
  }

  grpc::Status QueryWorkflow(
      grpc::ServerContext* context,
      const temporal::api::workflowservice::v1::QueryWorkflowRequest* /*request*/,
      temporal::api::workflowservice::v1::QueryWorkflowResponse* response) override {
    grpc::Status status = Record(kQuery, context);
    std::lock_guard lock(mutex_);
    *response->mutable_query_result()->add_payloads() = query_result_;
    return status;
  }

 private:
  // Record notes the attempt and returns the scripted answer (OK by default).
  grpc::Status Record(const char* method, grpc::ServerContext* context) {
    ReceivedCall call;
    call.method = method;
    for (const auto& [key, value] : context->client_metadata()) {
      call.metadata.emplace(std::string(key.data(), key.size()),
                            std::string(value.data(), value.size()));
    }
    std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
    if (auth != nullptr && auth->IsPeerAuthenticated()) {
      std::vector<grpc::string_ref> names = auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
      if (!names.empty()) call.peer_common_name.assign(names.front().data(), names.front().size());
    }

    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
    if (auto it = scripted_.find(method); it != scripted_.end() && !it->second.empty()) {
      grpc::Status status = std::move(it->second.front());
      it->second.pop_front();
      return status;
    }
    if (auto it = always_.find(method); it != always_.end()) return it->second;
    return grpc::Status::OK;
  }

  mutable std::mutex mutex_;
  std::string server_version_ = "1.0.0-recording";            // guarded by mutex_
  Capabilities capabilities_;                                 // guarded by mutex_
  temporal::api::common::v1::Payload query_result_;           // guarded by mutex_
  std::map<std::string, std::deque<grpc::Status>> scripted_;  // guarded by mutex_
  std::map<std::string, grpc::Status> always_;                // guarded by mutex_
  std::vector<ReceivedCall> calls_;                           // guarded by mutex_
};

}  // namespace temporal::test
