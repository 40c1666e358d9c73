// temporal/converter/codec.h: payload codecs, byte-level transforms of payloads.
//
// A PayloadCodec transforms payloads after they have been converted from values
// (encode) and before they are converted back (decode): encryption, compression.
// The server and its history only ever see encoded payloads. Codecs are chained in
// a DataConverter (temporal/converter/data_converter.h): encode applies them in the
// order they were added, decode in reverse order.
//
// Temporal's convention, which every official SDK follows: an encoded payload is a
// new payload whose metadata "encoding" names the codec's format (for example
// "binary/encrypted"), and whose data holds the whole original payload, metadata
// included. Decode must leave a payload it did not produce unchanged, so that data
// written before a codec was introduced stays readable.
//
// Example, a codec that does nothing:
//
//   class IdentityCodec : public temporal::PayloadCodec {
//    public:
//     temporal::Result<std::vector<temporal::Payload>> Encode(
//         std::vector<temporal::Payload> payloads) const override {
//       return payloads;
//     }
//     temporal::Result<std::vector<temporal::Payload>> Decode(
//         std::vector<temporal::Payload> payloads) const override {
//       return payloads;
//     }
//   };
//
//   auto converter = temporal::DataConverter::Default().AddCodec(
//       std::make_shared<IdentityCodec>());
//
// The SDK's own codec is AesGcmCodec (temporal/converter/aes_gcm_codec.h).
#pragma once

#include <vector>

#include "temporal/converter/payload.h"
#include "temporal/error.h"

namespace temporal {

/// PayloadCodec is the interface of a payload transform (encryption, compression).
///
/// Thread safety: Encode and Decode are const and are called concurrently from
/// many threads (workers, clients); an implementation must be safe for that.
class PayloadCodec {
 public:
  virtual ~PayloadCodec();

  /// Encode transforms `payloads` into their encoded form, one output payload per
  /// input payload, in order. Fails with ErrorCode::kCodec.
  virtual Result<std::vector<Payload>> Encode(std::vector<Payload> payloads) const = 0;

  /// Decode reverses Encode, one output payload per input payload, in order.
  /// Payloads this codec did not encode are returned unchanged. Fails with
  /// ErrorCode::kCodec (wrong key, corrupt data); never returns garbage.
  virtual Result<std::vector<Payload>> Decode(std::vector<Payload> payloads) const = 0;
};

}  // namespace temporal
