// tests/drills/child_process.h: a process the drills start, SIGKILL and start
// again (the provisio-worker binary, the OpenTofu runner's node process).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace provisio_drill {

/// ChildProcess runs `argv` in a process group of its own (so that a SIGKILL
/// reaches what it started too: the runner's tofu and its provisioners), with
/// the drill's environment plus `environment`, output appended to `log`.
class ChildProcess {
 public:
  ChildProcess(std::string name, std::vector<std::string> argv,
               std::map<std::string, std::string> environment, std::filesystem::path log);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  /// Start starts it and waits (60 s at most) until its log, from this start
  /// on, has the line `ready_line`; throws naming the process and its log's
  /// tail when it exits first or is not ready in time.
  void Start(const std::string& ready_line);
  /// Kill sends `signal` to its whole process group and reaps it.
  void Kill(int signal);
  /// Stop asks it to stop (SIGTERM), then kills the group after 10 s.
  void Stop();
  bool Running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  /// LogTail returns the last `lines` lines of its log.
  std::string LogTail(int lines) const;

 private:
  std::string name_;
  std::vector<std::string> argv_;
  std::map<std::string, std::string> environment_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

}  // namespace provisio_drill
