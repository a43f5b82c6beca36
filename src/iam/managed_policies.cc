#include "iam/managed_policies.h"

namespace borealis::iam {

std::string_view rds_directory_service_access_document() noexcept {
  return R"({
    "Version": "2012-10-17",
    "Statement": [
        {
            "Action": [
                "ds:DescribeDirectories",
                "ds:AuthorizeApplication",
                "ds:UnauthorizeApplication",
                "ds:GetAuthorizedApplicationDetails"
            ],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]
})";
}

const Policy& rds_directory_service_access_policy() {
  static const Policy policy = [] {
    auto parsed = parse_policy(rds_directory_service_access_document(), PolicyKind::identity, kManagedPolicyMaxChars);
    return parsed.ok() ? std::move(parsed).value() : Policy{};  // fail closed; the unit test pins it parses
  }();
  return policy;
}

std::string DomainJoinPermissions::reason() const {
  if (missing.empty()) return "the role's policies allow every action domain join needs";
  std::string out = "the role's policies do not allow ";
  for (std::size_t i = 0; i < missing.size(); ++i) out += (i ? "; " : "") + missing[i];
  return out;
}

DomainJoinPermissions check_domain_join_permissions(std::span<const PolicyRef> role_policies,
                                                    std::string_view directory_arn, const ContextKeys& keys) {
  DomainJoinPermissions result;
  for (auto action : kDomainJoinActions) {
    RequestContext request{std::string(action), std::string(directory_arn), keys};
    const Evaluation e = evaluate(role_policies, request);
    if (!e.allowed()) result.missing.push_back(std::string(action) + " (" + e.describe(action) + ")");
  }
  return result;
}

}  // namespace borealis::iam
