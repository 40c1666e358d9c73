// The built web UI, served by the API beside its routes (api/web/static_site.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "api_fixture.h"

namespace {

using provisio_api_test::ApiTest;
using provisio_api_test::HttpClient;
using provisio_api_test::Reply;
namespace fs = std::filesystem;

class WebUiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    site_ = fs::temp_directory_path() / ("provisio-ui-" + User("site"));
    fs::create_directories(site_ / "assets");
    Write("index.html", "<!doctype html><title>Provisio</title><script src=/assets/app-1a2b.js>");
    Write("assets/app-1a2b.js", "console.log('app')");
    Write("assets/app-1a2b.css", "body{}");
    Write(".env", "SECRET=do-not-serve");
    StopApi();
    StartApi([this](provisio::api::ApiConfig& config) { config.ui_dir = site_.string(); });
  }
  void TearDown() override {
    ApiTest::TearDown();
    fs::remove_all(site_);
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(site_ / name) << text;
  }
  // A client without the OpenAPI contract: the UI's pages are not API routes.
  HttpClient Browser() { return HttpClient("127.0.0.1", port_); }

  fs::path site_;
};

TEST_F(WebUiTest, ServesTheSiteWithItsPolicyAndFallsBackToIndexForTheAppsRoutes) {
  HttpClient browser = Browser();
  Reply index = browser.Get("/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<title>Provisio</title>"), std::string::npos);
  EXPECT_EQ(index.Header("cache-control"), "no-cache");
  EXPECT_NE(index.Header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_NE(index.Header("content-security-policy").find("frame-ancestors 'none'"),
            std::string::npos);

  Reply script = browser.Get("/assets/app-1a2b.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.body, "console.log('app')");
  EXPECT_EQ(script.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(browser.Get("/assets/app-1a2b.css").Header("content-type"), "text/css; charset=utf-8");

  // A route of the single-page app (a reload, a shared link) gets index.html.
  Reply route = browser.Get("/requests/docs-site-abc?tab=plan");
  ASSERT_EQ(route.status, 200);
  EXPECT_EQ(route.body, index.body);
}

TEST_F(WebUiTest, MissingAssetsDotfilesEscapesAndApiPathsAreNotTheSites) {
  HttpClient browser = Browser();
  for (const char* path :
       {"/assets/gone-9z.js", "/.env", "/assets/../.env", "/%2e%2e/etc/passwd"}) {
    Reply reply = browser.Get(path);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_EQ(reply.body.find("do-not-serve"), std::string::npos) << path;
    EXPECT_EQ(reply.Header("content-type"), "application/problem+json") << path;
  }
  // An unknown API path stays the API's problem, never the app's page.
  Reply api = browser.Get("/api/no-such-route");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.Header("content-type"), "application/problem+json");
  // The site is read-only.
  Reply post = browser.Send(boost::beast::http::verb::post, "/", nlohmann::json::object(),
                            {{"Origin", "http://127.0.0.1:" + std::to_string(port_)}});
  EXPECT_EQ(post.status, 404);
  // The API's routes still answer as before.
  EXPECT_EQ(browser.Get("/healthz").status, 200);
}

TEST_F(WebUiTest, AUiDirectoryWithoutIndexStopsTheStartNamingIt) {
  StopApi();
  provisio::api::ApiConfig config = config_;
  config.ui_dir = (site_ / "assets").string();
  auto api = provisio::api::ApiProcess::Create(config);
  ASSERT_FALSE(api.ok());
  EXPECT_NE(api.error().message().find("PROVISIO_UI_DIR"), std::string::npos);
  EXPECT_NE(api.error().message().find("index.html"), std::string::npos);
  StartApi();
}

}  // namespace
