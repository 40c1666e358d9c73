// provisioning/activities/register_activities.h: the provisioning activities
// by the names the workflows call them.
#pragma once

#include "activities/activity_environment.h"
#include "activities/drift_schedule.h"
#include "activities/enqueue_apply.h"
#include "activities/platform_records.h"
#include "activities/stack_registry.h"
#include "activities/validate_request.h"
#include "activities/webhook.h"
#include "temporal/worker/worker.h"

namespace provisio::activities {

/// RegisterProvisioningActivities registers ValidateRequest and LookupTeam
/// (run as local activities), RecordState, Notify, SendWebhook, Audit, EnqueueApply and the drift
/// schedule's EnsureDriftSchedule / DeleteDriftSchedule. `environment` must outlive the worker.
inline void RegisterProvisioningActivities(temporal::Worker& worker,
                                           const ActivityEnvironment& environment) {
  worker
      .RegisterActivity("ValidateRequest",
                        [&environment](model::ProvisionRequest request) {
                          return ValidateRequest(environment, request);
                        })
      .RegisterActivity("LookupTeam",
                        [&environment](std::string team, std::string requester) {
                          return LookupTeam(environment, team, requester);
                        })
      .RegisterActivity(
          "RecordState",
          [&environment](model::RecordStateInput input) { RecordState(environment, input); })
      .RegisterActivity(
          "Notify", [&environment](model::NotifyInput input) { return Notify(environment, input); })
      .RegisterActivity(
          "SendWebhook",
          [&environment](model::NotifyInput input) { return SendWebhook(environment, input); })
      .RegisterActivity("Audit",
                        [&environment](model::AuditInput input) { Audit(environment, input); })
      .RegisterActivity("EnsureDriftSchedule",
                        [&environment](model::DriftScheduleInput input) {
                          EnsureDriftSchedule(environment, input);
                        })
      .RegisterActivity("DeleteDriftSchedule",
                        [&environment](model::DriftScheduleInput input) {
                          DeleteDriftSchedule(environment, input);
                        })
      .RegisterActivity("RecordStack",
                        [&environment](model::StackRegistryEntry entry) {
                          RecordStack(environment, entry);
                        })
      .RegisterActivity("EnqueueApply", [&environment](model::EnqueueApplyInput input) {
        return EnqueueApply(environment, input);
      });
}

}  // namespace provisio::activities
