// Test support for the example's tests that run its binaries as child processes:
// the worker as a long-running process (the soak), and one-shot commands whose
// exit status and output are the result (replay, export with the official CLI).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace provisio::provision_application::testing {

/// ReadText returns the whole file, or "" when it cannot be read.
inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Spawn starts `argv` (argv[0] is the executable's path) with this process's
/// environment, its stdout appended to `log` and its stderr to `error_log`
/// (to `log` too when empty). Returns the pid, or -1.
inline pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& log,
                   const std::filesystem::path& error_log = {}) {
  std::vector<char*> args;
  for (const std::string& argument : argv) args.push_back(const_cast<char*>(argument.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (error_log.empty()) {
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, error_log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawned == 0 ? pid : -1;
}

/// CommandResult is how a command ended: its exit code (-1 when it did not exit
/// normally, e.g. killed by a signal) and everything it wrote.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};

/// RunCommand runs `argv` to completion, stdout captured in `log` and stderr
/// in `error_log` (both truncated first; stderr goes to `log` when
/// `error_log` is empty), and returns how it ended; `output` is the content of
/// `log`.
inline CommandResult RunCommand(const std::vector<std::string>& argv,
                                const std::filesystem::path& log,
                                const std::filesystem::path& error_log = {}) {
  std::filesystem::remove(log);
  if (!error_log.empty()) std::filesystem::remove(error_log);
  CommandResult result;
  const pid_t pid = Spawn(argv, log, error_log);
  if (pid < 0) {
    result.output = "cannot start " + argv[0];
    return result;
  }
  int status = 0;
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.output = ReadText(log);
  return result;
}

/// IsRunning tells whether the child `pid` has not exited (it is not reaped).
inline bool IsRunning(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == 0;
}

/// StopAndWait sends SIGTERM (the worker's graceful shutdown) and waits at most
/// `bound` for the exit, then kills. Returns the exit code, -1 when it did not
/// exit normally (killed, crashed).
inline int StopAndWait(pid_t pid, std::chrono::seconds bound) {
  kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + bound;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t reaped = waitpid(pid, &status, WNOHANG);
    if (reaped == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (reaped < 0) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

/// SanitizerReport returns the first line of an AddressSanitizer,
/// LeakSanitizer or UndefinedBehaviorSanitizer report in `log`, if any.
inline std::optional<std::string> SanitizerReport(const std::string& log) {
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
    const std::size_t at = log.find(marker);
    if (at == std::string::npos) continue;
    const std::size_t begin = log.rfind('\n', at);
    const std::size_t end = log.find('\n', at);
    return log.substr(begin == std::string::npos ? 0 : begin + 1,
                      end == std::string::npos
                          ? std::string::npos
                          : end - (begin == std::string::npos ? 0 : begin + 1));
  }
  return std::nullopt;
}

}  // namespace provisio::provision_application::testing
