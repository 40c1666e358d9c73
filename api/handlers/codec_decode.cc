// POST /api/codec/decode: the Temporal codec server's decode, for the Temporal
// Web UI (and `temporal --codec-endpoint`), with the payload codec the
// workers use (AES-256-GCM, docs/payload-encryption.md).
//
// Operators and admins only, signed in with the session cookie; the Web UI
// calls it from its own origin (PROVISIO_TEMPORAL_UI_ORIGIN), so the router
// answers that origin's CORS preflight and asks for no CSRF token: the
// endpoint changes nothing, and no other origin may read its answer.
#include "handlers/codec_payloads.h"
#include "handlers/handlers.h"

namespace provisio::api::handlers {
namespace {

boost::asio::awaitable<Outcome<PayloadsJson>> CodecDecode(RequestContext& context,
                                                          PayloadsJson input) {
  co_return co_await RunCodec(context, input, CodecDirection::kDecode);
}

}  // namespace

Endpoint CodecDecodeEndpoint() {
  return MakeEndpoint<&CodecDecode>({
      .operation_id = "codecDecode",
      .summary = "Codec server: decode payloads",
      .description =
          "The Temporal codec-server protocol for the Temporal Web UI: operators and admins only "
          "(403), X-Namespace must be this API's namespace when given (400). CORS for "
          "PROVISIO_TEMPORAL_UI_ORIGIN only; no CSRF token is asked for.",
      .tag = "codec",
      .problems = {403, 503},
      .temporal_ui_cors = true,
  });
}

}  // namespace provisio::api::handlers
