// EC2 handler tests, security groups and peerings: what the aws CLI sends for --cidr and
// --source-group, the top-level form, duplicates, revoke (all, partial, by rule id), deletion rules,
// and the peering life cycle with every error code.
#include <gtest/gtest.h>

#include "network/directory_network.h"
#include "network/model.h"
#include "network/test_fixture.h"

namespace borealis::network {
namespace {

using nlohmann::json;
using Ec2GroupTest = NetworkFixture;

TEST_F(Ec2GroupTest, CreateSecurityGroupAndItsErrors) {
  const std::string vpc = default_vpc();
  // No VpcId: the default VPC.
  const std::string id = ok("CreateSecurityGroup", {{"GroupName", "db"}, {"Description", "database"}})["GroupId"];
  EXPECT_EQ(id.rfind("sg-", 0), 0u);
  auto group = ok("DescribeSecurityGroups", {{"GroupIds", {id}}})["SecurityGroups"][0];
  EXPECT_EQ(group["VpcId"], vpc);
  EXPECT_EQ(group["Description"], "database");
  EXPECT_TRUE(group["IpPermissions"].empty());
  EXPECT_EQ(group["IpPermissionsEgress"][0]["IpProtocol"], "-1");  // EC2's default egress rule
  EXPECT_EQ(group["IpPermissionsEgress"][0]["IpRanges"][0]["CidrIp"], "0.0.0.0/0");

  EXPECT_EQ(code(call("CreateSecurityGroup", {{"GroupName", "db"}, {"Description", "again"}})), "InvalidGroup.Duplicate");
  EXPECT_EQ(code(call("CreateSecurityGroup", {{"GroupName", "default"}, {"Description", "x"}})), "InvalidGroup.Reserved");
  EXPECT_EQ(code(call("CreateSecurityGroup", {{"GroupName", "sg-lookalike"}, {"Description", "x"}})),
            "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateSecurityGroup", {{"GroupName", std::string(256, 'n')}, {"Description", "x"}})),
            "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateSecurityGroup", {{"GroupName", "ctl"}, {"Description", "bell\a"}})), "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateSecurityGroup", {{"GroupName", "x"}, {"Description", "x"}, {"VpcId", "vpc-0123456789abcdef0"}})),
            "InvalidVpcID.NotFound");
  EXPECT_EQ(code(call("CreateSecurityGroup", {{"Description", "x"}})), "MissingParameter");
  // The same name in another VPC is fine.
  EXPECT_FALSE(new_group(new_vpc("10.7.0.0/16"), "db").empty());
}

TEST_F(Ec2GroupTest, DescribeSecurityGroupsByNameAndFilter) {
  const std::string db = new_group(default_vpc(), "db");
  const std::string other_vpc = new_vpc("10.8.0.0/16");
  new_group(other_vpc, "db");
  EXPECT_EQ(ok("DescribeSecurityGroups", {{"GroupNames", {"db"}}})["SecurityGroups"][0]["GroupId"], db);
  EXPECT_EQ(ok("DescribeSecurityGroups", {{"Filters", {filter("group-name", {"db"})}}})["SecurityGroups"].size(), 2u);
  EXPECT_EQ(ok("DescribeSecurityGroups", {{"Filters", {filter("vpc-id", {other_vpc})}}})["SecurityGroups"].size(), 2u);
  EXPECT_EQ(ok("DescribeSecurityGroups", {{"Filters", {filter("group-id", {db})}}})["SecurityGroups"].size(), 1u);
  EXPECT_EQ(code(call("DescribeSecurityGroups", {{"GroupNames", {"nope"}}})), "InvalidGroup.NotFound");
  EXPECT_EQ(code(call("DescribeSecurityGroups", {{"GroupIds", {"sg-0123456789abcdef0"}}})), "InvalidGroup.NotFound");
  EXPECT_EQ(code(call("DescribeSecurityGroups", {{"Filters", {filter("ip-colour", {"x"})}}})), "InvalidParameterValue");
}

