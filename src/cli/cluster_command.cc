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
#include "store/store.h"

namespace borealis::cli {
namespace {

Result<store::Store> open_store(const std::string& data_dir) {
  server::DataDir dir{data_dir.empty() ? server::default_data_dir() : data_dir};
  if (!fs::exists(dir.store_path()))
    return make_error(Errc::not_found, "no borealis data dir at " + dir.root + " (start `borealis server` first)");
  return store::Store::open(dir.store_path());
}

nlohmann::json describe(const store::ClusterRecord& c, const std::string& data_dir) {
  server::DataDir dir{data_dir.empty() ? server::default_data_dir() : data_dir};
  return {{"DBClusterIdentifier", c.id},
          {"Status", c.status},
          {"Engine", c.engine},
          {"EngineVersion", c.engine_version},
          {"MasterUsername", c.master_username},
          {"Endpoint", c.endpoint_host},
          {"EndpointAddress", c.endpoint_address},
          {"Port", c.port},
          {"DbClusterResourceId", c.resource_id},
          {"IAMDatabaseAuthenticationEnabled", c.iam_auth_enabled},
          {"CAFile", dir.ca_cert()}};
}

int fail(const Error& e) {
  std::cerr << "borealis: " << e.message << "\n";
  return e.code == Errc::invalid_argument ? 2 : 1;
}

}  // namespace

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
  auto c = server::request_create_cluster(*store, {o.id, o.master_username, Secret(std::move(password)), o.enable_iam, 5432});
  if (!c.ok()) return fail(c.error());
  poke_server(o.data_dir);
  std::cout << describe(*c, o.data_dir).dump(2) << "\n";
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
    if (!c.deleted) out.push_back(describe(c, o.data_dir));
  }
  std::cout << nlohmann::json{{"DBClusters", out}}.dump(2) << "\n";
  return 0;
}

int run_cluster_describe(const ClusterCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  auto c = store->get_cluster(o.id);
  if (!c.ok() || c->deleted) return fail(make_error(Errc::not_found, "DB cluster " + o.id + " not found"));
  std::cout << describe(*c, o.data_dir).dump(2) << "\n";
  return 0;
}

}  // namespace borealis::cli
