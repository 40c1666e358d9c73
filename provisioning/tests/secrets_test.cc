// Secrets in history, end to end (provisioning_fixture.h says what runs).
//
// The database template generates passwords, which it outputs as sensitive.
// The runner seals them (secrets/sealed_text.h) and the payload codec
// encrypts every payload: no secret may appear in any exported history. The
// control decodes the same histories as someone holding the keys would (the
// codec's decode, then the sealed texts opened), which must find them: the
// check is able to fail. Key rotation: a run started under one codec key
// finishes under the next, and replays with both.
#include <google/protobuf/util/json_util.h>
#include <openssl/evp.h>

#include "provisioning_fixture.h"
#include "secrets/sealed_text.h"

namespace provisio_test {
namespace {

using temporal::Bytes;

std::string Base64Decode(const std::string& text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  EXPECT_GE(written, 0) << "not base64: " << text.substr(0, 40);
  out.resize(written < 0 ? 0 : static_cast<std::size_t>(written));
  return out;
}

// Every payload of a history in proto3 JSON: objects with "data" (base64) and
// "metadata".
void CollectPayloads(const nlohmann::json& node, std::vector<nlohmann::json>& out) {
  if (node.is_object()) {
    if (node.contains("metadata") && node.contains("data") && node["data"].is_string()) {
      out.push_back(node);
      return;
    }
    for (const auto& [key, value] : node.items()) CollectPayloads(value, out);
  } else if (node.is_array()) {
    for (const auto& value : node) CollectPayloads(value, out);
  }
}

// Every sealed text inside a decoded JSON value.
void CollectSealed(const nlohmann::json& node, std::vector<std::string>& out) {
  if (node.is_string() && provisio::secrets::IsSealedText(node.get<std::string>()))
    out.push_back(node.get<std::string>());
  if (node.is_structured())
    for (const auto& value : node) CollectSealed(value, out);
}

std::map<std::string, Bytes> CodecKeys() {
  std::map<std::string, Bytes> keys;
  keys[Env("PROVISIO_CODEC_KEY_ID")] =
      *temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_CODEC_KEY_HEX"));
  return keys;
}

class SecretsTest : public ProvisioningTest {};

TEST_F(SecretsTest, NoGeneratedPasswordAppearsInAnyHistoryThoughTheKeysRevealThem) {
  if (Env("PROVISIO_RUNNER_PG_PROVIDER").empty())
    GTEST_FAIL()
        << "the runner must reach PostgreSQL for the database template "
           "(scripts/test sets PROVISIO_RUNNER_PG_PROVIDER and the runner's PG* variables)";
  const std::string application = "db-" + Random(8);
  ProvisionRequest request = SiteRequest(application);
  request.template_name = "database";
  request.parameters = {{"database_name", "s_" + Random(10)}, {"connection_limit", 5}};
  auto handle = Start(request);
  started_.push_back("stack/" + application);
  RequestState waiting = WaitForStatus(handle, "AWAITING_AUTHORIZATION");
  // The database template asks for two approvals.
  ASSERT_TRUE(Authorize(handle, Decision(application, "bob", "approve", *waiting.plan_hash)));
  ASSERT_TRUE(Authorize(handle, Decision(application, "carol", "approve", *waiting.plan_hash)));
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();

  // The passwords, as only a key holder can read them.
  std::vector<std::string> secrets;
  for (const std::string name : {"owner_password", "readonly_password"}) {
    const auto output = result->outputs.find(name);
    ASSERT_NE(output, result->outputs.end()) << name;
    ASSERT_TRUE(output->second.sensitive);
    ASSERT_FALSE(output->second.value.has_value()) << name << " left the runner unsealed";
    auto opened =
        provisio::secrets::OpenSealedText(CodecKeys(), output->second.sealed.value_or(""));
    ASSERT_TRUE(opened.ok()) << opened.error();
    const std::string password = nlohmann::json::parse(*opened).get<std::string>();
    ASSERT_GE(password.size(), 16u);
    secrets.push_back(password);
  }
  auto state = handle.Query<RequestState>("GetState");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->outputs.at("owner_password"), "(sensitive)");

