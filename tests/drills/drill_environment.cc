#include "drill_environment.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "approval/approval_signature.h"
#include "database/migrations.h"
#include "temporal/converter/aes_gcm_codec.h"
#include "workflows/activity_options.h"

namespace provisio_drill {
namespace {

namespace fs = std::filesystem;
namespace wf = temporal::workflow;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string Required(const char* name) {
  std::string value = Env(name);
  if (value.empty())
    throw std::runtime_error(std::string(name) +
                             " is not set: run the drills with scripts/drill or scripts/test, "
                             "which start PostgreSQL and set up our tofu");
  return value;
}

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  static const char* kDigits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : raw) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

// ListS3's reader of moto: the bucket names, and one bucket's objects with
// their content, as JSON.
constexpr char kListS3Script[] = R"py(import json, sys
import boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="testing", aws_secret_access_key="testing")
listed = {"buckets": [b["Name"] for b in s3.list_buckets().get("Buckets", [])], "objects": {}}
if sys.argv[2] in listed["buckets"]:
    for item in s3.list_objects_v2(Bucket=sys.argv[2]).get("Contents", []):
        body = s3.get_object(Bucket=sys.argv[2], Key=item["Key"])["Body"].read()
        listed["objects"][item["Key"]] = body.decode()
print(json.dumps(listed))
)py";

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

void Run(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

// The drill's own workflow: what the runner's state holds for a stack, and a
// drift check (a refresh-only plan) against what exists.
wf::Task<nlohmann::json> InspectStack(provisio::model::StackInputs inputs) {
  const auto once = provisio::workflows::RunnerActivity(3);
  nlohmann::json listed = co_await wf::ExecuteActivity<nlohmann::json>(
      "resources", once, provisio::model::OutputsInput{inputs.stack, inputs.template_name});
  nlohmann::json drift = co_await wf::ExecuteActivity<nlohmann::json>("drift", once, inputs);
  co_return nlohmann::json{{"addresses", listed["addresses"]}, {"drift", drift}};
}

constexpr char kHelperQueue[] = "drill-inspect";
constexpr char kSource[] = PROVISIO_SOURCE_DIR;
constexpr char kBinaryDir[] = PROVISIO_BINARY_DIR;

}  // namespace

std::string DrillEnvironment::ConnInfo(const std::string& database) const {
  return "host=" + Env("PROVISIO_TEST_PG_HOST") + " port=" + Env("PROVISIO_TEST_PG_PORT") +
         " user=" + Env("PROVISIO_TEST_PG_USER") + " password=" + Env("PROVISIO_TEST_PG_PASSWORD") +
         " dbname=" + database + " connect_timeout=10";
}

std::string DrillEnvironment::PgUrl(const std::string& database) const {
  return "postgresql://" + Env("PROVISIO_TEST_PG_USER") + ":" + Env("PROVISIO_TEST_PG_PASSWORD") +
         "@" + Env("PROVISIO_TEST_PG_HOST") + ":" + Env("PROVISIO_TEST_PG_PORT") + "/" + database +
         "?sslmode=disable";
}