TEST_F(Ec2GroupTest, AuthorizeIngressAsTheCliSendsIt) {
  const std::string vpc = default_vpc();
  const std::string db = new_group(vpc, "db");
  const std::string app = new_group(vpc, "app");
  auto by_cidr = ok("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 5432, "127.0.0.0/8"));
  EXPECT_EQ(by_cidr["Return"], true);
  ASSERT_EQ(by_cidr["SecurityGroupRules"].size(), 1u);
  EXPECT_EQ(by_cidr["SecurityGroupRules"][0]["CidrIpv4"], "127.0.0.0/8");
  EXPECT_EQ(by_cidr["SecurityGroupRules"][0]["IsEgress"], false);
  EXPECT_EQ(by_cidr["SecurityGroupRules"][0]["FromPort"], 5432);
  EXPECT_EQ(by_cidr["SecurityGroupRules"][0]["SecurityGroupRuleId"].get<std::string>().rfind("sgr-", 0), 0u);
  auto by_group = ok("AuthorizeSecurityGroupIngress", cli_group_rule(db, 5432, app));
  EXPECT_EQ(by_group["SecurityGroupRules"][0]["ReferencedGroupInfo"]["GroupId"], app);

  auto duplicate = call("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 5432, "127.0.0.0/8"));
  EXPECT_EQ(code(duplicate), "InvalidPermission.Duplicate");
  EXPECT_NE(duplicate.error->message.find("peer: 127.0.0.0/8, TCP, from port: 5432, to port: 5432, ALLOW"),
            std::string::npos);
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", cli_group_rule(db, 5432, app))), "InvalidPermission.Duplicate");

  // One permission, two ports of the same range and protocol: grouped on output.
  auto group = ok("DescribeSecurityGroups", {{"GroupIds", {db}}})["SecurityGroups"][0];
  ASSERT_EQ(group["IpPermissions"].size(), 1u);
  EXPECT_EQ(group["IpPermissions"][0]["IpProtocol"], "tcp");
  EXPECT_EQ(group["IpPermissions"][0]["FromPort"], 5432);
  EXPECT_EQ(group["IpPermissions"][0]["IpRanges"][0]["CidrIp"], "127.0.0.0/8");
  EXPECT_EQ(group["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], app);
  EXPECT_EQ(group["IpPermissions"][0]["UserIdGroupPairs"][0]["UserId"], "123456789012");
}

TEST_F(Ec2GroupTest, AuthorizeTopLevelFormAndNames) {
  const std::string db = new_group(default_vpc(), "db");
  new_group(default_vpc(), "app");
  // The older top-level parameters, with the target named by GroupName (default VPC).
  ok("AuthorizeSecurityGroupIngress",
     {{"GroupName", "db"}, {"IpProtocol", "tcp"}, {"FromPort", 80}, {"ToPort", 81}, {"CidrIp", "10.0.0.0/8"}});
  ok("AuthorizeSecurityGroupIngress", {{"GroupId", db}, {"SourceSecurityGroupName", "app"}});  // all traffic
  json by_name{{"GroupId", db},
               {"IpPermissions", json::array({json{{"IpProtocol", "udp"}, {"FromPort", 53}, {"ToPort", 53},
                                                   {"UserIdGroupPairs", json::array({json{{"GroupName", "app"},
                                                                                          {"Description", "dns"}}})}}})}};
  ok("AuthorizeSecurityGroupIngress", by_name);
  json all{{"GroupId", db},
           {"IpPermissions", json::array({json{{"IpProtocol", "all"},
                                               {"IpRanges", json::array({json{{"CidrIp", "192.168.0.0/16"}}})}}})}};
  ok("AuthorizeSecurityGroupIngress", all);
  auto perms = ok("DescribeSecurityGroups", {{"GroupIds", {db}}})["SecurityGroups"][0]["IpPermissions"];
  ASSERT_EQ(perms.size(), 3u);  // tcp 80-81; -1 (app group and 192.168/16); udp 53
  EXPECT_EQ(perms[0]["ToPort"], 81);
  EXPECT_EQ(perms[1]["IpProtocol"], "-1");
  EXPECT_EQ(perms[1]["UserIdGroupPairs"].size(), 1u);
  EXPECT_EQ(perms[1]["IpRanges"][0]["CidrIp"], "192.168.0.0/16");
  EXPECT_EQ(perms[2]["UserIdGroupPairs"][0]["Description"], "dns");
}

TEST_F(Ec2GroupTest, AuthorizeErrors) {
  const std::string db = new_group(default_vpc(), "db");
  auto permission = [&](json p) { return json{{"GroupId", db}, {"IpPermissions", json::array({p})}}; };
  auto range = json::array({json{{"CidrIp", "10.0.0.0/8"}}});
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", permission({{"IpProtocol", "tcp"}, {"IpRanges", range}}))),
            "InvalidParameterValue");  // tcp without ports
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress",
                      permission({{"IpProtocol", "tcp"}, {"FromPort", 90}, {"ToPort", 80}, {"IpRanges", range}}))),
            "InvalidParameterValue");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress",
                      permission({{"IpProtocol", "tcp"}, {"FromPort", 1}, {"ToPort", 99999999999LL}, {"IpRanges", range}}))),
            "InvalidParameterValue");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", permission({{"IpProtocol", "gre"}, {"IpRanges", range}}))),
            "InvalidParameterValue");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 5432, "10.0.0.1/8"))), "InvalidParameterValue");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 5432, "not-a-cidr"))), "InvalidParameterValue");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", permission({{"IpProtocol", "tcp"}, {"FromPort", 1}, {"ToPort", 1}}))),
            "InvalidParameterValue");  // no peer
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress",
                      permission({{"IpProtocol", "tcp"}, {"FromPort", 1}, {"ToPort", 1},
                                  {"Ipv6Ranges", json::array({json{{"CidrIpv6", "::/0"}}})}}))),
            "UnsupportedOperation");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", cli_cidr_rule("sg-0123456789abcdef0", 1, "10.0.0.0/8"))),
            "InvalidGroup.NotFound");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", cli_group_rule(db, 1, "sg-0123456789abcdef0"))),
            "InvalidGroup.NotFound");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", {{"GroupId", db}})), "MissingParameter");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", {{"GroupName", "nope"}, {"CidrIp", "10.0.0.0/8"}, {"IpProtocol", "-1"}})),
            "InvalidGroup.NotFound");
  // Egress names its group by id only.
  EXPECT_EQ(code(call("AuthorizeSecurityGroupEgress", {{"GroupName", "db"}, {"CidrIp", "10.0.0.0/8"}, {"IpProtocol", "-1"}})),
            "MissingParameter");
  // A group of an unpeered VPC cannot be referenced; one of a peered VPC can.
  const std::string other_vpc = new_vpc("10.9.0.0/16");
  const std::string far = new_group(other_vpc, "far");
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", cli_group_rule(db, 88, far))), "InvalidGroup.NotFound");
  const std::string pcx = ok("CreateVpcPeeringConnection", {{"VpcId", default_vpc()}, {"PeerVpcId", other_vpc}})
                              ["VpcPeeringConnection"]["VpcPeeringConnectionId"];
  ok("AcceptVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}});
  ok("AuthorizeSecurityGroupIngress", cli_group_rule(db, 88, far));
  // Nothing half-written: a request with one good and one bad rule adds neither.
  json mixed{{"GroupId", db},
             {"IpPermissions", json::array({json{{"IpProtocol", "tcp"}, {"FromPort", 7}, {"ToPort", 7},
                                                 {"IpRanges", json::array({json{{"CidrIp", "10.1.0.0/16"}},
                                                                           json{{"CidrIp", "bad"}}})}}})}};
  EXPECT_EQ(code(call("AuthorizeSecurityGroupIngress", mixed)), "InvalidParameterValue");
  EXPECT_EQ(ok("DescribeSecurityGroups", {{"GroupIds", {db}}})["SecurityGroups"][0]["IpPermissions"].size(), 1u);
}

