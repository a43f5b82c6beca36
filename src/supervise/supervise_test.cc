// Tests for Process, Supervisor and the service-user helper, using small /bin/sh scripts.
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/fd.h"
#include "common/fs.h"
#include "supervise/process.h"
#include "supervise/service_user.h"
#include "supervise/supervisor.h"

namespace borealis::supervise {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class SuperviseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-supervise-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)fs::remove_tree(dir_); }

  ProcessSpec sh(const std::string& script, const std::string& log = "") {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.working_dir = dir_;
    spec.log_path = log;
    return spec;
  }

  static ChildSpec child(const std::string& name, ProcessSpec process) {
    ChildSpec spec;
    spec.name = name;
    spec.process = std::move(process);
    return spec;
  }

  std::string read(const std::string& name) {
    auto r = fs::read_file(dir_ + "/" + name);
    return r ? *r : std::string();
  }

  // True while `pid` exists and is not a zombie.
  static bool alive(pid_t pid) { return pid_alive(pid); }

  template <class Pred>
  static bool eventually(Pred pred, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return pred();
  }

  std::string dir_;
};

TEST_F(SuperviseTest, ExitCodeAndLogsCaptured) {
  const std::string log = dir_ + "/child.log";
  {
    auto p = Process::spawn(sh("echo to-stdout; echo to-stderr >&2; exit 3", log));
    ASSERT_TRUE(p.ok()) << p.error().message;
    auto st = p->wait();
    ASSERT_TRUE(st.ok());
    EXPECT_FALSE(st->signaled);
    EXPECT_EQ(st->code, 3);
  }
  auto p2 = Process::spawn(sh("echo second-run", log));
  ASSERT_TRUE(p2.ok());
  ASSERT_TRUE(p2->wait().ok());
  EXPECT_EQ(read("child.log"), "to-stdout\nto-stderr\nsecond-run\n");  // appended, not truncated
  struct stat st {};
  ASSERT_EQ(::stat(log.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SuperviseTest, SpawnFailureIsReportedNotCrashed) {
  ProcessSpec spec;
  spec.argv = {"/nonexistent/binary"};
  auto p = Process::spawn(spec);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("exec"), std::string::npos) << p.error().message;
  spec.argv = {"relative"};
  EXPECT_EQ(Process::spawn(spec).error().code, Errc::invalid_argument);
}

TEST_F(SuperviseTest, EnvironmentIsExplicitAndFdsAreClosed) {
  ::setenv("BOREALIS_TEST_SECRET", "hunter2", 1);
  UniqueFd leaky(::open("/dev/null", O_RDONLY));  // no O_CLOEXEC on purpose
  ASSERT_TRUE(leaky.valid());
  ProcessSpec spec = sh("echo \"secret=${BOREALIS_TEST_SECRET:-unset} foo=$FOO\"; "
                        "if [ -e /proc/$$/fd/" + std::to_string(leaky.get()) + " ]; then echo leaked; else echo closed; fi; "
                        "ps -o pgid= -p $$ | tr -d ' '; echo $$",
                        dir_ + "/out.log");
  spec.env.push_back("FOO=bar");
  auto p = Process::spawn(spec);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->wait().ok());
  ::unsetenv("BOREALIS_TEST_SECRET");
  std::istringstream out(read("out.log"));
  std::string line1, line2, pgid, pid;
  std::getline(out, line1);
  std::getline(out, line2);
  std::getline(out, pgid);
  std::getline(out, pid);
  EXPECT_EQ(line1, "secret=unset foo=bar");
  EXPECT_EQ(line2, "closed");
  EXPECT_EQ(pgid, pid) << "child must lead its own process group";
  EXPECT_EQ(pid, std::to_string(p->pid()));
}

