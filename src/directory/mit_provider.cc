// MIT krb5 directory provider (see mit_provider.h).
#include "directory/mit_provider.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <regex>
#include <thread>

#include "common/fd.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/random.h"

namespace borealis::directory {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kErrorTailBytes = 800;
constexpr std::size_t kMasterPasswordLength = 48;
// AWS caps sAMAccountName at 20 characters; a Kerberos user name here is the same kind of name, with
// room for longer UPN-style names. A cap on untrusted input before it reaches kadmin.local.
constexpr std::size_t kMaxUserNameLength = 64;
constexpr std::string_view kComponent = "directory";

std::string tail(const std::string& text) {
  std::string t = text.size() > kErrorTailBytes ? text.substr(text.size() - kErrorTailBytes) : text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

bool tcp_accepts(const std::string& address, std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return false;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) return false;
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
}

Status check_directory(const Directory& dir) {
  if (!valid_directory_id(dir.id)) return make_error(Errc::invalid_argument, "invalid directory id '" + dir.id + "'");
  if (auto st = validate_dns_name(dir.dns_name); !st) return st;
  if (dir.realm != realm_for(dir.dns_name)) return make_error(Errc::invalid_argument, "realm does not match DNS name");
  return validate_loopback_address(dir.kdc_address);
}

Status check_principal(const std::string& name) {
  if (!valid_principal_name(name))
    return make_error(Errc::invalid_argument, "invalid principal name '" + name + "'");
  return ok_status();
}

}  // namespace

MitProvider::MitProvider(MitOptions options) : options_(std::move(options)) {}

bool MitProvider::drop_privileges() const { return ::geteuid() == 0 && !options_.user.is_current_user; }

std::vector<std::string> MitProvider::tool_env(const mit::RealmPaths& p) const {
  // The child's whole environment: nothing of ours (no KRB5CCNAME, no secrets) is inherited.
  return {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "TZ=UTC",
          "KRB5_CONFIG=" + p.krb5_conf, "KRB5_KDC_PROFILE=" + p.kdc_conf,
          "KRB5RCACHEDIR=" + p.dir, "KRB5CCNAME=FILE:" + p.dir + "/ccache-unused"};
}

Status MitProvider::write_config(const Directory& dir, const mit::RealmPaths& p) {
  if (auto st = fs::ensure_dir(options_.data_dir + "/directories", 0711); !st) return st;
  if (auto st = fs::ensure_dir(p.dir, 0700); !st) return st;
  if (auto st = fs::ensure_dir(p.keytabs, 0700); !st) return st;
  if (auto st = fs::write_file_atomic(p.kdc_conf, mit::kdc_conf(dir, p), 0600); !st) return st;
  if (auto st = fs::write_file_atomic(p.krb5_conf, mit::realm_krb5_conf(dir), 0600); !st) return st;
  if (auto st = fs::write_file_atomic(p.acl, mit::kadm5_acl(dir), 0600); !st) return st;
  if (drop_privileges()) return fs::chown_tree(p.dir, options_.user.uid, options_.user.gid);
  return ok_status();
}

Result<std::string> MitProvider::run_tool(const mit::RealmPaths& p, std::vector<std::string> argv,
                                          const std::vector<const Secret*>& stdin_lines) {
  const std::string tool = argv.front().substr(argv.front().rfind('/') + 1);
  const std::string out_path = p.dir + "/run-" + random::hex(12) + ".out";
  std::string stdin_path;
  if (!stdin_lines.empty()) {
    stdin_path = p.dir + "/stdin-" + random::hex(12);
    Secret content;
    {
      std::string buf;
      for (const Secret* line : stdin_lines) {
        buf.append(line->reveal());
        buf.push_back('\n');
      }
      content = Secret(std::move(buf));
    }
    if (auto st = fs::write_file_atomic(stdin_path, content.reveal(), 0600); !st) return st.error();
    if (drop_privileges()) {
      if (auto st = fs::chown_path(stdin_path, options_.user.uid, options_.user.gid); !st) {
        ::unlink(stdin_path.c_str());
        return st.error();
      }
    }
    argv.insert(argv.begin(), {options_.stdin_exec, stdin_path});
  }
  supervise::ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.env = tool_env(p);
  spec.working_dir = p.dir;
  spec.log_path = out_path;
  if (drop_privileges()) {
    spec.uid = options_.user.uid;
    spec.gid = options_.user.gid;
  }
  auto cleanup = [&] {
    if (!stdin_path.empty()) ::unlink(stdin_path.c_str());  // normally already gone (the helper unlinks)
    ::unlink(out_path.c_str());
  };
  auto proc = supervise::Process::spawn(spec);
  if (!proc) {
    cleanup();
    return make_error(proc.error().code, tool + ": " + proc.error().message);
  }
  auto waited = proc->wait_for(options_.tool_timeout);
  std::optional<supervise::ExitStatus> status;
  if (waited && waited->has_value()) status = **waited;
  if (!status) {
    auto stopped = proc->stop({{SIGTERM, 2s}});
    (void)stopped;
  }
  auto output = fs::read_file(out_path, 1024 * 1024);
  std::string text = output ? std::move(*output) : std::string();
  cleanup();
  if (!status) return make_error(Errc::timeout, tool + " did not finish in time: " + tail(text));
  if (!status->success())
    return make_error(Errc::internal, tool + " failed (" + status->describe() + "): " + tail(text));
  return text;
}

