// DB → directory reachability and client ingress CIDRs (see reachability.h for the rule).
#include "network/reachability.h"

#include <algorithm>
#include <set>

#include "common/cidr.h"
#include "network/model.h"
#include "network/rules.h"
#include "store/network_tables.h"

namespace borealis::network {
namespace {

// Where the directory sits, as the rule needs it.
struct DirectorySide {
  std::string vpc_id;
  std::string group_id;
  bool allows_everything = false;  // a directory without a network row
};

std::string store_failure(const Error& e) {
  return "the network model could not be read (" + e.message + "), so reachability cannot be confirmed";
}

bool cidr_covers(const std::string& rule_cidr, const std::string& vpc_cidr) {
  auto outer = parse_cidr(rule_cidr);
  auto inner = parse_cidr(vpc_cidr);
  return outer && inner && outer->contains(*inner);
}

// Condition 1: the two VPCs are one, or an active peering joins them.
std::optional<std::string> vpc_problem(store::Store& store, const std::string& db_vpc_id, const std::string& dir_vpc_id,
                                       const std::string& directory_id) {
  if (db_vpc_id == dir_vpc_id) return std::nullopt;
  auto peerings = peerings_between(store, db_vpc_id, dir_vpc_id);
  if (!peerings) return store_failure(peerings.error());
  if (has_active_peering(*peerings)) return std::nullopt;
  for (const auto& p : *peerings) {
    if (p.status == "pending-acceptance")
      return "VPC " + db_vpc_id + " of the DB cluster and VPC " + dir_vpc_id + " of directory " + directory_id +
             " are not connected yet: VPC peering connection " + p.id +
             " is pending acceptance; accept it (aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id " +
             p.id + ")";
  }
  return "VPC " + db_vpc_id + " of the DB cluster and VPC " + dir_vpc_id + " of directory " + directory_id +
         " are not connected: create and accept a VPC peering connection between them";
}

}  // namespace

std::optional<std::string> directory_unreachable_reason(store::Store& store, const std::string& db_vpc_id,
                                                        const std::vector<std::string>& db_security_group_ids,
                                                        const std::string& directory_id,
                                                        const std::string& default_region) {
  store::NetworkTables tables(store);
  DirectorySide dir;
  auto row = tables.get_directory_network(directory_id);
  if (!row) return store_failure(row.error());
  if (row->has_value()) {
    dir.vpc_id = (*row)->vpc_id;
    dir.group_id = (*row)->security_group_id;
  } else {
    auto def = tables.default_vpc(default_region);
    if (!def) return store_failure(def.error());
    if (!def->has_value()) return std::nullopt;  // nothing to check against (see the header)
    dir.vpc_id = (*def)->id;
    auto group = tables.find_security_group(dir.vpc_id, "default");
    if (group) dir.group_id = group->id;
    dir.allows_everything = true;
  }

  if (auto problem = vpc_problem(store, db_vpc_id, dir.vpc_id, directory_id)) return problem;

  auto db_vpc = tables.get_vpc(db_vpc_id);
  if (!db_vpc) return store_failure(db_vpc.error());
  auto dir_vpc = tables.get_vpc(dir.vpc_id);
  if (!dir_vpc) return store_failure(dir_vpc.error());

  if (db_security_group_ids.empty())
    return "the DB cluster has no security group, so nothing allows inbound traffic from directory " + directory_id +
           "'s security group " + dir.group_id + "; give it a security group with an ingress rule --source-group " +
           dir.group_id;

  // Condition 2: a DB group admits the directory's group (or a CIDR holding the directory's VPC).
  bool db_admits_directory = false;
  for (const auto& group_id : db_security_group_ids) {
    auto rules = tables.list_rules(group_id);
    if (!rules) return store_failure(rules.error());
    db_admits_directory = std::any_of(rules->begin(), rules->end(), [&](const store::SecurityGroupRuleRecord& r) {
      if (r.egress) return false;
      if (!r.referenced_group_id.empty()) return r.referenced_group_id == dir.group_id;
      return cidr_covers(r.cidr, dir_vpc->cidr);
    });
    if (db_admits_directory) break;
  }
  if (!db_admits_directory)
    return "no security group of the DB cluster (" + join_list(db_security_group_ids) +
           ") allows inbound traffic from directory " + directory_id + "'s security group " + dir.group_id +
           "; add an ingress rule with --source-group " + dir.group_id + " (or --cidr " + dir_vpc->cidr + ")";

  // Condition 3: the directory's group admits Kerberos from the DB.
  if (dir.allows_everything) return std::nullopt;
  auto dir_rules = tables.list_rules(dir.group_id);
  if (!dir_rules) return store_failure(dir_rules.error());
  bool directory_admits_db = std::any_of(dir_rules->begin(), dir_rules->end(), [&](const store::SecurityGroupRuleRecord& r) {
    if (r.egress) return false;
    if (!rule_admits(r, "tcp", kKerberosPort) && !rule_admits(r, "udp", kKerberosPort)) return false;
    if (!r.referenced_group_id.empty())
      return std::find(db_security_group_ids.begin(), db_security_group_ids.end(), r.referenced_group_id) !=
             db_security_group_ids.end();
    return cidr_covers(r.cidr, db_vpc->cidr);
  });
  if (!directory_admits_db)
    return "directory " + directory_id + "'s security group " + dir.group_id +
           " does not allow inbound Kerberos (port 88) from the DB cluster; add an ingress rule for tcp and udp port 88 "
           "with --source-group " + db_security_group_ids.front() + " (or --cidr " + db_vpc->cidr + ")";
  return std::nullopt;
}

std::vector<std::string> client_ingress_cidrs(store::Store& store, const std::vector<std::string>& security_group_ids,
                                              int port) {
  store::NetworkTables tables(store);
  std::set<std::string> cidrs;
  for (const auto& group_id : security_group_ids) {
    auto rules = tables.list_rules(group_id);
    if (!rules) return {};  // fail closed
    for (const auto& r : *rules) {
      if (!r.egress && !r.cidr.empty() && rule_admits(r, "tcp", port)) cidrs.insert(r.cidr);
    }
  }
  return {cidrs.begin(), cidrs.end()};
}

}  // namespace borealis::network
