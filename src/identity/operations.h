// The IAM and STS operation tables the api router dispatches from (see api/operation.h): every IAM and
// STS action borealis serves, with the resource ARN AWS authorises each on.
#pragma once

#include "api/operation.h"

namespace borealis::identity {

api::ServiceOperations iam_operations();
api::ServiceOperations sts_operations();

}  // namespace borealis::identity
