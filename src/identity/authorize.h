// IAM authorisation of an API call: may this caller perform request.action on request.resource?
// - the account root: always (AWS does not let policies restrict root in a single account);
// - sts:GetCallerIdentity: always, for every authenticated caller (AWS needs no permission for it and
//   ignores even an explicit Deny);
// - an IAM user: its attached (customer and AWS-managed) and inline policies;
// - an assumed-role session: the policies of its role — only while the role still has the id the
//   session was issued for (a role deleted and created again does not inherit old sessions).
// The principal's condition keys (aws:username, aws:userid, aws:PrincipalArn, aws:PrincipalAccount,
// aws:PrincipalType, aws:TokenIssueTime) are set from the caller, over whatever the request had.
// It must never allow when a stored document cannot be read (that document might have held a Deny) or
// when the store fails: both are an explicit deny naming the reason.
#pragma once

#include "api/operation.h"
#include "iam/context.h"
#include "iam/evaluator.h"

namespace borealis::store {
class Store;
}

namespace borealis::identity {

iam::Evaluation authorize(store::Store& store, const api::Caller& caller, const iam::RequestContext& request);

// The context keys that describe `caller` (what authorize sets).
void set_principal_keys(const api::Caller& caller, iam::ContextKeys& keys);

}  // namespace borealis::identity
