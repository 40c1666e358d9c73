// api/cli/stack_commands.h: `provisio stack recover`, which starts the Stack
// entities and their drift schedules again from the stack registry in
// PostgreSQL after Temporal's data is lost (docs/provisioning.md,
// "Recovering the stacks").
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace provisio::cli {

/// AddStackCommands adds the `stack` command and its subcommands to `app`;
/// each sets `run` to what it does (returning the exit status).
void AddStackCommands(CLI::App& app, std::function<int()>& run);

}  // namespace provisio::cli
