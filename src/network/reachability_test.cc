// Reachability (DB cluster → directory) and client ingress CIDRs over a real network model: same
// VPC, peered, unpeered, pending peering, a rule by group and by CIDR, no rule, the directory's own
// group, a directory without a network row; and the Directory Service helpers.
#include "network/reachability.h"

#include <gtest/gtest.h>

#include "network/directory_network.h"
#include "network/model.h"
#include "network/test_fixture.h"

namespace borealis::network {
namespace {

using nlohmann::json;

class ReachabilityTest : public NetworkFixture {
 protected:
  void SetUp() override {
    NetworkFixture::SetUp();
    if (HasFatalFailure()) return;
    dir_vpc_ = default_vpc();
    auto subnets = store::NetworkTables(*store_).list_subnets_in_vpc(dir_vpc_);
    ASSERT_TRUE(subnets.ok());
    auto attached = attach_directory(*store_, kDirectory, dir_vpc_, {(*subnets)[0].id, (*subnets)[1].id});
    ASSERT_TRUE(attached.ok()) << attached.error().message;
    EXPECT_EQ(attached->availability_zones, (std::vector<std::string>{"us-east-1a", "us-east-1b"}));
    dir_group_ = attached->security_group_id;
  }

  std::optional<std::string> reason(const std::string& vpc, const std::vector<std::string>& groups,
                                    const std::string& directory = kDirectory) {
    return directory_unreachable_reason(*store_, vpc, groups, directory, "us-east-1");
  }
  std::string peer(const std::string& a, const std::string& b, bool accept) {
    const std::string pcx = ok("CreateVpcPeeringConnection", {{"VpcId", a}, {"PeerVpcId", b}})
                                ["VpcPeeringConnection"]["VpcPeeringConnectionId"];
    if (accept) ok("AcceptVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}});
    return pcx;
  }

  static constexpr const char* kDirectory = "d-1234567890";
  std::string dir_vpc_, dir_group_;
};

TEST_F(ReachabilityTest, SameVpcWithARuleByGroup) {
  const std::string db = new_group(dir_vpc_, "db");
  auto why = reason(dir_vpc_, {db});
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("no security group of the DB cluster (" + db + ")"), std::string::npos) << *why;
  EXPECT_NE(why->find("--source-group " + dir_group_), std::string::npos) << *why;
  ok("AuthorizeSecurityGroupIngress", cli_group_rule(db, 5432, dir_group_));
  EXPECT_EQ(reason(dir_vpc_, {db}), std::nullopt);
}

TEST_F(ReachabilityTest, RuleByCidrMustCoverTheDirectoryVpc) {
  const std::string db = new_group(dir_vpc_, "db");
  ok("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 5432, "172.31.0.0/20"));  // only part of the VPC
  EXPECT_TRUE(reason(dir_vpc_, {db}).has_value());
  ok("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 5432, "172.16.0.0/12"));
  EXPECT_EQ(reason(dir_vpc_, {db}), std::nullopt);
}

TEST_F(ReachabilityTest, AnyOfSeveralGroupsMayAllow) {
  const std::string a = new_group(dir_vpc_, "a");
  const std::string b = new_group(dir_vpc_, "b");
  ok("AuthorizeSecurityGroupIngress", cli_group_rule(b, 1, dir_group_));
  EXPECT_EQ(reason(dir_vpc_, {a, b}), std::nullopt);
  EXPECT_TRUE(reason(dir_vpc_, {a}).has_value());
  auto none = reason(dir_vpc_, {});
  ASSERT_TRUE(none.has_value());
  EXPECT_NE(none->find("no security group"), std::string::npos);
}

TEST_F(ReachabilityTest, OtherVpcNeedsAnActivePeering) {
  const std::string db_vpc = new_vpc("10.40.0.0/16");
  const std::string db = new_group(db_vpc, "db");
  ok("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 5432, "172.31.0.0/16"));
  auto unpeered = reason(db_vpc, {db});
  ASSERT_TRUE(unpeered.has_value());
  EXPECT_EQ(*unpeered, "VPC " + db_vpc + " of the DB cluster and VPC " + dir_vpc_ + " of directory " + kDirectory +
                           " are not connected: create and accept a VPC peering connection between them");
  const std::string pcx = peer(db_vpc, dir_vpc_, false);
  auto pending = reason(db_vpc, {db});
  ASSERT_TRUE(pending.has_value());
  EXPECT_NE(pending->find(pcx + " is pending acceptance"), std::string::npos) << *pending;
  ok("AcceptVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}});
  EXPECT_EQ(reason(db_vpc, {db}), std::nullopt);
  ok("DeleteVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}});
  EXPECT_TRUE(reason(db_vpc, {db}).has_value());
}

TEST_F(ReachabilityTest, PeeredVpcWithAGroupReference) {
  const std::string db_vpc = new_vpc("10.41.0.0/16");
  const std::string db = new_group(db_vpc, "db");
  peer(dir_vpc_, db_vpc, true);  // requested from the directory's side: direction does not matter
  EXPECT_TRUE(reason(db_vpc, {db}).has_value());
  ok("AuthorizeSecurityGroupIngress", cli_group_rule(db, 5432, dir_group_));
  EXPECT_EQ(reason(db_vpc, {db}), std::nullopt);
}

TEST_F(ReachabilityTest, DirectoryGroupMustAdmitKerberos) {
  const std::string db = new_group(dir_vpc_, "db");
  ok("AuthorizeSecurityGroupIngress", cli_group_rule(db, 5432, dir_group_));
  for (const char* protocol : {"tcp", "udp"}) {
    json revoke{{"GroupId", dir_group_}, {"IpProtocol", protocol}, {"FromPort", 88}, {"ToPort", 88}, {"CidrIp", "0.0.0.0/0"}};
    ok("RevokeSecurityGroupIngress", revoke);
  }
  auto why = reason(dir_vpc_, {db});
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("does not allow inbound Kerberos (port 88)"), std::string::npos) << *why;
  ok("AuthorizeSecurityGroupIngress", cli_group_rule(dir_group_, 88, db));
  EXPECT_EQ(reason(dir_vpc_, {db}), std::nullopt);
}

TEST_F(ReachabilityTest, DirectoryWithoutANetworkRowSitsInTheDefaultVpc) {
  const std::string legacy = "d-0000000000";
  // The default VPC's default group admits itself, so a DB in it with that group reaches the directory.
  EXPECT_EQ(reason(dir_vpc_, {default_group(dir_vpc_)}, legacy), std::nullopt);
  const std::string other = new_vpc("10.42.0.0/16");
  EXPECT_TRUE(reason(other, {default_group(other)}, legacy).has_value());
  // No default VPC in that region: nothing to check against.
  EXPECT_EQ(directory_unreachable_reason(*store_, other, {default_group(other)}, legacy, "ap-south-1"), std::nullopt);
}

TEST_F(ReachabilityTest, ClientIngressCidrs) {
  const std::string db = new_group(dir_vpc_, "db");
  const std::string app = new_group(dir_vpc_, "app");
  ok("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 5432, "127.0.0.0/8"));
  ok("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 6432, "10.0.0.0/8"));
  ok("AuthorizeSecurityGroupIngress", cli_group_rule(db, 5432, app));  // skipped: not an address
  ok("AuthorizeSecurityGroupIngress", {{"GroupId", app}, {"IpProtocol", "-1"}, {"CidrIp", "192.168.0.0/16"}});
  ok("AuthorizeSecurityGroupIngress",
     {{"GroupId", app}, {"IpProtocol", "udp"}, {"FromPort", 5432}, {"ToPort", 5432}, {"CidrIp", "172.16.0.0/12"}});
  ok("AuthorizeSecurityGroupIngress",
     {{"GroupId", app}, {"IpProtocol", "tcp"}, {"FromPort", 5000}, {"ToPort", 6000}, {"CidrIp", "127.0.0.0/8"}});
  EXPECT_EQ(client_ingress_cidrs(*store_, {db}, 5432), std::vector<std::string>{"127.0.0.0/8"});
  EXPECT_EQ(client_ingress_cidrs(*store_, {db, app}, 5432),
            (std::vector<std::string>{"127.0.0.0/8", "192.168.0.0/16"}));  // -1 counts, udp does not, once each
  EXPECT_EQ(client_ingress_cidrs(*store_, {db}, 6432), std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_TRUE(client_ingress_cidrs(*store_, {db}, 1).empty());
  EXPECT_TRUE(client_ingress_cidrs(*store_, {"sg-0123456789abcdef0"}, 5432).empty());
  // Egress rules never admit clients.
  EXPECT_TRUE(client_ingress_cidrs(*store_, {default_group(dir_vpc_)}, 5432).empty());
}

TEST_F(ReachabilityTest, DirectorySecurityGroupAsAwsCreatesIt) {
  auto group = store::NetworkTables(*store_).get_security_group(dir_group_);
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(group->name, "d-1234567890_controllers");
  EXPECT_EQ(group->vpc_id, dir_vpc_);
  auto rules = store::NetworkTables(*store_).list_rules(dir_group_);
  ASSERT_TRUE(rules.ok());
  int ingress = 0, egress = 0;
  for (const auto& r : *rules) (r.egress ? egress : ingress)++;
  EXPECT_EQ(ingress, 12);  // 6 ports × tcp/udp
  EXPECT_EQ(egress, 1);
  EXPECT_EQ(create_directory_security_group(*store_, dir_vpc_, kDirectory).error().code, Errc::already_exists);
  EXPECT_EQ(create_directory_security_group(*store_, "vpc-0123456789abcdef0", "d-2").error().code, Errc::not_found);
}

TEST_F(ReachabilityTest, DeleteDirectoryNetworkRemovesGroupAndReferences) {
  const std::string db = new_group(dir_vpc_, "db");
  ok("AuthorizeSecurityGroupIngress", cli_group_rule(db, 5432, dir_group_));
  ASSERT_TRUE(delete_directory_network(*store_, kDirectory).ok());
  auto row = get_directory_network(*store_, kDirectory);
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(row->has_value());
  EXPECT_EQ(code(call("DescribeSecurityGroups", {{"GroupIds", {dir_group_}}})), "InvalidGroup.NotFound");
  EXPECT_TRUE(ok("DescribeSecurityGroups", {{"GroupIds", {db}}})["SecurityGroups"][0]["IpPermissions"].empty());
  EXPECT_TRUE(delete_directory_network(*store_, kDirectory).ok());  // nothing left: fine
}

TEST_F(ReachabilityTest, AttachDirectoryChecksItsSubnets) {
  auto subnets = store::NetworkTables(*store_).list_subnets_in_vpc(dir_vpc_);
  ASSERT_TRUE(subnets.ok());
  const std::string a = (*subnets)[0].id;
  EXPECT_EQ(attach_directory(*store_, "d-2", dir_vpc_, {a, "subnet-0123456789abcdef0"}).error().code, Errc::not_found);
  const std::string other = new_vpc("10.60.0.0/16");
  const std::string foreign = ok("CreateSubnet", {{"VpcId", other}, {"CidrBlock", "10.60.0.0/24"}})["Subnet"]["SubnetId"];
  EXPECT_EQ(attach_directory(*store_, "d-2", dir_vpc_, {a, foreign}).error().code, Errc::invalid_argument);
  // Nothing was left behind by the failed attempts.
  EXPECT_FALSE(get_directory_network(*store_, "d-2")->has_value());
  EXPECT_EQ(code(call("DescribeSecurityGroups", {{"Filters", {filter("group-name", {"d-2_controllers"})}}})), "");
  EXPECT_TRUE(ok("DescribeSecurityGroups", {{"Filters", {filter("group-name", {"d-2_controllers"})}}})["SecurityGroups"].empty());
  auto network = get_directory_network(*store_, kDirectory);
  ASSERT_TRUE(network.ok() && network->has_value());
  EXPECT_EQ((*network)->security_group_id, dir_group_);
  EXPECT_EQ((*network)->availability_zones.size(), 2u);
}

TEST_F(ReachabilityTest, ValidateDirectoryVpcSettings) {
  auto subnets = store::NetworkTables(*store_).list_subnets_in_vpc(dir_vpc_);
  ASSERT_TRUE(subnets.ok());
  const std::string a = (*subnets)[0].id, b = (*subnets)[1].id;
  EXPECT_TRUE(validate_directory_vpc_settings(*store_, "us-east-1", dir_vpc_, {a, b}).ok());
  EXPECT_EQ(validate_directory_vpc_settings(*store_, "us-east-1", "vpc-0123456789abcdef0", {a, b}).error().code,
            Errc::not_found);
  EXPECT_EQ(validate_directory_vpc_settings(*store_, "eu-west-1", dir_vpc_, {a, b}).error().code, Errc::not_found);
  EXPECT_EQ(validate_directory_vpc_settings(*store_, "us-east-1", dir_vpc_, {a}).error().code, Errc::invalid_argument);
  EXPECT_EQ(validate_directory_vpc_settings(*store_, "us-east-1", dir_vpc_, {a, a}).error().code, Errc::invalid_argument);
  EXPECT_EQ(validate_directory_vpc_settings(*store_, "us-east-1", dir_vpc_, {a, "subnet-0123456789abcdef0"}).error().code,
            Errc::not_found);
  const std::string other = new_vpc("10.50.0.0/16");
  const std::string foreign = ok("CreateSubnet", {{"VpcId", other}, {"CidrBlock", "10.50.0.0/24"}})["Subnet"]["SubnetId"];
  auto wrong_vpc = validate_directory_vpc_settings(*store_, "us-east-1", dir_vpc_, {a, foreign});
  EXPECT_EQ(wrong_vpc.error().code, Errc::invalid_argument);
  EXPECT_NE(wrong_vpc.error().message.find(foreign), std::string::npos);
  const std::string same_zone = ok("CreateSubnet", {{"VpcId", other}, {"CidrBlock", "10.50.1.0/24"},
                                                    {"AvailabilityZone", "us-east-1a"}})["Subnet"]["SubnetId"];
  const std::string zone_b = ok("CreateSubnet", {{"VpcId", other}, {"CidrBlock", "10.50.2.0/24"},
                                                 {"AvailabilityZone", "us-east-1b"}})["Subnet"]["SubnetId"];
  EXPECT_TRUE(validate_directory_vpc_settings(*store_, "us-east-1", other, {same_zone, zone_b}).ok());
}

}  // namespace
}  // namespace borealis::network
