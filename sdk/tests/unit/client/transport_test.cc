// The client's transport, checked against an in-process gRPC server: the
// metadata every call carries, retries of transient errors and their limit,
// typed error details (QueryFailedFailure), and what Connect reads. These are
// the behaviours the dev server cannot show (it never fails on purpose). TLS is
// in transport_tls_test.cc.
#include <gmock/gmock.h>
#include <google/protobuf/any.pb.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "in_process_server.h"
#include "recording_workflow_service.h"
#include "rpc_status_bytes.h"
#include "temporal/api/errordetails/v1/message.pb.h"
#include "temporal/client/client.h"
#include "temporal/failure.h"
#include "temporal/version.h"

namespace temporal {
namespace {

using test::InProcessServer;
using test::ReceivedCall;
using test::RecordingWorkflowService;
using test::RpcStatusBytes;
using ::testing::ElementsAre;
using ::testing::Gt;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kNamespace[] = "transport-ns";

// TransportTest serves a RecordingWorkflowService on a plaintext in-process
// server and hands out options with fast retries.
class TransportTest : public ::testing::Test {
 protected:
  ClientOptions FastOptions() const {
    ClientOptions options;
    options.target_host = server_.target();
    options.namespace_ = kNamespace;
    options.identity = "transport-test";
    options.rpc_retry.initial_interval = std::chrono::milliseconds(10);
    options.rpc_retry.maximum_interval = std::chrono::milliseconds(50);
    options.rpc_retry.maximum_elapsed = std::chrono::seconds(5);
    options.rpc_timeout = std::chrono::seconds(5);
    options.connect_timeout = std::chrono::seconds(5);
    return options;
  }

  // SignalAndQuery makes one successful Signal and Query (Connect made GetSystemInfo).
  static void SignalAndQuery(const Client& client) {
    WorkflowHandle handle = client.GetHandle("wf-transport");
    Status signalled = handle.Signal("approve", 1);
    ASSERT_TRUE(signalled) << signalled.error();
    Result<std::string> state = handle.Query<std::string>("state");
    ASSERT_TRUE(state) << state.error();
    EXPECT_EQ(*state, "ready");
  }

  RecordingWorkflowService service_;
  InProcessServer server_{&service_};
};

using TransportMetadata = TransportTest;
using TransportRetry = TransportTest;
using TransportQueryFailure = TransportTest;
using TransportConnect = TransportTest;

std::vector<std::string> MethodsOf(const std::vector<ReceivedCall>& calls) {
  std::vector<std::string> methods;
  for (const ReceivedCall& call : calls) methods.push_back(call.method);
  return methods;
}

TEST_F(TransportMetadata, EveryCallCarriesClientNameVersionAndNamespace) {
  service_.SetQueryResult(ToPayload(std::string("ready")).value());
  Result<Client> client = Client::Connect(FastOptions());
  ASSERT_TRUE(client) << client.error();
  SignalAndQuery(*client);

  std::vector<ReceivedCall> calls = service_.calls();
  ASSERT_THAT(MethodsOf(calls),
              ElementsAre(RecordingWorkflowService::kGetSystemInfo,
                          RecordingWorkflowService::kSignal, RecordingWorkflowService::kQuery));
  for (const ReceivedCall& call : calls) {
    SCOPED_TRACE(call.method);
    EXPECT_THAT(call.Values("client-name"), ElementsAre("temporal-cpp"));
    ASSERT_EQ(call.Values("client-version").size(), 1u);
    EXPECT_THAT(call.Values("client-version").front(), Not(IsEmpty()));
    EXPECT_EQ(call.Values("client-version").front(), kSdkVersion);
    EXPECT_THAT(call.Values("temporal-namespace"), ElementsAre(kNamespace));
    EXPECT_THAT(call.Values("authorization"), IsEmpty());
  }
}

TEST_F(TransportMetadata, ApiKeyIsSentAsBearerAuthorizationOnEveryCall) {
  service_.SetQueryResult(ToPayload(std::string("ready")).value());
  ClientOptions options = FastOptions();
  options.api_key = "key-0123";
  Result<Client> client = Client::Connect(options);
  ASSERT_TRUE(client) << client.error();
  SignalAndQuery(*client);

  std::vector<ReceivedCall> calls = service_.calls();
  ASSERT_EQ(calls.size(), 3u);
  for (const ReceivedCall& call : calls) {
    SCOPED_TRACE(call.method);
    EXPECT_THAT(call.Values("authorization"), ElementsAre("Bearer key-0123"));
  }
}

TEST_F(TransportMetadata, ConfiguredHeadersAreSentOnEveryCall) {
  service_.SetQueryResult(ToPayload(std::string("ready")).value());
  ClientOptions options = FastOptions();
  options.headers = {{"x-tenant", "acme"}, {"x-request-source", "transport-test"}};
  Result<Client> client = Client::Connect(options);
  ASSERT_TRUE(client) << client.error();
  SignalAndQuery(*client);

  std::vector<ReceivedCall> calls = service_.calls();
  ASSERT_EQ(calls.size(), 3u);
  for (const ReceivedCall& call : calls) {
    SCOPED_TRACE(call.method);
    EXPECT_THAT(call.Values("x-tenant"), ElementsAre("acme"));
    EXPECT_THAT(call.Values("x-request-source"), ElementsAre("transport-test"));
    // The SDK's own metadata is still there next to the configured headers.
    EXPECT_THAT(call.Values("temporal-namespace"), ElementsAre(kNamespace));
  }
}

TEST_F(TransportMetadata, HeaderNamesAreSentLowerCase) {
  // HTTP/2 allows only lower-case names; gRPC would abort the process on "X-Tenant".
  ClientOptions options = FastOptions();
  options.headers = {{"X-Tenant", "acme"}};
  Result<Client> client = Client::Connect(options);
  ASSERT_TRUE(client) << client.error();

  std::vector<ReceivedCall> calls = service_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_THAT(calls.front().Values("x-tenant"), ElementsAre("acme"));
}

TEST_F(TransportMetadata, IllegalHeadersAreRejectedByConnectBeforeAnyCall) {
  const std::map<std::string, std::string> illegal[] = {
      {{"x tenant", "acme"}},                  // space in the name
      {{"x-tenant", "acme\r\nx-evil: 1"}},     // control characters in the value
      {{"X-Tenant", "a"}, {"x-tenant", "b"}},  // the same name twice, ignoring case
  };
  for (const auto& headers : illegal) {
    SCOPED_TRACE(headers.begin()->first);
    ClientOptions options = FastOptions();
    options.headers = headers;
    Result<Client> client = Client::Connect(options);
    ASSERT_FALSE(client);
    EXPECT_EQ(client.error().code(), ErrorCode::kInvalidArgument) << client.error();
  }
  ClientOptions options = FastOptions();
  options.api_key = "key\n";
  Result<Client> client = Client::Connect(options);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::kInvalidArgument) << client.error();
  EXPECT_THAT(service_.calls(), IsEmpty());
}

TEST_F(TransportRetry, UnavailableIsRetriedUntilTheCallSucceeds) {
  Result<Client> client = Client::Connect(FastOptions());
  ASSERT_TRUE(client) << client.error();
  service_.FailNext(RecordingWorkflowService::kSignal,
                    {grpc::Status(grpc::StatusCode::UNAVAILABLE, "frontend restarting"),
                     grpc::Status(grpc::StatusCode::UNAVAILABLE, "frontend restarting")});

  Status signalled = client->GetHandle("wf-transport").Signal("approve");
  ASSERT_TRUE(signalled) << signalled.error();
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kSignal), 3);
}

