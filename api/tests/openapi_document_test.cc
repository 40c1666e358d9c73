// The OpenAPI document written from the route table, without a server (the
// integration test checks the one served).
#include "openapi/openapi_document.h"

#include <gtest/gtest.h>

#include <set>

#include "openapi_conformance.h"
#include "routes/route_table.h"
#include "routes/router.h"

namespace provisio::api {
namespace {

TEST(OpenApiDocument, EveryObjectSchemaListsRequiredAndRefusesOtherFields) {
  const nlohmann::json document = OpenApiDocument(RouteTable(), false);
  for (const std::string& problem : provisio_api_test::StrictnessProblems(document))
    ADD_FAILURE() << problem;
}

TEST(OpenApiDocument, EveryOperationHasAUniqueIdAndDocumentsItsProblems) {
  const nlohmann::json document = OpenApiDocument(RouteTable(), false);
  std::set<std::string> ids;
  for (auto path = document["paths"].begin(); path != document["paths"].end(); ++path) {
    for (auto operation = path.value().begin(); operation != path.value().end(); ++operation) {
      EXPECT_TRUE(ids.insert(operation.value()["operationId"].get<std::string>()).second);
      EXPECT_TRUE(operation.value()["responses"].contains("default")) << path.key();
      const bool signed_in = !operation.value()["security"].empty();
      if (signed_in) EXPECT_TRUE(operation.value()["responses"].contains("401")) << path.key();
    }
  }
  EXPECT_EQ(ids.size(), RouteTable().size());
}

TEST(OpenApiDocument, ASessionCookieBehindTlsHasTheHostPrefix) {
  EXPECT_EQ(OpenApiDocument(RouteTable(), true)["components"]["securitySchemes"]["session"]["name"],
            "__Host-provisio_session");
}

TEST(Router, SplitsPathsAndQueriesDecodingEscapes) {
  EXPECT_EQ(SplitPath("/api/applications/a%2Fb"),
            (std::vector<std::string>{"api", "applications", "a/b"}));
  EXPECT_EQ(SplitPath("/api/x%2"), std::nullopt);
  EXPECT_EQ(SplitPath("/api/x%zz"), std::nullopt);
  std::string bad;
  EXPECT_EQ(ParseQuery("a=1&b=x%20y+z&&c", bad),
            (std::map<std::string, std::string>{{"a", "1"}, {"b", "x y z"}, {"c", ""}}));
  EXPECT_EQ(ParseQuery("a=1&a=2", bad), std::nullopt);
  EXPECT_EQ(bad, "a");
}

}  // namespace
}  // namespace provisio::api
