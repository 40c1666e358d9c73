// temporal/converter/data_converter.h: the payload codec chain and failure encoding.
//
// A DataConverter is what a client and a worker use to turn converted payloads
// (temporal/converter/payload.h) into what goes on the wire, and back:
//
//   value --ToPayload--> payload --EncodePayloads--> wire / history
//   value <-FromPayload- payload <-DecodePayloads--- wire / history
//
// EncodePayloads applies the codecs in the order they were added; DecodePayloads
// applies them in reverse order. EncodeFailure / DecodeFailure do the same for
// every payload inside a temporal.api.failure.v1.Failure, through its whole cause
// chain, and, when SetEncodeCommonAttributes(true) is set, also hide the failure's
// message and stack trace inside its (then encrypted) `encoded_attributes`, exactly
// as the official SDKs do:
//
//   encode: encoded_attributes = json/plain {"message":...,"stack_trace":...}
//           message            = "Encoded failure"
//           stack_trace        = ""
//   decode: message and stack_trace are restored from encoded_attributes, which is
//           then cleared.
//
// Every client and worker that talks to the same workflows must use a compatible
// DataConverter (same codecs and keys), in every language.
//
// Example:
//
//   auto codec = temporal::AesGcmCodec::Create("key-1", key);
//   if (!codec) return codec.error();
//   temporal::DataConverter converter = temporal::DataConverter::Default();
//   converter.AddCodec(*codec).SetEncodeCommonAttributes(true);
//
//   temporal::Result<std::vector<temporal::Payload>> args = temporal::ToPayloads(order);
//   if (!args) return args.error();
//   if (temporal::Status s = converter.EncodePayloads(&*args); !s) return s.error();
//
// Thread safety: a DataConverter is immutable once configured (AddCodec and
// SetEncodeCommonAttributes are for setup, before it is shared). Its const methods
// are safe to call concurrently. Copies are cheap (they share the codecs).
#pragma once

#include <memory>
#include <vector>

#include "temporal/api/common/v1/message.pb.h"
#include "temporal/api/failure/v1/message.pb.h"
#include "temporal/converter/codec.h"
#include "temporal/converter/payload.h"
#include "temporal/error.h"

namespace temporal {

/// DataConverter holds the payload codec chain and the failure-encoding setting.
class DataConverter {
 public:
  /// DataConverter constructs the default converter: no codecs, failure
  /// message and stack trace left in clear.
  DataConverter();

  /// Default returns the default converter (same as DataConverter()).
  static DataConverter Default();

  /// AddCodec appends `codec` to the chain: it runs after the codecs added before
  /// it on encode, and before them on decode. Returns *this for chaining.
  DataConverter& AddCodec(std::shared_ptr<const PayloadCodec> codec);

  /// SetEncodeCommonAttributes makes EncodeFailure move each failure's message and
  /// stack trace into its encoded_attributes (so a codec encrypts them). Off by
  /// default, as in the official SDKs. DecodeFailure restores them either way.
  DataConverter& SetEncodeCommonAttributes(bool encode);

  /// encode_common_attributes reports the setting above.
  bool encode_common_attributes() const { return encode_common_attributes_; }

  /// codecs returns the codec chain in encode order.
  const std::vector<std::shared_ptr<const PayloadCodec>>& codecs() const { return codecs_; }

  /// EncodePayloads runs the codec chain over `payloads` in place. On error the
  /// payloads are left unchanged. A null pointer is a no-op.
  Status EncodePayloads(google::protobuf::RepeatedPtrField<Payload>* payloads) const;
  /// DecodePayloads reverses EncodePayloads in place. On error the payloads are
  /// left unchanged. A null pointer is a no-op.
  Status DecodePayloads(google::protobuf::RepeatedPtrField<Payload>* payloads) const;

  /// EncodePayloads runs the codec chain over `payloads->payloads()` in place.
  Status EncodePayloads(temporal::api::common::v1::Payloads* payloads) const;
  /// DecodePayloads reverses EncodePayloads on `payloads->payloads()` in place.
  Status DecodePayloads(temporal::api::common::v1::Payloads* payloads) const;

  /// EncodePayloads runs the codec chain over a vector of payloads in place.
  Status EncodePayloads(std::vector<Payload>* payloads) const;
  /// DecodePayloads reverses EncodePayloads on a vector of payloads in place.
  Status DecodePayloads(std::vector<Payload>* payloads) const;

  /// EncodePayload runs the codec chain over a single payload in place (memo
  /// fields, headers: payloads that are not in a list).
  Status EncodePayload(Payload* payload) const;
  /// DecodePayload reverses EncodePayload in place.
  Status DecodePayload(Payload* payload) const;

  /// EncodeFailure encodes, in place, every payload inside `failure` and its
  /// causes (application details, canceled details, timeout and reset-workflow
  /// last heartbeat details, encoded_attributes), first moving message and stack
  /// trace into encoded_attributes when SetEncodeCommonAttributes(true) is set. A
  /// failure that already has encoded_attributes keeps them. A null pointer is a
  /// no-op. On error the failure may be partly encoded; do not send it.
  Status EncodeFailure(temporal::api::failure::v1::Failure* failure) const;

  /// DecodeFailure reverses EncodeFailure in place: decodes every payload of the
  /// failure and its causes, and restores message and stack trace from
  /// encoded_attributes (a json/plain object with string fields "message" and
  /// "stack_trace"; other shapes are left as they are). Fails with kCodec when a
  /// codec fails.
  Status DecodeFailure(temporal::api::failure::v1::Failure* failure) const;

 private:
  Status Encode(std::vector<Payload>* payloads) const;
  Status Decode(std::vector<Payload>* payloads) const;

  std::vector<std::shared_ptr<const PayloadCodec>> codecs_;
  bool encode_common_attributes_ = false;
};

}  // namespace temporal
