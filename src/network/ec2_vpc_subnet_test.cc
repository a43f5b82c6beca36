// EC2 handler tests, VPCs, subnets, regions and zones: the default network, success paths, every
// error code, filters, region isolation and malformed input that must not throw.
#include <gtest/gtest.h>

#include <set>

#include "network/ec2_common.h"
#include "network/model.h"
#include "network/test_fixture.h"

namespace borealis::network {
namespace {

using nlohmann::json;
using Ec2VpcTest = NetworkFixture;

TEST_F(Ec2VpcTest, DefaultNetworkLooksLikeAws) {
  auto vpcs = ok("DescribeVpcs", json::object())["Vpcs"];
  ASSERT_EQ(vpcs.size(), 1u);
  EXPECT_EQ(vpcs[0]["CidrBlock"], "172.31.0.0/16");
  EXPECT_EQ(vpcs[0]["IsDefault"], true);
  EXPECT_EQ(vpcs[0]["State"], "available");
  EXPECT_EQ(vpcs[0]["OwnerId"], "123456789012");
  EXPECT_EQ(vpcs[0]["CidrBlockAssociationSet"][0]["CidrBlockState"]["State"], "associated");
  const std::string vpc_id = vpcs[0]["VpcId"];
  EXPECT_EQ(vpc_id.size(), 4u + 17u);

  auto subnets = ok("DescribeSubnets", json::object())["Subnets"];
  ASSERT_EQ(subnets.size(), 3u);
  std::set<std::pair<std::string, std::string>> layout;
  for (const auto& s : subnets) {
    layout.insert({s["AvailabilityZone"].get<std::string>(), s["CidrBlock"].get<std::string>()});
    EXPECT_EQ(s["DefaultForAz"], true);
    EXPECT_EQ(s["VpcId"], vpc_id);
    EXPECT_EQ(s["AvailableIpAddressCount"], 4091);
    EXPECT_EQ(s["SubnetArn"], "arn:aws:ec2:us-east-1:123456789012:subnet/" + s["SubnetId"].get<std::string>());
  }
  EXPECT_EQ(layout, (std::set<std::pair<std::string, std::string>>{{"us-east-1a", "172.31.0.0/20"},
                                                                     {"us-east-1b", "172.31.16.0/20"},
                                                                     {"us-east-1c", "172.31.32.0/20"}}));
  auto groups = ok("DescribeSecurityGroups", json::object())["SecurityGroups"];
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0]["GroupName"], "default");
  EXPECT_EQ(groups[0]["IpPermissions"][0]["IpProtocol"], "-1");
  EXPECT_FALSE(groups[0]["IpPermissions"][0].contains("FromPort"));
  EXPECT_EQ(groups[0]["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], groups[0]["GroupId"]);
  EXPECT_EQ(groups[0]["IpPermissionsEgress"][0]["IpRanges"][0]["CidrIp"], "0.0.0.0/0");
}

TEST_F(Ec2VpcTest, DefaultNetworkIsIdempotentAndPerRegion) {
  const std::string before = default_vpc();
  ASSERT_TRUE(ensure_default_network(*store_, settings_.regions).ok());
  EXPECT_EQ(default_vpc(), before);
  EXPECT_EQ(ok("DescribeVpcs", json::object())["Vpcs"].size(), 1u);
  EXPECT_EQ(ok("DescribeSubnets", json::object())["Subnets"].size(), 3u);
  // A deleted default subnet stays deleted: the region already has its default VPC.
  auto subnets = store::NetworkTables(*store_).list_subnets_in_vpc(before);
  ASSERT_TRUE(subnets.ok());
  ok("DeleteSubnet", {{"SubnetId", (*subnets)[0].id}});
  ASSERT_TRUE(ensure_default_network(*store_, settings_.regions).ok());
  EXPECT_EQ(ok("DescribeSubnets", json::object())["Subnets"].size(), 2u);
  const std::string eu = default_vpc("eu-west-1");
  EXPECT_NE(eu, before);
  auto eu_subnets = ok("DescribeSubnets", json::object(), "eu-west-1")["Subnets"];
  ASSERT_EQ(eu_subnets.size(), 3u);
  EXPECT_EQ(eu_subnets[0]["AvailabilityZone"].get<std::string>().rfind("eu-west-1", 0), 0u);
}

TEST_F(Ec2VpcTest, CreateVpcAndItsErrors) {
  auto vpc = ok("CreateVpc", {{"CidrBlock", "10.0.0.0/16"}})["Vpc"];
  EXPECT_EQ(vpc["CidrBlock"], "10.0.0.0/16");
  EXPECT_EQ(vpc["IsDefault"], false);
  const std::string id = vpc["VpcId"];
  EXPECT_FALSE(default_group(id).empty());  // every VPC gets a default group
  EXPECT_EQ(code(call("CreateVpc", {{"CidrBlock", "10.0.0.1/16"}})), "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateVpc", {{"CidrBlock", "banana"}})), "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateVpc", {{"CidrBlock", "10.0.0.0/8"}})), "InvalidVpcRange");
  EXPECT_EQ(code(call("CreateVpc", {{"CidrBlock", "10.0.0.0/29"}})), "InvalidVpcRange");
  EXPECT_EQ(code(call("CreateVpc", json::object())), "MissingParameter");
  EXPECT_EQ(code(call("CreateVpc", {{"CidrBlock", "10.9.0.0/16"}, {"AmazonProvidedIpv6CidrBlock", true}})),
            "UnsupportedOperation");
  auto dry = call("CreateVpc", {{"CidrBlock", "10.9.0.0/16"}, {"DryRun", true}});
  EXPECT_EQ(code(dry), "DryRunOperation");
  EXPECT_EQ(dry.error->http_status, 412);
  EXPECT_EQ(ok("DescribeVpcs", json::object())["Vpcs"].size(), 2u);  // the dry run created nothing
}

