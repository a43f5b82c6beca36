// The EC2 handlers, one file per resource (ec2_vpcs.cc, ec2_subnets.cc, ec2_security_groups.cc,
// ec2_peering.cc, ec2_regions.cc); ec2_operations.cc lists them. Internal to src/network/.
#pragma once

#include "api/operation.h"

namespace borealis::network::ec2 {

api::Reply describe_vpcs(api::CallContext& context, const nlohmann::json& input);
api::Reply create_vpc(api::CallContext& context, const nlohmann::json& input);
api::Reply delete_vpc(api::CallContext& context, const nlohmann::json& input);

api::Reply describe_subnets(api::CallContext& context, const nlohmann::json& input);
api::Reply create_subnet(api::CallContext& context, const nlohmann::json& input);
api::Reply delete_subnet(api::CallContext& context, const nlohmann::json& input);

api::Reply describe_security_groups(api::CallContext& context, const nlohmann::json& input);
api::Reply create_security_group(api::CallContext& context, const nlohmann::json& input);
api::Reply delete_security_group(api::CallContext& context, const nlohmann::json& input);
api::Reply authorize_security_group_ingress(api::CallContext& context, const nlohmann::json& input);
api::Reply authorize_security_group_egress(api::CallContext& context, const nlohmann::json& input);
api::Reply revoke_security_group_ingress(api::CallContext& context, const nlohmann::json& input);
api::Reply revoke_security_group_egress(api::CallContext& context, const nlohmann::json& input);

api::Reply create_vpc_peering_connection(api::CallContext& context, const nlohmann::json& input);
api::Reply accept_vpc_peering_connection(api::CallContext& context, const nlohmann::json& input);
api::Reply describe_vpc_peering_connections(api::CallContext& context, const nlohmann::json& input);
api::Reply delete_vpc_peering_connection(api::CallContext& context, const nlohmann::json& input);

api::Reply describe_availability_zones(api::CallContext& context, const nlohmann::json& input);
api::Reply describe_regions(api::CallContext& context, const nlohmann::json& input);

}  // namespace borealis::network::ec2
