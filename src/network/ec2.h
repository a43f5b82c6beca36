// The EC2 API this server offers (VPCs, subnets, security groups, peerings, regions and zones): the
// handler table the api router dispatches "ec2" requests to. Handlers see model-shaped JSON only.
#pragma once

#include "api/operation.h"

namespace borealis::network {

api::ServiceOperations ec2_operations();

}  // namespace borealis::network
