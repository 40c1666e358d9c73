// Bad requests get problem+json saying what to fix, the transport's bounds
// hold, and the OpenAPI document the API serves lists exactly its routes:
// over HTTP against a real API (api_fixture.h).
#include <map>
#include <set>
#include <thread>

#include "api_fixture.h"
#include "openapi_conformance.h"
#include "routes/route_table.h"
#include "temporal/client/client.h"
#include "temporal/worker/worker.h"
#include "temporal/workflow/workflow.h"

namespace provisio_api_test {
namespace {

class RequestValidationTest : public ApiTest {};

// ReadinessProbeWorkflow is what the readiness test's worker serves (it only
// needs to poll).
temporal::workflow::Task<void> ReadinessProbeWorkflow() { co_return; }

void ExpectProblem(const Reply& reply, int status, const std::string& type,
                   const std::string& detail_part, const std::string& field = "") {
  EXPECT_EQ(reply.status, status) << reply.body;
  EXPECT_EQ(reply.Header("content-type"), "application/problem+json") << reply.body;
  const nlohmann::json body = reply.Json();
  EXPECT_EQ(body.value("type", ""), "urn:provisio:problem:" + type) << reply.body;
  EXPECT_EQ(body.value("status", 0), status);
  EXPECT_NE(body.value("detail", "").find(detail_part), std::string::npos) << reply.body;
  if (!field.empty()) EXPECT_EQ(body.value("field", ""), field) << reply.body;
  EXPECT_FALSE(body.value("requestId", "").empty());
}

TEST_F(RequestValidationTest, AnUnknownFieldIs400NamingIt) {
  HttpClient client = Client();
  Reply reply = client.Post("/api/session", {{"user", "x"}, {"password", "y"}, {"remember", true}});
  ExpectProblem(reply, 400, "invalid-field",
                "remember: is not a field here; the fields are user, password", "remember");
}

TEST_F(RequestValidationTest, AWrongTypeOrAMissingFieldIs400NamingIt) {
  HttpClient client = Client();
  ExpectProblem(client.Post("/api/session", {{"user", 42}, {"password", "y"}}), 400,
                "invalid-field", "user: must be a string, got an integer", "user");
  ExpectProblem(client.Post("/api/session", {{"user", "x"}}), 400, "invalid-field",
                "password: is required", "password");
  ExpectProblem(client.Post("/api/session", nlohmann::json::array()), 400, "invalid-field",
                "must be a JSON object, got an array");
  // Nested: the path leads to the field.
  HttpClient requester = SignedIn(User("requester"));
  ExpectProblem(requester.Post("/api/applications",
                               {{"team", Team()},
                                {"application", "shop"},
                                {"template", "local-site"},
                                {"parameters", {{"site_name", "shop"}}},
                                {"approval", {{"roles", {"platform-admin", 7}}, {"count", 1}}}}),
                400, "invalid-field", "approval.roles[1]: must be a string", "approval.roles[1]");
  ExpectProblem(requester.Post("/api/applications", {{"team", Team()},
                                                     {"application", "Shop!"},
                                                     {"template", "local-site"},
                                                     {"parameters", nlohmann::json::object()}}),
                400, "invalid-field", "application: must match", "application");
}

TEST_F(RequestValidationTest, BadJsonAndBadContentTypeAreRefused) {
  HttpClient client = Client();
  ExpectProblem(client.SendText(http::verb::post, "/api/session",
                                "{\"user\": ", {{"Content-Type", "application/json"}}),
                400, "invalid-json", "the body is not JSON: parse error");
  ExpectProblem(client.SendText(http::verb::post, "/api/session", std::string(100, '['),
                                {{"Content-Type", "application/json"}}),
                400, "invalid-json", "nests deeper than 32 levels");
  ExpectProblem(client.SendText(http::verb::post, "/api/session", "user=x&password=y",
                                {{"Content-Type", "application/x-www-form-urlencoded"}}),
                415, "unsupported-media-type", "Content-Type: application/json");
  ExpectProblem(client.SendText(http::verb::get, "/healthz", "{}", {}), 400, "unexpected-body",
                "this route takes no body");
  // Bytes that are not UTF-8 (found by scripts/fuzz-api): the problem quoting
  // them is still valid JSON, never a 500.
  ExpectProblem(client.SendText(http::verb::post, "/api/session", "\xa5",
                                {{"Content-Type", "application/json"}}),
                400, "invalid-json", "the body is not JSON");
  ExpectProblem(client.SendText(http::verb::post, "/api/session",
                                "{\"user\": \"\xff\xfe\", \"password\": \"x\"}",
                                {{"Content-Type", "application/json"}}),
                400, "invalid-json", "the body is not JSON");
}

TEST_F(RequestValidationTest, UnknownOrMalformedQueryParametersAre400) {
  HttpClient client = SignedIn(User("requester"));
  ExpectProblem(client.Get("/api/templates?page=2"), 400, "invalid-query",
                "query parameter \"page\" is not known here (this route takes none)", "page");
  ExpectProblem(client.Get("/api/applications/x-1?waitAfterVersion=soon"), 400, "invalid-query",
                "must be a whole number", "waitAfterVersion");
  ExpectProblem(client.Get("/api/applications/x-1?waitAfterVersion=-1"), 400, "invalid-query",
                "from 0", "waitAfterVersion");
}

TEST_F(RequestValidationTest, UnknownRoutesAre404AndWrongMethods405) {
  HttpClient client = Client();
  ExpectProblem(client.Get("/api/nothing-here"), 404, "not-found", "GET /api/openapi.json lists");
  Reply wrong = client.Send(http::verb::put, "/api/session", nlohmann::json::object());
  ExpectProblem(wrong, 405, "method-not-allowed", "allowed: POST, GET, DELETE");
  EXPECT_EQ(wrong.Header("allow"), "POST, GET, DELETE");
}

TEST_F(RequestValidationTest, SignedInRoutesAre401WithoutASession) {
  HttpClient client = Client();
  for (const char* target : {"/api/session", "/api/templates", "/api/applications/x-1"})
    ExpectProblem(client.Get(target), 401, "unauthenticated", "sign in first");
}

TEST_F(RequestValidationTest, ATooLargeBodyIs413AndATooLargeHeader431) {
  StopApi();
  StartApi([](ApiConfig& config) { config.body_limit = 2048; });
  HttpClient client = Client();
  Reply large = client.Post("/api/session", {{"user", std::string(4096, 'a')}, {"password", "x"}});
  ExpectProblem(large, 413, "body-too-large", "exceeds 2048 bytes");
  Reply header = client.Send(http::verb::get, "/healthz", std::nullopt,
                             {{"X-Filler", std::string(20000, 'x')}});
  ExpectProblem(header, 431, "header-too-large", "exceed");
}

TEST_F(RequestValidationTest, ASlowBodyIs408AndASilentConnectionIsClosed) {
  StopApi();
  StartApi([](ApiConfig& config) {
    config.body_timeout = std::chrono::milliseconds(500);
    config.header_timeout = std::chrono::milliseconds(500);
  });
  const std::string head =
      "POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1:" +
      std::to_string(port_) +
      "\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"us";
  const std::string slow = RawExchange("127.0.0.1", port_, {head}, 0, 2000);
  EXPECT_EQ(slow.rfind("HTTP/1.1 408", 0), 0u) << slow;
  EXPECT_NE(slow.find("urn:provisio:problem:body-timeout"), std::string::npos) << slow;
  const auto started = std::chrono::steady_clock::now();
  const std::string silent =
      RawExchange("127.0.0.1", port_, {"GET /healthz HTTP/1.1\r\n"}, 0, 3000);
  EXPECT_TRUE(silent.empty()) << silent;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2500))
      << "the header timeout closes the connection";
}

