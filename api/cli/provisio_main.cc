// provisio: the platform's operator CLI (C++). For now:
//
//   provisio user add ID --email E [--name N] [--role R]... [--team T]... [--password-stdin]
//   provisio user passwd ID [--password-stdin]
//   provisio user roles ID [--set R... | --add R... | --remove R...]
//   provisio stack recover [--database D] [--address HOST:PORT] [--namespace NS]
//
// against the platform database named by PROVISIO_DATABASE (or --database).
// The template author's `provisio template validate` is the Go tool in
// tools/provisio (docs/iac.md).
#include <CLI/CLI.hpp>
#include <functional>

#include "cli/stack_commands.h"
#include "cli/user_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"provisio: manage the Provisio platform"};
  app.require_subcommand(1);
  std::function<int()> run;
  provisio::cli::AddUserCommands(app, run);
  provisio::cli::AddStackCommands(app, run);
  CLI11_PARSE(app, argc, argv);
  return run ? run() : 2;
}
