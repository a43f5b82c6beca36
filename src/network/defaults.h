// The default network EC2 gives every account in every region: a default VPC 172.31.0.0/16 with
// default subnets 172.31.0.0/20, 172.31.16.0/20 and 172.31.32.0/20 in <region>a/b/c and the VPC's
// default security group "default". Called at server start-up; never touches a region that already
// has a default VPC (so a deleted default subnet or group stays deleted, as in EC2).
#pragma once

#include <span>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace borealis::network {

inline constexpr const char* kDefaultVpcCidr = "172.31.0.0/16";

// Idempotent: creates the default VPC (with its subnets and group) in each region that has none,
// each region in one transaction.
Status ensure_default_network(store::Store& store, std::span<const std::string> regions);

}  // namespace borealis::network
