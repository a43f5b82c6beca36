// Desired-state changes for clusters, as the CLI makes them today and the RDS API will tomorrow:
// validate, write one row in the store, return. The reconciler does the work. A plaintext master
// password never reaches the store: only its SCRAM verifier does.
#pragma once

#include <string>
#include <string_view>

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
  std::string engine_version = "15";
  // The CLI makes the writer instance with the cluster; the RDS API (Aurora's model) leaves instances
  // to CreateDBInstance, and a cluster without instances is available but serves no endpoint.
  bool with_writer_instance = true;
  // The region it lives in: the API's request region; empty (the CLI) = the data dir's region.
  std::string region = "";
};

// Names and settings shared by every cluster of this control plane.
struct EndpointNaming {
  std::string region = "us-east-1";
  std::string suffix;  // 12 lower-case alphanumerics, per data dir (like AWS's per-account hash)
  std::string domain = "rds.borealis.internal";
  std::string cluster_host(const std::string& cluster_id) const;
};

// The cluster's reader endpoint, <id>.cluster-ro-<suffix>.<region>.<domain>, from its writer endpoint
// ("" for a name of another shape). Without replicas it reaches the writer, as on Aurora: same address,
// and the endpoint certificate names both.
std::string reader_endpoint_host(const std::string& writer_host);
// An instance's own endpoint, <instance>.<suffix>.<region>.<domain> (RDS's shape), from its cluster's
// writer endpoint ("" for a name of another shape). The only instance is the writer, so it shares the
// cluster's address, and the endpoint certificate names it too.
std::string instance_endpoint_host(const std::string& writer_host, const std::string& instance_id);

Result<EndpointNaming> load_endpoint_naming(store::Store& store);

// AWS's identifier rules (DB clusters, instances, parameter groups): 1 to max_length letters,
// digits and hyphens, a letter first, no trailing hyphen and no "--".
Status validate_rds_identifier(std::string_view what, const std::string& id, std::size_t max_length);
Status validate_cluster_id(const std::string& id);
Status validate_master_username(const std::string& name);
Status validate_master_password(const Secret& password);

// The SCRAM-SHA-256 verifier (PostgreSQL's format, fresh salt) the store keeps instead of a password.
Secret make_master_verifier(const Secret& password);

// Runs in one store transaction (joining the caller's if one is open).
Result<store::ClusterRecord> request_create_cluster(store::Store& store, CreateClusterRequest request);
Status request_delete_cluster(store::Store& store, const std::string& id);

// The writer instance of a cluster is named after it.
std::string writer_instance_id(const std::string& cluster_id);

}  // namespace borealis::server
