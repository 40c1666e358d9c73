// provisioning/activities/platform_records.h: the activities that read and
// write the platform database for ProvisionApplication. Each write is
// idempotent (its key comes from the workflow), so a retried activity writes
// nothing twice.
#pragma once

#include <string>

#include "activities/activity_environment.h"
#include "model/provision_request.h"

namespace provisio::activities {

/// LookupTeam returns team `team_id` and its members (a local activity).
/// An unknown team is a non-retryable ApplicationFailure "UnknownTeam"; a
/// requester who is not a member, "NotATeamMember".
model::Team LookupTeam(const ActivityEnvironment& environment, const std::string& team_id,
                       const std::string& requester);

/// RecordState writes one version of a request's state to request_states
/// (whose trigger NOTIFYs the API's long-polls).
void RecordState(const ActivityEnvironment& environment, const model::RecordStateInput& input);

/// Notify writes an inbox row for every user holding one of input.roles and
/// every one of input.users, except input.exclude_users; returns how many
/// users were notified.
int Notify(const ActivityEnvironment& environment, const model::NotifyInput& input);

/// Audit appends one audit event.
void Audit(const ActivityEnvironment& environment, const model::AuditInput& input);

}  // namespace provisio::activities
