// The EC2 handler table (see ec2.h) and the ARN each call acts on, for IAM authorisation.
#include "network/ec2.h"

#include "network/ec2_common.h"
#include "network/ec2_handlers.h"
#include "network/ec2_tags.h"

namespace borealis::network {
namespace {

using api::CallContext;
using nlohmann::json;

// arn:aws:ec2:REGION:ACCOUNT:<type>/<id of `member`>, or "*" when the input does not name one.
template <const char* Type, const char* Member>
std::string resource_arn(const CallContext& context, const json& input) {
  const std::string id = ec2::text(input, Member);
  return id.empty() ? "*" : ec2::arn(context, std::string(Type) + "/" + id);
}

constexpr char kVpc[] = "vpc", kVpcId[] = "VpcId";
constexpr char kSubnet[] = "subnet", kSubnetId[] = "SubnetId";
constexpr char kGroup[] = "security-group", kGroupId[] = "GroupId";
constexpr char kPeering[] = "vpc-peering-connection", kPeeringId[] = "VpcPeeringConnectionId";

const api::Operation kOperations[] = {
    {"DescribeVpcs", ec2::describe_vpcs, nullptr},
    {"CreateVpc", ec2::create_vpc, nullptr},
    {"DeleteVpc", ec2::delete_vpc, resource_arn<kVpc, kVpcId>},
    {"DescribeSubnets", ec2::describe_subnets, nullptr},
    {"CreateSubnet", ec2::create_subnet, resource_arn<kVpc, kVpcId>},
    {"DeleteSubnet", ec2::delete_subnet, resource_arn<kSubnet, kSubnetId>},
    {"DescribeSecurityGroups", ec2::describe_security_groups, nullptr},
    {"CreateSecurityGroup", ec2::create_security_group, resource_arn<kVpc, kVpcId>},
    {"DeleteSecurityGroup", ec2::delete_security_group, resource_arn<kGroup, kGroupId>},
    {"AuthorizeSecurityGroupIngress", ec2::authorize_security_group_ingress, resource_arn<kGroup, kGroupId>},
    {"AuthorizeSecurityGroupEgress", ec2::authorize_security_group_egress, resource_arn<kGroup, kGroupId>},
    {"RevokeSecurityGroupIngress", ec2::revoke_security_group_ingress, resource_arn<kGroup, kGroupId>},
    {"RevokeSecurityGroupEgress", ec2::revoke_security_group_egress, resource_arn<kGroup, kGroupId>},
    {"CreateVpcPeeringConnection", ec2::create_vpc_peering_connection, resource_arn<kVpc, kVpcId>},
    {"AcceptVpcPeeringConnection", ec2::accept_vpc_peering_connection, resource_arn<kPeering, kPeeringId>},
    {"DescribeVpcPeeringConnections", ec2::describe_vpc_peering_connections, nullptr},
    {"DeleteVpcPeeringConnection", ec2::delete_vpc_peering_connection, resource_arn<kPeering, kPeeringId>},
    {"DescribeAvailabilityZones", ec2::describe_availability_zones, nullptr},
    {"DescribeRegions", ec2::describe_regions, nullptr},
    {"CreateTags", ec2::create_tags, nullptr},
    {"DeleteTags", ec2::delete_tags, nullptr},
    {"DescribeTags", ec2::describe_tags, nullptr},
};

}  // namespace

api::ServiceOperations ec2_operations() { return api::ServiceOperations{"ec2", kOperations}; }

}  // namespace borealis::network
