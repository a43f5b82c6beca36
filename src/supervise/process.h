// One child process, started with fork+exec (posix_spawn cannot drop privileges) under strict
// hygiene: explicit argv and environment (nothing inherited, so no secret leaks from our env),
// optional uid/gid drop, stdout+stderr appended to a 0600 log file, its own process group, every
// other fd closed, and PR_SET_PDEATHSIG so it never outlives a crashed borealis.
//
// It must never signal anything but its own PID, and never wait for anything but its own PID
// (no waitpid(-1), no kill(-pgid)): other code in this process may own other children.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace borealis::supervise {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] must be an absolute path: no PATH search
  std::vector<std::string> env;   // "KEY=VALUE": the child's complete environment
  std::string working_dir = "/";
  std::optional<uid_t> uid;       // only when running as root: setgroups(0)+setgid+setuid
  std::optional<gid_t> gid;
  std::string log_path;           // stdout+stderr, O_APPEND, created 0600 owned by uid; empty: /dev/null
  // Sent to the child when the thread that spawned it dies. 0 disables it — only for a child that
  // must outlive a control-plane restart (the design wants the gateway to keep client sessions).
  int parent_death_signal = SIGTERM;
};

struct ExitStatus {
  bool signaled = false;
  int code = 0;    // exit code when !signaled
  int signal = 0;  // terminating signal when signaled
  bool success() const { return !signaled && code == 0; }
  std::string describe() const;  // "exit 3", "signal 9 (Killed)"
};

ExitStatus decode_wait_status(int status);

// True while a process with this PID exists and is not a zombie (read from /proc/<pid>/stat). For
// tests and diagnostics: it cannot tell a reused PID from the original process.
bool pid_alive(pid_t pid);

struct StopStep {
  int signal;
  std::chrono::milliseconds wait;  // how long to wait for exit after sending `signal`
};

class Process {
 public:
  // Starts the child. Errors that happen in the child before exec (chdir, setuid, exec itself) are
  // reported back through a close-on-exec pipe, so a missing binary is an error here, not a crash later.
  static Result<Process> spawn(const ProcessSpec& spec);

  Process() = default;
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  // A still-running child is killed (SIGKILL) and reaped: a Process never leaks a child or a zombie.
  ~Process();

  pid_t pid() const noexcept { return pid_; }
  bool running() const noexcept { return pid_ > 0 && !exit_.has_value(); }
  const std::optional<ExitStatus>& exit_status() const noexcept { return exit_; }

  // Non-blocking reap (waitpid(pid, WNOHANG)). nullopt while the child runs.
  Result<std::optional<ExitStatus>> try_wait();
  // Waits up to `timeout` (polling); nullopt if still running.
  Result<std::optional<ExitStatus>> wait_for(std::chrono::milliseconds timeout);
  Result<ExitStatus> wait();
  // kill(pid, sig); refused once the child has been reaped (the PID may belong to someone else now).
  Status signal(int sig);
  // Sends each step's signal and waits; if the child is still alive after the last step, SIGKILL.
  Result<ExitStatus> stop(const std::vector<StopStep>& steps);

 private:
  explicit Process(pid_t pid) : pid_(pid) {}
  void kill_and_reap() noexcept;
  pid_t pid_ = -1;
  std::optional<ExitStatus> exit_;
};

}  // namespace borealis::supervise