TEST_F(Ec2GroupTest, RevokeRules) {
  const std::string db = new_group(default_vpc(), "db");
  ok("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 5432, "127.0.0.0/8"));
  auto added = ok("AuthorizeSecurityGroupIngress", cli_cidr_rule(db, 6432, "127.0.0.0/8"))["SecurityGroupRules"];
  EXPECT_EQ(code(call("RevokeSecurityGroupIngress", cli_cidr_rule(db, 5433, "127.0.0.0/8"))), "InvalidPermission.NotFound");
  // One known, one unknown: the known one goes, the other is reported.
  json two{{"GroupId", db},
           {"IpPermissions", json::array({json{{"IpProtocol", "tcp"}, {"FromPort", 5432}, {"ToPort", 5432},
                                               {"IpRanges", json::array({json{{"CidrIp", "127.0.0.0/8"}},
                                                                         json{{"CidrIp", "10.0.0.0/8"}}})}}})}};
  auto partial = ok("RevokeSecurityGroupIngress", two);
  EXPECT_EQ(partial["Return"], true);
  EXPECT_EQ(partial["UnknownIpPermissions"][0]["IpRanges"][0]["CidrIp"], "10.0.0.0/8");
  // By rule id; a wrong id or the wrong direction is not found.
  const std::string rule_id = added[0]["SecurityGroupRuleId"];
  EXPECT_EQ(code(call("RevokeSecurityGroupEgress", {{"GroupId", db}, {"SecurityGroupRuleIds", {rule_id}}})),
            "InvalidSecurityGroupRuleId.NotFound");
  ok("RevokeSecurityGroupIngress", {{"GroupId", db}, {"SecurityGroupRuleIds", {rule_id}}});
  EXPECT_TRUE(ok("DescribeSecurityGroups", {{"GroupIds", {db}}})["SecurityGroups"][0]["IpPermissions"].empty());
  EXPECT_EQ(code(call("RevokeSecurityGroupIngress", {{"GroupId", db}, {"SecurityGroupRuleIds", {"sgr-0"}}})),
            "InvalidSecurityGroupRuleId.NotFound");
  // Egress: the default all-traffic rule can be revoked and re-added.
  json egress_all{{"GroupId", db}, {"IpProtocol", "-1"}, {"CidrIp", "0.0.0.0/0"}};
  EXPECT_EQ(code(call("AuthorizeSecurityGroupEgress", egress_all)), "InvalidPermission.Duplicate");
  ok("RevokeSecurityGroupEgress", egress_all);
  EXPECT_TRUE(ok("DescribeSecurityGroups", {{"GroupIds", {db}}})["SecurityGroups"][0]["IpPermissionsEgress"].empty());
  ok("AuthorizeSecurityGroupEgress", egress_all);
  EXPECT_EQ(code(call("RevokeSecurityGroupIngress", {{"GroupId", db}})), "MissingParameter");
}

TEST_F(Ec2GroupTest, DeleteSecurityGroupRules) {
  const std::string vpc = default_vpc();
  const std::string db = new_group(vpc, "db");
  const std::string app = new_group(vpc, "app");
  ok("AuthorizeSecurityGroupIngress", cli_group_rule(db, 5432, app));
  auto referenced = call("DeleteSecurityGroup", {{"GroupId", app}});
  EXPECT_EQ(code(referenced), "DependencyViolation");
  EXPECT_NE(referenced.error->message.find(db), std::string::npos);
  EXPECT_EQ(code(call("DeleteSecurityGroup", {{"GroupId", default_group(vpc)}})), "CannotDelete");
  EXPECT_EQ(code(call("DeleteSecurityGroup", {{"GroupName", "default"}})), "CannotDelete");
  ok("DeleteSecurityGroup", {{"GroupName", "db"}});
  ok("DeleteSecurityGroup", {{"GroupId", app}});  // no longer referenced
  EXPECT_EQ(code(call("DeleteSecurityGroup", {{"GroupId", app}})), "InvalidGroup.NotFound");
  EXPECT_EQ(code(call("DeleteSecurityGroup", json::object())), "MissingParameter");
  // A group a registered check reports in use (a DB cluster's) stays.
  const std::string used = new_group(vpc, "used");
  auto in_use = call_while_held(used, "DB cluster db1", "DeleteSecurityGroup", {{"GroupId", used}});
  EXPECT_EQ(code(in_use), "DependencyViolation");
  EXPECT_NE(in_use.error->message.find("DB cluster db1"), std::string::npos);
}

TEST_F(Ec2GroupTest, PeeringLifeCycle) {
  const std::string a = default_vpc();
  const std::string b = new_vpc("10.10.0.0/16");
  auto created = ok("CreateVpcPeeringConnection", {{"VpcId", a}, {"PeerVpcId", b}})["VpcPeeringConnection"];
  const std::string pcx = created["VpcPeeringConnectionId"];
  EXPECT_EQ(pcx.rfind("pcx-", 0), 0u);
  EXPECT_EQ(created["Status"]["Code"], "pending-acceptance");
  EXPECT_EQ(created["Status"]["Message"], "Pending Acceptance by 123456789012");
  EXPECT_EQ(created["RequesterVpcInfo"]["VpcId"], a);
  EXPECT_EQ(created["RequesterVpcInfo"]["CidrBlock"], "172.31.0.0/16");
  EXPECT_EQ(created["AccepterVpcInfo"]["Region"], "us-east-1");
  EXPECT_TRUE(created.contains("ExpirationTime"));
  EXPECT_EQ(code(call("CreateVpcPeeringConnection", {{"VpcId", b}, {"PeerVpcId", a}})),
            "VpcPeeringConnectionAlreadyExists");
  auto pending = ok("DescribeVpcPeeringConnections", {{"Filters", {filter("status-code", {"pending-acceptance"})}}});
  EXPECT_EQ(pending["VpcPeeringConnections"].size(), 1u);

  auto accepted = ok("AcceptVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}})["VpcPeeringConnection"];
  EXPECT_EQ(accepted["Status"]["Code"], "active");
  EXPECT_FALSE(accepted.contains("ExpirationTime"));
  EXPECT_EQ(code(call("AcceptVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}})), "InvalidStateTransition");
  EXPECT_EQ(ok("DescribeVpcPeeringConnections", {{"VpcPeeringConnectionIds", {pcx}}})["VpcPeeringConnections"][0]
                ["Status"]["Code"],
            "active");
  EXPECT_EQ(ok("DescribeVpcPeeringConnections",
               {{"Filters", {filter("accepter-vpc-info.vpc-id", {b}), filter("vpc-peering-connection-id", {pcx})}}})
                ["VpcPeeringConnections"].size(),
            1u);

  EXPECT_EQ(ok("DeleteVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}})["Return"], true);
  EXPECT_EQ(ok("DescribeVpcPeeringConnections", {{"VpcPeeringConnectionIds", {pcx}}})["VpcPeeringConnections"][0]
                ["Status"]["Code"],
            "deleted");
  EXPECT_EQ(code(call("DeleteVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}})), "InvalidStateTransition");
  // After deletion a new request between the same VPCs is allowed.
  ok("CreateVpcPeeringConnection", {{"VpcId", b}, {"PeerVpcId", a}});
}

TEST_F(Ec2GroupTest, PeeringErrors) {
  const std::string a = default_vpc();
  const std::string overlapping = new_vpc("172.31.0.0/20");
  const std::string pcx = ok("CreateVpcPeeringConnection", {{"VpcId", a}, {"PeerVpcId", overlapping}})
                              ["VpcPeeringConnection"]["VpcPeeringConnectionId"];
  auto failed = ok("AcceptVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}})["VpcPeeringConnection"];
  EXPECT_EQ(failed["Status"]["Code"], "failed");
  EXPECT_NE(failed["Status"]["Message"].get<std::string>().find("Overlapping CIDR"), std::string::npos);
  EXPECT_EQ(code(call("DeleteVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}})), "InvalidStateTransition");

  const std::string unknown = "pcx-0123456789abcdef0";
  EXPECT_EQ(code(call("AcceptVpcPeeringConnection", {{"VpcPeeringConnectionId", unknown}})),
            "InvalidVpcPeeringConnectionID.NotFound");
  EXPECT_EQ(code(call("DeleteVpcPeeringConnection", {{"VpcPeeringConnectionId", unknown}})),
            "InvalidVpcPeeringConnectionID.NotFound");
  EXPECT_EQ(code(call("DescribeVpcPeeringConnections", {{"VpcPeeringConnectionIds", {unknown}}})),
            "InvalidVpcPeeringConnectionID.NotFound");
  EXPECT_EQ(code(call("DescribeVpcPeeringConnections", {{"Filters", {filter("bogus", {"x"})}}})), "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateVpcPeeringConnection", {{"VpcId", a}, {"PeerVpcId", a}})), "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateVpcPeeringConnection", {{"VpcId", a}, {"PeerVpcId", "vpc-0123456789abcdef0"}})),
            "InvalidVpcID.NotFound");
  EXPECT_EQ(code(call("CreateVpcPeeringConnection", {{"VpcId", "vpc-0123456789abcdef0"}, {"PeerVpcId", a}})),
            "InvalidVpcID.NotFound");
  EXPECT_EQ(code(call("CreateVpcPeeringConnection", {{"VpcId", a}, {"PeerVpcId", overlapping}, {"PeerOwnerId", "999999999999"}})),
            "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateVpcPeeringConnection", {{"VpcId", a}, {"PeerVpcId", overlapping}, {"PeerRegion", "mars-1"}})),
            "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateVpcPeeringConnection", {{"VpcId", a}})), "MissingParameter");
  EXPECT_EQ(code(call("AcceptVpcPeeringConnection", json::object())), "MissingParameter");
}

TEST_F(Ec2GroupTest, CrossRegionPeeringIsAcceptedInTheAccepterRegion) {
  const std::string a = default_vpc();
  const std::string eu = new_vpc("10.20.0.0/16", "eu-west-1");
  // The peer VPC is looked up in PeerRegion, not the request's region.
  EXPECT_EQ(code(call("CreateVpcPeeringConnection", {{"VpcId", a}, {"PeerVpcId", eu}})), "InvalidVpcID.NotFound");
  const std::string pcx = ok("CreateVpcPeeringConnection", {{"VpcId", a}, {"PeerVpcId", eu}, {"PeerRegion", "eu-west-1"}})
                              ["VpcPeeringConnection"]["VpcPeeringConnectionId"];
  EXPECT_EQ(code(call("AcceptVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}})), "OperationNotPermitted");
  EXPECT_EQ(ok("DescribeVpcPeeringConnections", json::object(), "eu-west-1")["VpcPeeringConnections"].size(), 1u);
  auto accepted = ok("AcceptVpcPeeringConnection", {{"VpcPeeringConnectionId", pcx}}, "eu-west-1")["VpcPeeringConnection"];
  EXPECT_EQ(accepted["Status"]["Code"], "active");
  EXPECT_EQ(accepted["AccepterVpcInfo"]["Region"], "eu-west-1");
}

TEST_F(Ec2GroupTest, DeletingAVpcEndsItsPeerings) {
  const std::string b = new_vpc("10.30.0.0/16");
  const std::string pcx = ok("CreateVpcPeeringConnection", {{"VpcId", default_vpc()}, {"PeerVpcId", b}})
                              ["VpcPeeringConnection"]["VpcPeeringConnectionId"];
  ok("DeleteVpc", {{"VpcId", b}});
  auto p = ok("DescribeVpcPeeringConnections", {{"VpcPeeringConnectionIds", {pcx}}})["VpcPeeringConnections"][0];
  EXPECT_EQ(p["Status"]["Code"], "deleted");
  EXPECT_FALSE(p["AccepterVpcInfo"].contains("CidrBlock"));
}

TEST_F(Ec2GroupTest, DirectoryResourcesCannotBeDeletedUnderIt) {
  const std::string vpc = default_vpc();
  auto subnets = store::NetworkTables(*store_).list_subnets_in_vpc(vpc);
  ASSERT_TRUE(subnets.ok());
  auto attached = attach_directory(*store_, "d-1234567890", vpc, {(*subnets)[0].id, (*subnets)[1].id});
  ASSERT_TRUE(attached.ok()) << attached.error().message;
  EXPECT_EQ(code(call("DeleteSecurityGroup", {{"GroupId", attached->security_group_id}})), "DependencyViolation");
  EXPECT_EQ(code(call("DeleteSubnet", {{"SubnetId", (*subnets)[0].id}})), "DependencyViolation");
  EXPECT_EQ(code(call("DeleteVpc", {{"VpcId", vpc}})), "DependencyViolation");
}

}  // namespace
}  // namespace borealis::network