Result<std::string> MitProvider::kadmin_local(const Directory& dir, const mit::RealmPaths& p,
                                              const std::string& query) {
  return run_tool(p, {options_.sbin_dir + "/kadmin.local", "-r", dir.realm, "-q", query}, {});
}

Result<std::string> MitProvider::admin_query(const Directory& dir, const Secret& admin_password,
                                             const std::string& query, const std::vector<const Secret*>& stdin_lines) {
  if (auto st = check_directory(dir); !st) return st.error();
  // The query is argv (visible in ps): it may name principals, never carry a password.
  if (query.find('\n') != std::string::npos || query.find("-pw") != std::string::npos)
    return make_error(Errc::invalid_argument, "kadmin query must not carry a password; feed it on stdin");
  std::vector<const Secret*> lines{&admin_password};
  lines.insert(lines.end(), stdin_lines.begin(), stdin_lines.end());
  const auto p = paths(dir);
  auto out = run_tool(p, {options_.bin_dir + "/kadmin", "-r", dir.realm, "-p", std::string(kAdminPrincipal), "-q", query},
                      lines);
  if (!out) return out.error();
  return out;
}

Status MitProvider::reset_user_password(const Directory& dir, const std::string& user, const Secret& password) {
  if (auto st = check_directory(dir); !st) return st;
  // A user name is one component: '/' would name a service (postgres/…, kadmin/…) and '@' another
  // realm; krbtgt and K/M are the realm's own keys.
  if (user.empty() || user.size() > kMaxUserNameLength || user.find_first_of("/@ \t\n\"'\\") != std::string::npos ||
      user == "krbtgt" || user == "K")
    return make_error(Errc::invalid_argument, "\"" + user + "\" is not a user name of directory " + dir.id);
  if (auto st = validate_admin_password(password); !st) return st;
  const auto p = paths(dir);
  auto out = run_tool(p, {options_.sbin_dir + "/kadmin.local", "-r", dir.realm, "-q", "cpw " + user}, {&password, &password});
  if (!out) return out.error();
  if (out->find("does not exist") != std::string::npos)
    return make_error(Errc::not_found, "user " + user + " does not exist in directory " + dir.id);
  if (out->find("changed") == std::string::npos)
    return make_error(Errc::internal, "kadmin.local cpw " + user + ": " + tail(*out));
  log::info(kComponent, "password of {} reset in directory {}", user, dir.id);
  return ok_status();
}

