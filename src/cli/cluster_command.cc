#include "cli/cluster_command.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "common/fd.h"
#include "common/fs.h"
#include "server/cluster_requests.h"
#include "server/data_dir.h"
#include "server/directory_requests.h"
#include "server/rds_shapes.h"
#include "store/rds_tables.h"
#include "store/store.h"

namespace borealis::cli {
namespace {

// DomainMemberships as the RDS API shows them (Domain, Status, FQDN, IAMRoleName), plus StatusReason,
// which AWS's shape has no member for: why enable-kerberos-failed, in words a person can act on.
nlohmann::json domain_memberships(store::Store& store, const store::ClusterRecord& c) {
  auto fields = store::RdsTables(store).cluster_fields(c.id);
  nlohmann::json out = server::rds::domain_memberships(store, c, fields.ok() ? fields->domain_iam_role_name : "");
  for (auto& m : out) m["StatusReason"] = c.domain_reason;
  return out;
}

// Where PostgreSQL's own GSSAPI listens when the cluster asked for native-direct Kerberos: the
// endpoint address and the writer instance's port (it serves while the cluster is kerberos-enabled).
nlohmann::json native_direct(store::Store& store, const store::ClusterRecord& c) {
  nlohmann::json j{{"Enabled", c.native_direct}};
  if (!c.native_direct) return j;
  if (auto instances = store.list_instances(c.id); instances.ok()) {
    for (const auto& i : *instances) {
      if (i.role != "writer") continue;
      j["Address"] = c.endpoint_address;
      j["Port"] = i.socket_port;
    }
  }
  return j;
}

// Instances and the fields the RDS API sets (defaults for a cluster made here).
void add_api_fields(store::Store& store, const store::ClusterRecord& c, nlohmann::json& out) {
  auto fields = store::RdsTables(store).cluster_fields(c.id);
  if (fields.ok()) {
    out["DBSubnetGroup"] = fields->db_subnet_group;
    out["VpcId"] = fields->vpc_id;
    out["VpcSecurityGroupIds"] = fields->vpc_security_group_ids;
    out["DBClusterParameterGroup"] = fields->parameter_group;
    out["DeletionProtection"] = fields->deletion_protection;
  }
  nlohmann::json members = nlohmann::json::array();
  if (auto instances = store.list_instances(c.id); instances.ok()) {
    for (const auto& i : *instances)
      members.push_back({{"DBInstanceIdentifier", i.id}, {"IsClusterWriter", i.role == "writer"}, {"Status", i.status}});
  }
  out["DBClusterMembers"] = members;
}

nlohmann::json describe(store::Store& store, const store::ClusterRecord& c, const std::string& data_dir) {
  server::DataDir dir{data_dir.empty() ? server::default_data_dir() : data_dir};
  nlohmann::json out = {{"DBClusterIdentifier", c.id},
          {"Status", c.status},
          {"Engine", c.engine},
          {"EngineVersion", c.engine_version},
          {"MasterUsername", c.master_username},
          {"Endpoint", c.endpoint_host},
          {"EndpointAddress", c.endpoint_address},
          {"Port", c.port},
          {"DbClusterResourceId", c.resource_id},
          {"IAMDatabaseAuthenticationEnabled", c.iam_auth_enabled},
          {"DomainMemberships", domain_memberships(store, c)},
          {"KrbCaseinsUsers", c.krb_caseins_users},
          {"NativeDirect", native_direct(store, c)},
          {"CAFile", dir.ca_cert()}};
  add_api_fields(store, c, out);
  return out;
}

int fail(const Error& e) {
  std::cerr << "borealis: " << e.message << "\n";
  return e.code == Errc::invalid_argument ? 2 : 1;
}

}  // namespace

Result<store::Store> open_store(const std::string& data_dir) {
  server::DataDir dir{data_dir.empty() ? server::default_data_dir() : data_dir};
  if (!fs::exists(dir.store_path()))
    return make_error(Errc::not_found, "no borealis data dir at " + dir.root + " (start `borealis server` first)");
  return store::Store::open(dir.store_path());
}

void poke_server(const std::string& data_dir) {
  server::DataDir dir{data_dir.empty() ? server::default_data_dir() : data_dir};
  const std::string path = dir.root + "/server.lock";
  // The PID in the lock file is only a server's while that server holds the lock; after a crash it
  // may name an unrelated process, which must not get a signal. If we can take the lock, nobody runs.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return;
  if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return;  // released when fd closes
  auto pid = fs::read_file(path, 64);
  if (!pid.ok() || pid->empty()) return;
  long p = std::strtol(pid->c_str(), nullptr, 10);
  if (p > 1) ::kill(static_cast<pid_t>(p), SIGHUP);
}

int run_cluster_create(const ClusterCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  std::string password = o.master_password;
  if (o.password_stdin) std::getline(std::cin, password);
  server::CreateClusterRequest request{o.id, o.master_username, Secret(std::move(password)), o.enable_iam, 5432};
  request.domain = o.domain;
  auto c = server::request_create_cluster(*store, std::move(request));
  if (!c.ok()) return fail(c.error());
  poke_server(o.data_dir);
  std::cout << describe(*store, *c, o.data_dir).dump(2) << "\n";
  return 0;
}

int run_cluster_delete(const ClusterCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  if (auto s = server::request_delete_cluster(*store, o.id); !s) return fail(s.error());
  poke_server(o.data_dir);
  return 0;
}

int run_cluster_list(const ClusterCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  auto list = store->list_clusters();
  if (!list.ok()) return fail(list.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : *list) {
    if (!c.deleted) out.push_back(describe(*store, c, o.data_dir));
  }
  std::cout << nlohmann::json{{"DBClusters", out}}.dump(2) << "\n";
  return 0;
}

int run_cluster_describe(const ClusterCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  auto c = store->get_cluster(o.id);
  if (!c.ok() && c.error().code != Errc::not_found) return fail(c.error());
  if (!c.ok() || c->deleted) return fail(make_error(Errc::not_found, "DB cluster " + o.id + " not found"));
  std::cout << describe(*store, *c, o.data_dir).dump(2) << "\n";
  return 0;
}

int run_cluster_modify(const ClusterCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  server::ModifyClusterRequest request;
  request.id = o.id;
  if (!o.domain.empty()) request.domain = o.domain;
  if (o.krb_caseins_users == "on") request.krb_caseins_users = true;
  else if (o.krb_caseins_users == "off") request.krb_caseins_users = false;
  else if (!o.krb_caseins_users.empty())
    return fail(make_error(Errc::invalid_argument, "--krb-caseins-users must be on or off"));
  if (!o.native_direct.empty()) request.native_direct = o.native_direct == "on";
  request.rotate_kerberos_key = o.rotate_kerberos_key;
  if (auto s = server::request_modify_cluster(*store, request); !s) return fail(s.error());
  poke_server(o.data_dir);
  auto c = store->get_cluster(o.id);
  if (!c.ok()) return fail(c.error());
  std::cout << describe(*store, *c, o.data_dir).dump(2) << "\n";
  return 0;
}

}  // namespace borealis::cli
