#include "server/reconciler.h"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "cluster/roles.h"
#include "common/fs.h"
#include "common/log.h"
#include "gateway/config.h"
#include "server/cluster_requests.h"
#include "server/tls_material.h"

namespace borealis::server {
namespace {
constexpr auto kInstanceStartTimeout = std::chrono::seconds(60);
// The gateway may use most of an instance's connections; a few stay for the control plane.
constexpr int kReservedConnections = 10;
// Every instance preloads borealis_guard.so (src/pgext), or the tenant's CREATEROLE master could grant
// itself pg_execute_server_program and run programs as the service user. Set by src/server/CMakeLists.txt.
constexpr const char* kGuardLibrary = BOREALIS_GUARD_LIBRARY;

// postgres runs as the service user: it must be able to reach and read the module (a build tree in a
// 0700 home would not let it), or no instance may start at all.
Status check_guard_library(const supervise::ServiceUser& user) {
  auto refuse = [](const std::string& why) {
    return make_error(Errc::unavailable,
                      std::string("refusing to start instances without the guard module (") + kGuardLibrary + "): " + why);
  };
  if (user.is_current_user) return ::access(kGuardLibrary, R_OK) == 0 ? ok_status() : refuse("not readable");
  auto allows = [&](const struct stat& st, mode_t owner_bit) {
    if (st.st_uid == user.uid) return (st.st_mode & owner_bit) != 0;
    if (st.st_gid == user.gid) return (st.st_mode & (owner_bit >> 3)) != 0;
    return (st.st_mode & (owner_bit >> 6)) != 0;
  };
  std::filesystem::path walked;
  for (const auto& part : std::filesystem::path(kGuardLibrary)) {
    walked /= part;
    struct stat st {};
    if (::stat(walked.c_str(), &st) != 0) return refuse(walked.string() + " does not exist");
    const bool is_file = walked == kGuardLibrary;
    if (is_file ? !S_ISREG(st.st_mode) || !allows(st, S_IRUSR) : !allows(st, S_IXUSR))
      return refuse(walked.string() + " is not " + (is_file ? "readable" : "searchable") + " by " + user.name);
  }
  return ok_status();
}
// The names a cluster's endpoint certificate carries: the writer endpoint, the reader endpoint (which
// reaches the writer while there are no replicas, as on Aurora) and each instance's own endpoint.
std::vector<std::string> endpoint_hosts(const store::ClusterRecord& c, const std::vector<store::InstanceRecord>& instances) {
  std::vector<std::string> hosts{c.endpoint_host};
  if (auto reader = reader_endpoint_host(c.endpoint_host); !reader.empty()) hosts.push_back(std::move(reader));
  for (const auto& i : instances) {
    if (auto own = instance_endpoint_host(c.endpoint_host, i.id); !own.empty()) hosts.push_back(std::move(own));
  }
  return hosts;
}

}  // namespace

Reconciler::Reconciler(DataDir dir, store::Store& store, supervise::Supervisor& supervisor,
                       supervise::ServiceUser user, ReconcilerOptions options)
    : dir_(std::move(dir)),
      store_(store),
      supervisor_(supervisor),
      user_(std::move(user)),
      options_(std::move(options)),
      provider_(directory::MitOptions{dir_.root, user_, options_.stdin_exec}),
      directories_(store_, provider_),
      membership_(dir_, store_, provider_, directories_, user_, std::chrono::seconds(5), options_.kerberos_key_grace,
                  options_.domain_join_problem) {}

Reconciler::~Reconciler() = default;

std::optional<cluster::NativeGss> Reconciler::native_gss(const store::ClusterRecord& c,
                                                          const store::InstanceRecord& record) {
  if (!c.native_direct || record.role != "writer") return std::nullopt;
  auto k = membership_.kerberos_config(c);
  if (!k) return std::nullopt;  // serves only while the cluster is kerberos-enabled
  return cluster::NativeGss{c.endpoint_address, k->keytab, k->realm, k->caseins_users};
}

Result<cluster::Instance*> Reconciler::running_instance(const store::ClusterRecord& c,
                                                        const store::InstanceRecord& record) {
  auto& slot = instances_[record.id];
  std::optional<cluster::NativeGss> gss = native_gss(c, record);
  if (slot && slot->options().native_gss != gss) {
    // listen_addresses needs a restart; the gateway's clients of this instance are disconnected, as
    // an applied-immediately modification reboots an instance on AWS.
    log::info("server", "instance {}: native-direct Kerberos {}; restarting", record.id, gss ? "on" : "off");
    if (supervisor_.contains(slot->child_name())) {
      if (auto s = slot->stop(); !s) return std::move(s).error();
    }
    slot.reset();
  }
  if (!slot) {
    auto layout = cluster::InstanceLayout::make(dir_.root, record.id, record.socket_port);
    if (!layout.ok()) return std::move(layout).error();
    if (auto s = check_guard_library(user_); !s) return std::move(s).error();
    cluster::InstanceOptions opts;
    opts.max_connections = options_.instance_max_connections;
    opts.extra_settings["shared_preload_libraries"] = kGuardLibrary;
    opts.native_gss = std::move(gss);
    auto inst = std::make_unique<cluster::Instance>(std::move(layout).value(), user_, opts);
    if (auto s = inst->ensure_initialized(); !s) return std::move(s).error();
    slot = std::move(inst);
  }
  cluster::Instance* inst = slot.get();
  if (!supervisor_.contains(inst->child_name())) {
    if (auto s = inst->start(supervisor_); !s) return std::move(s).error();
    if (auto s = inst->wait_ready(std::chrono::steady_clock::now() + kInstanceStartTimeout); !s) return std::move(s).error();
    log::info("server", "instance {} is running", record.id);
  }
  return inst;
}

Status Reconciler::reconcile_instance(const store::ClusterRecord& c, const store::InstanceRecord& rec) {
  if (rec.status == "deleting") return remove_instance(rec);
  if (rec.status == "rebooting") {
    // A fresh start after a crash of the control plane is as good as a reboot: stop only what runs.
    auto it = instances_.find(rec.id);
    if (it != instances_.end() && supervisor_.contains(it->second->child_name())) {
      if (auto s = it->second->stop(); !s) return s;
      log::info("server", "instance {} stopped for a reboot", rec.id);
    }
  }
  auto inst = running_instance(c, rec);
  if (!inst.ok()) return std::move(inst).error();
  if (rec.status == "creating" || rec.status == "resetting-master-credentials") {
    // bootstrap_roles converges: it also resets the master's verifier to the stored one.
    auto conn = (*inst)->connect_admin();
    if (!conn.ok()) return std::move(conn).error();
    if (auto s = cluster::bootstrap_roles(*conn, c.master_username, Secret(c.master_verifier)); !s) return s;
  }
  if (rec.status != "available") {
    if (auto s = store_.update_instance_status(rec.id, "available"); !s) return s;
    if (rec.status != "creating") log::info("server", "instance {}: {} done", rec.id, rec.status);
  }
  return ok_status();
}

Status Reconciler::remove_instance(const store::InstanceRecord& rec) {
  auto it = instances_.find(rec.id);
  if (it != instances_.end()) {
    if (supervisor_.contains(it->second->child_name())) {
      if (auto s = it->second->stop(); !s) return s;
    }
    instances_.erase(it);
  }
  auto layout = cluster::InstanceLayout::make(dir_.root, rec.id, rec.socket_port);
  if (layout.ok()) {
    if (auto s = fs::remove_tree(layout->instance_dir); !s) return s;
    if (auto s = fs::remove_tree(layout->socket_dir); !s) return s;
  }
  // Last: until the row is gone, a restarted control plane knows there is something to remove.
  if (auto s = store_.delete_instance(rec.id); !s && s.error().code != Errc::not_found) return s;
  log::info("server", "instance {} deleted", rec.id);
  return ok_status();
}

Status Reconciler::reconcile_cluster(store::ClusterRecord& c) {
  if (c.status == "deleting") return delete_cluster(c);
  auto instances = store_.list_instances(c.id);
  if (!instances.ok()) return std::move(instances).error();
  for (const store::InstanceRecord& rec : *instances) {
    if (auto s = reconcile_instance(c, rec); !s) return s;
  }
  // A cluster without instances (made through the API, before CreateDBInstance) is available, as on
  // Aurora, and serves no endpoint (write_gateway_config needs a running writer).
  if (auto s = ensure_endpoint_certificate(dir_, user_, c.id, endpoint_hosts(c, *instances), c.endpoint_address); !s) return s;
  if (c.status != "available") {
    if (auto s = store_.update_cluster_status(c.id, "available"); !s) return s;
    log::info("server", "cluster {} is available at {} ({}:{})", c.id, c.endpoint_host, c.endpoint_address, c.port);
    c.status = "available";
  }
  return ok_status();
}

Status Reconciler::delete_cluster(const store::ClusterRecord& c) {
  // The principal goes with the cluster. A directory that cannot be reached must not keep a deleted
  // cluster alive: the orphan principal is logged and left behind.
  if (auto s = membership_.leave(c); !s)
    log::warn("server", "cluster {}: leaving domain {}: {}", c.id, c.domain_joined, s.error().message);
  auto instances = store_.list_instances(c.id);
  if (!instances.ok()) return std::move(instances).error();
  for (const store::InstanceRecord& rec : *instances) {
    if (auto s = remove_instance(rec); !s) return s;
  }
  (void)remove_endpoint_certificate(dir_, c.id);
  if (auto s = store_.delete_cluster(c.id); !s) return s;
  log::info("server", "cluster {} deleted", c.id);
  return ok_status();
}

void Reconciler::reconcile_once() {
  directories_.reconcile_once();
  auto clusters = store_.list_clusters();
  if (!clusters.ok()) {
    log::error("server", "cannot read clusters: {}", clusters.error().message);
    return;
  }
  for (store::ClusterRecord& c : *clusters) {
    if (c.deleted) continue;
    if (auto s = reconcile_cluster(c); !s) {
      log::error("server", "cluster {}: {} (will retry)", c.id, s.error().message);
      continue;
    }
    if (c.status != "available") continue;  // deleted in this pass
    if (auto s = membership_.reconcile(c); !s)
      log::error("server", "cluster {} domain membership: {} (will retry)", c.id, s.error().message);
  }
  if (auto s = membership_.write_krb5_conf(); !s) log::error("server", "gateway krb5.conf: {}", s.error().message);
  if (auto s = write_gateway_config(); !s) log::error("server", "gateway config: {}", s.error().message);
  if (auto s = ensure_gateway(); !s) log::error("server", "gateway: {}", s.error().message);
}

Status Reconciler::write_gateway_config() {
  auto mock = store_.get_setting("mock_scram_secret");
  if (!mock.ok()) return std::move(mock).error();
  if (!*mock) return make_error(Errc::internal, "mock SCRAM secret missing from the store");
  gateway::GatewayConfig gc;
  gc.mock_secret = Secret(**mock);
  gc.auth_timeout_s = options_.gateway_auth_timeout_s;
  gc.iam_login_socket = dir_.iam_login_socket();
  auto clusters = store_.list_clusters();
  if (!clusters.ok()) return std::move(clusters).error();
  for (const store::ClusterRecord& c : *clusters) {
    if (c.deleted || c.status != "available") continue;
    auto instances = store_.list_instances(c.id);
    if (!instances.ok()) return std::move(instances).error();
    for (const store::InstanceRecord& rec : *instances) {
      // A writer being deleted stops serving at once, one still being created (roles not yet
      // bootstrapped) does not serve yet; a rebooting one keeps its endpoint (clients wait for the
      // restart, as on AWS).
      if (rec.role != "writer" || rec.status == "deleting" || rec.status == "creating") continue;
      auto layout = cluster::InstanceLayout::make(dir_.root, rec.id, rec.socket_port);
      if (!layout.ok()) return std::move(layout).error();
      gateway::EndpointConfig e;
      e.name = c.id;
      e.cluster_id = c.id;
      e.host = c.endpoint_host;
      e.address = c.endpoint_address;
      e.port = c.port;
      e.tls_cert = dir_.endpoint_cert(c.id);
      e.tls_key = dir_.endpoint_key(c.id);
      e.iam_enabled = c.iam_auth_enabled;
      e.kerberos = membership_.kerberos_config(c);
      if (options_.client_sources) e.client_sources = options_.client_sources(store_, c);
      e.instance = {rec.id, layout->socket_dir, rec.socket_port,
                    std::max(1, options_.instance_max_connections - kReservedConnections)};
      gc.endpoints.push_back(std::move(e));
    }
  }
  std::string unversioned = gateway::render_gateway_config(gc);
  if (unversioned == last_gateway_config_ && fs::exists(dir_.gateway_config())) return ok_status();
  auto stored = store_.get_setting("gateway_config_version");
  if (!stored.ok()) return std::move(stored).error();
  gateway_config_version_ = (*stored ? std::stoll(**stored) : 0) + 1;
  if (auto s = store_.set_setting("gateway_config_version", std::to_string(gateway_config_version_)); !s) return s;
  gc.version = gateway_config_version_;
  if (auto s = fs::write_file_atomic(dir_.gateway_config(), gateway::render_gateway_config(gc), 0600); !s) return s;
  if (!user_.is_current_user) {
    if (auto s = fs::chown_path(dir_.gateway_config(), user_.uid, user_.gid); !s) return s;
  }
  last_gateway_config_ = std::move(unversioned);
  log::info("server", "gateway config version {} written ({} endpoint(s))", gateway_config_version_, gc.endpoints.size());
  // The gateway watches the file; a SIGHUP makes it look at once.
  if (auto pid = supervisor_.pid("gateway")) ::kill(*pid, SIGHUP);
  return ok_status();
}

Status Reconciler::ensure_gateway() {
  if (supervisor_.contains("gateway")) return ok_status();
  supervise::ChildSpec spec;
  spec.name = "gateway";
  spec.process.argv = {options_.self_exe, "gateway", "--config", dir_.gateway_config(), "--log-level", options_.log_level};
  // KRB5_CONFIG: the realms of the Active directories (membership.cc rewrites it; MIT re-reads a
  // changed profile). KRB5RCACHEDIR: any replay cache not named in the config stays in the data dir.
  spec.process.env = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "KRB5_CONFIG=" + dir_.gateway_krb5_conf(),
                      "KRB5RCACHEDIR=" + dir_.replay_cache_dir()};
  spec.process.working_dir = dir_.gateway_dir();
  if (!user_.is_current_user) {
    spec.process.uid = user_.uid;
    spec.process.gid = user_.gid;
  }
  spec.process.log_path = dir_.gateway_log();
  // Graceful first: clients finish their work, then the gateway exits on its own.
  spec.stop_steps = {{SIGTERM, std::chrono::seconds(35)}, {SIGINT, std::chrono::seconds(5)}};
  if (auto s = supervisor_.start(std::move(spec)); !s) return s;
  log::info("server", "gateway started (log {})", dir_.gateway_log());
  return ok_status();
}

void Reconciler::poll_directories() { directories_.poll(); }

void Reconciler::shutdown() {
  if (supervisor_.contains("gateway")) {
    auto r = supervisor_.stop("gateway", {{SIGTERM, std::chrono::seconds(35)}, {SIGINT, std::chrono::seconds(5)}});
    if (!r.ok()) log::warn("server", "stopping gateway: {}", r.error().message);
  }
  for (auto& [id, inst] : instances_) {
    if (supervisor_.contains(inst->child_name())) {
      if (auto s = inst->stop(); !s) log::warn("server", "stopping instance {}: {}", id, s.error().message);
    }
  }
  directories_.shutdown();
}

}  // namespace borealis::server
