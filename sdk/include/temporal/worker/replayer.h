// temporal/worker/replayer.h: replay recorded histories against workflow code.
//
// A Replayer runs workflow code against a history that a server recorded,
// without a server: exactly what a worker does after a cache miss. If the code
// would issue different commands than the history records (a changed activity
// type, a timer removed, a new step inserted before existing ones), replay
// fails with ErrorCode::kNondeterminism and a message that starts with the
// stable code "[TMPRL1100]" and names the history event where the two
// diverged. Deploying such a change would make every open run of the workflow
// fail its workflow tasks with NON_DETERMINISTIC_ERROR; replaying the
// histories of open (or recent) runs before deploying finds it first.
//
// Example (a unit test that guards a workflow against incompatible changes):
//
//   // History exported with: temporal workflow show -w order-17 --output json > order.json
//   temporal::Replayer replayer;
//   replayer.RegisterWorkflow("ProcessOrder", ProcessOrder);   // the code about to ship
//   auto history = temporal::Replayer::LoadHistoryFile("testdata/order.json");
//   ASSERT_TRUE(history.ok()) << history.error();
//   temporal::Status replayed = replayer.ReplayHistory(*history);
//   EXPECT_TRUE(replayed.ok()) << replayed.error();
//   // On failure: "NONDETERMINISM: [TMPRL1100] nondeterminism at history event 5:
//   //   history scheduled activity 1 (type Charge) where the workflow scheduled
//   //   activity 1 (type ChargeV2)"
//
// The command-line tool temporal-replay (temporal/worker/replay_cli.h) does the
// same for files given on the command line.
//
// What replay checks: the commands the code issues are matched, in order,
// against the command events of the history (ActivityTaskScheduled,
// TimerStarted, TimerCanceled, WorkflowExecutionCompleted, ...): their types
// and identities (activity type and id, timer id) must agree. Payloads
// (arguments, results) are decoded but not compared, as in the official SDKs.
// A history may end anywhere (a run still open); commands of a workflow task
// that history recorded as completed must all be in it.
//
// Workflow code runs on the calling thread while ReplayHistory runs; activities
// are never executed (their recorded results are delivered), timers never wait.
//
// Thread-safety: register workflows and set the converter before use;
// ReplayHistory is const and may then run on several threads at once.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "temporal/api/history/v1/message.pb.h"
#include "temporal/converter/data_converter.h"
#include "temporal/converter/payload.h"
#include "temporal/detail/workflow_wrapper.h"
#include "temporal/error.h"
#include "temporal/workflow/task.h"

namespace temporal {

/// Replayer replays recorded histories against registered workflow functions.
class Replayer {
 public:
  /// WorkflowFunction is a registered workflow after type erasure.
  using WorkflowFunction =
      std::function<workflow::Task<std::vector<Payload>>(std::vector<Payload> input)>;

  /// Replayer constructs a replayer with no workflows and the default data converter.
  Replayer();

  /// RegisterWorkflow registers `function` (returning temporal::workflow::Task<R>)
  /// under workflow type `name`, exactly as Worker::RegisterWorkflow does.
  template <typename F>
  Replayer& RegisterWorkflow(const std::string& name, F function) {
    return RegisterWorkflowFunction(name, detail::WrapWorkflow(std::move(function)));
  }
  /// RegisterWorkflowFunction registers an already type-erased workflow.
  Replayer& RegisterWorkflowFunction(const std::string& name, WorkflowFunction function);

  /// SetDataConverter sets the converter the histories' payloads were written
  /// with (codecs, e.g. AES-GCM): the same one the workers use. Default: no codecs.
  Replayer& SetDataConverter(DataConverter converter);

  /// workflow_types returns the registered workflow type names, sorted.
  std::vector<std::string> workflow_types() const;

  /// ReplayHistory replays `history` (which must start with
  /// WorkflowExecutionStarted) against the workflow registered under its
  /// workflow type. `workflow_id` is what workflow::Info().workflow_id returns
  /// during replay (histories do not record it). Errors:
  ///   kNondeterminism  the code diverged from the history; the message starts
  ///                    with "[TMPRL1100]" and names the history event id.
  ///   kNotFound        the workflow type is not registered (the message lists
  ///                    the registered types).
  ///   kInternal        the workflow task would fail for another reason (an
  ///                    unexpected exception in workflow code, a payload that
  ///                    does not decode); the message says which.
  ///   kInvalidArgument the history is empty or does not start with
  ///                    WorkflowExecutionStarted.
  [[nodiscard]] Status ReplayHistory(const temporal::api::history::v1::History& history,
                                     const std::string& workflow_id = "replay") const;

  /// LoadHistoryJson parses a history in proto3 JSON, as
  /// `temporal workflow show --output json` writes it ({"events": [...]}, enum
  /// values such as "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"). It also reads
  /// older files whose enum values are PascalCase ("WorkflowExecutionStarted",
  /// "taskQueue": {"kind": "Normal"}), and a bare array of events. Unknown
  /// fields are ignored. kInvalidArgument for malformed JSON or an enum value
  /// that names nothing (the message gives the field path, e.g.
  /// "events[3].eventType").
  [[nodiscard]] static Result<temporal::api::history::v1::History> LoadHistoryJson(
      std::string_view json);

  /// LoadHistoryFile reads `path` and parses it with LoadHistoryJson;
  /// kNotFound when the file cannot be read.
  [[nodiscard]] static Result<temporal::api::history::v1::History> LoadHistoryFile(
      const std::string& path);

 private:
  std::map<std::string, WorkflowFunction> workflows_;
  DataConverter converter_;
};

}  // namespace temporal