TEST_F(Ec2VpcTest, DescribeVpcsFiltersAndIds) {
  const std::string mine = new_vpc("10.1.0.0/16");
  new_vpc("10.2.0.0/16", "eu-west-1");
  auto by = [&](json input) { return ok("DescribeVpcs", input)["Vpcs"]; };
  EXPECT_EQ(by({{"Filters", {filter("is-default", {"true"})}}})[0]["VpcId"], default_vpc());
  EXPECT_EQ(by({{"Filters", {filter("isDefault", {"false"})}}})[0]["VpcId"], mine);
  EXPECT_EQ(by({{"Filters", {filter("cidr", {"10.*"})}}}).size(), 1u);  // eu-west-1's VPC is not visible here
  EXPECT_EQ(by({{"Filters", {filter("vpc-id", {mine, "vpc-00000000000000000"})}}}).size(), 1u);
  EXPECT_EQ(by({{"Filters", {filter("vpc-id", {mine}), filter("is-default", {"true"})}}}).size(), 0u);
  EXPECT_EQ(by({{"VpcIds", {mine}}}).size(), 1u);
  EXPECT_EQ(code(call("DescribeVpcs", {{"VpcIds", {mine, "vpc-0123456789abcdef0"}}})), "InvalidVpcID.NotFound");
  EXPECT_EQ(code(call("DescribeVpcs", {{"Filters", {filter("colour", {"blue"})}}})), "InvalidParameterValue");
  EXPECT_EQ(ok("DescribeVpcs", json::object(), "eu-west-1")["Vpcs"].size(), 2u);
}

TEST_F(Ec2VpcTest, MalformedInputNeverThrows) {
  for (const auto& input : {json{{"VpcIds", "vpc-1"}}, json{{"Filters", 5}}, json{{"Filters", {1, "x", nullptr}}},
                            json{{"Filters", {{{"Name", 7}, {"Values", "x"}}}}}, json::array(), json(nullptr),
                            json{{"CidrBlock", 10}}, json{{"DryRun", "yes"}}}) {
    for (const auto& op : ec2_operations().operations) {
      EXPECT_NO_THROW((void)call(std::string(op.action), input)) << op.action << " " << input.dump();
    }
  }
}

TEST_F(Ec2VpcTest, DeleteVpcChecksDependencies) {
  const std::string vpc = new_vpc("10.3.0.0/16");
  const std::string subnet = ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.3.1.0/24"}})["Subnet"]["SubnetId"];
  auto blocked = call("DeleteVpc", {{"VpcId", vpc}});
  EXPECT_EQ(code(blocked), "DependencyViolation");
  EXPECT_NE(blocked.error->message.find(subnet), std::string::npos);
  ok("DeleteSubnet", {{"SubnetId", subnet}});
  const std::string group = new_group(vpc, "web");
  EXPECT_EQ(code(call("DeleteVpc", {{"VpcId", vpc}})), "DependencyViolation");
  ok("DeleteSecurityGroup", {{"GroupId", group}});
  const std::string default_group_id = default_group(vpc);
  ok("DeleteVpc", {{"VpcId", vpc}});
  EXPECT_EQ(code(call("DescribeVpcs", {{"VpcIds", {vpc}}})), "InvalidVpcID.NotFound");
  EXPECT_EQ(code(call("DescribeSecurityGroups", {{"GroupIds", {default_group_id}}})), "InvalidGroup.NotFound");
  EXPECT_EQ(code(call("DeleteVpc", {{"VpcId", vpc}})), "InvalidVpcID.NotFound");
  EXPECT_EQ(code(call("DeleteVpc", json::object())), "MissingParameter");
  // A VPC of another region is not found here.
  EXPECT_EQ(code(call("DeleteVpc", {{"VpcId", default_vpc("eu-west-1")}})), "InvalidVpcID.NotFound");
}

