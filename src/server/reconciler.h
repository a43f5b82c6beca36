// Drives actual state towards the store's desired state, one idempotent step at a time: directories
// (directory_reconciler.h); instances initialised, started and bootstrapped; endpoint certificates
// issued; domain membership (membership.h); the gateway's config and krb5.conf written and the
// gateway supervised; deleted clusters torn down. Every step can be interrupted (kill -9) and
// re-run: it checks what exists before it acts.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>

#include "cluster/instance.h"
#include "common/result.h"
#include "directory/mit_provider.h"
#include "gateway/config.h"
#include "server/data_dir.h"
#include "server/directory_reconciler.h"
#include "server/membership.h"
#include "store/store.h"
#include "supervise/service_user.h"
#include "supervise/supervisor.h"

namespace borealis::server {

struct ReconcilerOptions {
  std::string self_exe;           // the borealis binary, to start `borealis gateway`
  std::string log_level = "info";
  int instance_max_connections = 200;
  int gateway_auth_timeout_s = 60;  // GatewayConfig::auth_timeout_s
  std::string stdin_exec;           // borealis-stdin-exec, for the MIT directory provider
  std::chrono::seconds kerberos_key_grace{kDefaultKerberosKeyGrace};  // see membership.h
  // Checked before a cluster created through the RDS API joins its domain (IAM role, STS, network);
  // a reason makes the membership enable-kerberos-failed with it. See membership.h for the pace.
  DomainJoinCheck domain_join_problem;
  // The client addresses a cluster's VPC security groups admit on its port, enforced by the gateway;
  // nullopt for a cluster without security groups (made by `borealis cluster create`).
  std::function<std::optional<gateway::ClientSources>(store::Store&, const store::ClusterRecord&)> client_sources;
};

class Reconciler {
 public:
  Reconciler(DataDir dir, store::Store& store, supervise::Supervisor& supervisor, supervise::ServiceUser user,
             ReconcilerOptions options);
  ~Reconciler();

  // One pass over every directory and cluster; errors of one are logged and retried on the next pass.
  void reconcile_once();
  // Restarts crashed directory daemons; call often, from the thread that runs reconcile_once.
  void poll_directories();
  // Stops the gateway (graceful), then every instance (fast shutdown), then the directories' daemons.
  void shutdown();

 private:
  Status reconcile_cluster(store::ClusterRecord& cluster);
  Status delete_cluster(const store::ClusterRecord& cluster);
  // One instance row one step: deleting → stopped, directories removed, row deleted; rebooting →
  // restarted; creating / resetting-master-credentials → roles (re)applied; then available.
  Status reconcile_instance(const store::ClusterRecord& cluster, const store::InstanceRecord& record);
  Status remove_instance(const store::InstanceRecord& record);
  Result<cluster::Instance*> running_instance(const store::ClusterRecord& cluster, const store::InstanceRecord& record);
  // Native-direct Kerberos settings the instance must run with (nullopt: no TCP listener).
  std::optional<cluster::NativeGss> native_gss(const store::ClusterRecord& cluster, const store::InstanceRecord& record);
  Status write_gateway_config();
  Status ensure_gateway();

  DataDir dir_;
  store::Store& store_;
  supervise::Supervisor& supervisor_;
  supervise::ServiceUser user_;
  ReconcilerOptions options_;
  std::map<std::string, std::unique_ptr<cluster::Instance>> instances_;  // by instance id
  directory::MitProvider provider_;
  DirectoryReconciler directories_;
  Membership membership_;
  std::string last_gateway_config_;  // rendered with version 0, to detect changes
  long long gateway_config_version_ = 0;
};

}  // namespace borealis::server
