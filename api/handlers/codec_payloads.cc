#include "handlers/codec_payloads.h"

#include <sodium.h>

#include <cstring>

#include "handlers/application_reader.h"
#include "platform/blocking.h"
#include "platform/services.h"
#include "temporal/converter/aes_gcm_codec.h"

namespace provisio::api::handlers {
namespace {

std::optional<std::string> FromBase64(const std::string& text) {
  std::string bytes(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  bytes.resize(length);
  return bytes;
}

std::string ToBase64(const std::string& bytes) {
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  text.resize(std::strlen(text.c_str()));
  return text;
}

}  // namespace

std::variant<std::shared_ptr<temporal::PayloadCodec>, Problem> CodecFor(
    const RequestContext& context) {
  const SignedInUser& user = *context.user;
  if (!user.SeesEverything())
    return Problem::Forbidden("not-an-operator",
                              "the codec endpoints are for operators and admins; you hold " +
                                  json::detail::ListNames(user.record.roles));
  const ApiConfig& config = context.services.config;
  const std::string name(context.request["X-Namespace"]);
  if (!name.empty() && name != config.temporal_namespace)
    return Problem::BadRequest("invalid-field",
                               "X-Namespace: this API decodes namespace " +
                                   config.temporal_namespace + " only, not " + name,
                               "X-Namespace");
  if (config.codec_key.empty())
    return Problem::Unavailable(
        "this API has no codec key (PROVISIO_CODEC_KEY_HEX): payloads are not encrypted");
  const auto bytes = [](const std::string& raw) {
    temporal::Bytes key(raw.size());
    std::memcpy(key.data(), raw.data(), key.size());
    return key;
  };
  // Older keys decrypt what was written before a rotation; encode uses the current one.
  std::map<std::string, temporal::Bytes> decrypt_only;
  for (const auto& [id, raw] : config.codec_decrypt_only_keys) decrypt_only[id] = bytes(raw);
  auto codec =
      temporal::AesGcmCodec::Create(config.codec_key_id, bytes(config.codec_key), decrypt_only);
  if (!codec) return Problem::Internal(codec.error().message());
  return std::shared_ptr<temporal::PayloadCodec>(*codec);
}

std::variant<std::vector<temporal::Payload>, Problem> FromJson(const PayloadsJson& body) {
  std::vector<temporal::Payload> payloads;
  for (std::size_t i = 0; i < body.payloads.size(); ++i) {
    const PayloadJson& json = body.payloads[i];
    const std::string at = "payloads[" + std::to_string(i) + "]";
    temporal::Payload payload;
    for (const auto& [name, value] : json.metadata) {
      auto bytes = FromBase64(value);
      if (!bytes)
        return Problem::BadRequest("invalid-field", at + ".metadata." + name + ": is not base64",
                                   at + ".metadata." + name);
      (*payload.mutable_metadata())[name] = *bytes;
    }
    if (json.data) {
      auto bytes = FromBase64(*json.data);
      if (!bytes)
        return Problem::BadRequest("invalid-field", at + ".data: is not base64", at + ".data");
      payload.set_data(*bytes);
    }
    payloads.push_back(std::move(payload));
  }
  return payloads;
}

PayloadsJson ToJson(const std::vector<temporal::Payload>& payloads) {
  PayloadsJson body;
  for (const temporal::Payload& payload : payloads) {
    PayloadJson json;
    for (const auto& [name, value] : payload.metadata()) json.metadata[name] = ToBase64(value);
    json.data = ToBase64(payload.data());
    body.payloads.push_back(std::move(json));
  }
  return body;
}

boost::asio::awaitable<Outcome<PayloadsJson>> RunCodec(RequestContext& context,
                                                       const PayloadsJson& input,
                                                       CodecDirection direction) {
  auto codec = CodecFor(context);
  if (auto* problem = std::get_if<Problem>(&codec)) co_return *problem;
  auto payloads = FromJson(input);
  if (auto* problem = std::get_if<Problem>(&payloads)) co_return *problem;
  std::size_t encrypted = 0;
  for (const temporal::Payload& payload : std::get<0>(payloads)) {
    auto encoding = payload.metadata().find(std::string(temporal::kMetadataEncoding));
    if (encoding != payload.metadata().end() && encoding->second == temporal::kEncodingEncrypted)
      ++encrypted;
  }
  temporal::Result<std::vector<temporal::Payload>> done =
      co_await RunBlocking(context.services.blocking, [&] {
        auto& codec_ptr = std::get<0>(codec);
        auto& items = std::get<0>(payloads);
        return direction == CodecDirection::kEncode ? codec_ptr->Encode(std::move(items))
                                                    : codec_ptr->Decode(std::move(items));
      });
  if (!done)
    co_return Problem::BadRequest("invalid-field", "payloads: " + done.error().message(),
                                  "payloads");
  if (direction == CodecDirection::kDecode && encrypted > 0) {
    // Who read what was encrypted, and when: a decode the trail does not
    // record is not answered. The codec protocol names no workflow, so the
    // row's workflow id is "codec:<namespace>".
    const std::string& name = context.services.config.temporal_namespace;
    temporal::Status audited = co_await RunBlocking(context.services.blocking, [&] {
      return AuditFromApi(context.services, context.user->id(), "codec-decode", "codec:" + name,
                          std::nullopt, std::nullopt,
                          nlohmann::json{{"payloads", encrypted}, {"namespace", name}});
    });
    if (!audited) co_return Problem::Unavailable("the audit trail could not be written; try again");
  }
  co_return ToJson(*done);
}

}  // namespace provisio::api::handlers
