// The EC2 networking model's rules on top of the store: creating and deleting VPCs, subnets,
// security groups and rules the way EC2 does (CIDR sizes, containment and overlap, a default group
// per VPC, unique rules, what may not be deleted while something depends on it). Shared by the API
// handlers, the default network and the Directory Service helpers. Every refusal is an EC2 error code
// with a message naming the ids; nothing here logs or sees a secret.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "network/outcome.h"
#include "network/rules.h"
#include "store/network_tables.h"

namespace borealis::network {

// EC2's limits on VPC and subnet blocks (/16 is the largest, /28 the smallest).
inline constexpr int kLargestBlockPrefix = 16;
inline constexpr int kSmallestBlockPrefix = 28;
// EC2's limit on group names and descriptions.
inline constexpr std::size_t kMaxGroupText = 255;
// The zones every region offers here: <region>a, <region>b, <region>c (the default subnets use them).
inline constexpr std::string_view kZoneLetters = "abc";

// "vpc" → "vpc-" + 17 random hex digits (EC2's long id form).
std::string new_resource_id(std::string_view prefix);
std::vector<std::string> availability_zones(const std::string& region);

// EC2's NotFound errors, naming the id.
api::ApiError vpc_not_found(const std::string& id);
api::ApiError subnet_not_found(const std::string& id);
api::ApiError group_not_found(const std::string& id);
api::ApiError peering_not_found(const std::string& id);
std::string join_list(const std::vector<std::string>& items);  // "a, b, c"

// Lookups scoped to a region: a resource of another region counts as absent, as in EC2.
Outcome<store::VpcRecord> find_vpc(store::Store& store, const std::string& region, const std::string& vpc_id);
Outcome<store::SubnetRecord> find_subnet(store::Store& store, const std::string& region, const std::string& subnet_id);
Outcome<store::SecurityGroupRecord> find_group(store::Store& store, const std::string& region,
                                               const std::string& group_id);
// A peering is visible from either side's region.
Outcome<store::VpcPeeringRecord> find_peering(store::Store& store, const std::string& region,
                                              const std::string& peering_id);

// Peerings with `a` on one side and `b` on the other (either direction), whatever their status.
Result<std::vector<store::VpcPeeringRecord>> peerings_between(store::Store& store, const std::string& a,
                                                              const std::string& b);
bool has_active_peering(const std::vector<store::VpcPeeringRecord>& peerings);

// A new VPC (InvalidParameterValue for a malformed block, InvalidVpcRange outside /16../28) with its
// default security group "default" (ingress: all traffic from itself; egress: all to 0.0.0.0/0).
Outcome<store::VpcRecord> create_vpc(store::Store& store, const std::string& region, const std::string& cidr,
                                     bool is_default);
// A subnet inside the VPC's block (InvalidSubnet.Range), overlapping none of its siblings
// (InvalidSubnet.Conflict), in one of the region's zones (empty: the zone with the fewest subnets).
Outcome<store::SubnetRecord> create_subnet(store::Store& store, const store::VpcRecord& vpc, const std::string& cidr,
                                           const std::string& availability_zone, bool default_for_az);
// A non-default group (egress: all to 0.0.0.0/0, as EC2 adds). InvalidGroup.Duplicate when the VPC
// has the name; InvalidParameterValue for "default", names starting "sg-", or over-long text.
Outcome<store::SecurityGroupRecord> create_security_group(store::Store& store, const std::string& vpc_id,
                                                          const std::string& name, const std::string& description);
// Adds normalised rules to `group` in one transaction (InvalidPermission.Duplicate when one exists,
// or the request repeats one). A referenced group must be in the same VPC or in a VPC with an active
// peering in the same region (InvalidGroup.NotFound otherwise).
Outcome<std::vector<store::SecurityGroupRuleRecord>> add_rules(store::Store& store,
                                                               const store::SecurityGroupRecord& group, bool egress,
                                                               const std::vector<RuleSpec>& specs);

// Deletes with EC2's dependency rules: a VPC with subnets or non-default groups, a subnet or group in
// use (by a directory network or a registered dependency check), a group another group's rule
// references → DependencyViolation; a default group → CannotDelete. Deleting a VPC also deletes its
// default group and marks its live peerings deleted.
Checked delete_vpc(store::Store& store, const store::VpcRecord& vpc);
Checked delete_subnet(store::Store& store, const store::SubnetRecord& subnet);
Checked delete_security_group(store::Store& store, const store::SecurityGroupRecord& group);

// Other components' hold on a subnet or security group (the rds component: DB subnet groups and DB
// clusters). A check returns what uses `resource_id` ("DB cluster db1") or nullopt. Register every
// check at start-up, before the API thread runs: the list is not guarded against concurrent change.
using DependencyCheck = std::function<std::optional<std::string>(store::Store& store, const std::string& resource_id)>;
void add_dependency_check(DependencyCheck check);
void clear_dependency_checks();  // for tests

}  // namespace borealis::network