TEST_F(TransportRetry, ResourceExhaustedIsRetriedUntilTheCallSucceeds) {
  // The client backs off about a second after RESOURCE_EXHAUSTED (the server asked
  // it to slow down), within FastOptions' five-second maximum_elapsed.
  Result<Client> client = Client::Connect(FastOptions());
  ASSERT_TRUE(client) << client.error();
  service_.FailNext(RecordingWorkflowService::kSignal,
                    {grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "rate limited")});

  Status signalled = client->GetHandle("wf-transport").Signal("approve");
  ASSERT_TRUE(signalled) << signalled.error();
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kSignal), 2);
}

TEST_F(TransportRetry, ConnectRetriesATransientGetSystemInfoError) {
  service_.FailNext(RecordingWorkflowService::kGetSystemInfo,
                    {grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting up")});

  Result<Client> client = Client::Connect(FastOptions());
  ASSERT_TRUE(client) << client.error();
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kGetSystemInfo), 2);
}

TEST_F(TransportRetry, RetriesStopAfterMaximumElapsed) {
  ClientOptions options = FastOptions();
  options.rpc_retry.maximum_elapsed = std::chrono::milliseconds(200);
  Result<Client> client = Client::Connect(options);
  ASSERT_TRUE(client) << client.error();
  service_.FailAlways(RecordingWorkflowService::kSignal,
                      grpc::Status(grpc::StatusCode::UNAVAILABLE, "frontend down"));

  Status signalled = client->GetHandle("wf-transport").Signal("approve");
  ASSERT_FALSE(signalled);
  EXPECT_EQ(signalled.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(signalled.error().message(), HasSubstr("frontend down"));
  EXPECT_THAT(service_.CallCount(RecordingWorkflowService::kSignal), Gt(1));
}

// TransportNonTransientError: each non-transient code comes back at once, kept.
class TransportNonTransientError : public TransportTest,
                                   public ::testing::WithParamInterface<grpc::StatusCode> {};

TEST_P(TransportNonTransientError, IsReturnedAtOnceWithItsCodeAndTheRpcName) {
  Result<Client> client = Client::Connect(FastOptions());
  ASSERT_TRUE(client) << client.error();
  service_.FailAlways(RecordingWorkflowService::kSignal, grpc::Status(GetParam(), "refused"));

  Status signalled = client->GetHandle("wf-transport").Signal("approve");
  ASSERT_FALSE(signalled);
  EXPECT_EQ(static_cast<int>(signalled.error().code()), static_cast<int>(GetParam()));
  EXPECT_THAT(signalled.error().message(), HasSubstr("SignalWorkflowExecution"));
  EXPECT_THAT(signalled.error().message(), HasSubstr("refused"));
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kSignal), 1);
}

