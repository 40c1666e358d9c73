// InProcessServer: a gRPC server inside the test process, listening on
// 127.0.0.1 on a port the kernel picks, serving one service.
//
// Header-only because the unit-test glob compiles only *_test.cc files.
//
// Example:
//
//   RecordingWorkflowService service;
//   InProcessServer server(&service);                 // plaintext
//   options.target_host = server.target();            // "127.0.0.1:<port>"
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace temporal::test {

/// InProcessServer starts serving in its constructor (throwing
/// std::runtime_error if it cannot) and shuts down in its destructor. The
/// service must outlive it.
class InProcessServer {
 public:
  explicit InProcessServer(
      grpc::Service* service,
      std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials()) {
    int port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port);
    builder.RegisterService(service);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port == 0) {
      throw std::runtime_error("InProcessServer: cannot listen on 127.0.0.1");
    }
    target_ = "127.0.0.1:" + std::to_string(port);
  }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  ~InProcessServer() {
    // A deadline, so a call still in flight cannot hang the test's teardown.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    server_->Wait();
  }

  /// target is "127.0.0.1:<port>", for ClientOptions::target_host.
  const std::string& target() const { return target_; }

 private:
  std::unique_ptr<grpc::Server> server_;
  std::string target_;
};

}  // namespace temporal::test
