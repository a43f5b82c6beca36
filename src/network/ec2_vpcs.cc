// EC2 DescribeVpcs / CreateVpc / DeleteVpc.
#include "network/ec2_common.h"
#include "network/ec2_handlers.h"
#include "network/model.h"

namespace borealis::network::ec2 {

api::Reply describe_vpcs(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto filters = parse_filters(input, {"vpc-id", "cidr", "cidr-block", "cidr-block-association.cidr-block",
                                       "is-default", "isDefault", "state", "owner-id", "dhcp-options-id"});
  if (!filters) return fail(filters.error());
  auto vpcs = store::NetworkTables(context.store).list_vpcs(context.region);
  if (!vpcs) return fail(internal_error(vpcs.error()));
  const auto ids = texts(input, "VpcIds");
  if (auto refused = require_ids(ids, *vpcs, vpc_not_found)) return *refused;
  json out = json::array();
  const std::string& owner = context.settings.account_id;
  for (const auto& vpc : *vpcs) {
    if (!wanted(ids, vpc.id)) continue;
    bool keep = matches(*filters, [&](std::string_view name) -> std::vector<std::string> {
      if (name == "vpc-id") return {vpc.id};
      if (name == "is-default" || name == "isDefault") return {truth(vpc.is_default)};
      if (name == "state") return {vpc.state};
      if (name == "owner-id") return {owner};
      if (name == "dhcp-options-id") return {"default"};
      return {vpc.cidr};  // the cidr filters
    });
    if (keep) out.push_back(vpc_json(vpc, owner));
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
  auto vpc = network::create_vpc(context.store, context.region, cidr, false);
  if (!vpc) return fail(vpc.error());
  return api::Reply::ok(json{{"Vpc", vpc_json(*vpc, context.settings.account_id)}});
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
