// Test-only throwaway MIT KDC (see test_kdc.h). Runs krb5kdc, kdb5_util, kadmin.local and kinit as
// children of the test process, waits only for its own PIDs, and keeps passwords in memory and in
// the temp dir (never in a log).
#include "krb/test_kdc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace borealis::krb::testkdc {
namespace {

namespace fs = std::filesystem;

bool executable_on_path(const char* name) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"}) {
    if (access((std::string(dir) + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string random_token() {
  std::random_device rd;
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s;
  for (int i = 0; i < 24; ++i) s += kAlphabet[rd() % (sizeof kAlphabet - 1)];
  return s;
}

// A port free for both TCP and UDP on 127.0.0.1 right now (krb5kdc binds both).
int free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int t = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (bind(t, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(t, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      close(t);
      continue;
    }
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    const bool udp_ok = bind(u, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(u);
    close(t);
    if (udp_ok) return ntohs(addr.sin_port);
  }
  return -1;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// wait=true: returns 1 on success, -1 on failure. wait=false: returns the child's pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& input, const fs::path& out, bool wait) {
  int in_pipe[2];
  if (pipe(in_pipe) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    // If this test process dies without TearDown (crash, abort), the KDC must not outlive it.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(in_pipe[0], STDIN_FILENO);
    close(in_pipe[0]);
    close(in_pipe[1]);
    const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  if (!input.empty()) {
    [[maybe_unused]] auto n = write(in_pipe[1], input.data(), input.size());
  }
  close(in_pipe[1]);
  if (!wait) return pid;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return (WIFEXITED(status) && WEXITSTATUS(status) == 0) ? 1 : -1;
}

}  // namespace

std::string kdc_tools_missing() {
  for (const char* tool : {"krb5kdc", "kdb5_util", "kinit", "kadmin.local"}) {
    if (!executable_on_path(tool)) return std::string("MIT ") + tool + " not installed";
  }
  return "";
}

std::string Kdc::log() const { return read_file(dir_ / "kdc.log"); }

std::string Kdc::start() {
  char tmpl[] = "/tmp/borealis-krb-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return "mkdtemp failed";
  dir_ = tmpl;
  port_ = free_port();
  if (port_ < 0) return "no free port";
  write_config();
  setenv("KRB5_CONFIG", (dir_ / "krb5.conf").c_str(), 1);
  setenv("KRB5_KDC_PROFILE", (dir_ / "kdc.conf").c_str(), 1);
  // Decoys: if the library fell back to the default ccache / keytab it would find nothing.
  setenv("KRB5CCNAME", ("FILE:" + (dir_ / "ccache-default").string()).c_str(), 1);
  setenv("KRB5_KTNAME", ("FILE:" + (dir_ / "default.keytab").string()).c_str(), 1);
  unsetenv("KRB5RCACHEDIR");

  if (auto err = run({"kdb5_util", "-r", kRealm, "create", "-s", "-P", random_token()}); !err.empty()) return err;
  if (auto err = kadmin(std::string("addprinc -randkey ") + kService); !err.empty()) return err;
  if (auto err = kadmin(std::string("addprinc -randkey ") + kOtherService); !err.empty()) return err;
  if (auto err = kadmin("ktadd -k " + keytab().string() + " " + kService); !err.empty()) return err;
  alice_password_ = random_token();
  if (auto err = kadmin("addprinc -pw " + alice_password_ + " alice"); !err.empty()) return err;

  pid_ = spawn({"krb5kdc", "-n", "-r", kRealm}, "", dir_ / "kdc.log", /*wait=*/false);
  if (pid_ <= 0) return "cannot start krb5kdc";
  if (auto err = wait_listening(); !err.empty()) return err;
  return run({"kinit", "-c", "FILE:" + alice_ccache().string(), std::string("alice@") + kRealm},
             alice_password_ + "\n");
}

void Kdc::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      if (i == 199) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
    pid_ = -1;
  }
  if (!dir_.empty() && getenv("BOREALIS_KEEP_KDC_DIR") == nullptr) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  dir_.clear();
}

void Kdc::write_config() {
  const std::string d = dir_.string();
  const std::string port = std::to_string(port_);
  std::ofstream(dir_ / "krb5.conf") << "[libdefaults]\n"
                                    << "    default_realm = " << kRealm << "\n"
                                    << "    dns_lookup_kdc = false\n    dns_lookup_realm = false\n"
                                    << "    rdns = false\n    dns_canonicalize_hostname = false\n"
                                    << "    udp_preference_limit = 1\n"
                                    << "[realms]\n    " << kRealm << " = {\n        kdc = 127.0.0.1:" << port
                                    << "\n    }\n";
  std::ofstream(dir_ / "kdc.conf") << "[kdcdefaults]\n    kdc_ports = " << port << "\n    kdc_tcp_ports = " << port
                                   << "\n[realms]\n    " << kRealm << " = {\n"
                                   << "        database_name = " << d << "/principal\n"
                                   << "        key_stash_file = " << d << "/stash\n"
                                   << "        acl_file = " << d << "/kadm5.acl\n"
                                   << "        admin_keytab = FILE:" << d << "/kadm5.keytab\n"
                                   << "        supported_enctypes = aes256-cts-hmac-sha1-96:normal "
                                      "aes128-cts-hmac-sha1-96:normal\n"
                                   << "        max_life = 1h\n    }\n"
                                   << "[logging]\n    kdc = FILE:" << d << "/kdc.log\n    default = FILE:" << d
                                   << "/kdc.log\n";
  std::ofstream(dir_ / "kadm5.acl") << "";
}

std::string Kdc::kadmin(const std::string& query) { return run({"kadmin.local", "-r", kRealm, "-q", query}); }

// Runs argv to completion; empty string on exit status 0, else the tail of its output.
std::string Kdc::run(const std::vector<std::string>& argv, const std::string& input) {
  const fs::path out = dir_ / "command.log";
  const pid_t pid = spawn(argv, input, out, /*wait=*/true);
  if (pid > 0) return "";
  return argv[0] + " failed: " + read_file(out);
}

std::string Kdc::wait_listening() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "krb5kdc exited at start:\n" + log();
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    const bool up = connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(s);
    if (up) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "krb5kdc did not listen within 15s:\n" + log();
}

void KdcSuite::SetUpTestSuite() {
  if (kdc_ != nullptr) return;  // a second suite deriving from KdcSuite in the same binary
  if (std::string missing = kdc_tools_missing(); !missing.empty()) {
    skip_reason_ = new std::string(missing);
    return;
  }
  start_error_ = new std::string();
  for (int attempt = 0; attempt < 3; ++attempt) {
    kdc_ = new Kdc();
    *start_error_ = kdc_->start();
    if (start_error_->empty()) return;
    delete kdc_;  // stops what did start and removes its directory
    kdc_ = nullptr;
  }
}

void KdcSuite::TearDownTestSuite() {
  delete kdc_;
  delete start_error_;
  delete skip_reason_;
  kdc_ = nullptr;
  start_error_ = nullptr;
  skip_reason_ = nullptr;
}

void KdcSuite::SetUp() {
  if (skip_reason_ != nullptr) GTEST_SKIP() << *skip_reason_;
  ASSERT_NE(start_error_, nullptr);
  ASSERT_TRUE(start_error_->empty()) << *start_error_;
}

std::string KdcSuite::rcache_path() {
  return (kdc_->dir() / (std::string("rcache-") + ::testing::UnitTest::GetInstance()->current_test_info()->name()))
      .string();
}

}  // namespace borealis::krb::testkdc
