// INTEGRATION test (label "integration"): a real PostgreSQL 15 run as the `borealis` service user.
// Needs root (to create the user and drop privileges) and /usr/lib/postgresql/15/bin; skips otherwise.
// Everything it starts listens on no TCP port and is stopped by PID at the end, also on failure
// (the Supervisor's destructor stops its children; the temp dir guard removes the data dir after).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "cluster/instance.h"
#include "supervise/process.h"
#include "cluster/roles.h"
#include "common/fd.h"
#include "common/fs.h"
#include "common/secret.h"
#include "supervise/service_user.h"
#include "supervise/supervisor.h"

namespace borealis::cluster {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A real verifier for the password "pencil" (salt "0123456789abcdef", 4096 iterations).
constexpr const char* kVerifier =
    "SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$nQpbZ77WudtqufPwikHXGRt6g2QJ4zns8bZLw273DRM=:"
    "jn2amWP1q1h+jgjy0YTO14S6/F02SV7taipOeB7ef20=";

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/brl-it-XXXXXX";  // short: the socket path must fit in sun_path
    if (::mkdtemp(tmpl) != nullptr) path = tmpl;
    // 0711: the service user can traverse to its own dirs but cannot list ours.
    if (!path.empty()) ::chmod(path.c_str(), 0711);
  }
  ~TempDir() {
    if (!path.empty()) (void)fs::remove_tree(path);
  }
};

bool alive(pid_t pid) { return supervise::pid_alive(pid); }

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    long ppid;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

// Socket inodes that are LISTENing on TCP (v4 and v6).
std::set<std::string> tcp_listen_inodes() {
  std::set<std::string> out;
  for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string sl, local, remote, st, queues, tr, retr, uid, timeout, inode;
      f >> sl >> local >> remote >> st >> queues >> tr >> retr >> uid >> timeout >> inode;
      if (st == "0A") out.insert(inode);  // TCP_LISTEN
    }
  }
  return out;
}

bool process_has_tcp_listener(pid_t pid) {
  const auto listening = tcp_listen_inodes();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code ec2;
    auto target = std::filesystem::read_symlink(e.path(), ec2).string();
    if (target.rfind("socket:[", 0) == 0 && listening.count(target.substr(8, target.size() - 9)) != 0) return true;
  }
  return false;
}

