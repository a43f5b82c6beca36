// `borealis cluster …`: create, delete, list and describe clusters in a data dir's store (the
// desired state a running `borealis server` reconciles). Stands in for the RDS API until it lands.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace borealis::cli {

struct ClusterCommandOptions {
  std::string data_dir;
  std::string id;
  std::string master_username = "postgres";
  std::string master_password;  // from --master-user-password (visible in ps, like the aws CLI's)
  bool password_stdin = false;
  bool enable_iam = false;
  bool json = false;
  std::string domain;                  // create/modify --domain d-… ("none" on modify: leave)
  std::string krb_caseins_users;       // modify --krb-caseins-users on|off ("" = unchanged)
  bool rotate_kerberos_key = false;    // modify --rotate-kerberos-key
  std::string native_direct;           // modify --native-direct on|off ("" = unchanged)
};

int run_cluster_create(const ClusterCommandOptions& options);
int run_cluster_delete(const ClusterCommandOptions& options);
int run_cluster_list(const ClusterCommandOptions& options);
int run_cluster_describe(const ClusterCommandOptions& options);
int run_cluster_modify(const ClusterCommandOptions& options);

// Opens the store of an existing data dir (default data dir when empty).
Result<store::Store> open_store(const std::string& data_dir);

// Asks a running server on `data_dir` to reconcile now (SIGHUP to the PID in its lock file).
void poke_server(const std::string& data_dir);

}  // namespace borealis::cli
