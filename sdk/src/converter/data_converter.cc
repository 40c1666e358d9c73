#include "temporal/converter/data_converter.h"

#include <iterator>
#include <string>
#include <utility>

namespace temporal {
namespace {

using FailureProto = temporal::api::failure::v1::Failure;
using PayloadList = google::protobuf::RepeatedPtrField<Payload>;

constexpr std::string_view kEncodedFailureMessage = "Encoded failure";

std::vector<Payload> TakeAll(PayloadList* payloads) {
  return std::vector<Payload>(std::make_move_iterator(payloads->begin()),
                              std::make_move_iterator(payloads->end()));
}

void PutAll(std::vector<Payload> source, PayloadList* payloads) {
  payloads->Clear();
  payloads->Reserve(static_cast<int>(source.size()));
  for (Payload& payload : source) *payloads->Add() = std::move(payload);
}

// The Payloads fields of a failure's kind-specific info that carry user data.
// A mutable_ accessor on an unset info would create it, so only set ones are
// visited.
std::vector<temporal::api::common::v1::Payloads*> DetailFields(FailureProto* failure) {
  std::vector<temporal::api::common::v1::Payloads*> fields;
  if (failure->has_application_failure_info() &&
      failure->application_failure_info().has_details()) {
    fields.push_back(failure->mutable_application_failure_info()->mutable_details());
  }
  if (failure->has_canceled_failure_info() && failure->canceled_failure_info().has_details()) {
    fields.push_back(failure->mutable_canceled_failure_info()->mutable_details());
  }
  if (failure->has_timeout_failure_info() &&
      failure->timeout_failure_info().has_last_heartbeat_details()) {
    fields.push_back(failure->mutable_timeout_failure_info()->mutable_last_heartbeat_details());
  }
  if (failure->has_reset_workflow_failure_info() &&
      failure->reset_workflow_failure_info().has_last_heartbeat_details()) {
    fields.push_back(
        failure->mutable_reset_workflow_failure_info()->mutable_last_heartbeat_details());
  }
  return fields;
}

// Moves message and stack trace into encoded_attributes (plain json/plain; the codec
// chain encodes it afterwards), as the official SDKs' failure converters do.
Status MoveCommonAttributes(FailureProto* failure) {
  nlohmann::json attributes = {{"message", failure->message()},
                               {"stack_trace", failure->stack_trace()}};
  Result<Payload> payload = ToPayload(attributes);
  if (!payload) return payload.error();
  *failure->mutable_encoded_attributes() = std::move(*payload);
  failure->set_message(std::string(kEncodedFailureMessage));
  failure->clear_stack_trace();
  return OkStatus();
}

// Restores message and stack trace from a decoded encoded_attributes. Attributes of
// another shape (another SDK's future extension, a payload we cannot read) are left
// in place, as the official SDKs ignore them.
void RestoreCommonAttributes(FailureProto* failure) {
  Result<nlohmann::json> attributes = FromPayload<nlohmann::json>(failure->encoded_attributes());
  if (!attributes || !attributes->is_object()) return;
  auto message = attributes->find("message");
  auto stack_trace = attributes->find("stack_trace");
  if (message != attributes->end() && message->is_string()) {
    failure->set_message(message->get<std::string>());
  }
  if (stack_trace != attributes->end() && stack_trace->is_string()) {
    failure->set_stack_trace(stack_trace->get<std::string>());
  }
  failure->clear_encoded_attributes();
}

}  // namespace

DataConverter::DataConverter() = default;

DataConverter DataConverter::Default() { return DataConverter(); }

DataConverter& DataConverter::AddCodec(std::shared_ptr<const PayloadCodec> codec) {
  if (codec != nullptr) codecs_.push_back(std::move(codec));
  return *this;
}

DataConverter& DataConverter::SetEncodeCommonAttributes(bool encode) {
  encode_common_attributes_ = encode;
  return *this;
}

Status DataConverter::Encode(std::vector<Payload>* payloads) const {
  if (codecs_.empty()) return OkStatus();
  std::vector<Payload> current = *payloads;
  const std::size_t count = current.size();
  for (const auto& codec : codecs_) {
    Result<std::vector<Payload>> encoded = codec->Encode(std::move(current));
    if (!encoded) return encoded.error();
    if (encoded->size() != count) {
      return Error(ErrorCode::kCodec, "payload codec returned " + std::to_string(encoded->size()) +
                                          " payloads for " + std::to_string(count));
    }
    current = std::move(*encoded);
  }
  *payloads = std::move(current);
  return OkStatus();
}

Status DataConverter::Decode(std::vector<Payload>* payloads) const {
  if (codecs_.empty()) return OkStatus();
  std::vector<Payload> current = *payloads;
  const std::size_t count = current.size();
  for (auto codec = codecs_.rbegin(); codec != codecs_.rend(); ++codec) {
    Result<std::vector<Payload>> decoded = (*codec)->Decode(std::move(current));
    if (!decoded) return decoded.error();
    if (decoded->size() != count) {
      return Error(ErrorCode::kCodec, "payload codec returned " + std::to_string(decoded->size()) +
                                          " payloads for " + std::to_string(count));
    }
    current = std::move(*decoded);
  }
  *payloads = std::move(current);
  return OkStatus();
}

Status DataConverter::EncodePayloads(PayloadList* payloads) const {
  if (payloads == nullptr || codecs_.empty()) return OkStatus();
  std::vector<Payload> list = TakeAll(payloads);
  Status status = Encode(&list);
  // Encode leaves `list` unchanged on error, so this also restores the input.
  PutAll(std::move(list), payloads);
  return status;
}

Status DataConverter::DecodePayloads(PayloadList* payloads) const {
  if (payloads == nullptr || codecs_.empty()) return OkStatus();
  std::vector<Payload> list = TakeAll(payloads);
  Status status = Decode(&list);
  PutAll(std::move(list), payloads);
  return status;
}

Status DataConverter::EncodePayloads(temporal::api::common::v1::Payloads* payloads) const {
  return payloads == nullptr ? OkStatus() : EncodePayloads(payloads->mutable_payloads());
}

Status DataConverter::DecodePayloads(temporal::api::common::v1::Payloads* payloads) const {
  return payloads == nullptr ? OkStatus() : DecodePayloads(payloads->mutable_payloads());
}

Status DataConverter::EncodePayloads(std::vector<Payload>* payloads) const {
  return payloads == nullptr ? OkStatus() : Encode(payloads);
}

Status DataConverter::DecodePayloads(std::vector<Payload>* payloads) const {
  return payloads == nullptr ? OkStatus() : Decode(payloads);
}

Status DataConverter::EncodePayload(Payload* payload) const {
  if (payload == nullptr || codecs_.empty()) return OkStatus();
  std::vector<Payload> list;
  list.push_back(*payload);
  if (Status status = Encode(&list); !status) return status;
  *payload = std::move(list.front());
  return OkStatus();
}

Status DataConverter::DecodePayload(Payload* payload) const {
  if (payload == nullptr || codecs_.empty()) return OkStatus();
  std::vector<Payload> list;
  list.push_back(*payload);
  if (Status status = Decode(&list); !status) return status;
  *payload = std::move(list.front());
  return OkStatus();
}

Status DataConverter::EncodeFailure(FailureProto* failure) const {
  // Iterative over the cause chain: chains come from other processes and may be deep.
  for (FailureProto* current = failure; current != nullptr;
       current = current->has_cause() ? current->mutable_cause() : nullptr) {
    if (encode_common_attributes_ && !current->has_encoded_attributes()) {
      if (Status status = MoveCommonAttributes(current); !status) return status;
    }
    for (temporal::api::common::v1::Payloads* details : DetailFields(current)) {
      if (Status status = EncodePayloads(details); !status) return status;
    }
    if (current->has_encoded_attributes()) {
      if (Status status = EncodePayload(current->mutable_encoded_attributes()); !status) {
        return status;
      }
    }
  }
  return OkStatus();
}

Status DataConverter::DecodeFailure(FailureProto* failure) const {
  for (FailureProto* current = failure; current != nullptr;
       current = current->has_cause() ? current->mutable_cause() : nullptr) {
    for (temporal::api::common::v1::Payloads* details : DetailFields(current)) {
      if (Status status = DecodePayloads(details); !status) return status;
    }
    if (current->has_encoded_attributes()) {
      if (Status status = DecodePayload(current->mutable_encoded_attributes()); !status) {
        return status;
      }
      RestoreCommonAttributes(current);
    }
  }
  return OkStatus();
}

}  // namespace temporal
