// temporal/client/schedule_handle.h: one schedule, by id.
//
// Client::CreateSchedule returns a ScheduleHandle; Client::GetScheduleHandle
// makes one for a schedule that already exists. Every call is one request to
// the server (transient errors retried per ClientOptions::rpc_retry); a
// schedule that does not exist gives kNotFound.
//
// Example:
//
//   temporal::ScheduleHandle schedule = client->GetScheduleHandle("drift-detection");
//   schedule.Pause("maintenance window");
//   schedule.Trigger();                                   // one run now, paused or not
//   schedule.Update([](const temporal::ScheduleDescription& current)
//                       -> std::optional<temporal::ScheduleUpdate> {
//     temporal::ScheduleUpdate update;
//     update.schedule = current.schedule;
//     update.schedule.spec.cron_expressions = {"0 * * * *"};
//     update.schedule.spec.calendars.clear();             // replace, not add
//     return update;
//   });
//   schedule.Unpause("maintenance over");
//   schedule.Delete();                                    // runs already started go on
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "temporal/client/schedule_description.h"
#include "temporal/client/schedule_options.h"
#include "temporal/error.h"

namespace temporal {

namespace detail {
class ClientCore;
}

/// ScheduleUpdate is what an Update callback returns: the new definition, and
/// optionally new search attributes or memo for the schedule itself.
struct ScheduleUpdate {
  /// schedule replaces the whole definition (spec, action, policies, state).
  Schedule schedule;
  /// search_attributes, when set, replace the schedule's search attributes.
  std::optional<SearchAttributes> search_attributes;
  /// memo, when set, replaces the schedule's memo (codec applied).
  std::optional<std::map<std::string, Payload>> memo;
};

/// ScheduleUpdater reads the current description and returns the update to
/// make, or nullopt to change nothing.
using ScheduleUpdater =
    std::function<std::optional<ScheduleUpdate>(const ScheduleDescription& current)>;

/// ScheduleHandle addresses a schedule by id. Cheap to copy; thread-safe.
class ScheduleHandle {
 public:
  /// id returns the schedule id.
  const std::string& id() const { return id_; }

  /// Describe returns the schedule's definition, state, recent actions and
  /// next action times, with payloads decoded by the codec.
  Result<ScheduleDescription> Describe() const;

  /// Update is a read-modify-write: it describes the schedule, calls `updater`
  /// with the description, and sends what it returns with the description's
  /// conflict token, so that a change made by someone else in between is not
  /// overwritten: the server does not apply a stale update (depending on its
  /// version it refuses it with an error or drops it; Describe to see which
  /// change stands). A nullopt from `updater` sends nothing.
  Status Update(const ScheduleUpdater& updater) const;

  /// Pause stops scheduled actions; `note` says why (shown by Describe).
  /// An empty note becomes "Paused via C++ SDK".
  Status Pause(const std::string& note = "") const;
  /// Unpause resumes scheduled actions; an empty note becomes "Unpaused via C++ SDK".
  Status Unpause(const std::string& note = "") const;

  /// Trigger takes one action now, even when paused. `overlap` unspecified =
  /// the schedule's policy.
  Status Trigger(ScheduleOverlapPolicy overlap =
                     temporal::api::enums::v1::SCHEDULE_OVERLAP_POLICY_UNSPECIFIED) const;

  /// Backfill takes the actions the spec matches in each range, as if the
  /// schedule had been running then (even when paused).
  Status Backfill(const std::vector<ScheduleBackfill>& backfills) const;

  /// Delete removes the schedule. Workflows it started are not affected.
  Status Delete() const;

 private:
  friend class Client;
  ScheduleHandle(std::shared_ptr<detail::ClientCore> core, std::string id);

  std::shared_ptr<detail::ClientCore> core_;
  std::string id_;
};

}  // namespace temporal