TEST_F(Ec2VpcTest, CreateSubnetChecksRangeOverlapAndZone) {
  const std::string vpc = new_vpc("10.4.0.0/16");
  auto subnet = ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.4.0.0/24"}, {"AvailabilityZone", "us-east-1b"}})["Subnet"];
  EXPECT_EQ(subnet["AvailabilityZone"], "us-east-1b");
  EXPECT_EQ(subnet["AvailabilityZoneId"], "use1-az2");
  EXPECT_EQ(subnet["DefaultForAz"], false);
  EXPECT_EQ(subnet["AvailableIpAddressCount"], 251);
  // Without a zone, the one with the fewest subnets (a) is chosen; by zone id too.
  EXPECT_EQ(ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.4.1.0/24"}})["Subnet"]["AvailabilityZone"], "us-east-1a");
  EXPECT_EQ(ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.4.2.0/24"}, {"AvailabilityZoneId", "use1-az3"}})
                ["Subnet"]["AvailabilityZone"],
            "us-east-1c");
  EXPECT_EQ(code(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.5.0.0/24"}})), "InvalidSubnet.Range");
  EXPECT_EQ(code(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.4.0.0/29"}})), "InvalidSubnet.Range");
  EXPECT_EQ(code(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.4.0.0/16"}})), "InvalidSubnet.Conflict");
  EXPECT_EQ(code(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.4.0.128/25"}})), "InvalidSubnet.Conflict");
  EXPECT_EQ(code(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.4.9.0/24"}, {"AvailabilityZone", "us-east-1z"}})),
            "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.4.9.0/24"}, {"AvailabilityZoneId", "use1-az9"}})),
            "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.4.9.1/24"}})), "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateSubnet", {{"VpcId", "vpc-0123456789abcdef0"}, {"CidrBlock", "10.4.9.0/24"}})),
            "InvalidVpcID.NotFound");
  EXPECT_EQ(code(call("CreateSubnet", {{"VpcId", vpc}})), "MissingParameter");
}

TEST_F(Ec2VpcTest, DescribeAndDeleteSubnets) {
  const std::string vpc = new_vpc("10.6.0.0/16");
  const std::string subnet = ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.6.0.0/24"}})["Subnet"]["SubnetId"];
  auto by = [&](json input) { return ok("DescribeSubnets", input)["Subnets"]; };
  EXPECT_EQ(by({{"Filters", {filter("vpc-id", {vpc})}}}).size(), 1u);
  EXPECT_EQ(by({{"Filters", {filter("default-for-az", {"true"})}}}).size(), 3u);
  EXPECT_EQ(by({{"Filters", {filter("defaultForAz", {"true"}), filter("availability-zone", {"us-east-1a"})}}}).size(), 1u);
  EXPECT_EQ(by({{"Filters", {filter("cidr-block", {"10.6.*"})}}}).size(), 1u);
  EXPECT_EQ(by({{"SubnetIds", {subnet}}})[0]["CidrBlock"], "10.6.0.0/24");
  EXPECT_EQ(code(call("DescribeSubnets", {{"SubnetIds", {"subnet-0123456789abcdef0"}}})), "InvalidSubnetID.NotFound");
  EXPECT_EQ(code(call("DescribeSubnets", {{"Filters", {filter("subnet-colour", {"x"})}}})), "InvalidParameterValue");

  auto blocked = call_while_held(subnet, "DB subnet group sg1", "DeleteSubnet", {{"SubnetId", subnet}});
  EXPECT_EQ(code(blocked), "DependencyViolation");
  EXPECT_NE(blocked.error->message.find("DB subnet group sg1"), std::string::npos);
  ok("DeleteSubnet", {{"SubnetId", subnet}});
  EXPECT_EQ(code(call("DeleteSubnet", {{"SubnetId", subnet}})), "InvalidSubnetID.NotFound");
  EXPECT_EQ(code(call("DeleteSubnet", json::object())), "MissingParameter");
}

