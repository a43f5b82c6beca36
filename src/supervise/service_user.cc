// Service user lookup/creation (see service_user.h). useradd runs through supervise::Process with an
// explicit minimal environment.
#include "supervise/service_user.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/log.h"
#include "supervise/process.h"

namespace borealis::supervise {
namespace {

Result<ServiceUser> from_passwd(uid_t uid, bool by_uid, const std::string& name) {
  long size_hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(size_hint > 0 ? static_cast<std::size_t>(size_hint) : 16384);
  passwd pw{};
  passwd* found = nullptr;
  int rc = by_uid ? ::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found)
                  : ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0) return make_error(Errc::io_error, "getpw: " + std::string(std::strerror(rc)));
  if (found == nullptr)
    return make_error(Errc::not_found, by_uid ? "no user with uid " + std::to_string(uid) : "no user " + name);
  ServiceUser u;
  u.name = pw.pw_name;
  u.uid = pw.pw_uid;
  u.gid = pw.pw_gid;
  return u;
}

}  // namespace

bool valid_user_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

Result<ServiceUser> lookup(const std::string& name) {
  if (!valid_user_name(name)) return make_error(Errc::invalid_argument, "invalid user name");
  return from_passwd(0, false, name);
}

Result<ServiceUser> lookup_or_create(const std::string& name) {
  if (::geteuid() != 0) {
    auto me = from_passwd(::geteuid(), true, "");
    if (!me) return me;
    me->gid = ::getegid();
    me->is_current_user = true;
    return me;
  }
  if (!valid_user_name(name)) return make_error(Errc::invalid_argument, "invalid service user name: " + name);
  if (name == "root") return make_error(Errc::invalid_argument, "the service user must not be root");
  auto existing = lookup(name);
  if (existing) {
    if (existing->uid == 0) return make_error(Errc::invalid_argument, "service user " + name + " has uid 0");
    return existing;
  }
  if (existing.error().code != Errc::not_found) return existing;

  ProcessSpec spec;
  spec.argv = {"/usr/sbin/useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
               "--shell", "/usr/sbin/nologin", "--user-group", name};
  spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"};
  auto proc = Process::spawn(spec);
  if (!proc) return std::move(proc).error();
  auto status = proc->wait();
  if (!status) return std::move(status).error();
  // Exit 9 = "username already in use": another process created it meanwhile; the lookup decides.
  if (!status->success() && !(status->code == 9 && !status->signaled))
    return make_error(Errc::io_error, "useradd " + name + " failed: " + status->describe());
  log::info("supervise", "created service user {}", name);
  auto created = lookup(name);
  if (!created) return created;
  if (created->uid == 0) return make_error(Errc::internal, "service user " + name + " has uid 0");
  return created;
}

}  // namespace borealis::supervise