  auto codec =
      temporal::AesGcmCodec::Create(Env("PROVISIO_CODEC_KEY_ID"), CodecKeys().begin()->second);
  ASSERT_TRUE(codec.ok());
  int payloads = 0;
  int revealed = 0;
  for (const std::string& id : started_) {
    auto exported = client_->GetHandle(id).FetchHistoryJson();
    ASSERT_TRUE(exported.ok()) << exported.error();
    for (const std::string& secret : secrets)
      EXPECT_EQ(exported->find(secret), std::string::npos) << id << ": a password in plaintext";
    std::vector<nlohmann::json> found;
    CollectPayloads(nlohmann::json::parse(*exported), found);
    for (const nlohmann::json& payload_json : found) {
      ++payloads;
      // What the history stores: no password in any payload's bytes.
      const std::string stored = Base64Decode(payload_json["data"].get<std::string>());
      for (const std::string& secret : secrets)
        EXPECT_EQ(stored.find(secret), std::string::npos) << id << ": a password in a payload";
      // The control: decoded with the keys, the passwords are there.
      temporal::Payload payload;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(payload_json.dump(), &payload).ok());
      auto decoded = (*codec)->Decode({payload});
      ASSERT_TRUE(decoded.ok()) << decoded.error();
      const std::string& plain = (*decoded)[0].data();
      auto value = nlohmann::json::parse(plain, nullptr, /*allow_exceptions=*/false);
      std::vector<std::string> sealed;
      CollectSealed(value, sealed);
      for (const std::string& box : sealed) {
        auto opened = provisio::secrets::OpenSealedText(CodecKeys(), box);
        ASSERT_TRUE(opened.ok()) << opened.error();
        for (const std::string& secret : secrets)
          if (opened->find(secret) != std::string::npos) ++revealed;
      }
    }
  }
  EXPECT_GT(payloads, 20);
  // The result (and the runner's outputs activity) carried both passwords.
  EXPECT_GE(revealed, 2) << "the control found no password: the check could not fail";
}

TEST_F(SecretsTest, AfterAKeyRotationOldRunsDecodeAndNewPayloadsUseTheNewKey) {
  const std::string next_id = Env("PROVISIO_CODEC_NEXT_KEY_ID");
  auto next_key = temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_CODEC_NEXT_KEY_HEX"));
  ASSERT_FALSE(next_id.empty()) << "scripts/test sets PROVISIO_CODEC_NEXT_KEY_ID/_HEX (and gives "
                                   "the runner that key as decrypt-only)";
  ASSERT_TRUE(next_key.ok()) << next_key.error();
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  const std::string hash = *WaitForStatus(handle, "AWAITING_AUTHORIZATION").plan_hash;

  // Rotate: the next key becomes current; the old one only decrypts.
  const auto rotated = [&] {
    temporal::DataConverter converter;
    auto codec = temporal::AesGcmCodec::Create(next_id, *next_key, CodecKeys());
    EXPECT_TRUE(codec.ok()) << codec.error();
    converter.AddCodec(*codec);
    return converter;
  };
  worker_->Shutdown();  // it uses the client about to be replaced
  worker_.reset();
  temporal::ClientOptions options;
  options.target_host = Env("TEMPORAL_ADDRESS");
  options.data_converter = rotated();
  auto client = temporal::Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.error();
  client_ = std::make_unique<temporal::Client>(std::move(*client));
  environment_.client = client_.get();
  RestartWorker();

  replay_converter_ = rotated();
  auto rotated_handle = client_->GetHandle(application);
  ASSERT_TRUE(Authorize(rotated_handle, Decision(application, "bob", "approve", hash)));
  auto result = rotated_handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();

  auto history = rotated_handle.FetchHistory();
  ASSERT_TRUE(history.ok()) << history.error();
  const auto key_of = [](const temporal::Payload& payload) {
    const auto& metadata = payload.metadata();
    const auto id = metadata.find(std::string(temporal::kMetadataEncryptionKeyId));
    return id == metadata.end() ? std::string("(plain)") : id->second;
  };
  const auto& events = history->events();
  EXPECT_EQ(key_of(events[0].workflow_execution_started_event_attributes().input().payloads(0)),
            Env("PROVISIO_CODEC_KEY_ID"));
  std::string update_key;
  for (const auto& event : events)
    if (event.has_workflow_execution_update_accepted_event_attributes())
      update_key = key_of(event.workflow_execution_update_accepted_event_attributes()
                              .accepted_request()
                              .input()
                              .args()
                              .payloads(0));
  EXPECT_EQ(update_key, next_id);
  const auto& completed = events[events.size() - 1];
  ASSERT_TRUE(completed.has_workflow_execution_completed_event_attributes());
  EXPECT_EQ(key_of(completed.workflow_execution_completed_event_attributes().result().payloads(0)),
            next_id);

  // Replay decodes both keys' payloads; with the new key alone it cannot.
  temporal::Replayer both;
  both.SetDataConverter(rotated());
  provisio::workflows::RegisterProvisioningWorkflows(both, settings_);
  auto replayed = both.ReplayHistory(*history, application);
  EXPECT_TRUE(replayed.ok()) << replayed.error();
  temporal::Replayer only_new;
  temporal::DataConverter new_only;
  new_only.AddCodec(*temporal::AesGcmCodec::Create(next_id, *next_key));
  only_new.SetDataConverter(new_only);
  provisio::workflows::RegisterProvisioningWorkflows(only_new, settings_);
  EXPECT_FALSE(only_new.ReplayHistory(*history, application).ok());
}

}  // namespace
}  // namespace provisio_test
