// EC2 networking: VPCs, subnets, security groups and rules, VPC peerings, kept in the control plane's store (same connection and transactions as store.h).
#pragma once

#include "common/result.h"
#include "store/store.h"

namespace borealis::store {

class NetworkTables {
 public:
  explicit NetworkTables(Store& store) : store_(store) {}

 private:
  Store& store_;
};

}  // namespace borealis::store
