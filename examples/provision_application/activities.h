// examples/provision_application/activities.h: the C++ activities of the
// ProvisionApplication workflow, on its own task queue ("provision-application"):
// the team lookup and the authorization request. The provider's activities
// (provisioning, destroying) are TypeScript, in worker-ts/.
//
//   temporal::Worker worker(client, {.task_queue = kTaskQueue});
//   NotificationActivities notifications(client);
//   RegisterProvisionApplication(worker, notifications);
//   worker.Start();
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stop_token>
#include <thread>

#include "temporal/client/client.h"
#include "temporal/worker/worker.h"
#include "workflow.h"

namespace provisio::provision_application {

/// GetTeamInformation looks up the requesting team. Like the demo's, it reads
/// and never mutates; unlike the demo's (a random short id as the team name),
/// its answer is derived from the team id, so tests can check it.
GetTeamInformationResponse GetTeamInformation(const GetTeamInformationRequest& request);

/// NotificationActivities sends authorization requests. The demo's "message
/// (eg email) to the authorizer" is a log line here. With a delay, it also plays
/// the authorizer, as the demo does: after `DelaySeconds` it signals the
/// workflow with an approval (region "us-east-1", profile "iac").
///
/// Thread safety: RequestApplicationAuthorization may run on several activity
/// threads at once. One background thread sends the simulated approvals when
/// they are due; destroying the object drops the pending ones and joins it.
class NotificationActivities {
 public:
  explicit NotificationActivities(temporal::Client client);
  ~NotificationActivities();
  NotificationActivities(const NotificationActivities&) = delete;
  NotificationActivities& operator=(const NotificationActivities&) = delete;

  /// RequestApplicationAuthorization notifies the authorizer and returns at once
  /// (fire and forget, as in the demo).
  void RequestApplicationAuthorization(const RequestApplicationAuthorizationRequest& request);

 private:
  void RunSimulatedAuthorizer(std::stop_token stop);
  void Approve(const RequestApplicationAuthorizationRequest& request);

  temporal::Client client_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  /// due_ holds the simulated approvals by the time they are due.
  std::multimap<std::chrono::steady_clock::time_point, RequestApplicationAuthorizationRequest>
      due_;  // guarded by mutex_
  /// simulated_authorizer_ is declared last: destroyed (stopped, joined) first.
  std::jthread simulated_authorizer_;
};

/// RegisterWorkflows registers the example's workflows on `registry`: a
/// temporal::Worker, or the temporal::Replayer of the worker's --replay mode
/// (temporal/worker/replay_cli.h). One list for both, so that what is replayed
/// is what runs.
template <typename Registry>
void RegisterWorkflows(Registry& registry) {
  registry.RegisterWorkflow(kWorkflowType, ProvisionApplication);
}

/// RegisterProvisionApplication registers the workflows (RegisterWorkflows) and
/// the C++ activities on `worker`. `notifications` must outlive the worker's
/// activity threads.
void RegisterProvisionApplication(temporal::Worker& worker, NotificationActivities& notifications);

}  // namespace provisio::provision_application