TEST_F(SuperviseTest, StopEscalatesToSigkillWhenTermIsIgnored) {
  auto p = Process::spawn(sh("trap '' TERM; while :; do sleep 0.05; done"));
  ASSERT_TRUE(p.ok());
  std::this_thread::sleep_for(100ms);  // let the trap be installed
  auto start = Clock::now();
  auto st = p->stop({{SIGTERM, 300ms}});
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->signaled);
  EXPECT_EQ(st->signal, SIGKILL);
  EXPECT_GE(Clock::now() - start, 300ms);
  EXPECT_FALSE(p->running());
}

TEST_F(SuperviseTest, ChildDiesWithItsParent) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    ::close(fds[0]);
    ProcessSpec spec;
    spec.argv = {"/bin/sleep", "30"};
    auto p = Process::spawn(spec);
    pid_t pid = p ? p->pid() : -1;
    (void)!::write(fds[1], &pid, sizeof pid);
    ::_exit(0);  // a "crash": the sleep must get SIGTERM from PR_SET_PDEATHSIG
  }
  ::close(fds[1]);
  pid_t grandchild = -1;
  ASSERT_EQ(::read(fds[0], &grandchild, sizeof grandchild), static_cast<ssize_t>(sizeof grandchild));
  ::close(fds[0]);
  ::waitpid(middle, nullptr, 0);
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(eventually([&] { return !alive(grandchild); }, 3s));
  if (alive(grandchild)) ::kill(grandchild, SIGKILL);
}

TEST_F(SuperviseTest, RestartsWithExponentialBackoff) {
  Supervisor sup;
  ChildSpec spec = child("crasher", sh("echo run >> runs.txt; exit 1"));
  ASSERT_TRUE(sup.start(spec).ok());
  std::vector<Clock::time_point> starts{Clock::now()};
  pid_t last = *sup.pid("crasher");
  auto deadline = Clock::now() + 5s;
  while (starts.size() < 4 && Clock::now() < deadline) {
    sup.poll();
    auto pid = sup.pid("crasher");
    if (pid && *pid != last) {
      last = *pid;
      starts.push_back(Clock::now());
    }
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(starts.size(), 4u);
  // Backoff 0.5 s, 1 s, 2 s (the child exits immediately, so the gaps are the backoff).
  EXPECT_GE(starts[1] - starts[0], 480ms);
  EXPECT_LT(starts[1] - starts[0], 800ms);
  EXPECT_GE(starts[2] - starts[1], 980ms);
  EXPECT_LT(starts[2] - starts[1], 1400ms);
  EXPECT_GE(starts[3] - starts[2], 1980ms);
  auto info = sup.info("crasher");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->restarts, 3);
  ASSERT_TRUE(info->last_exit.has_value());
  EXPECT_EQ(info->last_exit->code, 1);
}

