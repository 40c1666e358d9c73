// The generated Temporal API, spoken over gRPC to the real dev server. These
// tests prove the codegen (including the namespace_/export_ package rename) and
// the dev server before any SDK code is built on them.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "dev_server.h"
#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/namespace/v1/message.pb.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"

namespace {

namespace wfs = temporal::api::workflowservice::v1;
using provisio::testing::Deadline;
using provisio::testing::DevServerAddress;
using provisio::testing::DevServerNamespace;
using provisio::testing::UniqueId;

class WorkflowServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DEV_SERVER();
    channel_ = grpc::CreateChannel(DevServerAddress(), grpc::InsecureChannelCredentials());
    stub_ = wfs::WorkflowService::NewStub(channel_);
  }

  // Call wraps one unary call with a deadline and the namespace header.
  template <typename Request, typename Response, typename Method>
  grpc::Status Call(Method method, const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    context.AddMetadata("temporal-namespace", DevServerNamespace());
    return (stub_.get()->*method)(&context, request, response);
  }

  wfs::DescribeWorkflowExecutionResponse Describe(const std::string& workflow_id) {
    wfs::DescribeWorkflowExecutionRequest request;
    request.set_namespace_(DevServerNamespace());
    request.mutable_execution()->set_workflow_id(workflow_id);
    wfs::DescribeWorkflowExecutionResponse response;
    grpc::Status status =
        Call(&wfs::WorkflowService::Stub::DescribeWorkflowExecution, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<wfs::WorkflowService::Stub> stub_;
};

TEST_F(WorkflowServiceTest, GetSystemInfoReportsServerVersionAndCapabilities) {
  wfs::GetSystemInfoRequest request;
  wfs::GetSystemInfoResponse response;
  grpc::Status status = Call(&wfs::WorkflowService::Stub::GetSystemInfo, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.server_version().empty());
  // Every server this SDK targets has these; the SDK relies on them.
  EXPECT_TRUE(response.capabilities().signal_and_query_header());
  EXPECT_TRUE(response.capabilities().internal_error_differentiation());
  EXPECT_TRUE(response.capabilities().sdk_metadata());
}

TEST_F(WorkflowServiceTest, DescribeNamespaceReturnsTheRenamedPackageMessage) {
  wfs::DescribeNamespaceRequest request;
  request.set_namespace_(DevServerNamespace());
  wfs::DescribeNamespaceResponse response;
  grpc::Status status = Call(&wfs::WorkflowService::Stub::DescribeNamespace, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // namespace_info is temporal.api.namespace_.v1.NamespaceInfo after the rename.
  const temporal::api::namespace_::v1::NamespaceInfo& info = response.namespace_info();
  EXPECT_EQ(info.name(), DevServerNamespace());
  EXPECT_FALSE(info.id().empty());
  EXPECT_EQ(info.state(), temporal::api::enums::v1::NAMESPACE_STATE_REGISTERED);
}

TEST_F(WorkflowServiceTest, NamespaceInfoFieldsRoundTripThroughTheServer) {
  // Register a namespace with every string field of the renamed package set,
  // then read it back: the server (built from the original package names) must
  // see exactly the bytes we sent.
  const std::string name = UniqueId("ns-roundtrip");
  wfs::RegisterNamespaceRequest register_request;
  register_request.set_namespace_(name);
  register_request.set_description("provisio round-trip check: ü, 漢字");
  register_request.set_owner_email("platform@provisio.example");
  (*register_request.mutable_data())["team"] = "platform";
  register_request.mutable_workflow_execution_retention_period()->set_seconds(24 * 3600);
  wfs::RegisterNamespaceResponse register_response;
  grpc::Status status =
      Call(&wfs::WorkflowService::Stub::RegisterNamespace, register_request, &register_response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  wfs::DescribeNamespaceRequest describe_request;
  describe_request.set_namespace_(name);
  wfs::DescribeNamespaceResponse describe_response;
  status =
      Call(&wfs::WorkflowService::Stub::DescribeNamespace, describe_request, &describe_response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto& info = describe_response.namespace_info();
  EXPECT_EQ(info.name(), name);
  EXPECT_EQ(info.description(), register_request.description());
  EXPECT_EQ(info.owner_email(), register_request.owner_email());
  ASSERT_EQ(info.data().count("team"), 1u);
  EXPECT_EQ(info.data().at("team"), "platform");
  EXPECT_EQ(describe_response.config().workflow_execution_retention_ttl().seconds(), 24 * 3600);
}

TEST_F(WorkflowServiceTest, StartDescribeTerminateWorkflowOnAnUnpolledTaskQueue) {
  const std::string workflow_id = UniqueId("wf-lifecycle");
  const std::string task_queue = UniqueId("tq-nobody-polls");

  wfs::StartWorkflowExecutionRequest start;
  start.set_namespace_(DevServerNamespace());
  start.set_workflow_id(workflow_id);
  start.mutable_workflow_type()->set_name("LifecycleProbe");
  start.mutable_task_queue()->set_name(task_queue);
  start.set_identity("provisio-tests");
  start.set_request_id(UniqueId("request"));
  start.mutable_workflow_execution_timeout()->set_seconds(600);
  wfs::StartWorkflowExecutionResponse started;
  grpc::Status status = Call(&wfs::WorkflowService::Stub::StartWorkflowExecution, start, &started);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(started.run_id().empty());
  EXPECT_TRUE(started.started());

  wfs::DescribeWorkflowExecutionResponse running = Describe(workflow_id);
  const auto& info = running.workflow_execution_info();
  EXPECT_EQ(info.status(), temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING);
  EXPECT_EQ(info.type().name(), "LifecycleProbe");
  EXPECT_EQ(info.task_queue(), task_queue);
  EXPECT_EQ(info.execution().run_id(), started.run_id());
  EXPECT_EQ(running.execution_config().task_queue().name(), task_queue);

  wfs::TerminateWorkflowExecutionRequest terminate;
  terminate.set_namespace_(DevServerNamespace());
  terminate.mutable_workflow_execution()->set_workflow_id(workflow_id);
  terminate.set_reason("integration test cleanup");
  terminate.set_identity("provisio-tests");
  wfs::TerminateWorkflowExecutionResponse terminated;
  status = Call(&wfs::WorkflowService::Stub::TerminateWorkflowExecution, terminate, &terminated);
  ASSERT_TRUE(status.ok()) << status.error_message();

  wfs::DescribeWorkflowExecutionResponse after = Describe(workflow_id);
  EXPECT_EQ(after.workflow_execution_info().status(),
            temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_TERMINATED);
  EXPECT_TRUE(after.workflow_execution_info().has_close_time());
}

TEST_F(WorkflowServiceTest, DescribeUnknownWorkflowIsNotFound) {
  wfs::DescribeWorkflowExecutionRequest request;
  request.set_namespace_(DevServerNamespace());
  request.mutable_execution()->set_workflow_id(UniqueId("never-started"));
  wfs::DescribeWorkflowExecutionResponse response;
  grpc::Status status =
      Call(&wfs::WorkflowService::Stub::DescribeWorkflowExecution, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
}

}  // namespace
