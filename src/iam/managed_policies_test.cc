// AmazonRDSDirectoryServiceAccess as shipped, and the domain-join permission check behind issue 4's
// enable-kerberos-failed reason: the managed policy suffices, a partial inline policy names what is
// missing, a Deny is reported as such.
#include "iam/managed_policies.h"

#include <gtest/gtest.h>

namespace borealis::iam {
namespace {

constexpr std::string_view kDirectory = "arn:aws:ds:us-east-1:123456789012:directory/d-1234567890";

TEST(ManagedPolicies, RdsDirectoryServiceAccessIsTheRealStatement) {
  const Policy& p = rds_directory_service_access_policy();
  EXPECT_EQ(p.version, "2012-10-17");
  ASSERT_EQ(p.statements.size(), 1u);
  const Statement& s = p.statements[0];
  EXPECT_EQ(s.effect, Effect::allow);
  EXPECT_EQ(s.actions, (std::vector<std::string>{"ds:DescribeDirectories", "ds:AuthorizeApplication",
                                                 "ds:UnauthorizeApplication", "ds:GetAuthorizedApplicationDetails"}));
  EXPECT_EQ(s.resources, std::vector<std::string>{"*"});
  EXPECT_TRUE(s.conditions.empty());
  EXPECT_EQ(kRdsDirectoryServiceAccessArn, "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess");
}

TEST(ManagedPolicies, ManagedPolicyAllowsDomainJoin) {
  PolicyRef refs[] = {{kRdsDirectoryServiceAccessArn, &rds_directory_service_access_policy()}};
  const auto check = check_domain_join_permissions(refs, kDirectory);
  EXPECT_TRUE(check.ok()) << check.reason();
  // It allows nothing else.
  EXPECT_FALSE(evaluate(refs, RequestContext{"ds:DeleteDirectory", std::string(kDirectory), {}}).allowed());
}

TEST(ManagedPolicies, NoPoliciesOrPartialPolicyNamesTheMissingActions) {
  const auto none = check_domain_join_permissions({}, kDirectory);
  EXPECT_EQ(none.missing.size(), 4u);
  auto partial = parse_policy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ds:Describe*","ds:GetAuthorizedApplicationDetails"],"Resource":"*"}]})",
      PolicyKind::identity, kRoleInlinePolicyMaxChars);
  ASSERT_TRUE(partial.ok());
  PolicyRef refs[] = {{"inline:partial", &*partial}};
  const auto check = check_domain_join_permissions(refs, kDirectory);
  ASSERT_EQ(check.missing.size(), 2u);
  EXPECT_EQ(check.reason(),
            "the role's policies do not allow ds:AuthorizeApplication (deny-implicit: no statement allows "
            "ds:AuthorizeApplication); ds:UnauthorizeApplication (deny-implicit: no statement allows "
            "ds:UnauthorizeApplication)");
}

TEST(ManagedPolicies, DenyBesideManagedPolicyIsReported) {
  auto deny = parse_policy(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"NoAuthorize","Effect":"Deny","Action":"ds:AuthorizeApplication","Resource":"*"}]})",
      PolicyKind::identity, kRoleInlinePolicyMaxChars);
  ASSERT_TRUE(deny.ok());
  PolicyRef refs[] = {{kRdsDirectoryServiceAccessName, &rds_directory_service_access_policy()}, {"inline:deny", &*deny}};
  const auto check = check_domain_join_permissions(refs, kDirectory);
  ASSERT_EQ(check.missing.size(), 1u);
  EXPECT_EQ(check.missing[0], "ds:AuthorizeApplication (deny-explicit by inline:deny statement 0 (Sid NoAuthorize))");
}

}  // namespace
}  // namespace borealis::iam
