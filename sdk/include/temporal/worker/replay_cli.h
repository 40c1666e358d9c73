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
#pragma once

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

}  // namespace temporal