void DrillEnvironment::Start() {
  for (const char* name :
       {"PROVISIO_TEST_PG_HOST", "PROVISIO_TEST_PG_PORT", "PROVISIO_TEST_PG_USER",
        "PROVISIO_TEST_PG_PASSWORD", "PROVISIO_TOFU", "TF_CLI_CONFIG_FILE"})
    Required(name);
  const fs::path runner_main = fs::path(kSource) / "workers/opentofu/dist/src/worker.js";
  if (!fs::exists(runner_main))
    throw std::runtime_error(runner_main.string() +
                             " is missing: build the runner (cd workers/opentofu && npm ci && "
                             "npm run build)");
  const fs::path worker_binary = fs::path(kBinaryDir) / "provisioning/provisio-worker";

  std::string tmp_template = (fs::temp_directory_path() / "provisio-drill.XXXXXX").string();
  if (mkdtemp(tmp_template.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  state_ = tmp_template;
  local_root_ = state_ / "local-cloud";
  fs::create_directories(local_root_);

  // The dev server, on a free port, its SQLite file in the state directory.
  port_ = FreePort();
  temporal_address_ = "127.0.0.1:" + std::to_string(port_);
  Run(std::string(kSource) + "/scripts/dev-server start --port " + std::to_string(port_) +
      " --headless --state-dir " + state_.string() + " >>" + (state_ / "dev-server.log").string() +
      " 2>&1");
  dev_server_started_ = true;

  // moto, the drill-chain's S3 (profile `emulator`), on a free port.
  const std::string cache =
      !Env("PROVISIO_CACHE").empty() ? Env("PROVISIO_CACHE") : Env("HOME") + "/.cache/provisio";
  python_ = cache + "/venv/bin/python";
  const std::string moto_server = cache + "/venv/bin/moto_server";
  if (!fs::exists(moto_server))
    throw std::runtime_error(moto_server + " is missing: run scripts/setup");
  const int moto_port = FreePort();
  s3_endpoint_ = "http://127.0.0.1:" + std::to_string(moto_port);
  moto_ = std::make_unique<ChildProcess>(
      "moto server",
      std::vector<std::string>{moto_server, "-H", "127.0.0.1", "-p", std::to_string(moto_port)},
      std::map<std::string, std::string>{}, state_ / "moto.log");
  moto_->Start(" * Running on " + s3_endpoint_);  // werkzeug's line once it listens
  const fs::path aws = state_ / "aws";
  fs::create_directories(aws);
  std::ofstream(aws / "config") << "[profile emulator]\nregion = us-east-1\nendpoint_url = "
                                << s3_endpoint_ << "\n";
  std::ofstream(aws / "credentials")
      << "[emulator]\naws_access_key_id = testing\naws_secret_access_key = testing\n";
  std::ofstream(state_ / "list_s3.py") << kListS3Script;

  // The databases, and the schema as the worker applies it.
  const std::string suffix = RandomHex(4);
  platform_database_ = "drill_platform_" + suffix;
  runner_database_ = "drill_runner_" + suffix;
  {
    auto admin = provisio::database::Connection::Open(ConnInfo("postgres"));
    if (!admin) throw std::runtime_error(admin.error().message());
    for (const std::string& database : {platform_database_, runner_database_})
      if (auto made = admin->Exec("CREATE DATABASE " + database); !made)
        throw std::runtime_error(made.error().message());
  }
  approval_key_hex_ = RandomHex(32);
  {
    auto key = temporal::AesGcmCodec::KeyFromHex(approval_key_hex_);
    approval_key_.assign(reinterpret_cast<const char*>(key->data()), key->size());
  }
  const std::string codec_key_hex = RandomHex(32);
  const std::string templates = std::string(kSource) + "/tests/drills/templates";
  worker_ = std::make_unique<ChildProcess>(
      "provisio-worker", std::vector<std::string>{worker_binary.string()},
      std::map<std::string, std::string>{
          {"TEMPORAL_ADDRESS", temporal_address_},
          {"TEMPORAL_NAMESPACE", "default"},
          {"PROVISIO_DATABASE", ConnInfo(platform_database_)},
          {"PROVISIO_APPROVAL_KEY_HEX", approval_key_hex_},
          {"PROVISIO_CODEC_KEY_ID", "drill-key"},
          {"PROVISIO_CODEC_KEY_HEX", codec_key_hex},
          {"PROVISIO_CODEC_DECRYPT_ONLY_KEYS", ""},
          {"PROVISIO_TEMPLATES_DIR", templates},
          {"PROVISIO_WEBHOOK_URL", ""},
          // A killed runner is noticed in 5 s rather than a minute.
          {"PROVISIO_RUNNER_HEARTBEAT_TIMEOUT_SECONDS", "5"},
      },
      state_ / "provisio-worker.log");
  runner_ = std::make_unique<ChildProcess>(
      "opentofu runner", std::vector<std::string>{"node", runner_main.string()},
      std::map<std::string, std::string>{
          {"TEMPORAL_ADDRESS", temporal_address_},
          {"TEMPORAL_NAMESPACE", "default"},
          {"PROVISIO_RUNNER_TASK_QUEUE", ""},
          {"PROVISIO_RUNNER_PG_URL", PgUrl(runner_database_)},
          {"PROVISIO_PLATFORM_PG_URL", PgUrl(platform_database_)},
          {"PROVISIO_STATE_PASSPHRASE", RandomHex(24)},
          {"PROVISIO_RUNNER_WORK_DIR", (state_ / "runner-work").string()},
          {"PROVISIO_TEMPLATES_DIR", templates},
          {"PROVISIO_LOCAL_ROOT", local_root_.string()},
          {"PROVISIO_CODEC_KEY_ID", "drill-key"},
          {"PROVISIO_CODEC_KEY_HEX", codec_key_hex},
          {"PROVISIO_CODEC_DECRYPT_ONLY_KEYS", ""},
          {"PROVISIO_RUNNER_HEARTBEAT_MS", "500"},
          {"AWS_CONFIG_FILE", (aws / "config").string()},
          {"AWS_SHARED_CREDENTIALS_FILE", (aws / "credentials").string()},
      },
      state_ / "opentofu-runner.log");
  worker_->Start("provisio worker ready");  // migrates the platform database first
  {
    auto db = Platform();
    auto seeded = db.Exec(R"sql(
      INSERT INTO users (id, display_name, email) VALUES
        ('alice', 'Alice', 'alice@example.test'), ('bob', 'Bob', 'bob@example.test');
      INSERT INTO user_roles (user_id, role) VALUES ('bob', 'platform-admin');
      INSERT INTO teams (id, name) VALUES ('payments', 'Payments');
      INSERT INTO team_members (team_id, user_id) VALUES ('payments', 'alice');
    )sql");
    if (!seeded) throw std::runtime_error(seeded.error().message());
  }
  runner_->Start("opentofu runner ready");

  temporal::ClientOptions options;
  options.target_host = temporal_address_;
  auto key = temporal::AesGcmCodec::KeyFromHex(codec_key_hex);
  auto codec = temporal::AesGcmCodec::Create("drill-key", *key);
  if (!codec) throw std::runtime_error(codec.error().message());
  options.data_converter.AddCodec(*codec);
  auto client = temporal::Client::Connect(options);
  if (!client) throw std::runtime_error(client.error().ToString());
  client_ = std::make_unique<temporal::Client>(std::move(*client));
  StartHelperWorker();
}

void DrillEnvironment::StartHelperWorker() {
  temporal::WorkerOptions options;
  options.task_queue = kHelperQueue;
  helper_ = std::make_unique<temporal::Worker>(*client_, options);
  helper_->RegisterWorkflow("DrillInspectStack", InspectStack);
  if (auto started = helper_->Start(); !started)
    throw std::runtime_error(started.error().ToString());
}

void DrillEnvironment::RestartDevServer() {
  const std::string script = std::string(kSource) + "/scripts/dev-server";
  const std::string where = " --port " + std::to_string(port_) + " --state-dir " + state_.string() +
                            " >>" + (state_ / "dev-server.log").string() + " 2>&1";
  Run(script + " stop" + where);
  Run(script + " start --headless" + where);
}

void DrillEnvironment::Sign(provisio::model::SignedDecision& decision) const {
  provisio::approval::Sign(decision, approval_key_);
}

provisio::database::Connection DrillEnvironment::Platform() const {
  auto db = provisio::database::Connection::Open(ConnInfo(platform_database_));
  if (!db) throw std::runtime_error(db.error().message());
  return std::move(*db);
}

StackInspection DrillEnvironment::Inspect(const std::string& stack,
                                          const std::string& template_name) {
  provisio::model::StackInputs inputs;
  inputs.stack = stack;
  inputs.template_name = template_name;
  temporal::StartWorkflowOptions options;
  options.id = "drill-inspect/" + stack + "/" + std::to_string(++inspections_);
  options.task_queue = kHelperQueue;
  auto handle = client_->StartWorkflow("DrillInspectStack", options, inputs);
  if (!handle) throw std::runtime_error(handle.error().ToString());
  auto answer = handle->GetResult<nlohmann::json>();
  if (!answer) throw std::runtime_error("inspecting " + stack + ": " + answer.error().ToString());
  StackInspection inspection;
  for (const auto& address : (*answer)["addresses"])
    inspection.addresses.push_back(address.get<std::string>());
  inspection.drifted = (*answer)["drift"].value("drifted", false);
  inspection.drift = (*answer)["drift"].dump();
  return inspection;
}

S3Listing DrillEnvironment::ListS3(const std::string& bucket) const {
  const std::string command =
      python_ + " " + (state_ / "list_s3.py").string() + " " + s3_endpoint_ + " " + bucket;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::string output;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  if (pclose(pipe) != 0) throw std::runtime_error(command + " failed: " + output);
  const nlohmann::json listed = nlohmann::json::parse(output);
  S3Listing listing;
  listing.buckets = listed.at("buckets").get<std::vector<std::string>>();
  listing.bucket_exists =
      std::find(listing.buckets.begin(), listing.buckets.end(), bucket) != listing.buckets.end();
  listing.objects = listed.at("objects").get<std::map<std::string, std::string>>();
  return listing;
}

void DrillEnvironment::Shutdown() {
  if (helper_) {
    helper_->Shutdown();
    helper_.reset();
  }
  client_.reset();
  if (runner_) runner_->Stop();
  if (worker_) worker_->Stop();
  if (moto_) moto_->Stop();
  if (dev_server_started_) {
    (void)std::system((std::string(kSource) + "/scripts/dev-server stop --port " +
                       std::to_string(port_) + " --state-dir " + state_.string() +
                       " >/dev/null 2>&1")
                          .c_str());
    dev_server_started_ = false;
  }
  if (!platform_database_.empty()) {
    auto admin = provisio::database::Connection::Open(ConnInfo("postgres"));
    if (admin)
      for (const std::string& database : {platform_database_, runner_database_})
        (void)admin->Exec("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    platform_database_.clear();
  }
  if (!state_.empty() && !keep_state_ && Env("PROVISIO_DRILL_KEEP") != "1") {
    std::error_code ignored;
    fs::remove_all(state_, ignored);
  }
  state_.clear();
}

DrillEnvironment::~DrillEnvironment() { Shutdown(); }

}  // namespace provisio_drill
