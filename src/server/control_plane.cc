#include "server/control_plane.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstring>

#include "common/fd.h"
#include "common/log.h"
#include "common/random.h"
#include "server/client_sources.h"
#include "server/rds_domain_join.h"
#include "server/api_service.h"
#include "server/cluster_requests.h"
#include "server/data_dir.h"
#include "server/iam_login_service.h"
#include "server/reconciler.h"
#include "server/tls_material.h"
#include "store/store.h"
#include "supervise/service_user.h"
#include "supervise/supervisor.h"

namespace borealis::server {
namespace {

constexpr auto kReconcileInterval = std::chrono::seconds(1);
constexpr auto kPollInterval = std::chrono::milliseconds(100);

Result<UniqueFd> lock_data_dir(const DataDir& dir) {
  std::string path = dir.root + "/server.lock";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return make_error(Errc::io_error, "open " + path + ": " + std::strerror(errno));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0)
    return make_error(Errc::already_exists, "another borealis server is running on " + dir.root);
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) == 0) {
    ssize_t n = ::pwrite(fd.get(), pid.data(), pid.size(), 0);
    (void)n;
  }
  return fd;
}

std::string self_exe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "/usr/local/bin/borealis";
  return std::string(buf, static_cast<std::size_t>(n));
}

Status ensure_settings(store::Store& store, const std::string& region) {
  auto mock = store.get_setting("mock_scram_secret");
  if (!mock.ok()) return std::move(mock).error();
  if (!*mock) {
    if (auto s = store.set_setting("mock_scram_secret", random::hex(64)); !s) return s;
  }
  // The region of this server's clusters: their endpoint names carry it and IAM tokens are scoped to
  // it. Fixed by the first start, so names already handed out stay valid.
  auto stored = store.get_setting("region");
  if (!stored.ok()) return std::move(stored).error();
  if (!*stored) return store.set_setting("region", region);
  if (**stored != region)
    log::warn("server", "clusters of this data dir are in region {} (set at its first start), not --region {}", **stored, region);
  return ok_status();
}

}  // namespace

std::string stdin_exec_path() {
  // Installed beside borealis; in a build tree it sits where CMake put it (BOREALIS_STDIN_EXEC, set by
  // src/server/CMakeLists.txt).
  const std::string self = self_exe();
  const std::string beside = self.substr(0, self.rfind('/') + 1) + "borealis-stdin-exec";
  if (::access(beside.c_str(), X_OK) == 0) return beside;
  return BOREALIS_STDIN_EXEC;
}

namespace {

Result<std::unique_ptr<IamLoginService>> start_iam_login_service(const DataDir& dir, store::Store& store,
                                                                  const supervise::ServiceUser& user,
                                                                  const ServerOptions& options,
                                                                  const std::string& account_id) {
  auto naming = load_endpoint_naming(store);
  if (!naming.ok()) return std::move(naming).error();
  IamLoginServiceOptions o;
  o.socket_path = dir.iam_login_socket();
  o.store_path = dir.store_path();
  o.settings.api.account_id = account_id;
  o.settings.api.data_dir = dir.root;
  o.settings.api.default_region = options.default_region;
  o.settings.region = naming->region;
  o.owner_uid = user.uid;
  o.owner_gid = user.gid;
  o.chown_socket = !user.is_current_user;
  o.peers = {user.uid, ::geteuid()};
  return IamLoginService::start(std::move(o));
}

}  // namespace

