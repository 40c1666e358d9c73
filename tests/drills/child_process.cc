#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace provisio_drill {

using namespace std::chrono_literals;

ChildProcess::ChildProcess(std::string name, std::vector<std::string> argv,
                           std::map<std::string, std::string> environment,
                           std::filesystem::path log)
    : name_(std::move(name)),
      argv_(std::move(argv)),
      environment_(std::move(environment)),
      log_(std::move(log)) {}

ChildProcess::~ChildProcess() {
  if (Running()) Kill(SIGKILL);
}

void ChildProcess::Start(const std::string& ready_line) {
  if (Running()) throw std::logic_error(name_ + " is already running");
  std::error_code ignored;
  const auto log_start =
      std::filesystem::exists(log_) ? std::filesystem::file_size(log_, ignored) : 0;
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork " + name_ + " failed");
  if (pid == 0) {
    // The child: a group of its own, the log as stdout and stderr.
    setpgid(0, 0);
    const int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    for (const auto& [key, value] : environment_) {
      if (value.empty())
        unsetenv(key.c_str());
      else
        setenv(key.c_str(), value.c_str(), 1);
    }
    std::vector<char*> args;
    for (const std::string& arg : argv_) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also from here, so Kill never races the child's own call
  pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (true) {
    std::ifstream log(log_);
    log.seekg(static_cast<std::streamoff>(log_start));
    for (std::string line; std::getline(log, line);)
      if (line == ready_line) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error(name_ + " exited before it was ready; its log:\n" + LogTail(30));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      Kill(SIGKILL);
      throw std::runtime_error(name_ + " was not ready within 60 s; its log:\n" + LogTail(30));
    }
    std::this_thread::sleep_for(100ms);
  }
}

void ChildProcess::Kill(int signal) {
  if (!Running()) return;
  kill(-pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  // The group may outlive its leader for a moment (tofu, a provisioner's
  // sleep): SIGKILL whatever is left of it.
  if (signal == SIGKILL) kill(-pid_, SIGKILL);
  pid_ = -1;
}

void ChildProcess::Stop() {
  if (!Running()) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      kill(-pid_, SIGKILL);
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(100ms);
  }
  Kill(SIGKILL);
}

std::string ChildProcess::LogTail(int lines) const {
  std::ifstream log(log_);
  std::deque<std::string> tail;
  for (std::string line; std::getline(log, line);) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const std::string& line : tail) out += "  " + line + "\n";
  return out;
}

}  // namespace provisio_drill
