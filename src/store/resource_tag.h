// One tag of an AWS resource (RDS: rds_tables, EC2: network_tables), as the store keeps it.
#pragma once

#include <string>

namespace borealis::store {

struct ResourceTag {
  std::string key;
  std::string value;
  bool operator==(const ResourceTag&) const = default;
};

}  // namespace borealis::store