TEST_F(RequestValidationTest, TheOpenApiDocumentListsExactlyTheRouteTable) {
  HttpClient client = Client();
  Reply reply = client.Get("/api/openapi.json");
  ASSERT_EQ(reply.status, 200);
  const nlohmann::json document = reply.Json();
  EXPECT_EQ(document["openapi"], "3.1.0");
  std::set<std::pair<std::string, std::string>> documented;
  for (auto path = document["paths"].begin(); path != document["paths"].end(); ++path)
    for (auto method = path.value().begin(); method != path.value().end(); ++method)
      documented.insert({method.key(), path.key()});
  std::set<std::pair<std::string, std::string>> table;
  for (const provisio::api::Route& route : provisio::api::RouteTable()) {
    std::string method(http::to_string(route.method));
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    table.insert({method, route.path});
  }
  EXPECT_EQ(documented, table);
  EXPECT_EQ(table.size(), provisio::api::RouteTable().size()) << "a route is listed twice";

  // Every schema can fail: objects list `required` and refuse other fields.
  for (const std::string& problem : StrictnessProblems(document)) ADD_FAILURE() << problem;

  // And every route of the table is served: none answers the router's
  // "there is no route".
  HttpClient raw("127.0.0.1", port_);
  for (const provisio::api::Route& route : provisio::api::RouteTable()) {
    std::string target = route.path;
    for (std::size_t open; (open = target.find('{')) != std::string::npos;)
      target.replace(open, target.find('}') - open + 1, "x-1");
    Reply served = raw.Send(route.method, target, std::nullopt);
    EXPECT_FALSE(served.status == 404 &&
                 served.Json().value("detail", "").find("there is no route") != std::string::npos)
        << route.path;
    EXPECT_NE(served.status, 405) << route.path;
  }
}

