// Instance lifecycle (see instance.h).
#include "cluster/instance.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "common/fs.h"
#include "common/log.h"

namespace borealis::cluster {

using namespace std::chrono_literals;

Instance::Instance(InstanceLayout layout, supervise::ServiceUser user, InstanceOptions options)
    : layout_(std::move(layout)), user_(std::move(user)), options_(std::move(options)) {}

PgSettings Instance::pg_settings() const {
  PgSettings s;
  s.socket_dir = layout_.socket_dir;
  s.socket_port = layout_.socket_port;
  s.max_connections = options_.max_connections;
  s.shared_buffers = options_.shared_buffers;
  s.extra = options_.extra_settings;
  s.native_gss = options_.native_gss;
  return s;
}

HbaSettings Instance::hba_settings() const {
  HbaSettings h;
  h.service_os_user = user_.name;
  h.control_plane_is_root = ::geteuid() == 0 && !user_.is_current_user;
  h.native_gss = options_.native_gss;
  return h;
}

supervise::ProcessSpec Instance::process_spec(std::vector<std::string> argv, const std::string& cwd) const {
  supervise::ProcessSpec spec;
  spec.argv = std::move(argv);
  // Nothing of ours is inherited: no PG* variables, no secrets, no KRB5* settings.
  spec.env = {"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8", "LANG=C.UTF-8", "TZ=UTC"};
  // Native-direct Kerberos: PostgreSQL's own acceptor keeps its replay cache in the instance dir, not
  // in /var/tmp (the keytab comes from krb_server_keyfile).
  if (options_.native_gss) spec.env.push_back("KRB5RCACHEDIR=" + layout_.instance_dir);
  spec.working_dir = cwd;
  spec.log_path = layout_.log_path;
  if (::geteuid() == 0 && !user_.is_current_user) {
    spec.uid = user_.uid;
    spec.gid = user_.gid;
  }
  return spec;
}

Status Instance::run_initdb() {
  // An interrupted initdb leaves a partial PGDATA that initdb itself refuses; it holds no data.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(layout_.pgdata, ec)) {
    std::filesystem::remove_all(entry.path(), ec);
    if (ec) return make_error(Errc::io_error, "clean " + layout_.pgdata + ": " + ec.message());
  }
  auto spec = process_spec({options_.bin_dir + "/initdb", "-D", layout_.pgdata, "--auth-local=peer",
                            "--auth-host=reject", "-U", kAdminRole, "--encoding=UTF8", "--locale=C.UTF-8",
                            "--data-checksums"},
                           layout_.instance_dir);
  log::info("cluster", "initdb instance={} pgdata={}", layout_.instance_id, layout_.pgdata);
  auto proc = supervise::Process::spawn(spec);
  if (!proc) return std::move(proc).error();
  auto st = proc->wait();
  if (!st) return std::move(st).error();
  if (!st->success())
    return make_error(Errc::io_error, "initdb for " + layout_.instance_id + " failed (" + st->describe() +
                                          "); see " + layout_.log_path);
  return ok_status();
}

Status Instance::ensure_initialized() {
  if (::geteuid() == 0 && (user_.is_current_user || user_.uid == 0))
    return make_error(Errc::invalid_argument, "postgres must not run as root: give a service user");
  if (auto s = layout_.create_dirs(user_); !s) return s;
  if (!fs::exists(layout_.pgdata + "/PG_VERSION")) {
    if (auto s = run_initdb(); !s) return s;
  }
  return write_pg_config(layout_, pg_settings(), hba_settings(), user_);
}

Status Instance::start(supervise::Supervisor& supervisor) {
  // A postmaster that survived a previous borealis would make ours fail on the lock file forever;
  // say so plainly instead.
  if (auto pid_file = fs::read_file(layout_.pgdata + "/postmaster.pid"); pid_file) {
    const long pid = std::atol(pid_file->c_str());
    auto comm = fs::read_file("/proc/" + std::to_string(pid) + "/comm");
    if (pid > 0 && comm && comm->rfind("postgres", 0) == 0 && !supervisor.contains(child_name()))
      return make_error(Errc::already_exists, "a postgres (pid " + std::to_string(pid) + ") not started by this borealis "
                                              "still runs on " + layout_.pgdata);
  }
  supervise::ChildSpec child;
  child.name = child_name();
  child.process = process_spec({options_.bin_dir + "/postgres", "-D", layout_.pgdata}, layout_.pgdata);
  // SIGINT = fast shutdown (roll back sessions, checkpoint); SIGQUIT = immediate (crash recovery on
  // the next start); SIGKILL only as the last resort.
  child.stop_steps = {{SIGINT, options_.fast_shutdown_timeout}, {SIGQUIT, 5s}};
  if (auto s = supervisor.start(std::move(child)); !s) return s;
  supervisor_ = &supervisor;
  return ok_status();
}

Status Instance::wait_ready(std::chrono::steady_clock::time_point deadline) {
  std::string last_error = "not tried";
  for (;;) {
    if (supervisor_ != nullptr) {
      (void)supervisor_->poll();
      auto info = supervisor_->info(child_name());
      if (info && info->state == supervise::ChildState::exited)
        return make_error(Errc::unavailable, "postgres for " + layout_.instance_id + " exited (" +
                                                 (info->last_exit ? info->last_exit->describe() : "?") + "); see " +
                                                 layout_.log_path);
    }
    if (fs::exists(layout_.socket_path())) {
      auto conn = connect_admin(2s);
      if (conn) {
        auto r = conn->exec("SELECT 1");
        if (r) return ok_status();
        last_error = r.error().message;
      } else {
        last_error = conn.error().message;
      }
    } else {
      last_error = "socket " + layout_.socket_path() + " does not exist yet";
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return make_error(Errc::timeout, "postgres for " + layout_.instance_id + " not ready: " + last_error +
                                           "; see " + layout_.log_path);
    std::this_thread::sleep_for(100ms);
  }
}

Status Instance::stop() {
  if (supervisor_ == nullptr) return make_error(Errc::invalid_argument, "instance was not started");
  auto st = supervisor_->stop(child_name(), {{SIGINT, options_.fast_shutdown_timeout}, {SIGQUIT, 5s}});
  supervisor_ = nullptr;
  if (!st) return std::move(st).error();
  log::info("cluster", "postgres instance={} stopped ({})", layout_.instance_id, st->describe());
  return ok_status();
}

Result<AdminConnection> Instance::connect_admin(std::chrono::seconds timeout) const {
  ConnectParams p;
  p.socket_dir = layout_.socket_dir;
  p.socket_port = layout_.socket_port;
  p.user = kAdminRole;
  p.connect_timeout = timeout;
  return AdminConnection::connect(p);
}

}  // namespace borealis::cluster
