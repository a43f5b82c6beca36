// What the RDS handlers need to know about EC2 networking (subnets, security groups, default VPC),
// as functions the control plane installs once at start-up from the network component
// (network_tables.h), so the RDS code does not depend on how EC2 state is kept. Until they are
// installed, ids are checked for their format only and no VPC is recorded.
//
// Installed before the API thread serves its first request and never changed afterwards, so reads
// need no lock. The functions run on the API thread with the API's store connection.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace borealis::server {

struct RdsSubnetInfo {
  std::string vpc_id;
  std::string availability_zone;
};

struct RdsNetwork {
  // The subnet's VPC and zone; nullopt when no such subnet exists.
  std::function<Result<std::optional<RdsSubnetInfo>>(store::Store&, const std::string& subnet_id)> subnet;
  // The security group's VPC; nullopt when no such group exists.
  std::function<Result<std::optional<std::string>>(store::Store&, const std::string& group_id)> security_group_vpc;
  // The region's default VPC (made on first use, as AWS accounts have one).
  std::function<Result<std::string>(store::Store&, const std::string& region)> default_vpc;
  // The VPC's "default" security group.
  std::function<Result<std::string>(store::Store&, const std::string& vpc_id)> default_security_group;
};

void set_rds_network(RdsNetwork network);
const RdsNetwork& rds_network();

// The view over the EC2 tables of the store (store/network_tables.h), what the control plane installs:
// set_rds_network(rds_network_from_store()). A region without a default VPC, or a VPC without its
// "default" group, is an error that names it (the caller must then name a subnet group / groups).
RdsNetwork rds_network_from_store();

// What RDS holds of EC2, for EC2's dependency rules (network::add_dependency_check): a security group
// named by a live DB cluster, or a subnet in a DB subnet group, cannot be deleted (DependencyViolation
// names the holder). Returns "DB cluster x" / "DB subnet group y", or nullopt.
std::optional<std::string> rds_holder_of(store::Store& store, const std::string& resource_id);

}  // namespace borealis::server
