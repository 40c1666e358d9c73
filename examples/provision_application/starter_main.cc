// provision-application: the command line of the walkthrough (the demo's BFF
// handlers, bff/internal/http/provision, as subcommands).
//
//   provision-application start --application-name "Billing API" --team-id payments
//   provision-application state   APPLICATION_ID
//   provision-application approve APPLICATION_ID --region us-east-1 --profile iac
//   provision-application reject  APPLICATION_ID
//   provision-application cancel  APPLICATION_ID
//   provision-application result  APPLICATION_ID
//
// --address and --namespace default to TEMPORAL_ADDRESS (else 127.0.0.1:7233)
// and TEMPORAL_NAMESPACE (else "default"). Exit status: 0 success, 1 usage or
// connection error, 2 the workflow failed, 3 it was cancelled.
#include <CLI/CLI.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

#include "temporal/client/client.h"
#include "workflow.h"

namespace {

namespace app = provisio::provision_application;
using nlohmann::json;

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value == nullptr || *value == '\0' ? fallback : std::string(value);
}

// NewApplicationId is the demo BFF's id: the application name's letters and
// digits, lower-cased, a dash and a short random suffix.
std::string NewApplicationId(const std::string& application_name) {
  std::string id;
  for (unsigned char c : application_name) {
    if (std::isalnum(c) != 0) id.push_back(static_cast<char>(std::tolower(c)));
  }
  if (id.empty()) id = "app";
  std::random_device random;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
  return id + "-" + suffix;
}

int Fail(const temporal::Error& error) {
  std::cerr << "provision-application: " << error.ToString() << "\n";
  if (error.failure() != nullptr) std::cerr << "  " << error.failure()->ToString() << "\n";
  return 1;
}

