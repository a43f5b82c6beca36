// The installed EC2 view of the RDS handlers (see rds_network.h).
#include "server/rds_network.h"

#include <algorithm>

#include "store/network_tables.h"
#include "store/rds_tables.h"

namespace borealis::server {
namespace {
RdsNetwork& installed() {
  static RdsNetwork network;
  return network;
}
}  // namespace

void set_rds_network(RdsNetwork network) { installed() = std::move(network); }
const RdsNetwork& rds_network() { return installed(); }

RdsNetwork rds_network_from_store() {
  RdsNetwork n;
  n.subnet = [](store::Store& store, const std::string& id) -> Result<std::optional<RdsSubnetInfo>> {
    auto s = store::NetworkTables(store).get_subnet(id);
    if (!s.ok()) {
      if (s.error().code == Errc::not_found) return std::optional<RdsSubnetInfo>();
      return std::move(s).error();
    }
    return std::optional<RdsSubnetInfo>(RdsSubnetInfo{s->vpc_id, s->availability_zone});
  };
  n.security_group_vpc = [](store::Store& store, const std::string& id) -> Result<std::optional<std::string>> {
    auto g = store::NetworkTables(store).get_security_group(id);
    if (!g.ok()) {
      if (g.error().code == Errc::not_found) return std::optional<std::string>();
      return std::move(g).error();
    }
    return std::optional<std::string>(g->vpc_id);
  };
  n.default_vpc = [](store::Store& store, const std::string& region) -> Result<std::string> {
    auto vpc = store::NetworkTables(store).default_vpc(region);
    if (!vpc.ok()) return std::move(vpc).error();
    if (!*vpc)
      return make_error(Errc::invalid_argument,
                        "region " + region + " has no default VPC: name a DBSubnetGroupName of another VPC");
    return (*vpc)->id;
  };
  n.default_security_group = [](store::Store& store, const std::string& vpc_id) -> Result<std::string> {
    auto groups = store::NetworkTables(store).list_security_groups_in_vpc(vpc_id);
    if (!groups.ok()) return std::move(groups).error();
    for (const auto& g : *groups) {
      if (g.is_default) return g.id;
    }
    return make_error(Errc::invalid_argument, "VPC " + vpc_id + " has no default security group: name VpcSecurityGroupIds");
  };
  return n;
}

std::optional<std::string> rds_holder_of(store::Store& store, const std::string& resource_id) {
  store::RdsTables rds(store);
  if (resource_id.rfind("sg-", 0) == 0) {
    auto clusters = store.list_clusters();
    // A store failure holds the group: refusing a delete is recoverable, losing a cluster's group is not.
    if (!clusters.ok()) return "the DB clusters (the store could not be read)";
    for (const auto& c : *clusters) {
      auto fields = rds.cluster_fields(c.id);
      if (!fields.ok()) continue;  // a cluster made by the CLI has no security groups
      const auto& groups = fields->vpc_security_group_ids;
      if (std::find(groups.begin(), groups.end(), resource_id) != groups.end()) return "DB cluster " + c.id;
    }
  } else if (resource_id.rfind("subnet-", 0) == 0) {
    auto groups = rds.list_subnet_groups();
    if (!groups.ok()) return "the DB subnet groups (the store could not be read)";
    for (const auto& g : *groups)
      if (std::find(g.subnet_ids.begin(), g.subnet_ids.end(), resource_id) != g.subnet_ids.end())
        return "DB subnet group " + g.name;
  }
  return std::nullopt;
}

}  // namespace borealis::server
