// The RDS service as the API router sees it: the operation table (handler + the ARN IAM authorises
// each call on). Handlers run on the API thread with its own Store connection; they write desired
// state and wake the reconciler, never touching processes.
#pragma once

#include "api/operation.h"

namespace borealis::server {

// The "rds" service: CreateDBCluster … DescribeOrderableDBInstanceOptions.
api::ServiceOperations rds_operations();

}  // namespace borealis::server