Status MitProvider::create(const Directory& dir, const Secret& admin_password) {
  if (auto st = check_directory(dir); !st) return st;
  if (auto st = validate_admin_password(admin_password); !st) return st;
  const auto p = paths(dir);
  if (fs::exists(p.database))
    return make_error(Errc::already_exists, "directory " + dir.id + " already has a realm database");
  // A create interrupted before the database existed left nothing worth keeping.
  if (fs::exists(p.dir)) {
    if (auto st = fs::remove_tree(p.dir); !st) return st;
  }
  if (auto st = write_config(dir, p); !st) return st;

  // The master password only derives the master key; the stash file holds that key, so nobody ever
  // needs the password again and it is not kept anywhere.
  const Secret master(random::from_alphabet(
      kMasterPasswordLength, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"));
  auto created = run_tool(p, {options_.sbin_dir + "/kdb5_util", "-r", dir.realm, "create", "-s"}, {&master, &master});
  if (!created) return created.error();
  if (::chmod(p.stash.c_str(), 0600) != 0)
    return make_error(Errc::io_error, "chmod " + p.stash + ": " + std::strerror(errno));

  // `addprinc Admin` without -pw prompts twice on stdin; the password never reaches argv.
  auto admin = run_tool(p, {options_.sbin_dir + "/kadmin.local", "-r", dir.realm, "-q",
                            std::string("addprinc ") + std::string(kAdminPrincipal)},
                        {&admin_password, &admin_password});
  if (!admin) return admin.error();
  if (admin->find("created") == std::string::npos)
    return make_error(Errc::internal, "kadmin.local addprinc Admin: " + tail(*admin));
  log::info(kComponent, "created realm {} for directory {}", dir.realm, dir.id);
  return ok_status();
}

Status MitProvider::start(const Directory& dir, std::chrono::milliseconds ready_timeout) {
  if (auto st = check_directory(dir); !st) return st;
  const auto p = paths(dir);
  if (!fs::exists(p.database)) return make_error(Errc::not_found, "directory " + dir.id + " has no realm database");
  if (!supervisor_.contains(kdc_child(dir)) || !supervisor_.contains(kadmind_child(dir))) {
    if (auto st = write_config(dir, p); !st) return st;  // ports may have changed since create
  }
  auto child = [&](std::string name, std::vector<std::string> argv, const std::string& log_path) {
    supervise::ChildSpec spec;
    spec.name = std::move(name);
    spec.process.argv = std::move(argv);
    spec.process.env = tool_env(p);
    spec.process.working_dir = p.dir;
    spec.process.log_path = log_path;
    if (drop_privileges()) {
      spec.process.uid = options_.user.uid;
      spec.process.gid = options_.user.gid;
    }
    spec.restart = options_.restart;
    spec.stop_steps = {{SIGTERM, 5s}};
    return spec;
  };
  if (!supervisor_.contains(kdc_child(dir))) {
    auto st = supervisor_.start(child(kdc_child(dir), {options_.sbin_dir + "/krb5kdc", "-n", "-r", dir.realm}, p.kdc_log));
    if (!st) return st;
  }
  if (!supervisor_.contains(kadmind_child(dir))) {
    auto st = supervisor_.start(
        child(kadmind_child(dir), {options_.sbin_dir + "/kadmind", "-nofork", "-r", dir.realm}, p.kadmind_log));
    if (!st) return st;
  }
  return wait_ready(dir, ready_timeout);
}

Status MitProvider::wait_ready(const Directory& dir, std::chrono::milliseconds timeout) {
  // Readiness without credentials: krb5kdc, kadmind and kpasswd each accept a TCP connection only
  // after they have opened the database and bound their sockets.
  const auto deadline = Clock::now() + timeout;
  while (true) {
    (void)poll();
    if (tcp_accepts(dir.kdc_address, dir.kdc_port) && tcp_accepts(dir.kdc_address, dir.kadmin_port) &&
        tcp_accepts(dir.kdc_address, dir.kpasswd_port))
      return ok_status();
    if (Clock::now() >= deadline) {
      const auto p = paths(dir);
      auto kdc_log = fs::read_file(p.kdc_log);
      auto kadm_log = fs::read_file(p.kadmind_log);
      return make_error(Errc::timeout, "directory " + dir.id + " did not become ready; krb5kdc: " +
                                           (kdc_log ? tail(*kdc_log) : "") +
                                           "; kadmind: " + (kadm_log ? tail(*kadm_log) : ""));
    }
    std::this_thread::sleep_for(50ms);
  }
}

Status MitProvider::stop(const Directory& dir) {
  Status result;
  for (const auto& name : {kadmind_child(dir), kdc_child(dir)}) {
    if (!supervisor_.contains(name)) continue;
    auto st = supervisor_.stop(name, SIGTERM, 5s);
    if (!st && result.ok()) result = Status(st.error());
  }
  return result;
}

Status MitProvider::destroy(const Directory& dir) {
  if (!valid_directory_id(dir.id)) return make_error(Errc::invalid_argument, "invalid directory id");
  if (auto st = stop(dir); !st) return st;
  const auto p = paths(dir);
  if (!fs::exists(p.dir)) return ok_status();
  auto st = fs::remove_tree(p.dir);
  if (st) log::info(kComponent, "removed realm of directory {}", dir.id);
  return st;
}

std::vector<std::string> MitProvider::poll() { return supervisor_.poll(); }

Result<int> MitProvider::current_kvno(const Directory& dir, const std::string& name) {
  if (auto st = check_principal(name); !st) return st.error();
  const auto p = paths(dir);
  auto out = kadmin_local(dir, p, "getprinc " + name);
  if (!out) return out.error();
  static const std::regex kKey(R"(Key: vno (\d+))");
  int kvno = -1;
  for (std::sregex_iterator it(out->begin(), out->end(), kKey), end; it != end; ++it)
    kvno = std::max(kvno, std::stoi((*it)[1].str()));
  if (kvno < 0) {
    if (out->find("does not exist") != std::string::npos)
      return make_error(Errc::not_found, "principal " + name + " does not exist");
    return make_error(Errc::internal, "getprinc " + name + ": " + tail(*out));
  }
  return kvno;
}

Result<int> MitProvider::add_service_principal(const Directory& dir, const std::string& name) {
  if (auto st = check_principal(name); !st) return st.error();
  if (name.find('/') == std::string::npos || name.starts_with("kadmin/") || name.starts_with("krbtgt/") ||
      name.starts_with("kiprop/"))
    return make_error(Errc::invalid_argument, "'" + name + "' is not a service principal borealis manages");
  const auto p = paths(dir);
  // -requires_preauth: the realm's default (+preauth, kdc.conf) is for users. On a service it would
  // make the KDC refuse service tickets to clients whose TGT was not pre-authenticated in *their*
  // realm — e.g. users of a trusted realm — leaving the gateway no chance to say why it refuses them.
  auto out = kadmin_local(dir, p, "addprinc -randkey -requires_preauth " + name);
  if (!out) return out.error();
  if (out->find("created") == std::string::npos) {
    if (out->find("already exists") != std::string::npos)
      return make_error(Errc::already_exists, "principal " + name + " already exists");
    return make_error(Errc::internal, "addprinc " + name + ": " + tail(*out));
  }
  return current_kvno(dir, name);
}

Status MitProvider::remove_principal(const Directory& dir, const std::string& name) {
  if (auto st = check_principal(name); !st) return st;
  if (name == kAdminPrincipal || name.starts_with("kadmin/") || name.starts_with("krbtgt/") || name == "K/M")
    return make_error(Errc::invalid_argument, "refusing to delete the realm's own principal " + name);
  const auto p = paths(dir);
  auto out = kadmin_local(dir, p, "delprinc -force " + name);
  if (!out) return out.error();
  if (out->find("deleted") == std::string::npos) {
    if (out->find("does not exist") != std::string::npos)
      return make_error(Errc::not_found, "principal " + name + " does not exist");
    return make_error(Errc::internal, "delprinc " + name + ": " + tail(*out));
  }
  return ok_status();
}

Result<int> MitProvider::rotate_key(const Directory& dir, const std::string& name) {
  if (auto st = check_principal(name); !st) return st.error();
  const auto p = paths(dir);
  auto out = kadmin_local(dir, p, "cpw -randkey -keepold " + name);
  if (!out) return out.error();
  if (out->find("randomized") == std::string::npos)
    return make_error(Errc::internal, "cpw -randkey " + name + ": " + tail(*out));
  auto kvno = current_kvno(dir, name);
  if (!kvno) return kvno.error();
  // Keep kvno N (new) and N-1 (tickets issued before the rotation); drop everything older.
  auto purged = kadmin_local(dir, p, "purgekeys -keepkvno " + std::to_string(*kvno - 1) + " " + name);
  if (!purged) return purged.error();
  log::info(kComponent, "rotated key of {} in directory {} to kvno {}", name, dir.id, *kvno);
  return kvno;
}

Status MitProvider::retire_previous_keys(const Directory& dir, const std::string& name) {
  if (auto st = check_principal(name); !st) return st;
  auto kvno = current_kvno(dir, name);
  if (!kvno) return std::move(kvno).error();
  const auto p = paths(dir);
  auto purged = kadmin_local(dir, p, "purgekeys -keepkvno " + std::to_string(*kvno) + " " + name);
  if (!purged) return std::move(purged).error();
  log::info(kComponent, "retired the keys of {} in directory {} older than kvno {}", name, dir.id, *kvno);
  return ok_status();
}

Status MitProvider::export_keytab(const Directory& dir, const std::string& path,
                                  const std::vector<std::string>& principals) {
  if (principals.empty()) return make_error(Errc::invalid_argument, "no principals to export");
  std::string query = "ktadd -norandkey -k ";
  const auto p = paths(dir);
  const std::string staged = p.keytabs + "/export-" + random::hex(12) + ".keytab";
  query += staged;
  for (const auto& name : principals) {
    if (auto st = check_principal(name); !st) return st;
    query += " " + name;
  }
  auto out = kadmin_local(dir, p, query);
  auto drop_staged = [&] { ::unlink(staged.c_str()); };
  if (!out) {
    drop_staged();
    return out.error();
  }
  for (const auto& name : principals) {
    // kadmin.local prints the name as given: "Entry for principal <name> with kvno N, ... added to keytab".
    if (out->find("Entry for principal " + name + " with kvno") == std::string::npos) {
      drop_staged();
      return make_error(Errc::internal, "ktadd " + name + ": " + tail(*out));
    }
  }
  auto bytes = fs::read_file(staged, 1024 * 1024);
  drop_staged();
  if (!bytes) return bytes.error();
  const Secret keytab(std::move(*bytes));
  if (auto st = fs::write_file_atomic(path, keytab.reveal(), 0600); !st) return st;
  if (drop_privileges()) return fs::chown_path(path, options_.user.uid, options_.user.gid);
  return ok_status();
}

std::string MitProvider::client_krb5_conf(const Directory& dir) const { return mit::client_krb5_conf(dir); }

}  // namespace borealis::directory
