// `borealis server`: owns the data dir (one server per data dir, enforced by a lock), the store, the
// supervisor and the reconciler, and runs until SIGTERM/SIGINT, then stops the gateway gracefully
// and the instances with a fast shutdown. Single-threaded on purpose: children's death signals are
// tied to the thread that forked them.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace borealis::store {
class Store;
}

namespace borealis::server {

struct ServerOptions {
  std::string data_dir;
  std::string service_user = "borealis";
  std::string log_level = "info";
  int instance_max_connections = 200;
  int gateway_auth_timeout_s = 60;  // written to the gateway config as auth_timeout_s
  long long kerberos_key_grace_s = 0;  // 0: the default (server/membership.h)
  // "127.A": endpoints of new clusters get 127.A.N.M addresses (empty: keep the stored choice,
  // 127.0 by default). Lets several servers share one host without colliding on :5432.
  std::string endpoint_network;
  // The AWS-compatible API (api_service.h): loopback port (0: ephemeral, named in the log), regions.
  int api_port = 4600;
  bool api_enabled = true;
  std::string default_region = "us-east-1";
  std::vector<std::string> regions;               // empty: just default_region
  std::vector<std::string> sts_inactive_regions;  // STS deactivated there (domain joins fail)
  // Called after every reconcile pass with the store (used by `borealis dev` to print how to connect
  // once its cluster is available). Returns nothing; must not block.
  std::function<void(store::Store&)> after_reconcile;
  // Called once the store is open, before the first pass (used by `borealis dev` to ask for its cluster).
  std::function<int(store::Store&)> on_start;
};

int run_server(const ServerOptions& options);

// borealis-stdin-exec, which feeds passwords to the MIT Kerberos tools on stdin (never argv).
std::string stdin_exec_path();

}  // namespace borealis::server
