// Evaluation of one parsed Condition (an operator, one key, its values) against the request's context
// keys, with AWS's rules: several values are OR'ed; a key absent from the request makes the condition
// false, except that ...IfExists and ForAllValues are then true, negated operators (StringNotEquals,
// NotIpAddress, ArnNotLike, ...) are then true, and Null asks about presence itself. A policy value
// whose ${variable} cannot be resolved makes the condition false (AWS: the statement is invalid).
// Pure and total: a context value that cannot be read as the operator's type matches nothing.
#pragma once

#include "iam/context.h"
#include "iam/policy.h"

namespace borealis::iam {

// `variables`: substitute ${...} in the policy's values (2012-10-17 documents only).
bool condition_holds(const Condition& condition, const ContextKeys& keys, bool variables);

}  // namespace borealis::iam