// CodeTestName names a parameterized case after its gRPC code.
std::string CodeTestName(const ::testing::TestParamInfo<grpc::StatusCode>& code) {
  switch (code.param) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc::StatusCode::NOT_FOUND:
      return "NotFound";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PermissionDenied";
    default:
      return "Code" + std::to_string(static_cast<int>(code.param));
  }
}

INSTANTIATE_TEST_SUITE_P(Codes, TransportNonTransientError,
                         ::testing::Values(grpc::StatusCode::INVALID_ARGUMENT,
                                           grpc::StatusCode::NOT_FOUND,
                                           grpc::StatusCode::PERMISSION_DENIED),
                         CodeTestName);

// QueryFailedStatus is how the server reports a failed query: INVALID_ARGUMENT
// whose google.rpc.Status details hold a QueryFailedFailure.
grpc::Status QueryFailedStatus(const std::string& status_message,
                               const temporal::api::errordetails::v1::QueryFailedFailure& detail) {
  google::protobuf::Any any;
  any.PackFrom(detail);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, status_message,
                      RpcStatusBytes(grpc::StatusCode::INVALID_ARGUMENT, status_message, {any}));
}

TEST_F(TransportQueryFailure, QueryFailedFailureDetailGivesQueryFailedWithItsFailure) {
  temporal::api::errordetails::v1::QueryFailedFailure detail;
  detail.mutable_failure()->set_message("state is not ready yet");
  detail.mutable_failure()->mutable_application_failure_info()->set_type("NotReady");
  service_.FailNext(RecordingWorkflowService::kQuery,
                    {QueryFailedStatus("state is not ready yet", detail)});
  Result<Client> client = Client::Connect(FastOptions());
  ASSERT_TRUE(client) << client.error();

  Result<std::string> state = client->GetHandle("wf-transport").Query<std::string>("state");
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code(), ErrorCode::kQueryFailed);
  ASSERT_NE(state.error().failure(), nullptr);
  EXPECT_EQ(state.error().failure()->message(), "state is not ready yet");
  EXPECT_EQ(state.error().failure()->application_type(), "NotReady");
  EXPECT_THAT(state.error().message(), HasSubstr("state"));
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kQuery), 1);
}

TEST_F(TransportQueryFailure, QueryFailedFailureWithoutFailureKeepsTheServerMessage) {
  // Older SDKs answer a failed query without the failure field.
  service_.FailNext(RecordingWorkflowService::kQuery,
                    {QueryFailedStatus("unknown queryType statee", {})});
  Result<Client> client = Client::Connect(FastOptions());
  ASSERT_TRUE(client) << client.error();

  Result<std::string> state = client->GetHandle("wf-transport").Query<std::string>("statee");
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code(), ErrorCode::kQueryFailed);
  EXPECT_EQ(state.error().failure(), nullptr);
  EXPECT_THAT(state.error().message(), HasSubstr("unknown queryType statee"));
}

TEST_F(TransportQueryFailure, InvalidArgumentWithoutDetailsStaysInvalidArgument) {
  service_.FailNext(RecordingWorkflowService::kQuery,
                    {grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad request")});
  Result<Client> client = Client::Connect(FastOptions());
  ASSERT_TRUE(client) << client.error();

  Result<std::string> state = client->GetHandle("wf-transport").Query<std::string>("state");
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TransportConnect, ConnectReadsServerVersionAndCapabilities) {
  RecordingWorkflowService::Capabilities capabilities;
  capabilities.set_signal_and_query_header(true);
  capabilities.set_internal_error_differentiation(true);
  capabilities.set_eager_workflow_start(true);
  service_.SetSystemInfo("1.27.2-transport", capabilities);

  Result<Client> client = Client::Connect(FastOptions());
  ASSERT_TRUE(client) << client.error();
  EXPECT_EQ(client->server_info().server_version, "1.27.2-transport");
  EXPECT_TRUE(client->server_info().capabilities.signal_and_query_header());
  EXPECT_TRUE(client->server_info().capabilities.internal_error_differentiation());
  EXPECT_TRUE(client->server_info().capabilities.eager_workflow_start());
  EXPECT_FALSE(client->server_info().capabilities.sdk_metadata());
}

TEST_F(TransportConnect, ConnectRejectedByTheServerKeepsTheCode) {
  service_.FailAlways(RecordingWorkflowService::kGetSystemInfo,
                      grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad api key"));
  ClientOptions options = FastOptions();
  options.api_key = "wrong";

  Result<Client> client = Client::Connect(options);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(client.error().message(), HasSubstr("bad api key"));
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kGetSystemInfo), 1);
}

}  // namespace
}  // namespace temporal
