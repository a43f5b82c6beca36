// Plain lookups other components need of the network model (the rds handlers: a subnet's VPC and
// zone, a group's VPC, the default VPC and its default group), with store-style errors rather than
// EC2 ones. Each fits one member of server::RdsNetwork (src/server/rds_network.h), so the control
// plane can install them directly. Read-only, except default_vpc_id, which makes the region's
// default network when it is missing (AWS accounts always have one).
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "store/network_tables.h"
#include "store/store.h"

namespace borealis::network {

// nullopt when no such subnet / group exists.
Result<std::optional<store::SubnetRecord>> find_subnet_record(store::Store& store, const std::string& subnet_id);
Result<std::optional<std::string>> security_group_vpc(store::Store& store, const std::string& group_id);
// The region's default VPC, created with its subnets and group (ensure_default_network) if missing.
Result<std::string> default_vpc_id(store::Store& store, const std::string& region);
// The VPC's group named "default"; not_found when the VPC has none (it was deleted with the VPC).
Result<std::string> default_security_group_id(store::Store& store, const std::string& vpc_id);

}  // namespace borealis::network
