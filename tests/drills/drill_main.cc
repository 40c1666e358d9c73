// provisio-drill: the crash drills (docs/provisioning.md, "Drills").
//
//   provisio-drill --set             the set scripts/test runs: the worker and the
//                                    runner each SIGKILLed before the first
//                                    resource, after the 3rd of 10, after the
//                                    last and during a rollback, and a dev-server
//                                    restart in the middle of an apply
//   provisio-drill --runs N [--seed S]
//                                    N drills at random points (victim, phase,
//                                    first apply or rollback); prints the kills
//                                    per phase and how many converged
//
// Each drill runs on a new stack in one environment of its own
// (drill_environment.h). Exits 0 only when every drill converged.
#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>

#include "drill.h"

namespace {

using provisio_drill::DrillOutcome;
using provisio_drill::KillPoint;
using provisio_drill::Victim;

int Usage() {
  std::cerr << "usage: provisio-drill --set | --runs N [--seed S]\n";
  return 2;
}

void Report(const std::string& what, const DrillOutcome& outcome) {
  std::printf("%-7s %-52s %5.1f s  %s\n", outcome.converged ? "ok" : "FAILED", what.c_str(),
              outcome.seconds, outcome.note.c_str());
  for (const std::string& problem : outcome.problems)
    std::printf("        - %s\n", problem.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  bool set = false;
  int runs = 0;
  std::uint64_t seed = std::random_device{}();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--set") {
      set = true;
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      return Usage();
    }
  }
  if (set == (runs > 0)) return Usage();

  spdlog::set_level(spdlog::level::warn);  // the drill's own report, not the SDK's chatter
  provisio_drill::DrillEnvironment environment;
  try {
    environment.Start();
  } catch (const std::exception& error) {
    std::cerr << "provisio-drill: " << error.what() << "\n";
    return 1;
  }
  int passed = 0;
  int failed = 0;
  auto count = [&](const DrillOutcome& outcome) { ++(outcome.converged ? passed : failed); };

  // The last converged drill's stack, at generation 1: a rollback drill
  // changes it rather than provision one more (a third less time).
  std::string provisioned;
  if (set) {
    for (Victim victim : {Victim::kWorker, Victim::kRunner}) {
      for (KillPoint point : {KillPoint{victim, 0, false}, KillPoint{victim, 3, false},
                              KillPoint{victim, 10, false}, KillPoint{victim, 3, true}}) {
        DrillOutcome outcome = provisio_drill::RunKillDrill(environment, point, provisioned);
        if (outcome.converged) provisioned = outcome.stack;
        Report("SIGKILL " + provisio_drill::VictimName(victim) + ", " +
                   provisio_drill::PhaseName(point),
               outcome);
        count(outcome);
      }
    }
    DrillOutcome outcome = provisio_drill::RunDevServerRestartDrill(environment);
    Report("dev-server restart, after 3 of 10", outcome);
    count(outcome);
  } else {
    std::printf("%d drills at random points (seed %llu)\n", runs,
                static_cast<unsigned long long>(seed));
    std::mt19937_64 random(seed);
    // Kills per phase, per victim: [phase] -> {worker, runner, converged}.
    std::map<std::string, std::array<int, 3>> per_phase;
    for (int run = 1; run <= runs; ++run) {
      KillPoint point;
      point.victim = random() % 2 == 0 ? Victim::kWorker : Victim::kRunner;
      point.during_rollback = random() % 4 == 0;
      point.files_done = static_cast<int>(random() % 11);
      DrillOutcome outcome = provisio_drill::RunKillDrill(environment, point, provisioned);
      if (outcome.converged) provisioned = outcome.stack;
      const std::string phase = provisio_drill::PhaseName(point);
      Report(std::to_string(run) + ": SIGKILL " + provisio_drill::VictimName(point.victim) + ", " +
                 phase,
             outcome);
      auto& row = per_phase[phase];
      ++row[point.victim == Victim::kWorker ? 0 : 1];
      if (outcome.converged) ++row[2];
      count(outcome);
    }
    std::printf("\nkills per phase            worker runner converged\n");
    for (const auto& [phase, row] : per_phase)
      std::printf("  %-32s %4d %6d %6d/%d\n", phase.c_str(), row[0], row[1], row[2],
                  row[0] + row[1]);
    std::printf("converged: %d/%d\n", passed, passed + failed);
  }
  // A drill that did not converge is diagnosed from the logs and histories:
  // the databases go, the state directory stays.
  if (failed > 0) std::printf("state kept for a look: %s\n", environment.KeepState().c_str());
  environment.Shutdown();
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
