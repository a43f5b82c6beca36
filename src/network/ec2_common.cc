// Shared EC2 handler helpers (see ec2_common.h).
#include "network/ec2_common.h"

#include <algorithm>
#include <map>

#include "common/cidr.h"

namespace borealis::network::ec2 {
namespace {

const json* member(const json& input, std::string_view name) {
  if (!input.is_object()) return nullptr;
  auto it = input.find(name);
  return it == input.end() ? nullptr : &*it;
}

// Reserved addresses per subnet: AWS keeps the first four and the last one.
constexpr long long kReservedSubnetAddresses = 5;

bool has_ports(const std::string& protocol) { return protocol == "tcp" || protocol == "udp" || protocol == "icmp"; }

}  // namespace

std::string text(const json& input, std::string_view name) {
  const json* m = member(input, name);
  return m != nullptr && m->is_string() ? m->get<std::string>() : std::string();
}

std::optional<long long> integer(const json& input, std::string_view name) {
  const json* m = member(input, name);
  if (m == nullptr || !m->is_number_integer()) return std::nullopt;
  return m->get<long long>();
}

bool flag(const json& input, std::string_view name) {
  const json* m = member(input, name);
  return m != nullptr && m->is_boolean() && m->get<bool>();
}

std::vector<std::string> texts(const json& input, std::string_view name) {
  std::vector<std::string> out;
  const json* m = member(input, name);
  if (m == nullptr || !m->is_array()) return out;
  for (const auto& item : *m) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<json> objects(const json& input, std::string_view name) {
  std::vector<json> out;
  const json* m = member(input, name);
  if (m == nullptr || !m->is_array()) return out;
  for (const auto& item : *m) {
    if (item.is_object()) out.push_back(item);
  }
  return out;
}

std::optional<api::Reply> dry_run(const json& input) {
  if (!flag(input, "DryRun")) return std::nullopt;
  return api::Reply::fail("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
}

api::Reply fail(api::ApiError error) { return api::Reply::fail(std::move(error)); }

api::Reply missing_parameter(const std::string& name) {
  return api::Reply::fail("MissingParameter", "The request must contain the parameter " + name);
}

Outcome<std::vector<Filter>> parse_filters(const json& input, std::initializer_list<std::string_view> known) {
  std::vector<Filter> filters;
  const auto given = objects(input, "Filters");
  if (given.size() > kMaxFilters)
    return ec2_error("FilterLimitExceeded", "The maximum number of filters is " + std::to_string(kMaxFilters) + ".");
  for (const auto& f : given) {
    Filter filter{text(f, "Name"), texts(f, "Values")};
    // tag:<key> is known wherever tag-key is (the describe calls of taggable resources).
    const bool tag_key_filter = filter.name.size() > 4 && filter.name.rfind("tag:", 0) == 0 &&
                                std::find(known.begin(), known.end(), "tag-key") != known.end();
    if (!tag_key_filter && std::find(known.begin(), known.end(), filter.name) == known.end())
      return ec2_error("InvalidParameterValue", "The filter '" + filter.name + "' is invalid");
    if (filter.values.size() > kMaxFilterValues)
      return ec2_error("FilterLimitExceeded", "The maximum number of values per filter is " +
                                                  std::to_string(kMaxFilterValues) + ".");
    filters.push_back(std::move(filter));
  }
  return filters;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point (the last '*'): linear in practice, never exponential.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool matches(const std::vector<Filter>& filters, const Attributes& attributes) {
  for (const auto& filter : filters) {
    const auto values = attributes(filter.name);
    bool any = std::any_of(filter.values.begin(), filter.values.end(), [&](const std::string& wanted_value) {
      return std::any_of(values.begin(), values.end(), [&](const std::string& v) { return glob_match(wanted_value, v); });
    });
    if (!any) return false;
  }
  return true;
}

Outcome<std::optional<std::string>> first_missing(const std::vector<std::string>& requested,
                                                  const std::vector<std::string>& present) {
  if (requested.size() > kMaxIdsPerCall)
    return ec2_error("InvalidParameterValue", "At most " + std::to_string(kMaxIdsPerCall) + " ids may be given.");
  for (const auto& id : requested) {
    if (std::find(present.begin(), present.end(), id) == present.end()) return std::optional<std::string>(id);
  }
  return std::optional<std::string>();
}

bool wanted(const std::vector<std::string>& ids, const std::string& id) {
  return ids.empty() || std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string truth(bool b) { return b ? "true" : "false"; }

std::string arn(const api::CallContext& context, const std::string& resource) {
  return "arn:aws:ec2:" + context.region + ":" + context.settings.account_id + ":" + resource;
}

std::string zone_id(const std::string& zone_name) {
  if (zone_name.size() < 2) return zone_name;
  const std::string region = zone_name.substr(0, zone_name.size() - 1);
  const int number = zone_name.back() - 'a' + 1;
  // "us-east-1" → "use1", "ap-southeast-2" → "apse2": AWS's short region code.
  static const std::map<std::string, std::string> kDirections = {
      {"north", "n"},      {"south", "s"},      {"east", "e"},       {"west", "w"},          {"central", "c"},
      {"northeast", "ne"}, {"southeast", "se"}, {"northwest", "nw"}, {"southwest", "sw"},
  };
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= region.size()) {
    std::size_t dash = region.find('-', start);
    if (dash == std::string::npos) dash = region.size();
    parts.push_back(region.substr(start, dash - start));
    start = dash + 1;
  }
  std::string code;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto it = kDirections.find(parts[i]);
    code += (i == 0 || it == kDirections.end()) ? parts[i] : it->second;
  }
  return code + "-az" + std::to_string(number);
}

json vpc_json(const store::VpcRecord& vpc, const std::string& owner_id) {
  const std::string suffix = vpc.id.substr(vpc.id.find('-') + 1);
  return json{
      {"CidrBlock", vpc.cidr},
      {"DhcpOptionsId", "default"},
      {"State", vpc.state},
      {"VpcId", vpc.id},
      {"OwnerId", owner_id},
      {"InstanceTenancy", "default"},
      {"CidrBlockAssociationSet",
       json::array({json{{"AssociationId", "vpc-cidr-assoc-" + suffix},
                         {"CidrBlock", vpc.cidr},
                         {"CidrBlockState", json{{"State", "associated"}}}}})},
      {"IsDefault", vpc.is_default},
  };
}

json subnet_json(const api::CallContext& context, const store::SubnetRecord& subnet) {
  long long available = 0;
  if (auto block = parse_cidr(subnet.cidr))
    available = (1LL << (32 - block->prefix)) - kReservedSubnetAddresses;
  return json{
      {"AvailabilityZone", subnet.availability_zone},
      {"AvailabilityZoneId", zone_id(subnet.availability_zone)},
      {"AvailableIpAddressCount", std::max(available, 0LL)},
      {"CidrBlock", subnet.cidr},
      {"DefaultForAz", subnet.default_for_az},
      {"MapPublicIpOnLaunch", subnet.default_for_az},
      {"State", subnet.state},
      {"SubnetId", subnet.id},
      {"VpcId", subnet.vpc_id},
      {"OwnerId", context.settings.account_id},
      {"AssignIpv6AddressOnCreation", false},
      {"SubnetArn", arn(context, "subnet/" + subnet.id)},
  };
}

json ip_permissions_json(const std::vector<store::SecurityGroupRuleRecord>& rules, const std::string& owner_id) {
  json out = json::array();
  std::vector<std::tuple<std::string, int, int>> order;
  for (const auto& r : rules) {
    auto key = std::make_tuple(r.protocol, r.from_port, r.to_port);
    auto at = std::find(order.begin(), order.end(), key);
    if (at == order.end()) {
      order.push_back(key);
      json permission{{"IpProtocol", r.protocol},
                      {"IpRanges", json::array()},
                      {"Ipv6Ranges", json::array()},
                      {"PrefixListIds", json::array()},
                      {"UserIdGroupPairs", json::array()}};
      if (has_ports(r.protocol)) {
        permission["FromPort"] = r.from_port;
        permission["ToPort"] = r.to_port;
      }
      out.push_back(std::move(permission));
      at = order.end() - 1;
    }
    json& permission = out[static_cast<std::size_t>(at - order.begin())];
    if (!r.cidr.empty()) {
      json range{{"CidrIp", r.cidr}};
      if (!r.description.empty()) range["Description"] = r.description;
      permission["IpRanges"].push_back(std::move(range));
    } else {
      json pair{{"GroupId", r.referenced_group_id}, {"UserId", owner_id}};
      if (!r.description.empty()) pair["Description"] = r.description;
      permission["UserIdGroupPairs"].push_back(std::move(pair));
    }
  }
  return out;
}

json security_group_json(const store::SecurityGroupRecord& group,
                         const std::vector<store::SecurityGroupRuleRecord>& rules, const std::string& owner_id) {
  std::vector<store::SecurityGroupRuleRecord> ingress, egress;
  for (const auto& r : rules) (r.egress ? egress : ingress).push_back(r);
  return json{
      {"Description", group.description},
      {"GroupName", group.name},
      {"IpPermissions", ip_permissions_json(ingress, owner_id)},
      {"OwnerId", owner_id},
      {"GroupId", group.id},
      {"IpPermissionsEgress", ip_permissions_json(egress, owner_id)},
      {"VpcId", group.vpc_id},
  };
}

json security_group_rule_json(const store::SecurityGroupRuleRecord& rule, const std::string& owner_id) {
  json out{{"SecurityGroupRuleId", rule.id}, {"GroupId", rule.group_id}, {"GroupOwnerId", owner_id},
           {"IsEgress", rule.egress},        {"IpProtocol", rule.protocol}, {"FromPort", rule.from_port},
           {"ToPort", rule.to_port}};
  if (!rule.cidr.empty()) out["CidrIpv4"] = rule.cidr;
  else out["ReferencedGroupInfo"] = json{{"GroupId", rule.referenced_group_id}, {"UserId", owner_id}};
  if (!rule.description.empty()) out["Description"] = rule.description;
  return out;
}

json peering_json(store::Store& store, const store::VpcPeeringRecord& p, const std::string& owner_id) {
  store::NetworkTables tables(store);
  auto side = [&](const std::string& vpc_id, const std::string& region) {
    json info{{"OwnerId", owner_id}, {"VpcId", vpc_id}, {"Region", region}};
    if (auto vpc = tables.get_vpc(vpc_id); vpc.ok()) {  // a deleted VPC's block is no longer known
      info["CidrBlock"] = vpc->cidr;
      info["CidrBlockSet"] = json::array({json{{"CidrBlock", vpc->cidr}}});
    }
    if (p.status == "active")
      info["PeeringOptions"] = json{{"AllowDnsResolutionFromRemoteVpc", false},
                                    {"AllowEgressFromLocalClassicLinkToRemoteVpc", false},
                                    {"AllowEgressFromLocalVpcToRemoteClassicLink", false}};
    return info;
  };
  json out{{"AccepterVpcInfo", side(p.accepter_vpc_id, p.accepter_region)},
           {"RequesterVpcInfo", side(p.requester_vpc_id, p.requester_region)},
           {"Status", json{{"Code", p.status}, {"Message", p.message}}},
           {"VpcPeeringConnectionId", p.id}};
  if (p.status == "pending-acceptance" && !p.expires_at.empty()) out["ExpirationTime"] = p.expires_at;
  return out;
}

}  // namespace borealis::network::ec2