TEST_F(RequestValidationTest, HealthAndReadiness) {
  HttpClient client = Client();
  Reply health = client.Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json()["status"], "ok");
  const auto checks_of = [](const Reply& reply) {
    std::map<std::string, nlohmann::json> checks;
    const nlohmann::json body = reply.Json();
    for (const auto& check : body["checks"]) checks[check["name"]] = check;
    return checks;
  };

  // Nobody polls this suite's own provisioning queue yet: not ready, and the
  // answer says which queue lacks its worker.
  // (Its other checks may fail for a moment on a loaded machine: the probe
  // gives Temporal 2 s. The answer asked for is one where only "worker" fails.)
  const auto only_the_worker_is_missing = [&](const Reply& reply) {
    auto found = checks_of(reply);
    for (const auto& [name, check] : found)
      if (name != "worker" && !check["ok"].get<bool>()) return false;
    return true;
  };
  Reply unserved = client.Get("/readyz");
  for (int attempt = 0; attempt < 50 && !only_the_worker_is_missing(unserved); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    unserved = client.Get("/readyz");
  }
  ASSERT_EQ(unserved.status, 503) << unserved.body;
  EXPECT_EQ(unserved.Json()["status"], "not-ready");
  auto checks = checks_of(unserved);
  EXPECT_EQ(checks.size(), 5u) << unserved.body;
  EXPECT_FALSE(checks["worker"]["ok"].get<bool>()) << unserved.body;
  EXPECT_NE(checks["worker"]["detail"].get<std::string>().find("\"api-test-"), std::string::npos)
      << unserved.body;
  for (const char* name : {"temporal", "postgres", "notifications", "runner"})
    EXPECT_TRUE(checks[name]["ok"].get<bool>()) << name << ": " << unserved.body;

  // A worker on that queue makes it ready, once the server has seen it poll.
  temporal::ClientOptions options;
  options.target_host = Env("TEMPORAL_ADDRESS");
  options.namespace_ = Env("TEMPORAL_NAMESPACE");
  auto temporal_client = temporal::Client::Connect(options);
  ASSERT_TRUE(temporal_client.ok()) << temporal_client.error();
  temporal::WorkerOptions worker_options;
  worker_options.task_queue = config_.task_queue;
  temporal::Worker worker(*temporal_client, worker_options);
  worker.RegisterWorkflow("ReadinessProbeWorkflow", ReadinessProbeWorkflow);
  ASSERT_TRUE(worker.Start().ok());
  Reply ready = client.Get("/readyz");
  for (int attempt = 0; attempt < 100 && ready.status != 200; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ready = client.Get("/readyz");
  }
  worker.Shutdown();
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.Json()["status"], "ready");
  checks = checks_of(ready);
  for (const auto& [name, check] : checks) EXPECT_TRUE(check["ok"].get<bool>()) << check.dump();
  EXPECT_NE(checks["worker"]["detail"].get<std::string>().find("poller(s)"), std::string::npos);
}

TEST_F(RequestValidationTest, TheApiRefusesToStartOnAnUnmigratedDatabase) {
  auto admin = Connection::Open(ConnInfo("postgres"));
  ASSERT_TRUE(admin.ok()) << admin.error();
  const std::string empty = "api_unmigrated_" + RandomHex(8);
  ASSERT_TRUE(admin->Exec("CREATE DATABASE " + empty).ok());
  ApiConfig config = config_;
  config.database = ConnInfo(empty);
  auto refused = ApiProcess::Create(config);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("provisio-worker --migrate-only"), std::string::npos)
      << refused.error();
  (void)admin->Exec("DROP DATABASE IF EXISTS " + empty + " WITH (FORCE)");
}

TEST_F(RequestValidationTest, TheCatalogueShowsEachTemplateWithItsParameterSchema) {
  HttpClient client = SignedIn(User("requester"));
  Reply list = client.Get("/api/templates");
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::string> names;
  const nlohmann::json catalogue = list.Json();
  for (const auto& entry : catalogue["templates"]) names.insert(entry["name"]);
  EXPECT_TRUE(names.count("local-site") && names.count("static-site") && names.count("database"))
      << list.body;
  Reply site = client.Get("/api/templates/local-site");
  ASSERT_EQ(site.status, 200) << site.body;
  const nlohmann::json schema = site.Json()["parameterSchema"];
  EXPECT_EQ(schema["required"], nlohmann::json::array({"site_name"}));
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["properties"]["site_name"]["pattern"], "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");
  EXPECT_EQ(schema["properties"]["greeting"]["default"], "Hello from Provisio");
  EXPECT_EQ(site.Json()["approval"]["roles"], nlohmann::json::array({"platform-admin"}));
  Reply database = client.Get("/api/templates/database");
  EXPECT_EQ(database.Json()["parameterSchema"]["properties"]["connection_limit"]["type"], "number");
  EXPECT_EQ(database.Json()["stateful"], nlohmann::json::array({"postgresql_database.db"}));
  EXPECT_FALSE(database.Json().contains("placement")) << "the database template allows any";
  // static-site declares where it may go; the authorizer's lists come from it.
  Reply bucket = client.Get("/api/templates/static-site");
  ASSERT_EQ(bucket.status, 200) << bucket.body;
  EXPECT_EQ(bucket.Json()["placement"]["profiles"], nlohmann::json::array({"emulator"}));
  EXPECT_EQ(bucket.Json()["placement"]["regions"].size(), 5u) << bucket.body;
  ExpectProblem(client.Get("/api/templates/no-such-template"), 404, "not-found",
                "there is no template \"no-such-template\"");
}

}  // namespace
}  // namespace provisio_api_test
