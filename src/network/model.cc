// The EC2 networking model's rules (see model.h).
#include "network/model.h"

#include <algorithm>
#include <map>

#include "common/random.h"
#include "common/cidr.h"

namespace borealis::network {
namespace {

constexpr std::size_t kIdHexDigits = 17;  // EC2's long resource ids: vpc-0123456789abcdef0
constexpr const char* kAnywhere = "0.0.0.0/0";

std::vector<DependencyCheck>& dependency_checks() {
  static std::vector<DependencyCheck> checks;
  return checks;
}

std::optional<std::string> registered_dependent(store::Store& store, const std::string& resource_id) {
  for (const auto& check : dependency_checks()) {
    if (auto who = check(store, resource_id)) return who;
  }
  return std::nullopt;
}

api::ApiError dependency(const std::string& message) { return ec2_error("DependencyViolation", message); }

// A VPC or subnet block: a canonical IPv4 CIDR, or InvalidParameterValue.
Outcome<Ipv4Cidr> parse_block(const std::string& text) {
  auto block = parse_cidr(text);
  if (!block || !block->is_canonical())
    return ec2_error("InvalidParameterValue",
                     "Value (" + text + ") for parameter cidrBlock is invalid. This is not a valid CIDR block.");
  return *block;
}

bool block_size_allowed(const Ipv4Cidr& block) {
  return block.prefix >= kLargestBlockPrefix && block.prefix <= kSmallestBlockPrefix;
}

store::SecurityGroupRuleRecord make_rule(const std::string& group_id, bool egress, const RuleSpec& spec) {
  store::SecurityGroupRuleRecord r;
  r.id = new_resource_id("sgr");
  r.group_id = group_id;
  r.egress = egress;
  r.protocol = spec.protocol;
  r.from_port = spec.from_port;
  r.to_port = spec.to_port;
  r.cidr = spec.cidr;
  r.referenced_group_id = spec.group_id;
  r.description = spec.description;
  return r;
}

RuleSpec all_traffic_from(const std::string& cidr, const std::string& group_id) {
  RuleSpec spec;
  spec.protocol = "-1";
  spec.cidr = cidr;
  spec.group_id = group_id;
  return spec;
}

// Writes a group and the rules EC2 gives every new group: egress all to 0.0.0.0/0, and for a VPC's
// default group also ingress all from itself.
Checked write_group(store::NetworkTables& tables, const store::SecurityGroupRecord& group) {
  if (auto s = tables.create_security_group(group); !s) {
    if (s.error().code == Errc::already_exists)
      return ec2_error("InvalidGroup.Duplicate",
                       "The security group '" + group.name + "' already exists for VPC '" + group.vpc_id + "'");
    return internal_error(s.error());
  }
  if (auto s = tables.create_rule(make_rule(group.id, true, all_traffic_from(kAnywhere, ""))); !s)
    return internal_error(s.error());
  if (group.is_default) {
    if (auto s = tables.create_rule(make_rule(group.id, false, all_traffic_from("", group.id))); !s)
      return internal_error(s.error());
  }
  return Done{};
}

bool printable_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

// What still uses a group or subnet, from this component's own tables: directory networks.
Result<std::vector<std::string>> directories_using(store::NetworkTables& tables, const std::string& resource_id) {
  auto networks = tables.list_directory_networks();
  if (!networks) return std::move(networks).error();
  std::vector<std::string> out;
  for (const auto& n : *networks) {
    bool uses = n.security_group_id == resource_id || n.vpc_id == resource_id ||
                std::find(n.subnet_ids.begin(), n.subnet_ids.end(), resource_id) != n.subnet_ids.end();
    if (uses) out.push_back("directory " + n.directory_id);
  }
  return out;
}

}  // namespace

api::ApiError vpc_not_found(const std::string& id) {
  return ec2_error("InvalidVpcID.NotFound", "The vpc ID '" + id + "' does not exist");
}
api::ApiError subnet_not_found(const std::string& id) {
  return ec2_error("InvalidSubnetID.NotFound", "The subnet ID '" + id + "' does not exist");
}
api::ApiError group_not_found(const std::string& id) {
  return ec2_error("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
}

api::ApiError peering_not_found(const std::string& id) {
  return ec2_error("InvalidVpcPeeringConnectionID.NotFound", "The vpcPeeringConnection ID '" + id + "' does not exist");
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string new_resource_id(std::string_view prefix) { return std::string(prefix) + "-" + random::hex(kIdHexDigits); }

std::vector<std::string> availability_zones(const std::string& region) {
  std::vector<std::string> zones;
  for (char letter : kZoneLetters) zones.push_back(region + letter);
  return zones;
}

void add_dependency_check(DependencyCheck check) { dependency_checks().push_back(std::move(check)); }
void clear_dependency_checks() { dependency_checks().clear(); }

Outcome<store::VpcRecord> find_vpc(store::Store& store, const std::string& region, const std::string& vpc_id) {
  auto vpc = store::NetworkTables(store).get_vpc(vpc_id);
  if (!vpc) return store_error(vpc.error(), vpc_not_found(vpc_id).code, vpc_not_found(vpc_id).message);
  if (vpc->region != region) return vpc_not_found(vpc_id);
  return std::move(vpc).value();
}

Outcome<store::SubnetRecord> find_subnet(store::Store& store, const std::string& region, const std::string& subnet_id) {
  auto subnet = store::NetworkTables(store).get_subnet(subnet_id);
  if (!subnet) return store_error(subnet.error(), subnet_not_found(subnet_id).code, subnet_not_found(subnet_id).message);
  auto vpc = find_vpc(store, region, subnet->vpc_id);
  if (!vpc) return subnet_not_found(subnet_id);
  return std::move(subnet).value();
}

Outcome<store::SecurityGroupRecord> find_group(store::Store& store, const std::string& region,
                                               const std::string& group_id) {
  auto group = store::NetworkTables(store).get_security_group(group_id);
  if (!group) return store_error(group.error(), group_not_found(group_id).code, group_not_found(group_id).message);
  auto vpc = find_vpc(store, region, group->vpc_id);
  if (!vpc) return group_not_found(group_id);
  return std::move(group).value();
}

Outcome<store::VpcPeeringRecord> find_peering(store::Store& store, const std::string& region,
                                              const std::string& peering_id) {
  auto peering = store::NetworkTables(store).get_peering(peering_id);
  if (!peering) return store_error(peering.error(), peering_not_found(peering_id).code, peering_not_found(peering_id).message);
  if (peering->requester_region != region && peering->accepter_region != region) return peering_not_found(peering_id);
  return std::move(peering).value();
}

Result<std::vector<store::VpcPeeringRecord>> peerings_between(store::Store& store, const std::string& a,
                                                              const std::string& b) {
  auto of_a = store::NetworkTables(store).list_peerings_of_vpc(a);
  if (!of_a) return of_a;
  std::vector<store::VpcPeeringRecord> out;
  for (auto& p : *of_a) {
    if ((p.requester_vpc_id == a && p.accepter_vpc_id == b) || (p.requester_vpc_id == b && p.accepter_vpc_id == a))
      out.push_back(std::move(p));
  }
  return out;
}

bool has_active_peering(const std::vector<store::VpcPeeringRecord>& peerings) {
  return std::any_of(peerings.begin(), peerings.end(), [](const auto& p) { return p.status == "active"; });
}

Outcome<store::VpcRecord> create_vpc(store::Store& store, const std::string& region, const std::string& cidr,
                                     bool is_default) {
  auto block = parse_block(cidr);
  if (!block) return std::move(block).error();
  if (!block_size_allowed(*block))
    return ec2_error("InvalidVpcRange", "The CIDR '" + cidr + "' is invalid: a VPC's block must be between /" +
                                            std::to_string(kLargestBlockPrefix) + " and /" +
                                            std::to_string(kSmallestBlockPrefix) + ".");
  store::VpcRecord vpc;
  vpc.id = new_resource_id("vpc");
  vpc.region = region;
  vpc.cidr = block->to_string();
  vpc.is_default = is_default;
  store::NetworkTables tables(store);
  Checked written = in_transaction(store, [&]() -> Checked {
    if (auto s = tables.create_vpc(vpc); !s) return internal_error(s.error());
    store::SecurityGroupRecord group{new_resource_id("sg"), vpc.id, "default", "default VPC security group", true};
    return write_group(tables, group);
  });
  if (!written) return std::move(written).error();
  auto stored = tables.get_vpc(vpc.id);  // with the store's created_at
  if (!stored) return internal_error(stored.error());
  return std::move(stored).value();
}

Outcome<store::SubnetRecord> create_subnet(store::Store& store, const store::VpcRecord& vpc, const std::string& cidr,
                                           const std::string& availability_zone, bool default_for_az) {
  auto block = parse_block(cidr);
  if (!block) return std::move(block).error();
  auto vpc_block = parse_cidr(vpc.cidr);
  if (!block_size_allowed(*block) || !vpc_block || !vpc_block->contains(*block))
    return ec2_error("InvalidSubnet.Range", "The CIDR '" + cidr + "' is invalid: a subnet's block must be between /" +
                                                std::to_string(kLargestBlockPrefix) + " and /" +
                                                std::to_string(kSmallestBlockPrefix) + " and inside the block " +
                                                vpc.cidr + " of " + vpc.id + ".");
  store::NetworkTables tables(store);
  auto siblings = tables.list_subnets_in_vpc(vpc.id);
  if (!siblings) return internal_error(siblings.error());
  for (const auto& sibling : *siblings) {
    auto other = parse_cidr(sibling.cidr);
    if (other && other->overlaps(*block))
      return ec2_error("InvalidSubnet.Conflict", "The CIDR '" + cidr + "' conflicts with another subnet (" +
                                                     sibling.id + ", " + sibling.cidr + ")");
  }
  const auto zones = availability_zones(vpc.region);
  std::string zone = availability_zone;
  if (zone.empty()) {
    std::map<std::string, int> used;
    for (const auto& sibling : *siblings) ++used[sibling.availability_zone];
    zone = *std::min_element(zones.begin(), zones.end(), [&](const auto& a, const auto& b) { return used[a] < used[b]; });
  } else if (std::find(zones.begin(), zones.end(), zone) == zones.end()) {
    return ec2_error("InvalidParameterValue",
                     "Value (" + zone + ") for parameter availabilityZone is invalid. Subnets can currently only be "
                     "created in the following availability zones: " + join_list(zones) + ".");
  }
  store::SubnetRecord subnet{new_resource_id("subnet"), vpc.id, block->to_string(), zone, default_for_az, "available"};
  if (auto s = tables.create_subnet(subnet); !s) return internal_error(s.error());
  return subnet;
}

Outcome<store::SecurityGroupRecord> create_security_group(store::Store& store, const std::string& vpc_id,
                                                          const std::string& name, const std::string& description) {
  if (name == "default")
    return ec2_error("InvalidGroup.Reserved", "The security group name 'default' is reserved for the VPC's default group.");
  if (name.empty() || name.size() > kMaxGroupText || !printable_ascii(name))
    return ec2_error("InvalidParameterValue", "Invalid value for parameter groupName: it must be 1-" +
                                                  std::to_string(kMaxGroupText) + " printable ASCII characters.");
  if (name.rfind("sg-", 0) == 0)
    return ec2_error("InvalidParameterValue", "Group names may not be in the format sg-*.");
  if (description.empty() || description.size() > kMaxGroupText || !printable_ascii(description))
    return ec2_error("InvalidParameterValue", "Invalid value for parameter groupDescription: it must be 1-" +
                                                  std::to_string(kMaxGroupText) + " printable ASCII characters.");
  store::NetworkTables tables(store);
  store::SecurityGroupRecord group{new_resource_id("sg"), vpc_id, name, description, false};
  Checked written = in_transaction(store, [&] { return write_group(tables, group); });
  if (!written) return std::move(written).error();
  return group;
}

Outcome<std::vector<store::SecurityGroupRuleRecord>> add_rules(store::Store& store,
                                                               const store::SecurityGroupRecord& group, bool egress,
                                                               const std::vector<RuleSpec>& specs) {
  store::NetworkTables tables(store);
  auto existing = tables.list_rules(group.id);
  if (!existing) return internal_error(existing.error());
  auto group_vpc = tables.get_vpc(group.vpc_id);
  if (!group_vpc) return internal_error(group_vpc.error());
  std::vector<store::SecurityGroupRuleRecord> added;
  for (const auto& requested : specs) {
    auto spec = normalize_rule(requested);
    if (!spec) return std::move(spec).error();
    if (!spec->group_id.empty() && spec->group_id != group.id) {
      auto peer = tables.get_security_group(spec->group_id);
      if (!peer) return store_error(peer.error(), "InvalidGroup.NotFound", group_not_found(spec->group_id).message);
      if (peer->vpc_id != group.vpc_id) {
        auto peer_vpc = tables.get_vpc(peer->vpc_id);
        if (!peer_vpc) return internal_error(peer_vpc.error());
        auto peerings = peerings_between(store, group.vpc_id, peer->vpc_id);
        if (!peerings) return internal_error(peerings.error());
        if (peer_vpc->region != group_vpc->region || !has_active_peering(*peerings))
          return ec2_error("InvalidGroup.NotFound",
                           "The security group '" + spec->group_id + "' is in " + peer->vpc_id + ", which is neither " +
                               group.vpc_id + " nor peered with it by an active peering connection in the same region.");
      }
    }
    auto duplicate = [&](const store::SecurityGroupRuleRecord& r) { return r.egress == egress && same_rule(r, *spec); };
    if (std::any_of(existing->begin(), existing->end(), duplicate) || std::any_of(added.begin(), added.end(), duplicate))
      return ec2_error("InvalidPermission.Duplicate", "the specified rule \"" + describe_rule(*spec) + "\" already exists");
    added.push_back(make_rule(group.id, egress, *spec));
  }
  Checked written = in_transaction(store, [&]() -> Checked {
    for (const auto& rule : added) {
      if (auto s = tables.create_rule(rule); !s) return internal_error(s.error());
    }
    return Done{};
  });
  if (!written) return std::move(written).error();
  return added;
}

Checked delete_vpc(store::Store& store, const store::VpcRecord& vpc) {
  store::NetworkTables tables(store);
  return in_transaction(store, [&]() -> Checked {
    auto subnets = tables.list_subnets_in_vpc(vpc.id);
    if (!subnets) return internal_error(subnets.error());
    auto groups = tables.list_security_groups_in_vpc(vpc.id);
    if (!groups) return internal_error(groups.error());
    std::vector<std::string> dependents;
    for (const auto& s : *subnets) dependents.push_back(s.id);
    std::optional<store::SecurityGroupRecord> default_group;
    for (const auto& g : *groups) {
      if (g.is_default) default_group = g;
      else dependents.push_back(g.id);
    }
    if (default_group) {
      auto referencing = tables.list_rules_referencing(default_group->id);
      if (!referencing) return internal_error(referencing.error());
      for (const auto& r : *referencing) dependents.push_back("rule " + r.id + " of " + r.group_id);
    }
    auto directories = directories_using(tables, vpc.id);
    if (!directories) return internal_error(directories.error());
    dependents.insert(dependents.end(), directories->begin(), directories->end());
    if (!dependents.empty())
      return dependency("The vpc '" + vpc.id + "' has dependencies and cannot be deleted: " + join_list(dependents) +
                        ". Delete them first.");
    if (default_group) {
      if (auto s = tables.delete_security_group(default_group->id); !s) return internal_error(s.error());
    }
    auto peerings = tables.list_peerings_of_vpc(vpc.id);
    if (!peerings) return internal_error(peerings.error());
    for (const auto& p : *peerings) {
      if (p.status != "pending-acceptance" && p.status != "active") continue;
      if (auto s = tables.update_peering_status(p.id, "deleted", "Deleted with " + vpc.id); !s)
        return internal_error(s.error());
    }
    if (auto s = tables.delete_vpc(vpc.id); !s) return internal_error(s.error());
    return Done{};
  });
}

Checked delete_subnet(store::Store& store, const store::SubnetRecord& subnet) {
  store::NetworkTables tables(store);
  auto dependents = directories_using(tables, subnet.id);
  if (!dependents) return internal_error(dependents.error());
  if (auto who = registered_dependent(store, subnet.id)) dependents->push_back(*who);
  if (!dependents->empty())
    return dependency("The subnet '" + subnet.id + "' has dependencies and cannot be deleted: " + join_list(*dependents) + ".");
  if (auto s = tables.delete_subnet(subnet.id); !s) return internal_error(s.error());
  return Done{};
}

Checked delete_security_group(store::Store& store, const store::SecurityGroupRecord& group) {
  if (group.is_default)
    return ec2_error("CannotDelete",
                     "the specified group: \"" + group.id + "\" name: \"default\" cannot be deleted by a user");
  store::NetworkTables tables(store);
  auto dependents = directories_using(tables, group.id);
  if (!dependents) return internal_error(dependents.error());
  auto referencing = tables.list_rules_referencing(group.id);
  if (!referencing) return internal_error(referencing.error());
  for (const auto& r : *referencing) dependents->push_back("rule " + r.id + " of security group " + r.group_id);
  if (auto who = registered_dependent(store, group.id)) dependents->push_back(*who);
  if (!dependents->empty())
    return dependency("resource " + group.id + " has a dependent object: " + join_list(*dependents) + ".");
  if (auto s = tables.delete_security_group(group.id); !s) return internal_error(s.error());
  return Done{};
}

}  // namespace borealis::network
