// temporal/worker/replay_cli.h: the temporal-replay command line, for your own binary.
//
// A generic tool cannot know your workflows, so the replay command line is a
// function: build a small binary that registers the workflows you deploy and
// hands the command line to RunReplayCli. Run it in CI (or before a deploy) on
// the histories of open and recent runs, exported with
// `temporal workflow show -w <id> --output json > <file>`:
//
//   // replay_main.cc
//   #include "temporal/worker/replay_cli.h"
//   #include "provisioning/workflows.h"
//
//   int main(int argc, char** argv) {
//     temporal::Replayer replayer;
//     replayer.RegisterWorkflow("Provision", provisioning::Provision)
//         .RegisterWorkflow("Teardown", provisioning::Teardown);
//     return temporal::RunReplayCli(argc, argv, replayer);
//   }
//
//   # CMake: add_executable(replay replay_main.cc)
//   #        target_link_libraries(replay PRIVATE temporal::sdk provisioning_workflows)
//
//   $ ./replay histories/*.json
//   OK  histories/provision-17.json (23 events)
//   NONDETERMINISM  histories/provision-18.json: [TMPRL1100] nondeterminism at history event 11:
//   ...
//
// The repository's tools/temporal-replay is such a binary, with the SDK's
// sample workflows.
//
// Replay mode in your worker binary
// ---------------------------------
// A worker binary already has every workflow it runs compiled in, so it can be
// its own replay tool: RunReplayModeIfRequested gives it a `--replay` mode that
// needs no server. Register the workflows in one function that takes either a
// Worker or a Replayer (both have RegisterWorkflow), so the two can never drift:
//
//   template <typename Registry>   // temporal::Worker or temporal::Replayer
//   void RegisterWorkflows(Registry& registry) {
//     registry.RegisterWorkflow("Provision", provisioning::Provision);
//   }
//
//   int main(int argc, char** argv) {
//     if (std::optional<int> replayed = temporal::RunReplayModeIfRequested(
//             argc, argv, [](temporal::Replayer& replayer) { RegisterWorkflows(replayer); })) {
//       return *replayed;
//     }
//     ...connect, RegisterWorkflows(worker), register activities, worker.Run()...
//   }
//
//   $ ./my-worker --replay histories/*.json
//   $ ./my-worker --replay --workflow-id order-17 order-17.json
//
// examples/provision_application/worker_main.cc does exactly this.
#pragma once

#include <functional>
#include <optional>
#include <ostream>

#include "temporal/worker/replayer.h"

namespace temporal {

/// RunReplayCli runs `PROGRAM [--workflow-id ID] FILE...`: it loads each FILE
/// (Replayer::LoadHistoryFile: proto3 JSON, legacy PascalCase enums accepted)
/// and replays it with `replayer`, printing one line per file to stdout:
///
///   OK  FILE (N events)
///   NONDETERMINISM  FILE: <message, with the history event id>
///   FAILED  FILE: <error>            (unknown workflow type, workflow task failure)
///   UNREADABLE  FILE: <error>        (missing file, malformed JSON)
///
/// and, for several files, a summary line. It returns the process exit code:
/// 0 when every history replayed, 2 for a usage error or an unreadable file,
/// otherwise 1. `--help` lists the registered workflow types.
int RunReplayCli(int argc, char** argv, Replayer& replayer);

/// RunReplayCli with explicit output streams (`out` for results and help,
/// `err` for usage errors), for tests.
int RunReplayCli(int argc, char** argv, Replayer& replayer, std::ostream& out, std::ostream& err);

/// kReplayModeFlag is the argument that selects RunReplayModeIfRequested's replay mode.
inline constexpr char kReplayModeFlag[] = "--replay";

/// RunReplayModeIfRequested turns a worker's main into a replay tool when its
/// command line contains "--replay": it builds a Replayer, lets
/// `register_workflows` register the worker's workflows on it (and, when the
/// histories were written through a codec, set the data converter), and runs
/// RunReplayCli on the arguments after "--replay" (`[--workflow-id ID] FILE...`,
/// same output and exit codes). Arguments before "--replay" are the worker's
/// own and are left alone. Returns the exit code for main to return, or
/// std::nullopt when "--replay" is absent and the worker should start as usual.
std::optional<int> RunReplayModeIfRequested(
    int argc, char** argv, const std::function<void(Replayer&)>& register_workflows);

/// RunReplayModeIfRequested with explicit output streams, for tests.
std::optional<int> RunReplayModeIfRequested(
    int argc, char** argv, const std::function<void(Replayer&)>& register_workflows,
    std::ostream& out, std::ostream& err);

}  // namespace temporal
