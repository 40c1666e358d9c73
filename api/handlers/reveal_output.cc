// POST /api/applications/{id}/outputs/{name}/reveal: a provisioned
// request's sensitive output (a generated password), shown to its requester
// only, and audited.
//
// Sensitive outputs leave the runner sealed (provisio-aesgcm:v1, under the
// codec's key: docs/provisioning.md, "Secrets"); the request's result
// carries them so. The API opens the sealed text with the codec key, writes
// the audit row ("reveal-output", the output's name, never its value) and
// only then answers. A POST, not a GET: every reveal is an act the audit
// trail records, and the CSRF checks guard it.
#include <spdlog/spdlog.h>

#include "handlers/application_reader.h"
#include "handlers/handlers.h"
#include "platform/blocking.h"
#include "secrets/sealed_text.h"

namespace provisio::api::handlers {
namespace {

struct RevealedOutputView {
  std::string id;
  std::string name;
  nlohmann::json value;
  static void Rules(json::FieldRules& rules) {
    rules["value"].description = "The output's value, as OpenTofu gave it.";
  }
};
BOOST_DESCRIBE_STRUCT(RevealedOutputView, (), (id, name, value))

boost::asio::awaitable<Outcome<RevealedOutputView>> RevealOutput(RequestContext& context) {
  Services& services = context.services;
  const SignedInUser& user = *context.user;
  const std::string id = context.path.at("id");
  const std::string name = context.path.at("name");
  if (!IsApplicationId(id)) co_return NotVisible(id);
  auto loaded = co_await RunBlocking(services.blocking, [&] { return LoadState(services, id); });
  if (!loaded) co_return StateProblem(id, loaded.error());
  const model::RequestState& state = loaded->state;
  if (!MayRead(user, MakeStateView(state))) co_return NotVisible(id);
  if (user.id() != state.requester)
    co_return Problem::Forbidden("not-the-requester",
                                 "only the request's requester may reveal its sensitive outputs");
  if (state.status != "PROVISIONED")
    co_return Problem::Conflict("the request is " + state.status + "; it has no outputs yet");
  auto result = co_await RunBlocking(services.blocking, [&] { return ReadResult(services, id); });
  if (!result) {
    spdlog::error("request {}: result of {}: {}", context.info.request_id, id,
                  result.error().ToString());
    co_return Problem::Unavailable("the request's result could not be read (" +
                                   result.error().message() + "); try again");
  }
  auto output = result->outputs.find(name);
  if (output == result->outputs.end())
    co_return Problem::NotFound("the request has no output \"" + name + "\"");
  if (!output->second.sensitive || !output->second.sealed)
    co_return Problem::Conflict("output \"" + name +
                                "\" is not sensitive: GET the application shows it");
  if (services.config.codec_key.empty())
    co_return Problem::Unavailable(
        "this API has no codec key (PROVISIO_CODEC_KEY_HEX) to open sealed outputs with");

  // The current key, and older ones kept after a rotation: an output sealed
  // before it opens with the key its id names.
  std::map<std::string, temporal::Bytes> keys;
  const auto add_key = [&keys](const std::string& id, const std::string& raw) {
    temporal::Bytes key(raw.size());
    std::memcpy(key.data(), raw.data(), key.size());
    keys.emplace(id, std::move(key));
  };
  add_key(services.config.codec_key_id, services.config.codec_key);
  for (const auto& [old_id, raw] : services.config.codec_decrypt_only_keys) add_key(old_id, raw);
  temporal::Result<std::string> opened = secrets::OpenSealedText(keys, *output->second.sealed);
  if (!opened) {
    spdlog::error("request {}: opening output {} of {}: {}", context.info.request_id, name, id,
                  opened.error().message());
    co_return Problem::Internal("the sealed output could not be opened with this API's codec key");
  }
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(*opened);
  } catch (const std::exception&) {
    value = *opened;
  }
  // Audited first: a reveal the trail does not record does not happen.
  temporal::Status audited = co_await RunBlocking(services.blocking, [&] {
    return AuditFromApi(services, user.id(), "reveal-output", id, result->stack, std::nullopt,
                        nlohmann::json{{"output", name}});
  });
  if (!audited) co_return Problem::Unavailable("the audit trail could not be written; try again");
  spdlog::info("{} revealed output {} of {}", user.id(), name, id);
  co_return RevealedOutputView{id, name, std::move(value)};
}

}  // namespace

Endpoint RevealOutputEndpoint() {
  return MakeEndpoint<&RevealOutput>({
      .operation_id = "revealOutput",
      .summary = "Reveal a sensitive output to its requester",
      .description =
          "Only the request's requester (403 otherwise), once PROVISIONED (409 otherwise): the "
          "sealed output opened with the codec key. Audited (\"reveal-output\", with the "
          "output's name) before the answer.",
      .tag = "applications",
      .path_parameters = {{"id", "The application id."}, {"name", "The output's name."}},
      .problems = {403, 404, 409, 503},
  });
}

}  // namespace provisio::api::handlers
