// EC2 security groups: Describe/Create/DeleteSecurityGroup, Authorize/RevokeSecurityGroupIngress and
// Egress. Rules arrive as IpPermissions (what `aws ec2 authorize-security-group-ingress --protocol
// tcp --port 5432 --cidr …` and `--source-group sg-…` send: one IpPermission with IpRanges or
// UserIdGroupPairs) or as the older top-level CidrIp/IpProtocol/FromPort/ToPort/
// SourceSecurityGroupName; both are accepted, also together.
#include <algorithm>

#include "network/ec2_common.h"
#include "network/ec2_handlers.h"
#include "network/ec2_tags.h"
#include "network/model.h"

namespace borealis::network::ec2 {
namespace {

// One request may add or remove at most this many rules; EC2's own per-group quota is 60 per
// direction, so a larger request could never succeed anyway.
constexpr std::size_t kMaxRulesPerRequest = 120;
// Out-of-range port numbers are clamped to this (still invalid) value before narrowing to int.
constexpr long long kPortOutOfRange = 65536;

api::ApiError group_name_not_found(const std::string& name, const std::string& vpc_id) {
  return ec2_error("InvalidGroup.NotFound", "The security group '" + name + "' does not exist in default VPC '" + vpc_id + "'");
}

// EC2 accepts group names for the default VPC only.
Outcome<store::SecurityGroupRecord> group_by_name(api::CallContext& context, const std::string& name) {
  auto def = store::NetworkTables(context.store).default_vpc(context.region);
  if (!def) return internal_error(def.error());
  if (!def->has_value())
    return ec2_error("VPCIdNotSpecified", "No default VPC for this user: name security groups by GroupId.");
  auto group = store::NetworkTables(context.store).find_security_group((*def)->id, name);
  if (!group) return store_error(group.error(), "InvalidGroup.NotFound", group_name_not_found(name, (*def)->id).message);
  return std::move(group).value();
}

// The group a call acts on: GroupId, or (when `name_allowed`) GroupName in the default VPC.
Outcome<store::SecurityGroupRecord> target_group(api::CallContext& context, const json& input, bool name_allowed) {
  const std::string id = text(input, "GroupId");
  if (!id.empty()) return find_group(context.store, context.region, id);
  const std::string name = text(input, "GroupName");
  if (name_allowed && !name.empty()) return group_by_name(context, name);
  return ec2_error("MissingParameter",
                   std::string("The request must contain the parameter ") + (name_allowed ? "groupName or groupId" : "groupId"));
}

int port_value(long long value) { return static_cast<int>(std::clamp(value, -kPortOutOfRange, kPortOutOfRange)); }

void set_ports(RuleSpec& spec, const json& where) {
  auto from = integer(where, "FromPort");
  auto to = integer(where, "ToPort");
  spec.ports_given = from.has_value() || to.has_value();
  spec.from_port = port_value(from.value_or(-1));
  spec.to_port = port_value(to.value_or(-1));
}

// A peer group named in a rule: by id, or by name within the target group's VPC.
Outcome<std::string> peer_group_id(api::CallContext& context, const store::SecurityGroupRecord& target,
                                   const std::string& id, const std::string& name, const std::string& user_id) {
  if (!user_id.empty() && user_id != context.settings.account_id)
    return ec2_error("InvalidParameterValue", "Security groups of another account (" + user_id + ") are not supported.");
  if (!id.empty()) return id;
  if (name.empty()) return ec2_error("InvalidParameterValue", "A UserIdGroupPair needs a GroupId or a GroupName.");
  auto group = store::NetworkTables(context.store).find_security_group(target.vpc_id, name);
  if (!group)
    return store_error(group.error(), "InvalidGroup.NotFound",
                       "The security group '" + name + "' does not exist in VPC '" + target.vpc_id + "'");
  return group->id;
}

bool has_top_level_rule(const json& input) {
  return !text(input, "CidrIp").empty() || !text(input, "IpProtocol").empty() ||
         !text(input, "SourceSecurityGroupName").empty();
}

// Every rule the request names, one RuleSpec per peer (not yet normalised).
Outcome<std::vector<RuleSpec>> requested_rules(api::CallContext& context, const json& input,
                                               const store::SecurityGroupRecord& target) {
  std::vector<RuleSpec> specs;
  for (const auto& permission : objects(input, "IpPermissions")) {
    if (!objects(permission, "Ipv6Ranges").empty() || !objects(permission, "PrefixListIds").empty())
      return ec2_error("UnsupportedOperation", "Only IPv4 CIDR and security group peers are supported here.");
    RuleSpec base;
    base.protocol = text(permission, "IpProtocol");
    set_ports(base, permission);
    const auto ranges = objects(permission, "IpRanges");
    const auto pairs = objects(permission, "UserIdGroupPairs");
    if (ranges.empty() && pairs.empty()) specs.push_back(base);  // normalize_rule names the missing peer
    for (const auto& range : ranges) {
      RuleSpec spec = base;
      spec.cidr = text(range, "CidrIp");
      if (spec.cidr.empty()) return ec2_error("InvalidParameterValue", "An IpRange needs a CidrIp.");
      spec.description = text(range, "Description");
      specs.push_back(std::move(spec));
    }
    for (const auto& pair : pairs) {
      auto peer = peer_group_id(context, target, text(pair, "GroupId"), text(pair, "GroupName"), text(pair, "UserId"));
      if (!peer) return std::move(peer).error();
      RuleSpec spec = base;
      spec.group_id = *peer;
      spec.description = text(pair, "Description");
      specs.push_back(std::move(spec));
    }
  }
  if (has_top_level_rule(input)) {
    RuleSpec spec;
    spec.protocol = text(input, "IpProtocol");
    set_ports(spec, input);
    spec.cidr = text(input, "CidrIp");
    const std::string source = text(input, "SourceSecurityGroupName");
    if (!source.empty()) {
      if (spec.protocol.empty()) spec.protocol = "-1";  // a bare source group grants all traffic
      auto peer = peer_group_id(context, target, "", source, text(input, "SourceSecurityGroupOwnerId"));
      if (!peer) return std::move(peer).error();
      spec.group_id = *peer;
    }
    specs.push_back(std::move(spec));
  }
  if (specs.empty()) return ec2_error("MissingParameter", "The request must contain the parameter ipPermissions");
  if (specs.size() > kMaxRulesPerRequest)
    return ec2_error("RulesPerSecurityGroupLimitExceeded",
                     "At most " + std::to_string(kMaxRulesPerRequest) + " rules may be given in one request.");
  return specs;
}

api::Reply authorize(api::CallContext& context, const json& input, bool egress) {
  if (auto r = dry_run(input)) return *r;
  auto group = target_group(context, input, !egress);
  if (!group) return fail(group.error());
  auto specs = requested_rules(context, input, *group);
  if (!specs) return fail(specs.error());
  auto added = add_rules(context.store, *group, egress, *specs);
  if (!added) return fail(added.error());
  json rules = json::array();
  for (const auto& rule : *added) rules.push_back(security_group_rule_json(rule, context.settings.account_id));
  return api::Reply::ok(json{{"Return", true}, {"SecurityGroupRules", std::move(rules)}});
}

api::Reply revoke(api::CallContext& context, const json& input, bool egress) {
  if (auto r = dry_run(input)) return *r;
  auto group = target_group(context, input, !egress);
  if (!group) return fail(group.error());
  store::NetworkTables tables(context.store);
  auto existing = tables.list_rules(group->id);
  if (!existing) return fail(internal_error(existing.error()));

  std::vector<std::string> doomed;
  auto doom = [&](const std::string& id) {
    if (std::find(doomed.begin(), doomed.end(), id) == doomed.end()) doomed.push_back(id);
  };
  const auto rule_ids = texts(input, "SecurityGroupRuleIds");
  if (rule_ids.size() > kMaxRulesPerRequest)
    return api::Reply::fail("InvalidParameterValue",
                            "At most " + std::to_string(kMaxRulesPerRequest) + " rule ids may be given in one request.");
  for (const auto& id : rule_ids) {
    auto it = std::find_if(existing->begin(), existing->end(),
                           [&](const auto& r) { return r.id == id && r.egress == egress; });
    if (it == existing->end())
      return api::Reply::fail("InvalidSecurityGroupRuleId.NotFound",
                              "The security group rule ID '" + id + "' does not exist in " + group->id);
    doom(id);
  }

  std::vector<store::SecurityGroupRuleRecord> unknown;
  if (rule_ids.empty() || !objects(input, "IpPermissions").empty() || has_top_level_rule(input)) {
    auto specs = requested_rules(context, input, *group);
    if (!specs) return fail(specs.error());
    for (const auto& requested : *specs) {
      auto spec = normalize_rule(requested);
      if (!spec) return fail(spec.error());
      auto it = std::find_if(existing->begin(), existing->end(),
                             [&](const auto& r) { return r.egress == egress && same_rule(r, *spec); });
      if (it != existing->end()) {
        doom(it->id);
        continue;
      }
      store::SecurityGroupRuleRecord missing;
      missing.protocol = spec->protocol;
      missing.from_port = spec->from_port;
      missing.to_port = spec->to_port;
      missing.cidr = spec->cidr;
      missing.referenced_group_id = spec->group_id;
      unknown.push_back(std::move(missing));
    }
  }
  if (doomed.empty())
    return api::Reply::fail("InvalidPermission.NotFound", "The specified rule does not exist in this security group.");
  Checked done = in_transaction(context.store, [&]() -> Checked {
    for (const auto& id : doomed) {
      if (auto s = tables.delete_rule(id); !s) return internal_error(s.error());
    }
    return Done{};
  });
  if (!done) return fail(done.error());
  json out{{"Return", true}};
  if (!unknown.empty()) out["UnknownIpPermissions"] = ip_permissions_json(unknown, context.settings.account_id);
  return api::Reply::ok(std::move(out));
}

}  // namespace

api::Reply describe_security_groups(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto filters = parse_filters(input, {"group-id", "group-name", "vpc-id", "description", "owner-id", "tag-key", "tag-value"});
  if (!filters) return fail(filters.error());
  auto tags = load_tags(context);
  if (!tags) return fail(tags.error());
  store::NetworkTables tables(context.store);
  auto groups = tables.list_security_groups(context.region);
  if (!groups) return fail(internal_error(groups.error()));
  const auto ids = texts(input, "GroupIds");
  if (auto refused = require_ids(ids, *groups, group_not_found)) return *refused;
  std::vector<std::string> named_ids;  // GroupNames resolved in the default VPC
  for (const auto& name : texts(input, "GroupNames")) {
    auto group = group_by_name(context, name);
    if (!group) return fail(group.error());
    named_ids.push_back(group->id);
  }
  json out = json::array();
  const std::string& owner = context.settings.account_id;
  for (const auto& group : *groups) {
    if (!wanted(ids, group.id) || !wanted(named_ids, group.id)) continue;
    const auto* group_tags = tags_of(*tags, group.id);
    bool keep = matches(*filters, [&](std::string_view name) -> std::vector<std::string> {
      if (auto values = tag_filter_values(name, group_tags)) return *values;
      if (name == "group-id") return {group.id};
      if (name == "group-name") return {group.name};
      if (name == "vpc-id") return {group.vpc_id};
      if (name == "description") return {group.description};
      return {owner};
    });
    if (!keep) continue;
    auto rules = tables.list_rules(group.id);
    if (!rules) return fail(internal_error(rules.error()));
    out.push_back(with_tags(security_group_json(group, *rules, owner), group_tags));
  }
  return api::Reply::ok(json{{"SecurityGroups", std::move(out)}});
}

api::Reply create_security_group(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  const std::string name = text(input, "GroupName");
  if (name.empty()) return missing_parameter("groupName");
  const std::string description = text(input, "Description");
  if (description.empty()) return missing_parameter("groupDescription");
  std::string vpc_id = text(input, "VpcId");
  if (vpc_id.empty()) {
    auto def = store::NetworkTables(context.store).default_vpc(context.region);
    if (!def) return fail(internal_error(def.error()));
    if (!def->has_value())
      return api::Reply::fail("VPCIdNotSpecified", "No default VPC for this user: give a VpcId.");
    vpc_id = (*def)->id;
  }
  auto tags = tag_specifications(input, "security-group");
  if (!tags) return fail(tags.error());
  auto vpc = find_vpc(context.store, context.region, vpc_id);
  if (!vpc) return fail(vpc.error());
  auto group = network::create_security_group(context.store, vpc->id, name, description);
  if (!group) return fail(group.error());
  if (auto tagged = tag_new_resource(context, group->id, *tags); !tagged) return fail(tagged.error());
  return api::Reply::ok(with_tags(json{{"GroupId", group->id}}, &*tags));
}

api::Reply delete_security_group(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto group = target_group(context, input, true);
  if (!group) return fail(group.error());
  if (auto done = network::delete_security_group(context.store, *group); !done) return fail(done.error());
  return api::Reply::ok();
}

api::Reply authorize_security_group_ingress(api::CallContext& context, const json& input) {
  return authorize(context, input, false);
}
api::Reply authorize_security_group_egress(api::CallContext& context, const json& input) {
  return authorize(context, input, true);
}
api::Reply revoke_security_group_ingress(api::CallContext& context, const json& input) {
  return revoke(context, input, false);
}
api::Reply revoke_security_group_egress(api::CallContext& context, const json& input) {
  return revoke(context, input, true);
}

}  // namespace borealis::network::ec2
