// The precondition a DB cluster created through the RDS API must meet before it joins its domain
// (ReconcilerOptions::domain_join_problem), as AWS documents the failures of a Kerberos domain join:
// a DomainIAMRoleName, STS active in the region, the role fit for directory service access (trust +
// AmazonRDSDirectoryServiceAccess, identity/domain_role.h), and the directory reachable from the
// cluster's VPC and security groups (network/reachability.h). Read-only; the answer is one sentence.
#pragma once

#include <string>
#include <vector>

#include "server/membership.h"

namespace borealis::server {

struct DomainJoinSettings {
  std::string region = "us-east-1";              // the region the clusters are in
  std::vector<std::string> sts_inactive_regions;  // ApiSettings::sts_inactive_regions
};

// The account id is read from the store at each check (the API writes it at its first start).
DomainJoinCheck rds_domain_join_check(DomainJoinSettings settings);

}  // namespace borealis::server
