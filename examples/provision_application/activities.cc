#include "activities.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <utility>

#include "temporal/failure.h"

namespace provisio::provision_application {

GetTeamInformationResponse GetTeamInformation(const GetTeamInformationRequest& request) {
  spdlog::info("GetTeamInformation: team {} (requester {})", request.team_id, request.requester_id);
  if (request.team_id.empty()) {
    throw temporal::ApplicationFailure::NonRetryable("a team id is required", "InvalidRequest");
  }
  GetTeamInformationResponse team;
  team.team_name = "Team " + request.team_id;
  team.team_email = "team-" + request.team_id + "@example.com";
  team.subdomain = "apps_marketing";  // the demo's constant
  team.team_id = request.team_id;
  return team;
}

NotificationActivities::NotificationActivities(temporal::Client client)
    : client_(std::move(client)),
      simulated_authorizer_([this](std::stop_token stop) { RunSimulatedAuthorizer(stop); }) {}

// The jthread's destructor requests stop, which wakes its wait, and joins.
NotificationActivities::~NotificationActivities() = default;

void NotificationActivities::RequestApplicationAuthorization(
    const RequestApplicationAuthorizationRequest& request) {
  spdlog::info(
      "authorization requested: application {} of team {} (requester {}) awaits authorizer "
      "{}; approve with `provision-application approve {} --region REGION --profile PROFILE`",
      request.application_id, request.team_id, request.customer_id, request.authorizer_id,
      request.application_id);
  if (request.delay_seconds <= 0) return;
  {
    std::lock_guard lock(mutex_);
    due_.emplace(std::chrono::steady_clock::now() + std::chrono::seconds(request.delay_seconds),
                 request);
  }
  wake_.notify_all();
}

void NotificationActivities::RunSimulatedAuthorizer(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    if (due_.empty()) {
      wake_.wait(lock, stop, [this] { return !due_.empty(); });
      continue;
    }
    const auto next = due_.begin()->first;
    // Wakes early when stopped or when an earlier approval was added.
    wake_.wait_until(lock, stop, next, [this, next] { return due_.begin()->first < next; });
    if (stop.stop_requested() || std::chrono::steady_clock::now() < due_.begin()->first) continue;
    RequestApplicationAuthorizationRequest request = std::move(due_.begin()->second);
    due_.erase(due_.begin());
    lock.unlock();
    Approve(request);
    lock.lock();
  }
}

void NotificationActivities::Approve(const RequestApplicationAuthorizationRequest& request) {
  AuthorizationReceivedResponse approval;
  approval.application_id = request.application_id;
  approval.region = "us-east-1";  // the demo's simulated authorizer's choice
  approval.profile = "iac";
  approval.team_id = request.team_id;
  approval.is_approved = true;
  temporal::Status sent =
      client_.GetHandle(request.application_id).Signal(kAuthorizationSignal, approval);
  if (!sent) {
    spdlog::warn("simulated authorizer: cannot approve application {}: {}", request.application_id,
                 sent.error().ToString());
  } else {
    spdlog::info("simulated authorizer: approved application {}", request.application_id);
  }
}

void RegisterProvisionApplication(temporal::Worker& worker, NotificationActivities& notifications) {
  RegisterWorkflows(worker);
  worker.RegisterActivity(kGetTeamInformationActivity, GetTeamInformation);
  worker.RegisterActivity(kRequestAuthorizationActivity,
                          [&notifications](const RequestApplicationAuthorizationRequest& request) {
                            notifications.RequestApplicationAuthorization(request);
                          });
}

}  // namespace provisio::provision_application
