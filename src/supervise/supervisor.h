// A set of named, long-running children (postgres per instance, krb5kdc, the gateway) with restart
// on unexpected exit and exponential backoff.
//
// Driving model: NO internal thread. The owner calls poll() from its loop (every ~100 ms is plenty);
// poll() reaps exited children with waitpid(pid, WNOHANG) per child — never waitpid(-1), so children
// owned by other code are left alone — and spawns the restarts that are due. The Supervisor must be
// used from one thread, and that thread should live as long as the children: PR_SET_PDEATHSIG fires
// when the *thread* that forked a child exits, not only when the process does.
//
// It must never signal a process group or a PID it did not start (and has not yet reaped).
#pragma once

#include <csignal>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "supervise/process.h"

namespace borealis::supervise {

struct RestartPolicy {
  bool restart = true;  // restart after any exit we did not ask for (crash or clean exit alike)
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  // A child that ran this long since its last (re)start counts as healthy: its next crash restarts
  // after initial_backoff again instead of the doubled value.
  std::chrono::milliseconds healthy_after{60'000};
};

struct ChildSpec {
  std::string name;
  ProcessSpec process;
  RestartPolicy restart;
  // How stop_all() stops this child: each signal in turn with its wait, then SIGKILL.
  std::vector<StopStep> stop_steps{{SIGTERM, std::chrono::seconds(10)}};
};

enum class ChildState {
  running,
  backoff,  // exited unexpectedly; will be restarted at next_start
  exited,   // exited and will not be restarted (policy says no, or a restart failed to spawn)
};

struct ChildInfo {
  std::string name;
  ChildState state = ChildState::running;
  std::optional<pid_t> pid;            // while running
  int restarts = 0;                    // how many times it was restarted after an unexpected exit
  std::optional<ExitStatus> last_exit;
  std::chrono::milliseconds current_backoff{0};
  std::optional<std::string> last_error;  // a failed respawn, e.g. the binary vanished
};

class Supervisor {
 public:
  Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;
  Supervisor(Supervisor&&) noexcept;
  Supervisor& operator=(Supervisor&&) noexcept;
  // Stops every child (stop_all), so nothing survives the Supervisor.
  ~Supervisor();

  // Spawns the child now. already_exists if a child of that name is supervised.
  Status start(ChildSpec spec);
  // Reaps exits and performs due restarts. Returns the names of children that exited since the last
  // call (for the caller's logs and status updates).
  std::vector<std::string> poll();
  // Stops and forgets `name`: no restart. Sends `signal`, waits `timeout`, then SIGKILL.
  Result<ExitStatus> stop(const std::string& name, int signal, std::chrono::milliseconds timeout);
  Result<ExitStatus> stop(const std::string& name, const std::vector<StopStep>& steps);
  // Stops every child in reverse start order with its own stop_steps.
  void stop_all();

  bool contains(const std::string& name) const;
  std::optional<pid_t> pid(const std::string& name) const;
  Result<ChildInfo> info(const std::string& name) const;
  std::vector<std::string> names() const;  // in start order

 private:
  struct Child;
  std::vector<std::unique_ptr<Child>> children_;  // start order
  Child* find(const std::string& name) const;
};

}  // namespace borealis::supervise
