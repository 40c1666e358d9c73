// api/tests/workflow_fixture.h: the API's end-to-end tests' fixture: the
// provisioning workflows and activities run in this process (on the test's
// own task queue, with the API's approval key, writing the suite's platform
// database), the OpenTofu runner that scripts/test starts plans and applies,
// and a requester follows requests with long-polls.
#pragma once

#include <filesystem>
#include <fstream>
#include <future>

#include "activities/register_activities.h"
#include "api_fixture.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/worker.h"
#include "workflows/provision_application.h"

namespace provisio_api_test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace enums = temporal::api::enums::v1;

class WorkflowApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    if (Env("PROVISIO_RUNNER_READY").empty())
      GTEST_FAIL()
          << "run with scripts/test: it starts the OpenTofu runner (PROVISIO_RUNNER_READY)";
    temporal::ClientOptions options;
    options.target_host = Env("TEMPORAL_ADDRESS");
    if (!Env("PROVISIO_CODEC_KEY_HEX").empty()) {
      auto key = temporal::AesGcmCodec::KeyFromHex(Env("PROVISIO_CODEC_KEY_HEX"));
      ASSERT_TRUE(key.ok()) << key.error();
      auto codec = temporal::AesGcmCodec::Create(Env("PROVISIO_CODEC_KEY_ID"), *key);
      ASSERT_TRUE(codec.ok()) << codec.error();
      options.data_converter.AddCodec(*codec);
    }
    auto client = temporal::Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::make_unique<temporal::Client>(std::move(*client));
    settings_.approval_key = config_.approval_key;
    environment_.conninfo = ConnInfo(database_);
    environment_.templates_dir = templates_dir_;
    environment_.client = client_.get();
    temporal::WorkerOptions worker_options;
    worker_options.task_queue = config_.task_queue;
    worker_ = std::make_unique<temporal::Worker>(*client_, worker_options);
    provisio::workflows::RegisterProvisioningWorkflows(*worker_, settings_);
    provisio::activities::RegisterProvisioningActivities(*worker_, environment_);
    ASSERT_TRUE(worker_->Start().ok());
  }

  void TearDown() override {
    // A stack keeps a drift schedule; the test's must not outlive its worker.
    for (const std::string& stack : stacks_)
      if (client_) (void)client_->GetScheduleHandle("drift/" + stack).Delete();
    if (worker_) worker_->Shutdown();
    ApiTest::TearDown();
  }

  // Requests a local site as the requester; returns the application id.
  std::string Request(HttpClient& requester, const std::string& application,
                      nlohmann::json extra = nlohmann::json::object()) {
    stacks_.push_back(application);
    nlohmann::json body = {
        {"team", Team()},
        {"application", application},
        {"template", "local-site"},
        {"parameters", {{"site_name", application}, {"greeting", "Hello, API"}}}};
    body.update(extra);
    Reply created = requester.Post("/api/applications", body);
    EXPECT_EQ(created.status, 201) << created.body;
    const std::string id = created.Json().value("id", "");
    EXPECT_EQ(created.Header("location"), "/api/applications/" + id);
    EXPECT_EQ(id.rfind(application + "-", 0), 0u) << id;
    return id;
  }

  // Follows the request with long-polls until it reaches `status`.
  nlohmann::json WaitForStatus(HttpClient& client, const std::string& id, const std::string& status,
                               std::chrono::seconds limit = 180s) {
    std::int64_t version = 0;
    nlohmann::json view;
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      Reply reply =
          client.Get("/api/applications/" + id + "?waitAfterVersion=" + std::to_string(version));
      EXPECT_EQ(reply.status, 200) << reply.body;
      if (reply.status != 200) break;
      view = reply.Json();
      if (view["state"]["status"] == status) return view;
      version = view["version"];
    }
    ADD_FAILURE() << id << " never reached " << status << "; last: " << view.dump();
    return view;
  }

  int UpdatesAccepted(const std::string& id) {
    auto history = client_->GetHandle(id).FetchHistory();
    EXPECT_TRUE(history.ok()) << history.error();
    int accepted = 0;
    if (history.ok())
      for (const auto& event : history->events())
        if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) ++accepted;
    return accepted;
  }

  nlohmann::json Decision(const std::string& decision, const std::string& plan_hash,
                          const std::string& reason = "looks right") {
    return {{"decision", decision}, {"planHash", plan_hash}, {"reason", reason}};
  }

  provisio::workflows::ProvisionSettings settings_;
  provisio::activities::ActivityEnvironment environment_;
  std::unique_ptr<temporal::Client> client_;
  std::unique_ptr<temporal::Worker> worker_;
  std::vector<std::string> stacks_;
};

}  // namespace provisio_api_test
