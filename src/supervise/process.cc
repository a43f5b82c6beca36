// fork+exec with privilege drop and fd/signal hygiene (see process.h). Between fork and exec the
// child only makes async-signal-safe calls: everything it needs is prepared before fork().
#include "supervise/process.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "common/fd.h"
#include "common/fs.h"

namespace borealis::supervise {
namespace {

// What the child was doing when it failed; sent to the parent with errno over the CLOEXEC pipe.
enum class ChildStage : int { setpgid = 1, dup, setgroups, setgid, setuid, chdir, pdeathsig, parent_gone, exec };

const char* stage_name(ChildStage s) {
  switch (s) {
    case ChildStage::setpgid: return "setpgid";
    case ChildStage::dup: return "redirect stdio";
    case ChildStage::setgroups: return "setgroups";
    case ChildStage::setgid: return "setgid";
    case ChildStage::setuid: return "setuid";
    case ChildStage::chdir: return "chdir";
    case ChildStage::pdeathsig: return "prctl(PR_SET_PDEATHSIG)";
    case ChildStage::parent_gone: return "parent exited during spawn";
    case ChildStage::exec: return "exec";
  }
  return "?";
}

struct ChildFailure {
  int stage;
  int err;
};

[[noreturn]] void child_fail(int fd, ChildStage stage) {
  ChildFailure f{static_cast<int>(stage), errno};
  ssize_t ignored = ::write(fd, &f, sizeof f);
  (void)ignored;
  ::_exit(127);
}

// Closes every fd >= 3 except `keep` (the error pipe, itself CLOEXEC so exec closes it).
void close_other_fds(int keep) {
  bool ok = true;
  if (keep > 3) ok = ::close_range(3, static_cast<unsigned>(keep - 1), 0) == 0;
  ok = ok && ::close_range(static_cast<unsigned>(keep + 1), ~0U, 0) == 0;
  if (!ok) {  // kernel without close_range (< 5.9): brute force is still async-signal-safe
    for (int fd = 3; fd < 65536; ++fd)
      if (fd != keep) ::close(fd);
  }
}

std::vector<char*> to_c_array(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

Error errno_error(const std::string& what) {
  return make_error(Errc::io_error, what + ": " + std::strerror(errno));
}

}  // namespace

std::string ExitStatus::describe() const {
  if (!signaled) return "exit " + std::to_string(code);
  const char* abbrev = ::sigabbrev_np(signal);
  return "signal " + std::to_string(signal) + (abbrev ? std::string(" (SIG") + abbrev + ")" : "");
}

bool pid_alive(pid_t pid) {
  auto stat = fs::read_file("/proc/" + std::to_string(pid) + "/stat", 4096);
  if (!stat) return false;
  // The state letter follows the command name, which is in parentheses and may contain anything.
  auto close = stat->rfind(')');
  return close != std::string::npos && close + 2 < stat->size() && (*stat)[close + 2] != 'Z';
}

ExitStatus decode_wait_status(int status) {
  ExitStatus e;
  if (WIFSIGNALED(status)) {
    e.signaled = true;
    e.signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    e.code = WEXITSTATUS(status);
  }
  return e;
}

Result<Process> Process::spawn(const ProcessSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty() || spec.argv[0][0] != '/')
    return make_error(Errc::invalid_argument, "spawn: argv[0] must be an absolute path");
  const bool as_root = ::geteuid() == 0;
  if ((spec.uid || spec.gid) && !as_root && spec.uid && *spec.uid != ::geteuid())
    return make_error(Errc::invalid_argument, "spawn: changing uid needs root");

  std::vector<char*> argv = to_c_array(spec.argv);
  std::vector<char*> envp = to_c_array(spec.env);
  const std::string working_dir = spec.working_dir.empty() ? "/" : spec.working_dir;

