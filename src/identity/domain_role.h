// Whether an IAM role can serve RDS for Kerberos domain join (CreateDBCluster/ModifyDBCluster's
// DomainIAMRoleName): it must exist, its trust policy must let rds.amazonaws.com or
// directoryservice.rds.amazonaws.com sts:AssumeRole, and its policies must allow the four ds actions of
// AmazonRDSDirectoryServiceAccess. Read-only; the answer is one sentence a person can act on.
#pragma once

#include <optional>
#include <string>

namespace borealis::store {
class Store;
}

namespace borealis::identity {

// nullopt when the role is fit for domain join; otherwise what is wrong, naming the role, e.g.
// "IAM role rds-ad-role does not allow ds:AuthorizeApplication; attach
// arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess". The ds actions are checked
// on resource "*" (AWS's managed policy grants them there; DescribeDirectories has no other).
std::optional<std::string> domain_iam_role_problem(store::Store& store, const std::string& account_id,
                                                   const std::string& role_name);

}  // namespace borealis::identity
