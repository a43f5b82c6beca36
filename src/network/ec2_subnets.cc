// EC2 DescribeSubnets / CreateSubnet / DeleteSubnet.
#include "network/ec2_common.h"
#include "network/ec2_handlers.h"
#include "network/ec2_tags.h"
#include "network/model.h"

namespace borealis::network::ec2 {

api::Reply describe_subnets(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto filters = parse_filters(input, {"subnet-id", "vpc-id", "cidr", "cidr-block", "cidrBlock", "availability-zone",
                                       "availabilityZone", "availability-zone-id", "default-for-az", "defaultForAz",
                                       "state", "owner-id", "tag-key", "tag-value"});
  if (!filters) return fail(filters.error());
  auto tags = load_tags(context);
  if (!tags) return fail(tags.error());
  auto subnets = store::NetworkTables(context.store).list_subnets(context.region);
  if (!subnets) return fail(internal_error(subnets.error()));
  const auto ids = texts(input, "SubnetIds");
  if (auto refused = require_ids(ids, *subnets, subnet_not_found)) return *refused;
  json out = json::array();
  for (const auto& subnet : *subnets) {
    if (!wanted(ids, subnet.id)) continue;
    const auto* subnet_tags = tags_of(*tags, subnet.id);
    bool keep = matches(*filters, [&](std::string_view name) -> std::vector<std::string> {
      if (auto values = tag_filter_values(name, subnet_tags)) return *values;
      if (name == "subnet-id") return {subnet.id};
      if (name == "vpc-id") return {subnet.vpc_id};
      if (name == "availability-zone" || name == "availabilityZone") return {subnet.availability_zone};
      if (name == "availability-zone-id") return {zone_id(subnet.availability_zone)};
      if (name == "default-for-az" || name == "defaultForAz") return {truth(subnet.default_for_az)};
      if (name == "state") return {subnet.state};
      if (name == "owner-id") return {context.settings.account_id};
      return {subnet.cidr};  // the cidr filters
    });
    if (keep) out.push_back(with_tags(subnet_json(context, subnet), subnet_tags));
  }
  return api::Reply::ok(json{{"Subnets", std::move(out)}});
}

api::Reply create_subnet(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  const std::string vpc_id = text(input, "VpcId");
  if (vpc_id.empty()) return missing_parameter("vpcId");
  const std::string cidr = text(input, "CidrBlock");
  if (cidr.empty()) return missing_parameter("cidrBlock");
  if (!text(input, "Ipv6CidrBlock").empty() || flag(input, "Ipv6Native") || !text(input, "OutpostArn").empty())
    return api::Reply::fail("UnsupportedOperation", "Only IPv4 subnets in a region's zones are supported here.");
  std::string zone = text(input, "AvailabilityZone");
  const std::string wanted_zone_id = text(input, "AvailabilityZoneId");
  if (zone.empty() && !wanted_zone_id.empty()) {
    for (const auto& candidate : availability_zones(context.region)) {
      if (zone_id(candidate) == wanted_zone_id) zone = candidate;
    }
    if (zone.empty())
      return api::Reply::fail("InvalidParameterValue",
                              "Value (" + wanted_zone_id + ") for parameter availabilityZoneId is invalid.");
  }
  auto tags = tag_specifications(input, "subnet");
  if (!tags) return fail(tags.error());
  auto vpc = find_vpc(context.store, context.region, vpc_id);
  if (!vpc) return fail(vpc.error());
  auto subnet = network::create_subnet(context.store, *vpc, cidr, zone, false);
  if (!subnet) return fail(subnet.error());
  if (auto tagged = tag_new_resource(context, subnet->id, *tags); !tagged) return fail(tagged.error());
  return api::Reply::ok(json{{"Subnet", with_tags(subnet_json(context, *subnet), &*tags)}});
}

api::Reply delete_subnet(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  const std::string id = text(input, "SubnetId");
  if (id.empty()) return missing_parameter("subnetId");
  auto subnet = find_subnet(context.store, context.region, id);
  if (!subnet) return fail(subnet.error());
  if (auto done = network::delete_subnet(context.store, *subnet); !done) return fail(done.error());
  return api::Reply::ok();
}

}  // namespace borealis::network::ec2