TEST_F(Ec2VpcTest, RegionsAndZones) {
  auto regions = ok("DescribeRegions", json::object())["Regions"];
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0]["RegionName"], "us-east-1");
  EXPECT_EQ(regions[0]["Endpoint"], "127.0.0.1:8443");
  EXPECT_EQ(regions[0]["OptInStatus"], "opt-in-not-required");
  EXPECT_EQ(ok("DescribeRegions", {{"RegionNames", {"eu-west-1"}}})["Regions"].size(), 1u);
  EXPECT_EQ(ok("DescribeRegions", {{"Filters", {filter("region-name", {"eu-*"})}}})["Regions"].size(), 1u);
  EXPECT_EQ(code(call("DescribeRegions", {{"RegionNames", {"mars-north-1"}}})), "InvalidParameterValue");

  auto zones = ok("DescribeAvailabilityZones", json::object(), "eu-west-1")["AvailabilityZones"];
  ASSERT_EQ(zones.size(), 3u);
  EXPECT_EQ(zones[0]["ZoneName"], "eu-west-1a");
  EXPECT_EQ(zones[0]["ZoneId"], "euw1-az1");
  EXPECT_EQ(zones[2]["State"], "available");
  EXPECT_EQ(zones[0]["RegionName"], "eu-west-1");
  EXPECT_EQ(ok("DescribeAvailabilityZones", {{"ZoneNames", {"us-east-1b"}}})["AvailabilityZones"][0]["ZoneId"], "use1-az2");
  EXPECT_EQ(ok("DescribeAvailabilityZones", {{"Filters", {filter("zone-id", {"use1-az3"})}}})["AvailabilityZones"].size(), 1u);
  EXPECT_EQ(code(call("DescribeAvailabilityZones", {{"ZoneNames", {"us-east-1d"}}})), "InvalidParameterValue");
  EXPECT_EQ(code(call("DescribeAvailabilityZones", {{"ZoneIds", {"use1-az7"}}})), "InvalidParameterValue");
}

TEST_F(Ec2VpcTest, OperationTableCoversTheModelSubset) {
  const std::set<std::string> expected = {
      "DescribeVpcs", "CreateVpc", "DeleteVpc", "DescribeSubnets", "CreateSubnet", "DeleteSubnet",
      "DescribeSecurityGroups", "CreateSecurityGroup", "DeleteSecurityGroup", "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
      "CreateVpcPeeringConnection", "AcceptVpcPeeringConnection", "DescribeVpcPeeringConnections",
      "DeleteVpcPeeringConnection", "DescribeAvailabilityZones", "DescribeRegions", "CreateTags", "DeleteTags",
      "DescribeTags"};
  std::set<std::string> actual;
  for (const auto& op : ec2_operations().operations) {
    EXPECT_NE(op.handler, nullptr);
    actual.insert(std::string(op.action));
  }
  EXPECT_EQ(ec2_operations().service, "ec2");
  EXPECT_EQ(actual, expected);
  for (const auto& op : ec2_operations().operations) {
    if (op.action != "DeleteSecurityGroup") continue;
    api::CallContext context{*store_, settings_, caller_, "ec2", "DeleteSecurityGroup", "us-east-1", "r", "127.0.0.1",
                             std::chrono::system_clock::now(), [] {}};
    EXPECT_EQ(op.resource(context, {{"GroupId", "sg-1"}}), "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1");
    EXPECT_EQ(op.resource(context, json::object()), "*");
  }
}

TEST(Ec2Glob, Wildcards) {
  EXPECT_TRUE(ec2::glob_match("10.*", "10.0.0.0/16"));
  EXPECT_TRUE(ec2::glob_match("*", ""));
  EXPECT_TRUE(ec2::glob_match("us-east-1?", "us-east-1a"));
  EXPECT_FALSE(ec2::glob_match("us-east-1?", "us-east-1"));
  EXPECT_TRUE(ec2::glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(ec2::glob_match("a*b*c", "axxbyy"));
  EXPECT_TRUE(ec2::glob_match("exact", "exact"));
  EXPECT_FALSE(ec2::glob_match("exact", "exactly"));
  EXPECT_TRUE(ec2::glob_match(std::string(100, '*') + "x", std::string(10000, 'a') + "x"));  // no blow-up
}

}  // namespace
}  // namespace borealis::network
