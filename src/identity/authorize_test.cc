// authorize: root, user policies (inline, customer managed, AWS-managed), Deny beats Allow, wildcard
// actions, policy variables, role sessions, and failing closed on unreadable documents.
#include "identity/authorize.h"

#include <gtest/gtest.h>

#include "iam/managed_policies.h"
#include "identity/identity_test_support.h"
#include "store/iam_tables.h"

namespace borealis::identity::testing {
namespace {

using nlohmann::json;

class AuthorizeTest : public IdentityTest {
 protected:
  iam::Evaluation decide(const api::Caller& caller, const std::string& action, const std::string& resource = "*") {
    return authorize(*store_, caller, iam::RequestContext{action, resource, {}});
  }
};

TEST_F(AuthorizeTest, RootIsAlwaysAllowed) {
  EXPECT_TRUE(decide(root(), "rds:DeleteDBCluster").allowed());
}

TEST_F(AuthorizeTest, GetCallerIdentityNeedsNoPermission) {
  auto [key, secret] = user_with_key("nobody");
  const api::Caller nobody = caller_of(key);
  EXPECT_TRUE(decide(nobody, "sts:GetCallerIdentity").allowed());
  put_user_policy("nobody", "deny", policy_doc("Deny", "*"));
  EXPECT_TRUE(decide(nobody, "sts:GetCallerIdentity").allowed());
  EXPECT_FALSE(decide(nobody, "sts:AssumeRole").allowed());
}

TEST_F(AuthorizeTest, DescribeOnlyUserCanDescribeButNotCreate) {
  auto [key, secret] = user_with_key("reader");
  const api::Caller reader = caller_of(key);
  EXPECT_EQ(decide(reader, "rds:DescribeDBClusters").decision, iam::Decision::implicit_deny);  // nothing attached yet
  put_user_policy("reader", "describe", policy_doc("Allow", "rds:Describe*"));
  EXPECT_TRUE(decide(reader, "rds:DescribeDBClusters").allowed());
  EXPECT_TRUE(decide(reader, "rds:DescribeDBInstances", "arn:aws:rds:us-east-1:123456789012:db:x").allowed());
  const auto create = decide(reader, "rds:CreateDBCluster");
  EXPECT_EQ(create.decision, iam::Decision::implicit_deny);
}

TEST_F(AuthorizeTest, ExplicitDenyBeatsAllow) {
  auto [key, secret] = user_with_key("mallory");
  const api::Caller m = caller_of(key);
  put_user_policy("mallory", "all", policy_doc("Allow", "rds:*"));
  EXPECT_TRUE(decide(m, "rds:DeleteDBCluster").allowed());
  auto deny = iam("CreatePolicy", {{"PolicyName", "nodelete"}, {"PolicyDocument", policy_doc("Deny", "rds:Delete*")}});
  ASSERT_FALSE(deny.error);
  ASSERT_FALSE(iam("AttachUserPolicy", {{"UserName", "mallory"}, {"PolicyArn", deny.output["Policy"]["Arn"]}}).error);
  const auto e = decide(m, "rds:DeleteDBCluster");
  EXPECT_EQ(e.decision, iam::Decision::explicit_deny);
  ASSERT_TRUE(e.decided_by);
  EXPECT_EQ(e.decided_by->policy_name, "arn:aws:iam::123456789012:policy/nodelete");
  EXPECT_TRUE(decide(m, "rds:CreateDBCluster").allowed());
}

TEST_F(AuthorizeTest, AwsManagedPoliciesApply) {
  auto [key, secret] = user_with_key("svc");
  const api::Caller svc = caller_of(key);
  ASSERT_FALSE(iam("AttachUserPolicy", {{"UserName", "svc"}, {"PolicyArn", std::string(iam::kRdsDirectoryServiceAccessArn)}}).error);
  EXPECT_TRUE(decide(svc, "ds:AuthorizeApplication").allowed());
  EXPECT_FALSE(decide(svc, "ds:CreateMicrosoftAD").allowed());
  ASSERT_FALSE(iam("AttachUserPolicy", {{"UserName", "svc"}, {"PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"}}).error);
  EXPECT_TRUE(decide(svc, "ds:CreateMicrosoftAD").allowed());
  EXPECT_TRUE(iam("AttachUserPolicy", {{"UserName", "svc"}, {"PolicyArn", "arn:aws:iam::aws:policy/NotShipped"}}).error.has_value());
}

TEST_F(AuthorizeTest, ReadOnlyAndPowerUserPoliciesAllowWhatAwsSays) {
  auto attach = [&](const std::string& user, const std::string& name) {
    ASSERT_FALSE(iam("AttachUserPolicy", {{"UserName", user}, {"PolicyArn", "arn:aws:iam::aws:policy/" + name}}).error) << name;
  };
  auto [k1, s1] = user_with_key("reader");
  attach("reader", "AmazonRDSReadOnlyAccess");
  attach("reader", "IAMReadOnlyAccess");
  const api::Caller reader = caller_of(k1);
  EXPECT_TRUE(decide(reader, "rds:DescribeDBClusters").allowed());
  EXPECT_TRUE(decide(reader, "rds:ListTagsForResource").allowed());
  EXPECT_TRUE(decide(reader, "ec2:DescribeVpcs").allowed());
  EXPECT_TRUE(decide(reader, "iam:GetUser").allowed());
  EXPECT_FALSE(decide(reader, "rds:CreateDBCluster").allowed());
  EXPECT_FALSE(decide(reader, "rds:AddTagsToResource").allowed());
  EXPECT_FALSE(decide(reader, "rds-db:connect").allowed());
  EXPECT_FALSE(decide(reader, "iam:CreateUser").allowed());

  auto [k2, s2] = user_with_key("power");
  attach("power", "PowerUserAccess");
  const api::Caller power = caller_of(k2);
  EXPECT_TRUE(decide(power, "rds:CreateDBCluster").allowed());
  EXPECT_TRUE(decide(power, "rds-db:connect").allowed());
  EXPECT_TRUE(decide(power, "iam:ListRoles").allowed());
  EXPECT_FALSE(decide(power, "iam:CreateUser").allowed());  // NotAction iam:*
  EXPECT_FALSE(decide(power, "iam:AttachUserPolicy").allowed());

  auto [k3, s3] = user_with_key("admin");
  attach("admin", "IAMFullAccess");
  const api::Caller admin = caller_of(k3);
  EXPECT_TRUE(decide(admin, "iam:CreateUser").allowed());
  EXPECT_FALSE(decide(admin, "rds:DescribeDBClusters").allowed());
}

TEST_F(AuthorizeTest, PrincipalKeysComeFromTheCaller) {
  auto [key, secret] = user_with_key("vera");
  const api::Caller v = caller_of(key);
  put_user_policy("vera", "self", policy_doc("Allow", "iam:GetUser", "arn:aws:iam::123456789012:user/${aws:username}"));
  EXPECT_TRUE(decide(v, "iam:GetUser", "arn:aws:iam::123456789012:user/vera").allowed());
  EXPECT_FALSE(decide(v, "iam:GetUser", "arn:aws:iam::123456789012:user/other").allowed());
  // A request context that claims another user name does not change who the caller is.
  iam::RequestContext forged{"iam:GetUser", "arn:aws:iam::123456789012:user/other", {}};
  forged.keys.set("aws:username", "other");
  EXPECT_FALSE(authorize(*store_, v, forged).allowed());
}

TEST_F(AuthorizeTest, UnreadableStoredDocumentsNeverAllow) {
  auto [key, secret] = user_with_key("odd");
  const api::Caller odd = caller_of(key);
  put_user_policy("odd", "all", policy_doc("Allow", "*"));
  EXPECT_TRUE(decide(odd, "rds:CreateDBCluster").allowed());
  // A document that no longer parses (written by an older version, or edited by hand) might have
  // held a Deny: the caller is refused.
  store::IamTables tables(*store_);
  ASSERT_TRUE(tables.put_inline_policy({store::PrincipalType::user, "odd", "broken", "{not json"}).ok());
  const auto e = decide(odd, "rds:CreateDBCluster");
  EXPECT_EQ(e.decision, iam::Decision::explicit_deny);
  ASSERT_TRUE(e.decided_by);
  EXPECT_NE(e.decided_by->policy_name.find("inline:broken"), std::string::npos);
}

TEST_F(AuthorizeTest, RoleSessionsUseTheRolesPolicies) {
  create_role("ops", trust_doc_aws(kAccount));
  put_role_policy("ops", "describe", policy_doc("Allow", "rds:Describe*"));
  auto assumed = call("sts", "AssumeRole", {{"RoleArn", "arn:aws:iam::123456789012:role/ops"}, {"RoleSessionName", "me"}}, root());
  ASSERT_FALSE(assumed.error) << assumed.error->message;
  const api::Caller session = caller_of(assumed.output["Credentials"]["AccessKeyId"]);
  EXPECT_TRUE(decide(session, "rds:DescribeDBClusters").allowed());
  EXPECT_FALSE(decide(session, "rds:CreateDBCluster").allowed());
  // The role replaced by a new one of the same name: the old session holds nothing.
  ASSERT_FALSE(iam("DeleteRolePolicy", {{"RoleName", "ops"}, {"PolicyName", "describe"}}).error);
  ASSERT_FALSE(iam("DeleteRole", {{"RoleName", "ops"}}).error);
  create_role("ops", trust_doc_aws(kAccount));
  put_role_policy("ops", "describe", policy_doc("Allow", "rds:Describe*"));
  EXPECT_FALSE(decide(session, "rds:DescribeDBClusters").allowed());
}

}  // namespace
}  // namespace borealis::identity::testing