int run_server(const ServerOptions& options) {
  DataDir dir{options.data_dir.empty() ? default_data_dir() : options.data_dir};
  auto user = supervise::lookup_or_create(options.service_user);
  if (!user.ok()) {
    log::error("server", "service user: {}", user.error().message);
    return 1;
  }
  if (auto s = dir.prepare(*user); !s) {
    log::error("server", "data dir {}: {}", dir.root, s.error().message);
    return 1;
  }
  // Blocked before server.lock publishes our PID: `borealis cluster create` SIGHUPs that PID, and
  // a SIGHUP while the store and CA are still being set up would kill the server (default action).
  // Signals that arrive early stay pending until the main loop's sigtimedwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  ::sigprocmask(SIG_BLOCK, &signals, nullptr);
  auto lock = lock_data_dir(dir);
  if (!lock.ok()) {
    log::error("server", "{}", lock.error().message);
    return 1;
  }
  auto store = store::Store::open(dir.store_path());
  if (!store.ok()) {
    log::error("server", "store: {}", store.error().message);
    return 1;
  }
  if (auto s = ensure_settings(*store, options.default_region); !s) {
    log::error("server", "settings: {}", s.error().message);
    return 1;
  }
  // Before anything slow (the CA): a CLI call right after start must already allocate addresses
  // in this server's network.
  if (!options.endpoint_network.empty()) {
    if (!store::Store::valid_endpoint_network(options.endpoint_network)) {
      log::error("server", "--endpoint-network must look like 127.N, not \"{}\"", options.endpoint_network);
      return 2;
    }
    if (auto s = store->set_setting("endpoint_network", options.endpoint_network); !s) {
      log::error("server", "settings: {}", s.error().message);
      return 1;
    }
  }
  if (auto s = ensure_ca(dir); !s) {
    log::error("server", "TLS: {}", s.error().message);
    return 1;
  }
  if (options.on_start) {
    if (int rc = options.on_start(*store); rc != 0) return rc;
  }

  std::unique_ptr<ApiService> api;
  // IAM token logins are answered next to the API (they need its account); without the API the
  // gateway finds no socket and refuses them, closed.
  std::unique_ptr<IamLoginService> iam_logins;
  if (options.api_enabled) {
    ApiServiceOptions ao;
    ao.port = options.api_port;
    ao.default_region = options.default_region;
    ao.regions = options.regions.empty() ? std::vector<std::string>{options.default_region} : options.regions;
    ao.sts_inactive_regions = options.sts_inactive_regions;
    ao.data_dir = dir.root;
    ao.store_path = dir.store_path();
    ao.stdin_exec = stdin_exec_path();
    ao.user = *user;
    // SIGHUP is blocked in every thread (the API thread inherits the mask), so it waits for this
    // thread's sigtimedwait: the next reconcile pass starts at once.
    ao.wake_reconciler = [] { ::kill(::getpid(), SIGHUP); };
    auto started = ApiService::start(std::move(ao));
    if (!started.ok()) {
      log::error("server", "API: {}", started.error().message);
      return 1;
    }
    api = std::move(started).value();
    log::info("server", "AWS API: AWS_SHARED_CREDENTIALS_FILE={} AWS_CONFIG_FILE={} aws --endpoint-url {} rds describe-db-clusters",
              api->credentials_file(), api->config_file(), api->endpoint_url());
    auto iam_login = start_iam_login_service(dir, *store, *user, options, api->account_id());
    if (!iam_login.ok()) {
      log::error("server", "IAM logins: {}", iam_login.error().message);
      return 1;
    }
    iam_logins = std::move(iam_login).value();
  }
  log::info("server", "borealis server running: data dir {}, service user {} (uid {})", dir.root, user->name, user->uid);
  supervise::Supervisor supervisor;
  const std::string self = self_exe();
  ReconcilerOptions reconciler_options{self, options.log_level, options.instance_max_connections,
                                       options.gateway_auth_timeout_s, stdin_exec_path(),
                                       options.kerberos_key_grace_s > 0 ? std::chrono::seconds(options.kerberos_key_grace_s)
                                                                        : kDefaultKerberosKeyGrace};
  reconciler_options.domain_join_problem =
      rds_domain_join_check(DomainJoinSettings{options.default_region, options.sts_inactive_regions});
  reconciler_options.client_sources = cluster_client_sources;
  Reconciler reconciler(dir, *store, supervisor, *user, std::move(reconciler_options));
  auto next_reconcile = std::chrono::steady_clock::now();
  for (;;) {
    for (const std::string& name : supervisor.poll()) {
      auto info = supervisor.info(name);
      if (info.ok() && info->last_exit) {
        log::warn("server", "{} exited ({}); restarting in {} ms", name, info->last_exit->describe(),
                  info->current_backoff.count());
      }
    }
    reconciler.poll_directories();
    auto now = std::chrono::steady_clock::now();
    if (now >= next_reconcile) {
      reconciler.reconcile_once();
      if (options.after_reconcile) options.after_reconcile(*store);
      next_reconcile = std::chrono::steady_clock::now() + kReconcileInterval;
    }
    timespec wait{0, std::chrono::duration_cast<std::chrono::nanoseconds>(kPollInterval).count()};
    siginfo_t info{};
    int sig = ::sigtimedwait(&signals, &info, &wait);
    if (sig == SIGHUP) {
      next_reconcile = std::chrono::steady_clock::now();
    } else if (sig == SIGTERM || sig == SIGINT) {
      log::info("server", "signal {}: shutting down", sig);
      break;
    }
  }
  if (api) api->stop();  // no new desired state while the processes stop
  if (iam_logins) iam_logins->stop();
  reconciler.shutdown();
  supervisor.stop_all();
  log::info("server", "stopped");
  return 0;
}

}  // namespace borealis::server