TEST_F(SuperviseTest, BackoffResetsAfterHealthyRun) {
  Supervisor sup;
  ChildSpec spec = child("flaky", sh("sleep 0.3; exit 1"));
  spec.restart.initial_backoff = 50ms;
  spec.restart.healthy_after = 200ms;  // every run of 0.3 s counts as healthy
  ASSERT_TRUE(sup.start(spec).ok());
  auto deadline = Clock::now() + 3s;
  while (Clock::now() < deadline && sup.info("flaky")->restarts < 3) {
    sup.poll();
    EXPECT_LE(sup.info("flaky")->current_backoff, 50ms);
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GE(sup.info("flaky")->restarts, 3);
}

TEST_F(SuperviseTest, NoRestartPolicyAndStopAllInReverseOrder) {
  Supervisor sup;
  ChildSpec once = child("once", sh("exit 0"));
  once.restart.restart = false;
  ASSERT_TRUE(sup.start(once).ok());
  for (const std::string name : {"first", "second", "third"}) {
    ChildSpec s = child(name, sh("trap 'echo " + name + " >> order.txt; exit 0' TERM; while :; do sleep 0.02; done"));
    ASSERT_TRUE(sup.start(s).ok());
  }
  EXPECT_EQ(sup.start(child("first", sh("true"))).error().code, Errc::already_exists);
  std::this_thread::sleep_for(150ms);
  EXPECT_TRUE(eventually([&] { sup.poll(); return sup.info("once")->state == ChildState::exited; }, 2s));
  sup.stop_all();
  EXPECT_TRUE(sup.names().empty());
  EXPECT_EQ(read("order.txt"), "third\nsecond\nfirst\n");
}

TEST_F(SuperviseTest, StopSignalsOnlyTheChildPid) {
  Supervisor sup;
  // The grandchild shares the child's process group; stopping the child must not touch it.
  ASSERT_TRUE(sup.start(child("parent", sh("sleep 30 & echo $! > grandchild.pid; wait"))).ok());
  ASSERT_TRUE(eventually([&] { return read("grandchild.pid").size() > 1; }, 2s));
  pid_t grandchild = std::atoi(read("grandchild.pid").c_str());
  pid_t child = *sup.pid("parent");
  auto st = sup.stop("parent", SIGTERM, 2s);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_FALSE(alive(child));
  EXPECT_TRUE(alive(grandchild));
  ::kill(grandchild, SIGKILL);  // ours to clean up; it was reparented away from us
  EXPECT_EQ(sup.stop("parent", SIGTERM, 1s).error().code, Errc::not_found);
}

TEST_F(SuperviseTest, PollNeverReapsForeignChildren) {
  pid_t foreign = ::fork();
  ASSERT_GE(foreign, 0);
  if (foreign == 0) ::_exit(7);
  Supervisor sup;
  ASSERT_TRUE(sup.start(child("x", sh("exit 0"))).ok());
  std::this_thread::sleep_for(100ms);
  for (int i = 0; i < 5; ++i) sup.poll();
  int status = 0;
  ASSERT_EQ(::waitpid(foreign, &status, 0), foreign);  // still ours to reap
  EXPECT_EQ(WEXITSTATUS(status), 7);
}

TEST(ServiceUser, LookupOrCreate) {
  EXPECT_FALSE(valid_user_name("Root"));
  EXPECT_FALSE(valid_user_name("a b"));
  EXPECT_FALSE(valid_user_name("-x"));
  EXPECT_TRUE(valid_user_name("borealis"));
  if (::geteuid() != 0) {
    auto me = lookup_or_create("borealis");
    ASSERT_TRUE(me.ok());
    EXPECT_TRUE(me->is_current_user);
    EXPECT_EQ(me->uid, ::geteuid());
    return;
  }
  EXPECT_EQ(lookup_or_create("root").error().code, Errc::invalid_argument);
  EXPECT_EQ(lookup_or_create("bad name").error().code, Errc::invalid_argument);
  auto u = lookup_or_create("borealis");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_NE(u->uid, 0u);
  EXPECT_FALSE(u->is_current_user);
  passwd* pw = ::getpwnam("borealis");
  ASSERT_NE(pw, nullptr);
  EXPECT_STREQ(pw->pw_shell, "/usr/sbin/nologin");
  EXPECT_STREQ(pw->pw_dir, "/nonexistent");
  auto again = lookup_or_create("borealis");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->uid, u->uid);
}

TEST(ServiceUser, ChildRunsAsServiceUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  auto u = lookup_or_create("borealis");
  ASSERT_TRUE(u.ok());
  char tmpl[] = "/tmp/borealis-su-test-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  ASSERT_EQ(::chmod(dir.c_str(), 0711), 0);
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "id -u; id -g; id -G"};
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.uid = u->uid;
  spec.gid = u->gid;
  spec.log_path = dir + "/id.log";
  auto p = Process::spawn(spec);
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_TRUE(p->wait()->success());
  std::string expected = std::to_string(u->uid) + "\n" + std::to_string(u->gid) + "\n" + std::to_string(u->gid) + "\n";
  EXPECT_EQ(*fs::read_file(spec.log_path), expected);
  struct stat st {};
  ASSERT_EQ(::stat(spec.log_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, u->uid);
  (void)fs::remove_tree(dir);
}

}  // namespace
}  // namespace borealis::supervise
