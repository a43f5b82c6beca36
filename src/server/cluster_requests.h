// Desired-state changes for clusters, as the CLI makes them today and the RDS API will tomorrow:
// validate, write one row in the store, return. The reconciler does the work. A plaintext master
// password never reaches the store: only its SCRAM verifier does.
#pragma once

#include <string>

#include "common/result.h"
#include "common/secret.h"
#include "store/store.h"

namespace borealis::server {

struct CreateClusterRequest {
  std::string id;               // DBClusterIdentifier (stored lower-case, as AWS does)
  std::string master_username;
  Secret master_password;
  bool iam_auth_enabled = false;
  int port = 5432;
  std::string domain = "";  // directory id to join ("" or "none": no domain); must exist
  bool krb_caseins_users = false;
};

// Names and settings shared by every cluster of this control plane.
struct EndpointNaming {
  std::string region = "us-east-1";
  std::string suffix;  // 12 lower-case alphanumerics, per data dir (like AWS's per-account hash)
  std::string domain = "rds.borealis.internal";
  std::string cluster_host(const std::string& cluster_id) const;
};

Result<EndpointNaming> load_endpoint_naming(store::Store& store);

Status validate_cluster_id(const std::string& id);
Status validate_master_username(const std::string& name);
Status validate_master_password(const Secret& password);

Result<store::ClusterRecord> request_create_cluster(store::Store& store, CreateClusterRequest request);
Status request_delete_cluster(store::Store& store, const std::string& id);

// The writer instance of a cluster is named after it.
std::string writer_instance_id(const std::string& cluster_id);

}  // namespace borealis::server
