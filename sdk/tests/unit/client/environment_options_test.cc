// ClientOptionsFromEnvironment: the official SDKs' variables for address,
// namespace, API key and TLS files (the TLS transport itself is
// transport_tls_test.cc's).
#include "temporal/client/environment_options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "test_certificate_authority.h"

namespace temporal {
namespace {

namespace fs = std::filesystem;

class EnvironmentOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("environment-options-" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    test::TestCertificateAuthority ca("Environment Test CA");
    const test::IssuedCertificate client = ca.IssueClientCertificate("env-client");
    Write("ca.pem", ca.certificate_pem());
    Write("client.pem", client.certificate_pem);
    Write("client.key", client.private_key_pem);
    Write("not-pem.txt", "hello");
    ca_pem_ = ca.certificate_pem();
    client_pem_ = client.certificate_pem;
    client_key_ = client.private_key_pem;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  Result<ClientOptions> Read(std::map<std::string, std::string> variables) const {
    return ClientOptionsFromEnvironment([&](const char* name) -> std::optional<std::string> {
      auto found = variables.find(name);
      if (found == variables.end()) return std::nullopt;
      return found->second;
    });
  }

  fs::path dir_;
  std::string ca_pem_, client_pem_, client_key_;
};

TEST_F(EnvironmentOptionsTest, NothingSetIsTheLocalDevServerInPlaintext) {
  auto options = Read({});
  ASSERT_TRUE(options.ok()) << options.error().message();
  EXPECT_EQ(options->target_host, "127.0.0.1:7233");
  EXPECT_EQ(options->namespace_, "default");
  EXPECT_FALSE(options->tls.has_value());
  EXPECT_TRUE(options->api_key.empty());
  // Empty values (a config file's "KEY=") count as unset.
  auto empty = Read({{"TEMPORAL_ADDRESS", ""}, {"TEMPORAL_TLS", ""}, {"TEMPORAL_API_KEY", ""}});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->target_host, "127.0.0.1:7233");
  EXPECT_FALSE(empty->tls.has_value());
}

TEST_F(EnvironmentOptionsTest, AnApiKeyTurnsOnTlsWithTheSystemRoots) {
  auto options = Read({{"TEMPORAL_ADDRESS", "acme.a1b2c.tmprl.cloud:7233"},
                       {"TEMPORAL_NAMESPACE", "acme.a1b2c"},
                       {"TEMPORAL_API_KEY", "key-123"}});
  ASSERT_TRUE(options.ok()) << options.error().message();
  EXPECT_EQ(options->target_host, "acme.a1b2c.tmprl.cloud:7233");
  EXPECT_EQ(options->namespace_, "acme.a1b2c");
  EXPECT_EQ(options->api_key, "key-123");
  ASSERT_TRUE(options->tls.has_value());
  EXPECT_TRUE(options->tls->server_root_ca_pem.empty());
  EXPECT_TRUE(options->tls->client_cert_pem.empty());
}

TEST_F(EnvironmentOptionsTest, MutualTlsReadsTheCaAndTheClientCertificateFiles) {
  auto options = Read({{"TEMPORAL_TLS_SERVER_CA_CERT_PATH", Path("ca.pem")},
                       {"TEMPORAL_TLS_CLIENT_CERT_PATH", Path("client.pem")},
                       {"TEMPORAL_TLS_CLIENT_KEY_PATH", Path("client.key")},
                       {"TEMPORAL_TLS_SERVER_NAME", "temporal.internal"}});
  ASSERT_TRUE(options.ok()) << options.error().message();
  ASSERT_TRUE(options->tls.has_value());
  EXPECT_EQ(options->tls->server_root_ca_pem, ca_pem_);
  EXPECT_EQ(options->tls->client_cert_pem, client_pem_);
  EXPECT_EQ(options->tls->client_private_key_pem, client_key_);
  EXPECT_EQ(options->tls->server_name_override, "temporal.internal");
}

TEST_F(EnvironmentOptionsTest, MistakesAreRefusedNamingTheVariable) {
  const auto message = [&](std::map<std::string, std::string> variables) {
    auto options = Read(std::move(variables));
    return options.ok() ? std::string("(accepted)") : options.error().message();
  };
  EXPECT_NE(message({{"TEMPORAL_TLS_CLIENT_CERT_PATH", Path("client.pem")}})
                .find("TEMPORAL_TLS_CLIENT_KEY_PATH is missing"),
            std::string::npos);
  EXPECT_NE(message({{"TEMPORAL_TLS_SERVER_CA_CERT_PATH", Path("absent.pem")}})
                .find("TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read"),
            std::string::npos);
  EXPECT_NE(message({{"TEMPORAL_TLS_SERVER_CA_CERT_PATH", Path("not-pem.txt")}})
                .find("is not a PEM file"),
            std::string::npos);
  EXPECT_NE(message({{"TEMPORAL_TLS", "yes"}}).find("TEMPORAL_TLS: \"yes\""), std::string::npos);
  EXPECT_NE(
      message({{"TEMPORAL_TLS", "false"}, {"TEMPORAL_TLS_SERVER_CA_CERT_PATH", Path("ca.pem")}})
          .find("TEMPORAL_TLS is false"),
      std::string::npos);
  // TEMPORAL_TLS=true alone: TLS with the system roots.
  auto plain_tls = Read({{"TEMPORAL_TLS", "true"}});
  ASSERT_TRUE(plain_tls.ok());
  EXPECT_TRUE(plain_tls->tls.has_value());
}

}  // namespace
}  // namespace temporal
