// RDS API state beside the core cluster rows (store.h): the fields only the AWS API sets on clusters
// and instances, DB subnet groups, DB cluster parameter groups and their parameters. Same SQLite
// connection and transactions as the Store it wraps. Never holds a password: the master's SCRAM
// verifier lives in the cluster row, and only set_master_verifier writes it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/secret.h"
#include "store/resource_tag.h"
#include "store/store.h"

namespace borealis::store {

// The only parameter group family borealis serves, and its implicit default group (it always exists,
// cannot be modified or deleted, as on AWS).
inline constexpr std::string_view kAuroraPostgresFamily = "aurora-postgresql15";
inline constexpr std::string_view kDefaultClusterParameterGroup = "default.aurora-postgresql15";
inline constexpr std::string_view kDefaultSubnetGroup = "default";

// Cluster fields set through the API. A cluster made by `borealis cluster create` has no row; it reads
// as the defaults (no VPC, default subnet and parameter groups, its instance made with the cluster).
struct RdsClusterFields {
  std::string cluster_id;
  std::string domain_iam_role_name;
  std::string vpc_id;
  std::vector<std::string> vpc_security_group_ids;
  std::string db_subnet_group{kDefaultSubnetGroup};
  std::string parameter_group{kDefaultClusterParameterGroup};
  bool deletion_protection = false;
  // Instances come only from CreateDBInstance (Aurora's model), not with the cluster (the CLI's).
  bool api_managed_instances = false;
};

// Instance fields set through the API; an instance made with a CLI cluster has no row.
struct RdsInstanceFields {
  std::string instance_id;
  std::string instance_class = "db.r6g.large";
  std::string engine = "aurora-postgresql";
  std::string availability_zone;
  bool publicly_accessible = false;
  int promotion_tier = 1;
  std::string dbi_resource_id;  // "db-" + 26 upper-case alphanumerics; generated if empty
};

struct DbSubnetGroupRecord {
  std::string name;  // stored lower-case, as AWS does
  std::string description;
  std::string vpc_id;
  std::vector<std::string> subnet_ids;
  std::string created_at;  // set by the store if empty
};

struct ClusterParameterGroupRecord {
  std::string name;  // stored lower-case
  std::string family{kAuroraPostgresFamily};
  std::string description;
  bool is_default = false;  // the implicit default group (no row)
};

// An RDS resource as its ARN names it: arn:aws:rds:REGION:ACCOUNT:<type>:<name>, type one of
// cluster, db, subgrp, cluster-pg.
struct TaggedResource {
  std::string type;
  std::string name;
};

// "db-" followed by 26 random upper-case alphanumerics, like RDS's DbiResourceId.
std::string generate_dbi_resource_id();

class RdsTables {
 public:
  explicit RdsTables(Store& store) : store_(store) {}

  // Inserts or replaces the row; the cluster must exist (live), else not_found.
  Status put_cluster_fields(const RdsClusterFields& fields);
  // The cluster's API fields, or the defaults for a cluster without a row (id filled in either way).
  Result<RdsClusterFields> cluster_fields(const std::string& cluster_id);
  // Whether the cluster has an API row at all (created through CreateDBCluster).
  Result<bool> has_cluster_fields(const std::string& cluster_id);

  Status put_instance_fields(const RdsInstanceFields& fields);
  Result<RdsInstanceFields> instance_fields(const std::string& instance_id);

  // Columns of the core cluster row that only the API changes.
  Status set_master_verifier(const std::string& cluster_id, const Secret& verifier);
  Status set_iam_auth_enabled(const std::string& cluster_id, bool on);

  // DB subnet groups. already_exists for a taken name; not_found from get/delete.
  Result<DbSubnetGroupRecord> create_subnet_group(DbSubnetGroupRecord group);
  Result<DbSubnetGroupRecord> get_subnet_group(const std::string& name);
  Result<std::vector<DbSubnetGroupRecord>> list_subnet_groups();
  Status delete_subnet_group(const std::string& name);

  // DB cluster parameter groups. The default group is implicit: get/list return it, create/delete/
  // set_parameter refuse it (invalid_argument).
  Result<ClusterParameterGroupRecord> create_parameter_group(ClusterParameterGroupRecord group);
  Result<ClusterParameterGroupRecord> get_parameter_group(const std::string& name);
  Result<std::vector<ClusterParameterGroupRecord>> list_parameter_groups();
  Status delete_parameter_group(const std::string& name);
  // Values set by the user (parameters absent here have their engine default).
  Result<std::map<std::string, std::string>> parameters(const std::string& group);
  Status set_parameter(const std::string& group, const std::string& name, const std::string& value);
  Status reset_parameter(const std::string& group, const std::string& name);

  // Tags (v8), sorted by key. put_tags adds or overwrites keys; remove_tags ignores absent keys. A
  // resource's tags go with its row (triggers), so nothing here checks that the resource exists.
  Result<std::vector<ResourceTag>> tags(const TaggedResource& resource);
  Status put_tags(const TaggedResource& resource, const std::vector<ResourceTag>& tags);
  Status remove_tags(const TaggedResource& resource, const std::vector<std::string>& keys);
  Status clear_tags(const TaggedResource& resource);

  // Live clusters (ids) whose API row names the subnet group / parameter group.
  Result<std::vector<std::string>> clusters_using_subnet_group(const std::string& name);
  Result<std::vector<std::string>> clusters_using_parameter_group(const std::string& name);

 private:
  Store& store_;
};

}  // namespace borealis::store