  UniqueFd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!devnull) return errno_error("open /dev/null");
  UniqueFd log;
  if (spec.log_path.empty()) {
    log = UniqueFd(::dup(devnull.get()));
  } else {
    // 0600 and owned by the child's user: logs can carry connection details an operator must see
    // but other local users must not.
    log = UniqueFd(::open(spec.log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!log) return errno_error("open log " + spec.log_path);
    if (as_root && (spec.uid || spec.gid) &&
        ::fchown(log.get(), spec.uid.value_or(static_cast<uid_t>(-1)), spec.gid.value_or(static_cast<gid_t>(-1))) != 0)
      return errno_error("chown log " + spec.log_path);
  }
  if (!log) return errno_error("dup /dev/null");

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return errno_error("pipe2");
  UniqueFd err_read(pipe_fds[0]);
  UniqueFd err_write(pipe_fds[1]);

  const pid_t parent = ::getpid();
  // Block every signal across fork so the child cannot run one of our handlers before it has reset
  // them; the parent restores its mask right after.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int efd = err_write.get();
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      ::signal(sig, SIG_DFL);  // ignored dispositions (e.g. SIGPIPE) would otherwise survive exec
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // Own process group: a terminal's Ctrl-C reaches borealis, which then stops children in order.
    if (::setpgid(0, 0) != 0) child_fail(efd, ChildStage::setpgid);
    if (::dup2(devnull.get(), STDIN_FILENO) < 0 || ::dup2(log.get(), STDOUT_FILENO) < 0 ||
        ::dup2(log.get(), STDERR_FILENO) < 0)
      child_fail(efd, ChildStage::dup);
    if (as_root && (spec.uid || spec.gid)) {
      if (::setgroups(0, nullptr) != 0) child_fail(efd, ChildStage::setgroups);  // drop root's groups
      if (spec.gid && ::setgid(*spec.gid) != 0) child_fail(efd, ChildStage::setgid);
      if (spec.uid && ::setuid(*spec.uid) != 0) child_fail(efd, ChildStage::setuid);
    }
    if (::chdir(working_dir.c_str()) != 0) child_fail(efd, ChildStage::chdir);
    // After the uid change: the kernel clears the parent-death signal when credentials change.
    if (spec.parent_death_signal != 0) {
      if (::prctl(PR_SET_PDEATHSIG, spec.parent_death_signal) != 0) child_fail(efd, ChildStage::pdeathsig);
      // The parent may have died before prctl took effect; then nobody would ever signal us.
      if (::getppid() != parent) child_fail(efd, ChildStage::parent_gone);
    }
    close_other_fds(efd);
    ::execve(argv[0], argv.data(), envp.data());
    child_fail(efd, ChildStage::exec);
  }
  const int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    errno = fork_errno;
    return errno_error("fork");
  }
  err_write.reset();  // so read() sees EOF once exec succeeds

  Process proc(pid);
  ChildFailure failure{};
  ssize_t n;
  do {
    n = ::read(err_read.get(), &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    (void)proc.wait();  // the child already _exit'ed; reap it
    return make_error(Errc::io_error, "spawn " + spec.argv[0] + ": " +
                                          stage_name(static_cast<ChildStage>(failure.stage)) + ": " +
                                          std::strerror(failure.err));
  }
  return proc;
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_(std::exchange(other.exit_, std::nullopt)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    exit_ = std::exchange(other.exit_, std::nullopt);
  }
  return *this;
}

Process::~Process() { kill_and_reap(); }

void Process::kill_and_reap() noexcept {
  if (running()) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
  }
}

Result<std::optional<ExitStatus>> Process::try_wait() {
  if (pid_ <= 0) return make_error(Errc::invalid_argument, "no process");
  if (exit_) return exit_;
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &st, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return errno_error("waitpid " + std::to_string(pid_));
  if (r == 0) return std::optional<ExitStatus>();
  exit_ = decode_wait_status(st);
  return exit_;
}

Result<std::optional<ExitStatus>> Process::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto r = try_wait();
    if (!r || r->has_value()) return r;
    if (std::chrono::steady_clock::now() >= deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Result<ExitStatus> Process::wait() {
  if (pid_ <= 0) return make_error(Errc::invalid_argument, "no process");
  if (exit_) return *exit_;
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &st, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return errno_error("waitpid " + std::to_string(pid_));
  exit_ = decode_wait_status(st);
  return *exit_;
}

Status Process::signal(int sig) {
  if (!running()) return make_error(Errc::invalid_argument, "process is not running");
  if (::kill(pid_, sig) != 0) return errno_error("kill " + std::to_string(pid_));
  return ok_status();
}

Result<ExitStatus> Process::stop(const std::vector<StopStep>& steps) {
  if (pid_ <= 0) return make_error(Errc::invalid_argument, "no process");
  for (const auto& step : steps) {
    auto done = try_wait();
    if (!done) return std::move(done).error();
    if (done->has_value()) return **done;
    (void)signal(step.signal);  // ESRCH just means it is exiting; the wait below reaps it
    auto r = wait_for(step.wait);
    if (!r) return std::move(r).error();
    if (r->has_value()) return **r;
  }
  if (running()) (void)signal(SIGKILL);
  return wait();
}

}  // namespace borealis::supervise
