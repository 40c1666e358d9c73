// api/tests/openapi_conformance.h: checks replies against the OpenAPI
// document the API serves, with a small JSON Schema checker (the keywords the
// document uses: $ref, type, enum, pattern, min/max, minLength, maxLength,
// maxItems, properties, required, additionalProperties, items).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http_client.h"

namespace provisio_api_test {

/// CheckValue lists where `value` does not match `schema` ($refs resolve in
/// `document`); empty when it does.
std::vector<std::string> CheckValue(const nlohmann::json& document, const nlohmann::json& schema,
                                    const nlohmann::json& value, const std::string& where = "$");

/// CheckReply lists where `reply` to `method target` departs from the
/// document: an undocumented status, another content type, a body that does
/// not match the status's schema.
std::vector<std::string> CheckReply(const nlohmann::json& document, const std::string& method,
                                    const std::string& target, const Reply& reply);

/// StrictnessProblems lists the document's object schemas that do not list
/// `required` and set `additionalProperties: false` (schemas without
/// `properties`, maps, must set additionalProperties explicitly).
std::vector<std::string> StrictnessProblems(const nlohmann::json& document);

/// FindOperationPath is the document's path template that `path` matches
/// ("" when none).
std::string FindOperationPath(const nlohmann::json& document, const std::string& path);

}  // namespace provisio_api_test
