// The RDS domain-join precondition against a real store: IAM role (identity), STS in the region,
// and the default network's reachability (network), each failure in words a person can act on.
#include "server/rds_domain_join.h"

#include <gtest/gtest.h>

#include "network/defaults.h"
#include "server/rds_test_support.h"
#include "store/iam_tables.h"
#include "store/network_tables.h"

namespace borealis::server {
namespace {

constexpr const char* kTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"directoryservice.rds.amazonaws.com"},)"
    R"("Action":"sts:AssumeRole"}]})";
constexpr const char* kRole = "rds-directoryservice-kerberos-access-role";

class RdsDomainJoin : public testing::RdsHandlerTest {
 protected:
  std::optional<std::string> check(const std::string& role, const std::string& vpc = "",
                                   std::vector<std::string> groups = {}, std::vector<std::string> sts_off = {}) {
    store::ClusterRecord c;
    c.id = "db1";
    c.domain = "d-0123456789";
    DomainJoinRequest r{c, role, vpc, std::move(groups)};
    return rds_domain_join_check({"us-east-1", std::move(sts_off)})(*store_, r);
  }
  void make_role() {
    store::IamRoleRecord role;
    role.id = "AROA0123456789ABCDEF";
    role.name = kRole;
    role.arn = std::string("arn:aws:iam::123456789012:role/") + kRole;
    role.trust_policy = kTrust;
    ASSERT_TRUE(store::IamTables(*store_).create_role(role).ok());
    ASSERT_TRUE(store::IamTables(*store_)
                    .attach_policy(store::PrincipalType::role, kRole,
                                   "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess")
                    .ok());
  }
};

TEST_F(RdsDomainJoin, EachPreconditionNamesWhatIsWrong) {
  EXPECT_NE(check("")->find("DomainIAMRoleName"), std::string::npos);
  EXPECT_NE(check(kRole, "", {}, {"us-east-1"})->find("STS is not active in us-east-1"), std::string::npos);
  EXPECT_NE(check(kRole)->find("account id"), std::string::npos);
  ASSERT_TRUE(store_->set_setting("account_id", "123456789012").ok());
  auto missing = check(kRole);
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->find(kRole), std::string::npos) << *missing;
  make_role();
  EXPECT_EQ(check(kRole), std::nullopt);  // no VPC recorded: nothing more to check
}

TEST_F(RdsDomainJoin, TheDirectoryMustBeReachable) {
  ASSERT_TRUE(store_->set_setting("account_id", "123456789012").ok());
  make_role();
  const std::vector<std::string> regions{"us-east-1"};
  ASSERT_TRUE(network::ensure_default_network(*store_, regions).ok());
  auto vpc = store::NetworkTables(*store_).default_vpc("us-east-1");
  ASSERT_TRUE(vpc.ok() && *vpc);
  // The directory has no network row: the network component says why it cannot be reached.
  auto why = check(kRole, (*vpc)->id, {"sg-0123456789abcdef0"});
  ASSERT_TRUE(why);
  EXPECT_FALSE(why->empty());
}

}  // namespace
}  // namespace borealis::server
