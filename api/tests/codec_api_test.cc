// The codec-server endpoints, as the Temporal Web UI calls them: from its
// own origin with the session cookie and X-Namespace, no CSRF token; with
// the same AES-256-GCM codec as the workers, against a real history.
#include <sodium.h>

#include "api_fixture.h"
#include "temporal/client/client.h"
#include "temporal/converter/aes_gcm_codec.h"

namespace provisio_api_test {
namespace {

constexpr char kUiOrigin[] = "http://127.0.0.1:8233";

std::string Base64(const std::string& bytes) {
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  text.resize(std::strlen(text.c_str()));
  return text;
}

std::string Unbase64(const std::string& text) {
  std::string bytes(text.size(), '\0');
  std::size_t length = 0;
  EXPECT_EQ(
      sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL),
      0);
  bytes.resize(length);
  return bytes;
}

class CodecApiTest : public ApiTest {
 protected:
  void SetUp() override {
    if (Env("PROVISIO_CODEC_KEY_HEX").empty())
      GTEST_FAIL() << "run with scripts/test: it sets the codec key (PROVISIO_CODEC_KEY_HEX)";
    ApiTest::SetUp();
    StopApi();
    StartApi([](ApiConfig& config) { config.temporal_ui_origin = kUiOrigin; });
  }

  // An operator's client as the Web UI's page is: its origin, no CSRF token.
  HttpClient WebUi(const std::string& user) {
    HttpClient client = SignedIn(user);
    client.origin = kUiOrigin;
    client.send_csrf = false;
    return client;
  }

  Reply Codec(HttpClient& client, const std::string& which, const nlohmann::json& body) {
    return client.Send(
        http::verb::post, "/api/codec/" + which, body,
        {{"X-Namespace",
          Env("TEMPORAL_NAMESPACE").empty() ? "default" : Env("TEMPORAL_NAMESPACE")}});
  }
};

TEST_F(CodecApiTest, EncodeThenDecodeRoundTripsForTheWebUiOrigin) {
  HttpClient ui = WebUi(User("operator"));
  // The session tells the UI where the Web UI is, for its links.
  EXPECT_EQ(ui.Get("/api/session").Json().value("temporalUiUrl", ""), kUiOrigin);
  const nlohmann::json plain = {
      {"payloads",
       {{{"metadata", {{"encoding", Base64("json/plain")}}}, {"data", Base64("\"hello\"")}}}}};
  Reply encoded = Codec(ui, "encode", plain);
  ASSERT_EQ(encoded.status, 200) << encoded.body;
  EXPECT_EQ(encoded.Header("access-control-allow-origin"), kUiOrigin);
  EXPECT_EQ(encoded.Header("access-control-allow-credentials"), "true");
  const nlohmann::json sealed = encoded.Json()["payloads"][0];
  EXPECT_EQ(Unbase64(sealed["metadata"]["encoding"]), "binary/encrypted");
  EXPECT_EQ(Unbase64(sealed["metadata"]["encryption-key-id"]), Env("PROVISIO_CODEC_KEY_ID"));
  EXPECT_EQ(Unbase64(sealed["data"]).find("hello"), std::string::npos);

  Reply decoded = Codec(ui, "decode", encoded.Json());
  ASSERT_EQ(decoded.status, 200) << decoded.body;
  EXPECT_EQ(decoded.Json(), plain);

  // The preflight: answered for the Web UI's origin only.
  Reply preflight = ui.Send(http::verb::options, "/api/codec/decode", std::nullopt,
                            {{"Origin", kUiOrigin},
                             {"Access-Control-Request-Method", "POST"},
                             {"Access-Control-Request-Headers", "content-type,x-namespace"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.Header("access-control-allow-origin"), kUiOrigin);
  EXPECT_NE(preflight.Header("access-control-allow-headers").find("X-Namespace"),
            std::string::npos);
  Reply elsewhere = ui.Send(http::verb::options, "/api/codec/decode", std::nullopt,
                            {{"Origin", "http://evil.example"}});
  EXPECT_EQ(elsewhere.status, 405);
  EXPECT_TRUE(elsewhere.Header("access-control-allow-origin").empty());

  // Another origin is refused; so is a user who is not an operator; so is
  // another namespace, and a payload that is not base64.
  HttpClient other = WebUi(User("operator"));
  other.origin = "http://evil.example";
  EXPECT_EQ(Codec(other, "decode", encoded.Json()).status, 403);
  HttpClient requester = WebUi(User("requester"));
  Reply refused = Codec(requester, "decode", encoded.Json());
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.Json()["type"], "urn:provisio:problem:not-an-operator");
  Reply namespace_refused = ui.Send(http::verb::post, "/api/codec/decode", encoded.Json(),
                                    {{"X-Namespace", "someone-elses"}});
  EXPECT_EQ(namespace_refused.status, 400);
  EXPECT_EQ(namespace_refused.Json()["field"], "X-Namespace");
  Reply not_base64 = Codec(ui, "decode", {{"payloads", {{{"metadata", {{"encoding", "%%"}}}}}}});
  EXPECT_EQ(not_base64.Json()["field"], "payloads[0].metadata.encoding");
}

TEST_F(CodecApiTest, DecodesAPayloadFromARealHistory) {
  // A workflow started through a client with the workers' codec: its input
  // is ciphertext in the history. No worker needs to run it.
  temporal::ClientOptions options;
  options.target_host = Env("TEMPORAL_ADDRESS");
  auto key = temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_CODEC_KEY_HEX"));
  ASSERT_TRUE(key.ok());
  auto codec = temporal::AesGcmCodec::Create(Env("PROVISIO_CODEC_KEY_ID"), *key);
  ASSERT_TRUE(codec.ok());
  options.data_converter.AddCodec(*codec);
  auto client = temporal::Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.error();
  temporal::StartWorkflowOptions start;
  start.id = "codec-test-" + RandomHex(8);
  start.task_queue = "codec-test-" + RandomHex(8);  // no worker: it only has to be recorded
  const nlohmann::json secret = {{"password", "s3cret-" + RandomHex(8)}};
  auto handle = client->StartWorkflow("ProvisionApplication", start, secret);
  ASSERT_TRUE(handle.ok()) << handle.error();
  auto history = handle->FetchHistory();
  (void)handle->Terminate("codec test done");
  ASSERT_TRUE(history.ok()) << history.error();
  const auto& input =
      history->events(0).workflow_execution_started_event_attributes().input().payloads(0);
  ASSERT_EQ(input.metadata().at("encoding"), "binary/encrypted");
  ASSERT_EQ(input.data().find("s3cret"), std::string::npos);

  nlohmann::json body = {{"payloads", nlohmann::json::array()}};
  nlohmann::json payload = {{"metadata", nlohmann::json::object()}, {"data", Base64(input.data())}};
  for (const auto& [name, value] : input.metadata()) payload["metadata"][name] = Base64(value);
  body["payloads"].push_back(payload);
  HttpClient ui = WebUi(User("operator"));
  Reply decoded = Codec(ui, "decode", body);
  ASSERT_EQ(decoded.status, 200) << decoded.body;
  const nlohmann::json plain = decoded.Json()["payloads"][0];
  EXPECT_EQ(Unbase64(plain["metadata"]["encoding"]), "json/plain");
  EXPECT_EQ(nlohmann::json::parse(Unbase64(plain["data"])), secret);
}

}  // namespace
}  // namespace provisio_api_test
