// The client's TLS and mutual TLS, checked against an in-process gRPC server
// with certificates made at test time (the dev server has no TLS).
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "in_process_server.h"
#include "recording_workflow_service.h"
#include "temporal/client/client.h"
#include "test_certificate_authority.h"

namespace temporal {
namespace {

using test::InProcessServer;
using test::IssuedCertificate;
using test::ReceivedCall;
using test::RecordingWorkflowService;
using test::TestCertificateAuthority;
using ::testing::ElementsAre;

// Pki is the certificates every TLS test uses, made once per test binary.
struct Pki {
  TestCertificateAuthority ca{"Provisio Test CA"};
  TestCertificateAuthority other_ca{"Some Other CA"};
  IssuedCertificate server = ca.IssueServerCertificate("localhost", "DNS:localhost,IP:127.0.0.1");
  IssuedCertificate client = ca.IssueClientCertificate("provisio-test-client");
  IssuedCertificate client_of_other_ca = other_ca.IssueClientCertificate("intruder");
};

const Pki& TestPki() {
  static const Pki* pki = new Pki();  // never destroyed: outlives every test
  return *pki;
}

std::shared_ptr<grpc::ServerCredentials> TlsServerCredentials(bool require_client_certificate) {
  grpc::SslServerCredentialsOptions ssl(
      require_client_certificate ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                 : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_root_certs = TestPki().ca.certificate_pem();
  ssl.pem_key_cert_pairs.push_back(
      {TestPki().server.private_key_pem, TestPki().server.certificate_pem});
  return grpc::SslServerCredentials(ssl);
}

// TlsOptionsTrusting trusts `ca_pem` and checks the server's certificate
// against "localhost" (the target is 127.0.0.1).
TlsOptions TlsOptionsTrusting(const std::string& ca_pem) {
  TlsOptions tls;
  tls.server_root_ca_pem = ca_pem;
  tls.server_name_override = "localhost";
  return tls;
}

// TransportTls serves a RecordingWorkflowService over TLS (server
// authentication only); TransportMutualTls also requires a client certificate
// signed by the test CA.
class TransportTls : public ::testing::Test {
 protected:
  explicit TransportTls(bool require_client_certificate = false)
      : server_(&service_, TlsServerCredentials(require_client_certificate)) {}

  ClientOptions Options(std::optional<TlsOptions> tls) const {
    ClientOptions options;
    options.target_host = server_.target();
    options.namespace_ = "transport-tls";
    options.identity = "transport-tls-test";
    options.tls = std::move(tls);
    options.rpc_retry.initial_interval = std::chrono::milliseconds(10);
    options.rpc_retry.maximum_interval = std::chrono::milliseconds(50);
    // Connections that must fail give up quickly; ones that must work have
    // plenty of time for the handshake.
    options.connect_timeout = std::chrono::milliseconds(500);
    return options;
  }

  RecordingWorkflowService service_;
  InProcessServer server_;
};

class TransportMutualTls : public TransportTls {
 protected:
  TransportMutualTls() : TransportTls(/*require_client_certificate=*/true) {}

  TlsOptions WithClientCertificate(const IssuedCertificate& certificate) const {
    TlsOptions tls = TlsOptionsTrusting(TestPki().ca.certificate_pem());
    tls.client_cert_pem = certificate.certificate_pem;
    tls.client_private_key_pem = certificate.private_key_pem;
    return tls;
  }
};

TEST_F(TransportTls, ClientTrustingTheServersCaConnectsAndCalls) {
  ClientOptions options = Options(TlsOptionsTrusting(TestPki().ca.certificate_pem()));
  options.connect_timeout = std::chrono::seconds(10);
  Result<Client> client = Client::Connect(options);
  ASSERT_TRUE(client) << client.error();

  Status signalled = client->GetHandle("wf-tls").Signal("approve");
  ASSERT_TRUE(signalled) << signalled.error();
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kSignal), 1);
}

TEST_F(TransportTls, PlaintextClientCannotReachATlsServer) {
  Result<Client> client = Client::Connect(Options(std::nullopt));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::kUnavailable) << client.error();
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kGetSystemInfo), 0);
}

TEST_F(TransportTls, ClientTrustingAnotherCaRejectsTheServer) {
  Result<Client> client =
      Client::Connect(Options(TlsOptionsTrusting(TestPki().other_ca.certificate_pem())));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::kUnavailable) << client.error();
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kGetSystemInfo), 0);
}

TEST_F(TransportTls, ServerCertificateForAnotherHostIsRejected) {
  TlsOptions tls = TlsOptionsTrusting(TestPki().ca.certificate_pem());
  tls.server_name_override = "frontend.example.com";
  Result<Client> client = Client::Connect(Options(tls));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::kUnavailable) << client.error();
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kGetSystemInfo), 0);
}

TEST_F(TransportMutualTls, ClientWithCertificateConnectsAndServerSeesItsCommonName) {
  ClientOptions options = Options(WithClientCertificate(TestPki().client));
  options.connect_timeout = std::chrono::seconds(10);
  Result<Client> client = Client::Connect(options);
  ASSERT_TRUE(client) << client.error();
  Status signalled = client->GetHandle("wf-mtls").Signal("approve");
  ASSERT_TRUE(signalled) << signalled.error();

  std::vector<ReceivedCall> calls = service_.calls();
  ASSERT_EQ(calls.size(), 2u);
  for (const ReceivedCall& call : calls) {
    SCOPED_TRACE(call.method);
    EXPECT_EQ(call.peer_common_name, "provisio-test-client");
    EXPECT_THAT(call.Values("temporal-namespace"), ElementsAre("transport-tls"));
  }
}

TEST_F(TransportMutualTls, ClientWithoutCertificateIsRejected) {
  Result<Client> client =
      Client::Connect(Options(TlsOptionsTrusting(TestPki().ca.certificate_pem())));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::kUnavailable) << client.error();
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kGetSystemInfo), 0);
}

TEST_F(TransportMutualTls, ClientCertificateFromAnotherCaIsRejected) {
  Result<Client> client =
      Client::Connect(Options(WithClientCertificate(TestPki().client_of_other_ca)));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::kUnavailable) << client.error();
  EXPECT_EQ(service_.CallCount(RecordingWorkflowService::kGetSystemInfo), 0);
}

}  // namespace
}  // namespace temporal
