// api/handlers/application_reader.h: reading a request for resources, for
// the handlers of /api/applications/{id}. Blocking calls: run them with
// RunBlocking (platform/blocking.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "handlers/application_view.h"
#include "model/provision_request.h"
#include "platform/services.h"
#include "routes/endpoint.h"
#include "temporal/error.h"

namespace provisio::api::handlers {

/// LoadedState is a request's state and where it came from ("workflow" or
/// "database").
struct LoadedState {
  model::RequestState state;
  std::string source;
};

/// IsApplicationId: the ids the API makes (and workflow ids like them).
bool IsApplicationId(const std::string& id);

/// LoadState asks the workflow (GetState); when it does not answer, or is
/// gone from Temporal, the last state it recorded. kNotFound when neither
/// knows `id`; kUnavailable when neither answers.
temporal::Result<LoadedState> LoadState(Services& services, const std::string& id);

/// LastRecordedState is the newest state the workflow recorded in
/// request_states (nullopt: none yet).
temporal::Result<std::optional<model::RequestState>> LastRecordedState(Services& services,
                                                                       const std::string& id);

/// LoadRecordedState is the recorded state first, the workflow's answer when
/// nothing is recorded yet. For long-polls: the state the cursor counts, read
/// from PostgreSQL (cheap for a thousand woken waiters), where LoadState asks
/// the workflow (fresh, for decisions that need the live plan).
temporal::Result<LoadedState> LoadRecordedState(Services& services, const std::string& id);

/// ReadCursor is the long-poll cursor of `id`: the highest recorded state
/// version plus, per plan, the highest progress version. It grows with every
/// row either table gets for the request, and never shrinks.
temporal::Result<std::int64_t> ReadCursor(Services& services, const std::string& id);

/// Progress is a request's progress rows and the cursor read with them.
struct Progress {
  std::vector<ResourceProgressView> rows;
  std::int64_t cursor = 0;
  /// timeline: each recorded change of status, oldest first.
  std::vector<StatusChangeView> timeline;
};
/// ReadProgress reads all three in one snapshot.
temporal::Result<Progress> ReadProgress(Services& services, const std::string& id);

/// MayRead: operators and admins read every request; others those they made,
/// those of their teams, and those their roles may decide on.
bool MayRead(const SignedInUser& user, const RequestStateView& state);

/// DeciderProblem says why `user` may not decide on `state` now (nullopt
/// when they may): it does not await authorization (409); they requested it
/// and the policy does not allow self-approval, they hold none of the
/// policy's roles, or the request names its authorizers and not them (403
/// not-an-authorizer).
std::optional<Problem> DeciderProblem(const SignedInUser& user, const model::RequestState& state);

/// StateProblem answers a LoadState that failed: 404 for a request that does
/// not exist, else 503.
Problem StateProblem(const std::string& id, const temporal::Error& error);

/// IsFinished: a request in `status` has ended (nothing to cancel).
bool IsFinished(const std::string& status);

/// ReadResult waits (10 s at most) for a finished request's result: the
/// stack and its outputs, sensitive ones sealed.
temporal::Result<model::ProvisionResult> ReadResult(Services& services, const std::string& id);

/// NewApplicationId is a fresh application (workflow) id for `application`:
/// "<application>-<10 random characters>".
std::string NewApplicationId(const std::string& application);

/// IdempotentApplicationId is the application id a POST with an
/// Idempotency-Key gets: "<application>-" and 10 characters of the SHA-256
/// of the user, the key and the application, so the same POST names the
/// same workflow.
std::string IdempotentApplicationId(const std::string& application, const std::string& user,
                                    const std::string& key);

/// AuditFromApi appends an audit row for what the API itself did (a reveal,
/// a cancellation asked for): event id "<workflow id>/api/<random>".
temporal::Status AuditFromApi(Services& services, const std::string& actor,
                              const std::string& action, const std::string& workflow_id,
                              const std::optional<std::string>& stack,
                              const std::optional<std::string>& reason,
                              const nlohmann::json& details);

/// RecordedStates reads the last recorded state of each of `ids` (those
/// with none are absent).
temporal::Result<std::map<std::string, model::RequestState>> RecordedStates(
    Services& services, const std::vector<std::string>& ids);

/// NotVisible is the answer for a request the user may not read: the same as
/// for one that does not exist, so that ids cannot be probed.
Problem NotVisible(const std::string& id);

}  // namespace provisio::api::handlers