bool tcp_connect_succeeds(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

std::string scalar(AdminConnection& c, const std::string& sql, const std::vector<std::optional<std::string>>& params = {}) {
  auto r = c.exec_params(sql, params);
  if (!r) return "ERROR: " + r.error().message;
  if (r->empty() || r->front().empty() || !r->front()[0]) return "<null>";
  return *r->front()[0];
}

TEST(ClusterIntegration, InstanceLifecycle) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  if (!fs::exists("/usr/lib/postgresql/15/bin/postgres")) GTEST_SKIP() << "PostgreSQL 15 not installed";

  auto user = supervise::lookup_or_create("borealis");
  ASSERT_TRUE(user.ok()) << user.error().message;
  TempDir tmp;
  ASSERT_FALSE(tmp.path.empty());
  int port = 6400 + static_cast<int>(::getpid() % 1000);
  while (tcp_connect_succeeds(port)) ++port;  // the TCP check below must not be fooled by a stranger

  auto layout = InstanceLayout::make(tmp.path, "itest-1", port);
  ASSERT_TRUE(layout.ok()) << layout.error().message;
  supervise::Supervisor supervisor;  // declared after tmp: destroyed (children stopped) before the dir goes
  InstanceOptions options;
  options.fast_shutdown_timeout = 10s;
  Instance instance(*layout, *user, options);

  ASSERT_TRUE(instance.ensure_initialized().ok());
  ASSERT_TRUE(instance.ensure_initialized().ok()) << "must be idempotent";
  ASSERT_TRUE(instance.start(supervisor).ok());
  auto ready = instance.wait_ready(Clock::now() + 60s);
  ASSERT_TRUE(ready.ok()) << ready.error().message << "\n" << fs::read_file(layout->log_path).value();

  // Directories: private and owned by the service user.
  for (const auto& dir : {layout->socket_dir, layout->pgdata}) {
    struct stat st {};
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u) << dir;
    EXPECT_EQ(st.st_uid, user->uid) << dir;
  }

  // No TCP at all.
  const pid_t postmaster = *supervisor.pid(instance.child_name());
  EXPECT_FALSE(process_has_tcp_listener(postmaster));
  EXPECT_FALSE(tcp_connect_succeeds(port));
  auto admin = instance.connect_admin();
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  EXPECT_EQ(scalar(*admin, "SHOW listen_addresses"), "");
  EXPECT_EQ(scalar(*admin, "SELECT current_user"), "borealis_admin");
  EXPECT_EQ(scalar(*admin, "SHOW data_checksums"), "on");
  // postgres runs as the service user.
  EXPECT_EQ(scalar(*admin, "SELECT pg_catalog.current_setting('unix_socket_permissions')"), "0700");

  // Roles.
  const Secret verifier{std::string(kVerifier)};
  ASSERT_TRUE(bootstrap_roles(*admin, "master", verifier).ok());
  auto again = bootstrap_roles(*admin, "master", verifier);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(bootstrap_roles(*admin, "borealis_admin", verifier).ok());
  EXPECT_FALSE(bootstrap_roles(*admin, "other", Secret(std::string("plaintext"))).ok());
  for (const char* role : {"rds_superuser", "rds_ad", "rds_iam"}) {
    EXPECT_EQ(scalar(*admin, "SELECT rolcanlogin::text FROM pg_roles WHERE rolname = $1", {role}), "false") << role;
  }
  EXPECT_EQ(scalar(*admin, "SELECT rolsuper::text FROM pg_roles WHERE rolname = 'master'"), "false");
  EXPECT_EQ(scalar(*admin, "SELECT rolcreaterole::text FROM pg_roles WHERE rolname = 'master'"), "true");
  EXPECT_EQ(scalar(*admin, "SELECT pg_has_role('master', 'rds_superuser', 'member')::text"), "true");
  EXPECT_EQ(scalar(*admin, "SELECT pg_has_role('master', 'pg_monitor', 'member')::text"), "true");
  EXPECT_EQ(scalar(*admin, "SELECT rolpassword FROM pg_authid WHERE rolname = 'master'"), kVerifier);
  // The master user can create roles but cannot make itself superuser.
  ASSERT_TRUE(admin->exec("SET ROLE master").ok());
  auto created = admin->exec("CREATE ROLE itest_app LOGIN");
  EXPECT_TRUE(created.ok()) << created.error().message;
  auto escalate = admin->exec("ALTER ROLE master SUPERUSER");
  EXPECT_FALSE(escalate.ok());
  ASSERT_TRUE(admin->exec("RESET ROLE").ok());
  EXPECT_EQ(scalar(*admin, "SELECT count(*)::text FROM pg_roles WHERE rolname = 'itest_app'"), "1");
  auto dup = admin->exec("CREATE ROLE itest_app");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::already_exists);
  EXPECT_NE(dup.error().message.find("42710"), std::string::npos) << dup.error().message;
  admin = make_error(Errc::internal, "closed");  // drop the connection before the crash test

  // kill -9 the postmaster: the supervisor restarts it and it becomes ready again.
  ASSERT_EQ(::kill(postmaster, SIGKILL), 0);
  auto deadline = Clock::now() + 30s;
  while (Clock::now() < deadline) {
    supervisor.poll();
    auto pid = supervisor.pid(instance.child_name());
    if (pid && *pid != postmaster) break;
    std::this_thread::sleep_for(50ms);
  }
  ready = instance.wait_ready(Clock::now() + 60s);
  ASSERT_TRUE(ready.ok()) << ready.error().message << "\n" << fs::read_file(layout->log_path).value();
  auto info = supervisor.info(instance.child_name());
  ASSERT_TRUE(info.ok());
  EXPECT_GE(info->restarts, 1);
  const pid_t restarted = *supervisor.pid(instance.child_name());
  EXPECT_NE(restarted, postmaster);
  EXPECT_FALSE(process_has_tcp_listener(restarted));

  // stop(): the postmaster and all its children are gone.
  auto backends = children_of(restarted);
  EXPECT_FALSE(backends.empty());
  ASSERT_TRUE(instance.stop().ok());
  EXPECT_FALSE(alive(restarted));
  for (pid_t b : backends) EXPECT_FALSE(alive(b)) << "postgres child " << b << " survived";
  EXPECT_FALSE(supervisor.contains(instance.child_name()));

  // The log is the service user's and private.
  struct stat st {};
  ASSERT_EQ(::stat(layout->log_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, user->uid);
}

}  // namespace
}  // namespace borealis::cluster
