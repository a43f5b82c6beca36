// INTEGRATION test (label "integration"): a real MIT krb5 realm (kdb5_util, krb5kdc, kadmind) driven
// by MitProvider, exercised with the real client tools (kinit, kadmin, kpasswd, klist, kvno) through
// the client krb5.conf the provider hands out. Runs the daemons as the `borealis` service user when
// root. Everything listens on 127.0.0.1 only and is stopped by PID (the provider's Supervisor); the
// temp data dir is removed at the end, also on failure.
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
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "common/fd.h"
#include "common/fs.h"
#include "common/random.h"
#include "common/secret.h"
#include "directory/mit_provider.h"
#include "supervise/process.h"
#include "supervise/service_user.h"

namespace borealis::directory {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kAdminPassword = "Adm1n!Passw0rd";
constexpr const char* kAlicePassword = "Al1ce-first";
constexpr const char* kAliceNewPassword = "Al1ce-second!";

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/brl-dir-XXXXXX";
    if (::mkdtemp(tmpl) != nullptr) path = tmpl;
    if (!path.empty()) ::chmod(path.c_str(), 0711);  // the service user may traverse, not list
  }
  ~TempDir() {
    if (!path.empty()) (void)fs::remove_tree(path);
  }
};

std::uint16_t free_tcp_port(std::set<std::uint16_t>& taken) {
  while (true) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) continue;
    socklen_t len = sizeof sa;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len);
    auto port = ntohs(sa.sin_port);
    if (taken.insert(port).second) return port;
  }
}

bool alive(pid_t pid) { return supervise::pid_alive(pid); }

// Local addresses (hex "ADDR:PORT") of sockets in /proc/net/{tcp,udp,tcp6,udp6} on `port`.
std::vector<std::string> bound_addresses(std::uint16_t port) {
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  std::vector<std::string> out;
  for (const char* file : {"/proc/net/tcp", "/proc/net/udp", "/proc/net/tcp6", "/proc/net/udp6"}) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      auto colon = local.rfind(':');
      if (colon == std::string::npos || local.substr(colon) != want) continue;
      // Skip client-side sockets (connections to the port), keep listeners and UDP binds.
      if (std::string(file).find("tcp") != std::string::npos && state != "0A") continue;
      out.push_back(local.substr(0, colon));
    }
  }
  return out;
}

struct ToolRun {
  supervise::ExitStatus status;
  std::string output;
};

class MitProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"/usr/sbin/kdb5_util", "/usr/sbin/krb5kdc", "/usr/sbin/kadmind",
                             "/usr/sbin/kadmin.local", "/usr/bin/kinit", "/usr/bin/kadmin", "/usr/bin/kpasswd"})
      if (::access(tool, X_OK) != 0) GTEST_SKIP() << tool << " is not installed";
    ASSERT_FALSE(tmp_.path.empty());
    auto user = supervise::lookup_or_create("borealis");
    ASSERT_TRUE(user.ok()) << user.error().message;
    user_ = *user;
    std::set<std::uint16_t> taken;
    CreateDirectoryRequest req;
    req.name = "corp.example.com";
    req.kdc_port = free_tcp_port(taken);
    req.kadmin_port = free_tcp_port(taken);
    req.kpasswd_port = free_tcp_port(taken);
    auto d = make_directory(req);
    ASSERT_TRUE(d.ok()) << d.error().message;
    dir_ = *d;
    MitOptions opts;
    opts.data_dir = tmp_.path + "/data";
    opts.user = user_;
    opts.stdin_exec = BOREALIS_STDIN_EXEC;
    provider_ = std::make_unique<MitProvider>(opts);
    client_conf_ = tmp_.path + "/client-krb5.conf";
  }

  // Runs a client tool as ourselves with the client krb5.conf; `stdin_text` is fed via the helper.
  ToolRun client(std::vector<std::string> argv, const std::string& stdin_text = "", const std::string& ccache = "cc") {
    const std::string out = tmp_.path + "/out-" + random::hex(8);
    supervise::ProcessSpec spec;
    if (!stdin_text.empty()) {
      const std::string in = tmp_.path + "/in-" + random::hex(8);
      EXPECT_TRUE(fs::write_file_atomic(in, stdin_text, 0600).ok());
      argv.insert(argv.begin(), {BOREALIS_STDIN_EXEC, in});
    }
    spec.argv = std::move(argv);
    spec.env = {"PATH=/usr/bin:/bin", "LC_ALL=C", "KRB5_CONFIG=" + client_conf_,
                "KRB5CCNAME=FILE:" + tmp_.path + "/" + ccache};
    spec.log_path = out;
    ToolRun r;
    auto proc = supervise::Process::spawn(spec);
    EXPECT_TRUE(proc.ok()) << proc.error().message;
    if (!proc.ok()) return r;
    auto st = proc->wait_for(30s);
    EXPECT_TRUE(st.ok() && st->has_value()) << "client tool timed out";
    if (st.ok() && st->has_value()) r.status = **st;
    auto text = fs::read_file(out);
    if (text) r.output = *text;
    ::unlink(out.c_str());
    return r;
  }

  ToolRun kinit(const std::string& principal, const std::string& password, const std::string& ccache = "cc") {
    return client({"/usr/bin/kinit", principal}, password + "\n", ccache);
  }

  ToolRun kadmin_as_admin(const std::string& query, const std::string& more_stdin = "") {
    return client({"/usr/bin/kadmin", "-p", "Admin", "-q", query}, std::string(kAdminPassword) + "\n" + more_stdin,
                  "cc-kadmin");
  }

  std::set<int> keytab_kvnos(const std::string& keytab, const std::string& principal) {
    auto r = client({"/usr/bin/klist", "-k", keytab});
    EXPECT_TRUE(r.status.success()) << r.output;
    std::set<int> out;
    static const std::regex kLine(R"(^\s*(\d+)\s+(\S+)\s*$)");
    std::istringstream lines(r.output);
    std::string line;
    std::smatch m;
    while (std::getline(lines, line))
      if (std::regex_match(line, m, kLine) && m[2].str() == principal) out.insert(std::stoi(m[1].str()));
    return out;
  }

  void wait_kdc_restarted(pid_t old_pid) {
    const auto deadline = Clock::now() + 20s;
    while (Clock::now() < deadline) {
      (void)provider_->poll();
      auto pid = provider_->supervisor().pid(MitProvider::kdc_child(dir_));
      if (pid && *pid != old_pid) {
        // Bound again: accept on the KDC's TCP port.
        UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(dir_.kdc_port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) return;
      }
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "krb5kdc was not restarted";
  }

  TempDir tmp_;
  supervise::ServiceUser user_;
  Directory dir_;
  std::unique_ptr<MitProvider> provider_;
  std::string client_conf_;
};

