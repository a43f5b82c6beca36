// AWS-managed policies borealis ships (so far the one domain join needs), as their real documents, and
// the check behind issue 4's enable-kerberos-failed reason "the role's policies lack ...".
// Pure: the documents are constants; nothing here reads the store.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iam/context.h"
#include "iam/evaluator.h"
#include "iam/policy.h"

namespace borealis::iam {

inline constexpr std::string_view kRdsDirectoryServiceAccessName = "AmazonRDSDirectoryServiceAccess";
inline constexpr std::string_view kRdsDirectoryServiceAccessArn =
    "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess";

// The document as AWS publishes it (statement: the four ds actions on "*").
std::string_view rds_directory_service_access_document() noexcept;
// The parsed document (parsed once; an empty policy, which allows nothing, if it ever failed to parse).
const Policy& rds_directory_service_access_policy();

// What RDS does with the role during domain join.
inline constexpr std::array<std::string_view, 4> kDomainJoinActions = {
    "ds:DescribeDirectories", "ds:AuthorizeApplication", "ds:UnauthorizeApplication",
    "ds:GetAuthorizedApplicationDetails"};

struct DomainJoinPermissions {
  std::vector<std::string> missing;  // one line per action not allowed, with the decision that refused it
  bool ok() const { return missing.empty(); }
  // "the role's policies do not allow ds:AuthorizeApplication (deny-explicit by x statement 0); ..."
  std::string reason() const;
};

// Evaluates every domain-join action on `directory_arn` (e.g. arn:aws:ds:us-east-1:123456789012:directory/d-1234567890)
// against the role's policies.
DomainJoinPermissions check_domain_join_permissions(std::span<const PolicyRef> role_policies,
                                                    std::string_view directory_arn, const ContextKeys& keys = {});

}  // namespace borealis::iam
