#include "temporal/worker/replay_cli.h"

#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace temporal {
namespace {

// Exit codes, documented in replay_cli.h and the --help footer.
constexpr int kExitOk = 0;
constexpr int kExitReplayFailed = 1;
constexpr int kExitUsage = 2;

std::string Footer(const Replayer& replayer) {
  std::string types;
  for (const std::string& name : replayer.workflow_types())
    types += (types.empty() ? "" : ", ") + name;
  return "Registered workflow types: " + (types.empty() ? std::string("(none)") : types) +
         "\n\nExit status: 0 every history replayed; 1 a history did not replay "
         "(non-determinism, unknown workflow type, workflow task failure); 2 usage error or "
         "unreadable file.";
}

}  // namespace

int RunReplayCli(int argc, char** argv, Replayer& replayer) {
  return RunReplayCli(argc, argv, replayer, std::cout, std::cerr);
}

int RunReplayCli(int argc, char** argv, Replayer& replayer, std::ostream& out, std::ostream& err) {
  CLI::App app(
      "Replays workflow histories against the workflows compiled into this program and reports "
      "non-determinism. Export a history with: temporal workflow show -w ID --output json > FILE",
      argc > 0 ? argv[0] : "temporal-replay");
  std::string workflow_id = "replay";
  std::vector<std::string> files;
  app.add_option("--workflow-id", workflow_id,
                 "What workflow::Info().workflow_id returns during replay")
      ->capture_default_str();
  app.add_option("files", files, "History files (JSON)")->required()->type_name("FILE");
  app.footer(Footer(replayer));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error, out, err);
    return code == 0 ? kExitOk : kExitUsage;  // --help is not an error
  }

  int ok = 0, nondeterministic = 0, failed = 0, unreadable = 0;
  for (const std::string& file : files) {
    auto history = Replayer::LoadHistoryFile(file);
    if (!history) {
      ++unreadable;
      // LoadHistoryFile's message starts with the file name, already printed.
      std::string message = history.error().message();
      if (message.rfind(file + ": ", 0) == 0) message.erase(0, file.size() + 2);
      out << "UNREADABLE  " << file << ": " << ErrorCodeName(history.error().code()) << ": "
          << message << "\n";
      continue;
    }
    Status replayed = replayer.ReplayHistory(*history, workflow_id);
    if (replayed) {
      ++ok;
      out << "OK  " << file << " (" << history->events_size() << " events)\n";
    } else if (replayed.error().code() == ErrorCode::kNondeterminism) {
      ++nondeterministic;
      out << "NONDETERMINISM  " << file << ": " << replayed.error().message() << "\n";
    } else {
      ++failed;
      out << "FAILED  " << file << ": " << replayed.error().ToString() << "\n";
    }
  }
  if (files.size() > 1) {
    out << files.size() << " histories: " << ok << " OK, " << nondeterministic
        << " nondeterministic, " << failed << " failed, " << unreadable << " unreadable\n";
  }
  out.flush();
  if (unreadable > 0) return kExitUsage;
  if (nondeterministic > 0 || failed > 0) return kExitReplayFailed;
  return kExitOk;
}

std::optional<int> RunReplayModeIfRequested(
    int argc, char** argv, const std::function<void(Replayer&)>& register_workflows) {
  return RunReplayModeIfRequested(argc, argv, register_workflows, std::cout, std::cerr);
}

std::optional<int> RunReplayModeIfRequested(
    int argc, char** argv, const std::function<void(Replayer&)>& register_workflows,
    std::ostream& out, std::ostream& err) {
  int flag = 1;
  while (flag < argc && std::strcmp(argv[flag], kReplayModeFlag) != 0) ++flag;
  if (flag >= argc) return std::nullopt;

  Replayer replayer;
  register_workflows(replayer);
  // The replay command line is the program name followed by what came after
  // --replay; the usage line then reads "PROGRAM --replay".
  std::string program = std::string(argc > 0 ? argv[0] : "worker") + " " + kReplayModeFlag;
  std::vector<char*> replay_argv;
  replay_argv.push_back(program.data());
  for (int i = flag + 1; i < argc; ++i) replay_argv.push_back(argv[i]);
  return RunReplayCli(static_cast<int>(replay_argv.size()), replay_argv.data(), replayer, out, err);
}

}  // namespace temporal
