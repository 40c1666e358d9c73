// Test support: visit every Payload inside a protobuf message (a command, a
// history event), wherever it is nested, by reflection. Search attributes are
// skipped: they are the one place payloads stay unencoded (the server indexes
// them), in this SDK as in the official ones.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <functional>
#include <string>

#include "temporal/api/common/v1/message.pb.h"

namespace temporal::testing {

/// ForEachPayload calls `visit(path, payload)` for every Payload in `message`
/// outside search attributes; `path` names the fields that lead to it.
inline void ForEachPayload(
    const google::protobuf::Message& message, const std::string& path,
    const std::function<void(const std::string&, const temporal::api::common::v1::Payload&)>&
        visit) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  if (descriptor == temporal::api::common::v1::Payload::descriptor()) {
    visit(path, dynamic_cast<const temporal::api::common::v1::Payload&>(message));
    return;
  }
  if (descriptor == temporal::api::common::v1::SearchAttributes::descriptor()) return;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      const int count = reflection->FieldSize(message, field);
      for (int i = 0; i < count; ++i) {
        ForEachPayload(reflection->GetRepeatedMessage(message, field, i),
                       path + "." + field->name() + "[" + std::to_string(i) + "]", visit);
      }
    } else {
      ForEachPayload(reflection->GetMessage(message, field), path + "." + field->name(), visit);
    }
  }
}

}  // namespace temporal::testing