TEST_F(MitProviderTest, RealmLifecycleWithRealClients) {
  const std::string realm = dir_.realm;
  const auto paths = provider_->paths(dir_);

  // --- create: database, stash, Admin -------------------------------------------------------
  auto t0 = Clock::now();
  auto created = provider_->create(dir_, Secret(kAdminPassword));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(provider_->create(dir_, Secret(kAdminPassword)).error().code, Errc::already_exists);
  struct stat st {};
  ASSERT_EQ(::stat(paths.dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(st.st_uid, user_.uid);
  ASSERT_EQ(::stat(paths.stash.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, user_.uid);
  // No password ever lands in a file of the realm dir (tool logs included) — spot-check the logs.
  for (const auto& f : {paths.kdc_conf, paths.krb5_conf, paths.acl}) {
    auto text = fs::read_file(f);
    ASSERT_TRUE(text.ok()) << f;
    EXPECT_EQ(text->find(kAdminPassword), std::string::npos) << f;
  }

  // The stdin files that carried the passwords are gone (borealis-stdin-exec unlinks them).
  for (const auto& e : std::filesystem::directory_iterator(paths.dir))
    EXPECT_EQ(e.path().filename().string().rfind("stdin-", 0), std::string::npos) << e.path();

  // --- start: daemons on loopback only ------------------------------------------------------
  auto started = provider_->start(dir_, 20s);
  ASSERT_TRUE(started.ok()) << started.error().message;
  std::printf("[ timing ] create+start: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()));
  for (auto port : {dir_.kdc_port, dir_.kadmin_port, dir_.kpasswd_port}) {
    auto addrs = bound_addresses(port);
    EXPECT_FALSE(addrs.empty()) << "nothing bound on port " << port;
    for (const auto& a : addrs) EXPECT_EQ(a, "0100007F") << "port " << port << " bound to " << a;
  }
  auto kdc_pid = provider_->supervisor().pid(MitProvider::kdc_child(dir_));
  auto kadmind_pid = provider_->supervisor().pid(MitProvider::kadmind_child(dir_));
  ASSERT_TRUE(kdc_pid && kadmind_pid);
  {
    std::ifstream status("/proc/" + std::to_string(*kdc_pid) + "/status");
    std::string line;
    std::string uid_line;
    while (std::getline(status, line))
      if (line.rfind("Uid:", 0) == 0) uid_line = line;
    std::istringstream f(uid_line.substr(4));
    unsigned real = 0;
    f >> real;
    EXPECT_EQ(real, user_.uid) << "krb5kdc must run as the service user";
  }
  ASSERT_TRUE(fs::write_file_atomic(client_conf_, provider_->client_krb5_conf(dir_), 0644).ok());

  // --- kinit Admin ---------------------------------------------------------------------------
  auto r = kinit("Admin", kAdminPassword);
  ASSERT_TRUE(r.status.success()) << r.output;
  r = client({"/usr/bin/klist"});
  EXPECT_NE(r.output.find("Admin@" + realm), std::string::npos) << r.output;
  EXPECT_FALSE(kinit("Admin", "wrong-Passw0rd").status.success());

  // --- Admin manages users through kadmind (passwords on stdin) ---------------------------------
  r = kadmin_as_admin("addprinc alice", std::string(kAlicePassword) + "\n" + kAlicePassword + "\n");
  ASSERT_NE(r.output.find("created"), std::string::npos) << r.output;
  r = kinit("alice", kAlicePassword, "cc-alice");
  ASSERT_TRUE(r.status.success()) << r.output;

  // --- ...but not postgres/* (kadm5.acl) ----------------------------------------------------------
  r = kadmin_as_admin("addprinc -randkey postgres/evil.internal");
  EXPECT_EQ(r.output.find("created"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("privilege"), std::string::npos) << r.output;

  // --- kpasswd on the kpasswd port -----------------------------------------------------------------
  r = client({"/usr/bin/kpasswd", "alice"},
             std::string(kAlicePassword) + "\n" + kAliceNewPassword + "\n" + kAliceNewPassword + "\n", "cc-kpw");
  ASSERT_TRUE(r.status.success()) << r.output;
  EXPECT_FALSE(kinit("alice", kAlicePassword, "cc-alice").status.success());
  r = kinit("alice", kAliceNewPassword, "cc-alice");
  EXPECT_TRUE(r.status.success()) << r.output;

  // --- ResetUserPassword: kadmin.local with the password on stdin ---------------------------------
  constexpr const char* kResetPassword = "Reset-Passw0rd!";
  auto reset = provider_->reset_user_password(dir_, "alice", Secret(kResetPassword));
  ASSERT_TRUE(reset.ok()) << reset.error().message;
  EXPECT_FALSE(kinit("alice", kAliceNewPassword, "cc-alice").status.success());
  EXPECT_TRUE(kinit("alice", kResetPassword, "cc-alice").status.success());
  EXPECT_EQ(provider_->reset_user_password(dir_, "nobody", Secret(kResetPassword)).error().code, Errc::not_found);
  for (const char* name : {"postgres/db1.internal", "krbtgt", "alice@OTHER.REALM", "", "a b"})
    EXPECT_EQ(provider_->reset_user_password(dir_, name, Secret(kResetPassword)).error().code, Errc::invalid_argument) << name;
  auto weak = provider_->reset_user_password(dir_, "alice", Secret("weak"));
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().message.find("weak"), std::string::npos) << "the password must not appear in the error";
  ASSERT_TRUE(provider_->reset_user_password(dir_, "alice", Secret(kAliceNewPassword)).ok());

  // --- a disabled principal cannot get tickets -----------------------------------------------------
  r = kadmin_as_admin("modprinc -allow_tix alice");
  EXPECT_NE(r.output.find("modified"), std::string::npos) << r.output;
  r = kinit("alice", kAliceNewPassword, "cc-alice");
  EXPECT_FALSE(r.status.success()) << r.output;
  EXPECT_NE(r.output.find("revoked"), std::string::npos) << r.output;

  // --- service principal + keytab ----------------------------------------------------------------
  const std::string svc = *postgres_service_principal("db1.internal");
  const std::string svc_full = svc + "@" + realm;
  auto kvno1 = provider_->add_service_principal(dir_, svc);
  ASSERT_TRUE(kvno1.ok()) << kvno1.error().message;
  EXPECT_EQ(provider_->add_service_principal(dir_, svc).error().code, Errc::already_exists);
  // Users need pre-authentication (kdc.conf default), services must not demand it of their clients'
  // TGTs: users of a trusted realm would get no service ticket at all.
  r = kadmin_as_admin("getprinc " + svc);
  EXPECT_NE(r.output.find("Attributes:"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("REQUIRES_PRE_AUTH"), std::string::npos) << r.output;
  r = kadmin_as_admin("getprinc alice");
  EXPECT_NE(r.output.find("REQUIRES_PRE_AUTH"), std::string::npos) << r.output;
  const std::string keytab = tmp_.path + "/postgres.keytab";
  auto exported = provider_->export_keytab(dir_, keytab, {svc});
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  ASSERT_EQ(::stat(keytab.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, user_.uid);
  EXPECT_EQ(keytab_kvnos(keytab, svc_full), std::set<int>{*kvno1});
  // A real service ticket decrypts with the exported key (kvno -k checks it against the keytab).
  r = client({"/usr/bin/kvno", "-k", keytab, svc_full});
  EXPECT_TRUE(r.status.success()) << r.output;
  EXPECT_NE(r.output.find("kvno = " + std::to_string(*kvno1)), std::string::npos) << r.output;

  // --- rotation keeps the previous kvno only --------------------------------------------------------
  auto kvno2 = provider_->rotate_key(dir_, svc);
  ASSERT_TRUE(kvno2.ok()) << kvno2.error().message;
  EXPECT_EQ(*kvno2, *kvno1 + 1);
  ASSERT_TRUE(provider_->export_keytab(dir_, keytab, {svc}).ok());
  EXPECT_EQ(keytab_kvnos(keytab, svc_full), (std::set<int>{*kvno1, *kvno2}));
  auto kvno3 = provider_->rotate_key(dir_, svc);
  ASSERT_TRUE(kvno3.ok()) << kvno3.error().message;
  ASSERT_TRUE(provider_->export_keytab(dir_, keytab, {svc}).ok());
  EXPECT_EQ(keytab_kvnos(keytab, svc_full), (std::set<int>{*kvno2, *kvno3}));
  // The grace period ends: only the current key is left.
  ASSERT_TRUE(provider_->retire_previous_keys(dir_, svc).ok());
  ASSERT_TRUE(provider_->export_keytab(dir_, keytab, {svc}).ok());
  EXPECT_EQ(keytab_kvnos(keytab, svc_full), (std::set<int>{*kvno3}));
  r = client({"/usr/bin/kdestroy"});
  ASSERT_TRUE(kinit("Admin", kAdminPassword).status.success());
  r = client({"/usr/bin/kvno", "-k", keytab, svc_full});
  EXPECT_TRUE(r.status.success()) << r.output;
  EXPECT_NE(r.output.find("kvno = " + std::to_string(*kvno3)), std::string::npos) << r.output;

  // --- kill -9 krb5kdc: the supervisor restarts it ------------------------------------------------
  ASSERT_EQ(::kill(*kdc_pid, SIGKILL), 0);
  wait_kdc_restarted(*kdc_pid);
  r = kinit("Admin", kAdminPassword);
  EXPECT_TRUE(r.status.success()) << r.output;
  auto info = provider_->supervisor().info(MitProvider::kdc_child(dir_));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->restarts, 1);

  // --- remove the service principal ---------------------------------------------------------------
  ASSERT_TRUE(provider_->remove_principal(dir_, svc).ok());
  EXPECT_EQ(provider_->current_kvno(dir_, svc).error().code, Errc::not_found);
  EXPECT_EQ(provider_->remove_principal(dir_, svc).error().code, Errc::not_found);
  EXPECT_FALSE(provider_->remove_principal(dir_, "krbtgt/" + realm).ok());

  // --- destroy: daemons gone (by PID), realm dir gone ----------------------------------------------
  auto new_kdc_pid = provider_->supervisor().pid(MitProvider::kdc_child(dir_));
  ASSERT_TRUE(new_kdc_pid.has_value());
  auto destroyed = provider_->destroy(dir_);
  ASSERT_TRUE(destroyed.ok()) << destroyed.error().message;
  EXPECT_FALSE(alive(*new_kdc_pid));
  EXPECT_FALSE(alive(*kadmind_pid));
  EXPECT_FALSE(fs::exists(paths.dir));
  EXPECT_TRUE(provider_->supervisor().names().empty());
}

TEST_F(MitProviderTest, CreateRefusesWeakPasswordBeforeTouchingDisk) {
  auto st = provider_->create(dir_, Secret("weakpassword"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Errc::invalid_argument);
  EXPECT_EQ(st.error().message.find("weakpassword"), std::string::npos);
  EXPECT_FALSE(fs::exists(provider_->paths(dir_).dir));
  EXPECT_EQ(provider_->start(dir_, 1s).error().code, Errc::not_found);
}

}  // namespace
}  // namespace borealis::directory