// ProvisioningHeartbeat returns the last heartbeat of a provider activity still
// running, as JSON, or null. A query answers from workflow state only; progress
// inside an activity reaches the server as heartbeats, which Describe shows.
json ProvisioningHeartbeat(const temporal::WorkflowHandle& handle) {
  temporal::Result<temporal::WorkflowDescription> description = handle.Describe();
  if (!description) return nullptr;
  for (const temporal::PendingActivity& activity : description->pending_activities) {
    if (activity.activity_type != app::kProvisionActivity &&
        activity.activity_type != app::kDestroyActivity) {
      continue;
    }
    json heartbeat{{"activityType", activity.activity_type}, {"attempt", activity.attempt}};
    if (!activity.heartbeat_details.empty()) {
      temporal::Result<json> details = temporal::FromPayload<json>(activity.heartbeat_details[0]);
      if (details) heartbeat["details"] = *details;
    }
    if (activity.last_failure) heartbeat["lastFailure"] = activity.last_failure->ToString();
    return heartbeat;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Provision an application: the ProvisionApplication workflow's command line"};
  cli.require_subcommand(1);
  std::string address = EnvOr("TEMPORAL_ADDRESS", "127.0.0.1:7233");
  std::string namespace_ = EnvOr("TEMPORAL_NAMESPACE", "default");
  cli.add_option("--address", address, "Temporal frontend host:port")->capture_default_str();
  cli.add_option("--namespace", namespace_, "Temporal namespace")->capture_default_str();

  app::ProvisionApplicationRequest request;
  request.requester_id = "requester";
  request.authorizer_id = "authorizer";
  std::string task_queue = app::kTaskQueue;
  CLI::App* start = cli.add_subcommand("start", "Request an application's resources");
  start->add_option("--application-name", request.application_name, "Application name")->required();
  start->add_option("--team-id", request.team_id, "Requesting team")->required();
  start->add_option("--application-id", request.application_id,
                    "Application id = workflow id (default: <name>-<random>)");
  start->add_option("--requester-id", request.requester_id)->capture_default_str();
  start->add_option("--authorizer-id", request.authorizer_id)->capture_default_str();
  start
      ->add_option("--authorization-timeout-seconds", request.authorization_timeout_seconds,
                   "How long the authorizer has (0 = 120)")
      ->capture_default_str();
  start
      ->add_option("--demo-authorization-delay-seconds", request.demo_authorization_delay_seconds,
                   "Approve automatically after this many seconds (0 = wait for a person)")
      ->capture_default_str();
  start->add_option("--task-queue", task_queue, "The C++ worker's task queue")
      ->capture_default_str();

  std::string application_id;
  app::AuthorizationReceivedResponse decision;
  CLI::App* approve = cli.add_subcommand("approve", "Approve, choosing region and profile");
  approve->add_option("application-id", application_id)->required();
  approve->add_option("--region", decision.region)->required();
  approve->add_option("--profile", decision.profile)->required();
  approve->add_option("--team-id", decision.team_id);
  CLI::App* reject = cli.add_subcommand("reject", "Reject the request");
  reject->add_option("application-id", application_id)->required();
  reject->add_option("--team-id", decision.team_id);
  CLI::App* state = cli.add_subcommand("state", "Print the GetState query's answer");
  state->add_option("application-id", application_id)->required();
  std::string reason = "cancelled from the command line";
  CLI::App* cancel = cli.add_subcommand("cancel", "Cancel (destroys what was provisioned)");
  cancel->add_option("application-id", application_id)->required();
  cancel->add_option("--reason", reason)->capture_default_str();
  int timeout_seconds = 0;
  CLI::App* result = cli.add_subcommand("result", "Wait for the outcome and print it");
  result->add_option("application-id", application_id)->required();
  result->add_option("--timeout-seconds", timeout_seconds, "0 = wait as long as it runs")
      ->capture_default_str();

  CLI11_PARSE(cli, argc, argv);

  temporal::ClientOptions options;
  options.target_host = address;
  options.namespace_ = namespace_;
  options.identity = "provision-application-cli";
  temporal::Result<temporal::Client> client = temporal::Client::Connect(options);
  if (!client) return Fail(client.error());

  if (*start) {
    if (request.application_id.empty()) {
      request.application_id = NewApplicationId(request.application_name);
    }
    temporal::StartWorkflowOptions start_options;
    start_options.id = request.application_id;  // the workflow id is the application id
    start_options.task_queue = task_queue;
    temporal::Result<temporal::WorkflowHandle> started =
        client->StartWorkflow(app::kWorkflowType, start_options, request);
    if (!started) return Fail(started.error());
    std::cout << request.application_id << "\n";
    std::cerr << "started " << app::kWorkflowType << " " << request.application_id << " (run "
              << started->run_id() << ")\n";
    return 0;
  }

  temporal::WorkflowHandle handle = client->GetHandle(application_id);
  if (*approve || *reject) {
    decision.application_id = application_id;
    decision.is_approved = approve->parsed();
    temporal::Status sent = handle.Signal(app::kAuthorizationSignal, decision);
    if (!sent) return Fail(sent.error());
    std::cerr << (decision.is_approved ? "approved " : "rejected ") << application_id << "\n";
    return 0;
  }
  if (*state) {
    temporal::Result<app::ProvisionApplicationState> answer =
        handle.Query<app::ProvisionApplicationState>(app::kStateQuery);
    if (!answer) return Fail(answer.error());
    json printed = *answer;
    if (json heartbeat = ProvisioningHeartbeat(handle); !heartbeat.is_null()) {
      printed["Heartbeat"] = heartbeat;  // added by the CLI, not part of GetState
    }
    std::cout << printed.dump(2) << "\n";
    return 0;
  }
  if (*cancel) {
    temporal::Status cancelled = handle.Cancel(reason);
    if (!cancelled) return Fail(cancelled.error());
    std::cerr << "cancellation requested for " << application_id << "\n";
    return 0;
  }
  // result
  temporal::GetResultOptions wait;
  if (timeout_seconds > 0) wait.timeout = std::chrono::seconds(timeout_seconds);
  temporal::Result<app::ProvisionApplicationState> outcome =
      handle.GetResult<app::ProvisionApplicationState>(wait);
  if (outcome) {
    std::cout << json(*outcome).dump(2) << "\n";
    return 0;
  }
  const temporal::Error& error = outcome.error();
  if (error.code() == temporal::ErrorCode::kWorkflowFailed && error.failure() != nullptr) {
    std::cerr << "failed (" << error.failure()->application_type()
              << "): " << error.failure()->message() << "\n";
    return 2;
  }
  if (error.code() == temporal::ErrorCode::kWorkflowCanceled) {
    std::cerr << "cancelled: " << error.message() << "\n";
    return 3;
  }
  return Fail(error);
}
