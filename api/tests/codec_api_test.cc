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

  const std::string audited =
      "SELECT count(*) FROM audit_events WHERE action = 'codec-decode' AND actor = $1";
  const std::vector<std::string> none = Sql(audited, {User("operator")});
  Reply decoded = Codec(ui, "decode", encoded.Json());
  ASSERT_EQ(decoded.status, 200) << decoded.body;
  EXPECT_EQ(decoded.Json(), plain);
  // Each decode of encrypted payloads is audited: who, how many, which namespace.
  EXPECT_EQ(none, std::vector<std::string>{"0"});
  EXPECT_EQ(
      Sql("SELECT workflow_id || ' ' || (details->>'payloads') FROM audit_events"
          " WHERE action = 'codec-decode' AND actor = $1",
          {User("operator")}),
      std::vector<std::string>{
          "codec:" +
          (Env("TEMPORAL_NAMESPACE").empty() ? std::string("default") : Env("TEMPORAL_NAMESPACE")) +
          " 1"});
  // A decode with nothing encrypted reveals nothing and is not audited.
  ASSERT_EQ(Codec(ui, "decode", plain).status, 200);
  EXPECT_EQ(Sql(audited, {User("operator")}), std::vector<std::string>{"1"});

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

TEST_F(CodecApiTest, AfterAKeyRotationOldPayloadsStillDecodeAndNewOnesUseTheNewKey) {
  const nlohmann::json plain = {
      {"payloads",
       {{{"metadata", {{"encoding", Base64("json/plain")}}}, {"data", Base64("\"before\"")}}}}};
  HttpClient before = WebUi(User("operator"));
  Reply old_payload = Codec(before, "encode", plain);
  ASSERT_EQ(old_payload.status, 200) << old_payload.body;

  // Rotate as the deployment does: a new current key, the old one listed in
  // PROVISIO_CODEC_DECRYPT_ONLY_KEYS.
  const std::string old_id = Env("PROVISIO_CODEC_KEY_ID");
  const std::string new_hex = RandomHex(64);
  const auto configured = [&](const std::string& decrypt_only) {
    std::map<std::string, std::string> environment = {
        {"PROVISIO_DATABASE", ConnInfo(database_)},
        {"PROVISIO_APPROVAL_KEY_HEX", approval_key_hex_},
        {"PROVISIO_CODEC_KEY_HEX", new_hex},
        {"PROVISIO_CODEC_KEY_ID", "rotated"},
        {"PROVISIO_CODEC_DECRYPT_ONLY_KEYS", decrypt_only}};
    return ApiConfig::FromEnvironment(
        [&](const char* name) -> std::optional<std::string> {
          auto it = environment.find(name);
          return it == environment.end() ? std::nullopt : std::optional<std::string>(it->second);
        },
        templates_dir_);
  };
  auto rotated = configured(old_id + "=" + Env("PROVISIO_CODEC_KEY_HEX"));
  ASSERT_TRUE(rotated.ok()) << rotated.error();
  ASSERT_EQ(rotated->codec_decrypt_only_keys.count(old_id), 1u);
  for (const char* bad : {"no-equals-sign", "=abcd", "old=not-hex"}) {
    auto refused = configured(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message().find("PROVISIO_CODEC_DECRYPT_ONLY_KEYS"), std::string::npos)
        << refused.error().message();
  }

  StopApi();
  StartApi([&](ApiConfig& config) {
    config.temporal_ui_origin = kUiOrigin;
    config.codec_key = rotated->codec_key;
    config.codec_key_id = rotated->codec_key_id;
    config.codec_decrypt_only_keys = rotated->codec_decrypt_only_keys;
  });
  HttpClient after = WebUi(User("operator"));
  Reply decoded_old = Codec(after, "decode", old_payload.Json());
  ASSERT_EQ(decoded_old.status, 200) << decoded_old.body;
  EXPECT_EQ(decoded_old.Json(), plain);
  Reply new_payload = Codec(after, "encode", plain);
  ASSERT_EQ(new_payload.status, 200) << new_payload.body;
  EXPECT_EQ(Unbase64(new_payload.Json()["payloads"][0]["metadata"]["encryption-key-id"]),
            "rotated");

  // Without the old key kept, the old payload cannot be opened: a clear 400.
  StopApi();
  StartApi([&](ApiConfig& config) {
    config.temporal_ui_origin = kUiOrigin;
    config.codec_key = rotated->codec_key;
    config.codec_key_id = rotated->codec_key_id;
  });
  HttpClient forgetful = WebUi(User("operator"));
  Reply lost = Codec(forgetful, "decode", old_payload.Json());
  EXPECT_EQ(lost.status, 400) << lost.body;
  EXPECT_NE(lost.Json()["detail"].get<std::string>().find(old_id), std::string::npos) << lost.body;
  EXPECT_EQ(Codec(forgetful, "decode", new_payload.Json()).status, 200);
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
