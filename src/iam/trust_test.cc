// Trust policies: which principals may assume a role — services for domain join, accounts (":root"
// and bare ids cover every principal of the account), exact user ARNs, "*", NotPrincipal with Deny,
// conditions, and Deny winning.
#include "iam/trust.h"

#include <gtest/gtest.h>

#include "iam/test_table.h"

namespace borealis::iam {
namespace {

Policy load_trust(const std::string& name) {
  auto p = parse_policy(testing::read_testdata(name), PolicyKind::trust, kTrustPolicyMaxChars);
  EXPECT_TRUE(p.ok()) << name << ": " << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p).value() : Policy{};
}

Policy parse_trust(std::string_view text) {
  auto p = parse_policy(text, PolicyKind::trust, kTrustPolicyMaxChars);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p).value() : Policy{};
}

TrustPrincipal service(std::string name) { return {TrustPrincipal::Kind::service, std::move(name)}; }
TrustPrincipal aws(std::string arn) { return {TrustPrincipal::Kind::aws, std::move(arn)}; }

TEST(Trust, RdsServicePrincipals) {
  const Policy p = load_trust("trust_rds.json");
  EXPECT_TRUE(check_trust(p, "trust", service("rds.amazonaws.com")).allowed());
  EXPECT_TRUE(check_trust(p, "trust", service("directoryservice.rds.amazonaws.com")).allowed());
  EXPECT_TRUE(check_trust(p, "trust", service("RDS.amazonaws.com")).allowed());
  EXPECT_FALSE(check_trust(p, "trust", service("ec2.amazonaws.com")).allowed());
  EXPECT_FALSE(check_trust(p, "trust", aws("arn:aws:iam::123456789012:root")).allowed());
  // Only the actions the statement names.
  EXPECT_FALSE(check_trust(p, "trust", service("rds.amazonaws.com"), {}, "sts:AssumeRoleWithSAML").allowed());
  EXPECT_TRUE(trusts_rds_for_domain_join(p));
}

TEST(Trust, WrongServiceIsNotTrustedForDomainJoin) {
  const Policy ec2 = parse_trust(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})");
  EXPECT_FALSE(trusts_rds_for_domain_join(ec2));
  const Policy only_ds = parse_trust(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"directoryservice.rds.amazonaws.com"},"Action":"sts:AssumeRole"}]})");
  EXPECT_TRUE(trusts_rds_for_domain_join(only_ds));
  const Policy denied = parse_trust(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":{"Service":["rds.amazonaws.com","directoryservice.rds.amazonaws.com"]},"Action":"sts:AssumeRole"},
      {"Effect":"Deny","Principal":"*","Action":"sts:*"}]})");
  EXPECT_FALSE(trusts_rds_for_domain_join(denied));
}

TEST(Trust, AccountsUsersAndConditions) {
  const Policy p = load_trust("trust_account.json");
  ContextKeys mfa;
  mfa.set("aws:MultiFactorAuthPresent", "true");
  // The account root covers its users and roles, when the condition holds.
  auto e = check_trust(p, "trust", aws("arn:aws:iam::123456789012:user/alice"), mfa);
  EXPECT_TRUE(e.allowed());
  ASSERT_TRUE(e.decided_by);
  EXPECT_EQ(e.decided_by->sid, "AccountRoot");
  EXPECT_FALSE(check_trust(p, "trust", aws("arn:aws:iam::123456789012:user/alice")).allowed());
  EXPECT_TRUE(check_trust(p, "trust", aws("arn:aws:iam::123456789012:role/r"), mfa).allowed());
  // An explicit Deny for one user beats the account-wide Allow.
  auto m = check_trust(p, "trust", aws("arn:aws:iam::123456789012:user/mallory"), mfa);
  EXPECT_EQ(m.decision, Decision::explicit_deny);
  EXPECT_EQ(m.decided_by->sid, "NotMallory");
  // Exact user ARN of another account; a bare account id.
  EXPECT_TRUE(check_trust(p, "trust", aws("arn:aws:iam::210987654321:user/ci")).allowed());
  EXPECT_FALSE(check_trust(p, "trust", aws("arn:aws:iam::210987654321:user/other")).allowed());
  EXPECT_TRUE(check_trust(p, "trust", aws("arn:aws:iam::111122223333:user/x")).allowed());
  EXPECT_TRUE(check_trust(p, "trust", aws("arn:aws:iam::111122223333:user/x"), {}, "sts:TagSession").allowed());
  // Neither a stranger account nor a service.
  EXPECT_FALSE(check_trust(p, "trust", aws("arn:aws:iam::999999999999:root"), mfa).allowed());
  EXPECT_FALSE(check_trust(p, "trust", service("rds.amazonaws.com"), mfa).allowed());
  EXPECT_FALSE(check_trust(p, "trust", aws("not-an-arn"), mfa).allowed());
}

TEST(Trust, StarAndNotPrincipal) {
  const Policy anyone = parse_trust(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]})");
  EXPECT_TRUE(check_trust(anyone, "t", aws("arn:aws:iam::999999999999:user/x")).allowed());
  const Policy all_but = parse_trust(R"({"Statement":[
      {"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},
      {"Sid":"OnlyAlice","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}]})");
  EXPECT_TRUE(check_trust(all_but, "t", aws("arn:aws:iam::123456789012:user/alice")).allowed());
  auto e = check_trust(all_but, "t", aws("arn:aws:iam::123456789012:user/bob"));
  EXPECT_EQ(e.decision, Decision::explicit_deny);
  EXPECT_EQ(e.decided_by->sid, "OnlyAlice");
}

}  // namespace
}  // namespace borealis::iam
