#include "cli/dev_command.h"

#include <iostream>

#include "cli/dev_directory.h"
#include "cli/log_level.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/random.h"
#include "server/cluster_requests.h"
#include "server/control_plane.h"
#include "server/data_dir.h"
#include "server/directory_requests.h"
#include "store/store.h"

namespace borealis::cli {
namespace {
constexpr const char* kDevCluster = "dev";
constexpr const char* kDevUser = "postgres";
}  // namespace

int run_dev(const DevCommandOptions& options) {
  log::set_process_tag("server");
  apply_log_level(options.log_level);
  server::DataDir dir{options.data_dir.empty() ? server::default_data_dir() : options.data_dir};
  const std::string pgpass = dir.root + "/dev.pgpass";
  bool printed = false;
  DevDirectory kerberos(dir, options.service_user);

  server::ServerOptions so;
  so.data_dir = dir.root;
  so.log_level = options.log_level;
  so.service_user = options.service_user;
  so.endpoint_network = options.endpoint_network;
  so.on_start = [&](store::Store& store) -> int {
    auto domain = kerberos.ensure_requested(store);
    if (!domain.ok()) {
      std::cerr << "borealis dev: directory: " << domain.error().message << "\n";
      return 1;
    }
    auto existing = store.get_cluster(kDevCluster);
    if (existing.ok() && !existing->deleted) {
      if (existing->domain == *domain) return 0;
      server::ModifyClusterRequest join;
      join.id = kDevCluster;
      join.domain = *domain;
      if (auto s = server::request_modify_cluster(store, join); !s) {
        std::cerr << "borealis dev: joining the domain: " << s.error().message << "\n";
        return 1;
      }
      return 0;
    }
    // Letters and digits only: valid for AWS's password rules and for pgpass without escaping.
    std::string password = random::from_alphabet(24, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789");
    server::CreateClusterRequest request{kDevCluster, kDevUser, Secret(password), false, 5432};
    request.domain = *domain;
    auto c = server::request_create_cluster(store, std::move(request));
    if (!c.ok()) {
      std::cerr << "borealis dev: " << c.error().message << "\n";
      return 1;
    }
    std::string line = c->endpoint_host + ":" + std::to_string(c->port) + ":*:" + kDevUser + ":" + password + "\n";
    if (auto s = fs::write_file_atomic(pgpass, line, 0600); !s) {
      std::cerr << "borealis dev: " << s.error().message << "\n";
      return 1;
    }
    return 0;
  };
  so.after_reconcile = [&](store::Store& store) {
    if (printed) {
      (void)kerberos.after_reconcile(store, kDevCluster);
      return;
    }
    auto c = store.get_cluster(kDevCluster);
    if (!c.ok() || c->status != "available") return;
    printed = true;
    std::cout << "\nborealis dev is ready.\n"
              << "  cluster   " << c->id << " (master user " << c->master_username << ")\n"
              << "  endpoint  " << c->endpoint_host << "  ->  " << c->endpoint_address << ":" << c->port << "\n"
              << "  CA file   " << dir.ca_cert() << "\n"
              << "  password  in " << pgpass << " (0600)\n\n"
              << "Connect over verified TLS:\n"
              << "  PGPASSFILE=" << pgpass << " psql \"host=" << c->endpoint_host << " hostaddr=" << c->endpoint_address
              << " port=" << c->port << " user=" << c->master_username
              << " dbname=postgres sslmode=verify-full sslrootcert=" << dir.ca_cert() << "\"\n\n"
              << "Kerberos logins (directory corp.example.com, user alice) follow once the domain is joined.\n"
              << "Stop with Ctrl-C.\n"
              << std::flush;
  };
  return server::run_server(so);
}

}  // namespace borealis::cli
