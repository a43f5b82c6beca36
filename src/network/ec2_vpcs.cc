// EC2 DescribeVpcs / CreateVpc / DeleteVpc.
#include "network/ec2_common.h"
#include "network/ec2_handlers.h"
#include "network/ec2_tags.h"
#include "network/model.h"

namespace borealis::network::ec2 {

api::Reply describe_vpcs(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto filters = parse_filters(input, {"vpc-id", "cidr", "cidr-block", "cidr-block-association.cidr-block",
                                       "is-default", "isDefault", "state", "owner-id", "dhcp-options-id", "tag-key",
                                       "tag-value"});
  if (!filters) return fail(filters.error());
  auto tags = load_tags(context);
  if (!tags) return fail(tags.error());
  auto vpcs = store::NetworkTables(context.store).list_vpcs(context.region);
  if (!vpcs) return fail(internal_error(vpcs.error()));
  const auto ids = texts(input, "VpcIds");
  if (auto refused = require_ids(ids, *vpcs, vpc_not_found)) return *refused;
  json out = json::array();
  const std::string& owner = context.settings.account_id;
  for (const auto& vpc : *vpcs) {
    if (!wanted(ids, vpc.id)) continue;
    const auto* vpc_tags = tags_of(*tags, vpc.id);
    bool keep = matches(*filters, [&](std::string_view name) -> std::vector<std::string> {
      if (auto values = tag_filter_values(name, vpc_tags)) return *values;
      if (name == "vpc-id") return {vpc.id};
      if (name == "is-default" || name == "isDefault") return {truth(vpc.is_default)};
      if (name == "state") return {vpc.state};
      if (name == "owner-id") return {owner};
      if (name == "dhcp-options-id") return {"default"};
      return {vpc.cidr};  // the cidr filters
    });
    if (keep) out.push_back(with_tags(vpc_json(vpc, owner), vpc_tags));
  }
  return api::Reply::ok(json{{"Vpcs", std::move(out)}});
}

api::Reply create_vpc(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  const std::string cidr = text(input, "CidrBlock");
  if (cidr.empty()) return missing_parameter("cidrBlock");
  if (flag(input, "AmazonProvidedIpv6CidrBlock") || !text(input, "Ipv6CidrBlock").empty() ||
      !text(input, "Ipv4IpamPoolId").empty() || !text(input, "Ipv6IpamPoolId").empty())
    return api::Reply::fail("UnsupportedOperation", "Only an IPv4 CidrBlock is supported here (no IPv6, no IPAM pools).");
  auto tags = tag_specifications(input, "vpc");
  if (!tags) return fail(tags.error());
  auto vpc = network::create_vpc(context.store, context.region, cidr, false);
  if (!vpc) return fail(vpc.error());
  if (auto tagged = tag_new_resource(context, vpc->id, *tags); !tagged) return fail(tagged.error());
  return api::Reply::ok(json{{"Vpc", with_tags(vpc_json(*vpc, context.settings.account_id), &*tags)}});
}

api::Reply delete_vpc(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  const std::string id = text(input, "VpcId");
  if (id.empty()) return missing_parameter("vpcId");
  auto vpc = find_vpc(context.store, context.region, id);
  if (!vpc) return fail(vpc.error());
  if (auto done = network::delete_vpc(context.store, *vpc); !done) return fail(done.error());
  return api::Reply::ok();
}

}  // namespace borealis::network::ec2
