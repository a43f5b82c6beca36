// domain_iam_role_problem: each missing piece is named; a correct role passes.
#include "identity/domain_role.h"

#include <gtest/gtest.h>

#include "iam/managed_policies.h"
#include "identity/identity_test_support.h"

namespace borealis::identity::testing {
namespace {

class DomainRoleTest : public IdentityTest {
 protected:
  std::optional<std::string> problem(const std::string& role) { return domain_iam_role_problem(*store_, kAccount, role); }
};

TEST_F(DomainRoleTest, MissingRole) {
  auto p = problem("rds-ad-role");
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("IAM role rds-ad-role does not exist"), std::string::npos) << *p;
}

TEST_F(DomainRoleTest, RoleMustTrustRds) {
  create_role("rds-ad-role", trust_doc_aws(kAccount));
  auto p = problem("rds-ad-role");
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("does not trust rds.amazonaws.com"), std::string::npos) << *p;
}

TEST_F(DomainRoleTest, RoleMustAllowTheDsActions) {
  create_role("rds-ad-role", trust_doc_service("directoryservice.rds.amazonaws.com"));
  auto p = problem("rds-ad-role");
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("IAM role rds-ad-role does not allow ds:DescribeDirectories, ds:AuthorizeApplication"),
            std::string::npos) << *p;
  EXPECT_NE(p->find("attach arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess"), std::string::npos);

  put_role_policy("rds-ad-role", "some", nlohmann::json::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":["ds:DescribeDirectories","ds:UnauthorizeApplication","ds:GetAuthorizedApplicationDetails"],"Resource":"*"}]})").dump());
  p = problem("rds-ad-role");
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("does not allow ds:AuthorizeApplication;"), std::string::npos) << *p;
}

TEST_F(DomainRoleTest, ManagedPolicyMakesItFitAndADenyBreaksIt) {
  create_role("rds-ad-role", trust_doc_service("rds.amazonaws.com"));
  ASSERT_FALSE(iam("AttachRolePolicy", {{"RoleName", "rds-ad-role"},
                                        {"PolicyArn", std::string(iam::kRdsDirectoryServiceAccessArn)}}).error);
  EXPECT_EQ(problem("rds-ad-role"), std::nullopt);
  EXPECT_EQ(problem("RDS-AD-ROLE"), std::nullopt);  // role names ignore case, as in IAM
  put_role_policy("rds-ad-role", "deny", policy_doc("Deny", "ds:AuthorizeApplication"));
  auto p = problem("rds-ad-role");
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("denies ds:AuthorizeApplication"), std::string::npos) << *p;
}

}  // namespace
}  // namespace borealis::identity::testing
