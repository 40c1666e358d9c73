// api/cli/user_commands.h: `provisio user add|passwd|roles`, the users the
// HTTP API signs in (docs/api.md, "Users").
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace provisio::cli {

/// AddUserCommands adds the `user` command and its subcommands to `app`;
/// each sets `run` to what it does (returning the exit status).
void AddUserCommands(CLI::App& app, std::function<int()>& run);

}  // namespace provisio::cli
