// EC2 tags through the handlers: TagSpecifications at creation, CreateTags/DeleteTags/DescribeTags,
// Tags in every taggable output (checked against botocore's shapes by ok()), the tag filters of the
// describe calls, EC2's limits and errors, region isolation, and tags going with their resource.
#include <gtest/gtest.h>

#include "network/test_fixture.h"

namespace borealis::network {
namespace {

using nlohmann::json;
using Ec2TagsTest = NetworkFixture;

json tag(const std::string& key, const std::string& value) { return {{"Key", key}, {"Value", value}}; }
json spec(const std::string& type, json tags) { return json::array({{{"ResourceType", type}, {"Tags", std::move(tags)}}}); }

TEST_F(Ec2TagsTest, TagSpecificationsTagEveryKindOfResourceAtCreation) {
  auto vpc = ok("CreateVpc", {{"CidrBlock", "10.1.0.0/16"}, {"TagSpecifications", spec("vpc", {tag("Name", "main")})}})["Vpc"];
  EXPECT_EQ(vpc["Tags"], json::array({tag("Name", "main")}));
  const std::string vpc_id = vpc["VpcId"];
  auto subnet = ok("CreateSubnet", {{"VpcId", vpc_id},
                                    {"CidrBlock", "10.1.1.0/24"},
                                    {"TagSpecifications", spec("subnet", {tag("tier", "db")})}})["Subnet"];
  EXPECT_EQ(subnet["Tags"], json::array({tag("tier", "db")}));
  auto group = ok("CreateSecurityGroup", {{"GroupName", "g"},
                                          {"Description", "d"},
                                          {"VpcId", vpc_id},
                                          {"TagSpecifications", spec("security-group", {tag("Name", "db-clients")})}});
  EXPECT_EQ(group["Tags"], json::array({tag("Name", "db-clients")}));
  auto other = ok("CreateVpc", {{"CidrBlock", "10.2.0.0/16"}})["Vpc"];
  EXPECT_FALSE(other.contains("Tags"));  // EC2 leaves tagSet out when there is none
  auto peering = ok("CreateVpcPeeringConnection",
                    {{"VpcId", vpc_id}, {"PeerVpcId", other["VpcId"]},
                     {"TagSpecifications", spec("vpc-peering-connection", {tag("Name", "p")})}})["VpcPeeringConnection"];
  EXPECT_EQ(peering["Tags"], json::array({tag("Name", "p")}));

  // Described with their tags, and found by them.
  auto found = ok("DescribeVpcs", {{"Filters", {{{"Name", "tag:Name"}, {"Values", {"ma*"}}}}}})["Vpcs"];
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["VpcId"], vpc_id);
  EXPECT_EQ(found[0]["Tags"], json::array({tag("Name", "main")}));
  EXPECT_EQ(ok("DescribeSubnets", {{"Filters", {{{"Name", "tag-key"}, {"Values", {"tier"}}}}}})["Subnets"].size(), 1u);
  EXPECT_EQ(ok("DescribeSecurityGroups", {{"Filters", {{{"Name", "tag-value"}, {"Values", {"db-clients"}}}}}})["SecurityGroups"]
                .size(),
            1u);
  EXPECT_EQ(ok("DescribeVpcPeeringConnections", {{"Filters", {{{"Name", "tag:Name"}, {"Values", {"p"}}}}}})["VpcPeeringConnections"]
                .size(),
            1u);
  EXPECT_TRUE(ok("DescribeVpcs", {{"Filters", {{{"Name", "tag:Name"}, {"Values", {"nope"}}}}}})["Vpcs"].empty());

  // A specification for another type is refused, and nothing is created.
  EXPECT_EQ(code(call("CreateVpc", {{"CidrBlock", "10.3.0.0/16"}, {"TagSpecifications", spec("subnet", {tag("k", "v")})}})),
            "InvalidParameterValue");
  EXPECT_EQ(ok("DescribeVpcs", json::object())["Vpcs"].size(), 3u);  // default, main, other
}

TEST_F(Ec2TagsTest, CreateDeleteAndDescribeTags) {
  const std::string vpc_id = ok("CreateVpc", {{"CidrBlock", "10.1.0.0/16"}})["Vpc"]["VpcId"];
  const std::string subnet_id = ok("CreateSubnet", {{"VpcId", vpc_id}, {"CidrBlock", "10.1.1.0/24"}})["Subnet"]["SubnetId"];
  ok("CreateTags", {{"Resources", {vpc_id, subnet_id}}, {"Tags", {tag("env", "prod"), tag("owner", "")}}});
  ok("CreateTags", {{"Resources", {vpc_id}}, {"Tags", {tag("env", "staging")}}});  // overwrites

  auto all = ok("DescribeTags", json::object())["Tags"];
  ASSERT_EQ(all.size(), 4u);
  auto vpc_tags = ok("DescribeTags", {{"Filters", {{{"Name", "resource-id"}, {"Values", {vpc_id}}}}}})["Tags"];
  EXPECT_EQ(vpc_tags, json::array({{{"Key", "env"}, {"ResourceId", vpc_id}, {"ResourceType", "vpc"}, {"Value", "staging"}},
                                   {{"Key", "owner"}, {"ResourceId", vpc_id}, {"ResourceType", "vpc"}, {"Value", ""}}}));
  EXPECT_EQ(ok("DescribeTags", {{"Filters", {{{"Name", "resource-type"}, {"Values", {"subnet"}}},
                                             {{"Name", "key"}, {"Values", {"env"}}}}}})["Tags"]
                .size(),
            1u);

  // DeleteTags: a Value must match; no Value, the key goes; no Tags, everything goes.
  ok("DeleteTags", {{"Resources", {vpc_id}}, {"Tags", {tag("env", "prod")}}});
  EXPECT_EQ(ok("DescribeVpcs", {{"VpcIds", {vpc_id}}})["Vpcs"][0]["Tags"].size(), 2u);
  ok("DeleteTags", {{"Resources", {vpc_id}}, {"Tags", {{{"Key", "env"}}}}});
  EXPECT_EQ(ok("DescribeVpcs", {{"VpcIds", {vpc_id}}})["Vpcs"][0]["Tags"], json::array({tag("owner", "")}));
  ok("DeleteTags", {{"Resources", {vpc_id, subnet_id}}});
  EXPECT_TRUE(ok("DescribeTags", json::object())["Tags"].empty());

  // Tags go with their resource.
  ok("CreateTags", {{"Resources", {subnet_id}}, {"Tags", {tag("k", "v")}}});
  ok("DeleteSubnet", {{"SubnetId", subnet_id}});
  EXPECT_TRUE(ok("DescribeTags", json::object())["Tags"].empty());
}

TEST_F(Ec2TagsTest, LimitsErrorsAndRegions) {
  const std::string vpc_id = ok("CreateVpc", {{"CidrBlock", "10.1.0.0/16"}})["Vpc"]["VpcId"];
  EXPECT_EQ(code(call("CreateTags", {{"Resources", {"vpc-0123456789abcdef0"}}, {"Tags", {tag("k", "v")}}})),
            "InvalidVpcID.NotFound");
  EXPECT_EQ(code(call("CreateTags", {{"Resources", {"subnet-0123456789abcdef0"}}, {"Tags", {tag("k", "v")}}})),
            "InvalidSubnetID.NotFound");
  EXPECT_EQ(code(call("CreateTags", {{"Resources", {"i-0123456789abcdef0"}}, {"Tags", {tag("k", "v")}}})), "InvalidID");
  EXPECT_EQ(code(call("CreateTags", {{"Tags", {tag("k", "v")}}})), "MissingParameter");
  EXPECT_EQ(code(call("CreateTags", {{"Resources", {vpc_id}}})), "MissingParameter");
  // Another region's VPC is not there.
  EXPECT_EQ(code(call("CreateTags", {{"Resources", {vpc_id}}, {"Tags", {tag("k", "v")}}}, "eu-west-1")),
            "InvalidVpcID.NotFound");
  for (const json& bad : {tag("aws:cloudformation", "x"), tag("", "x"), tag(std::string(129, 'k'), "x"),
                          tag("k", std::string(257, 'v'))}) {
    EXPECT_EQ(code(call("CreateTags", {{"Resources", {vpc_id}}, {"Tags", {bad}}})), "InvalidParameterValue") << bad.dump();
  }
  // EC2 allows any characters (RDS does not).
  ok("CreateTags", {{"Resources", {vpc_id}}, {"Tags", {tag("semi;colon#", "a\tb")}}});

  json many = json::array();
  for (int i = 0; i < 49; ++i) many.push_back(tag("k" + std::to_string(i), "v"));
  ok("CreateTags", {{"Resources", {vpc_id}}, {"Tags", many}});  // 50 with the one above
  EXPECT_EQ(code(call("CreateTags", {{"Resources", {vpc_id}}, {"Tags", {tag("one-more", "v")}}})), "TagLimitExceeded");
  ok("CreateTags", {{"Resources", {vpc_id}}, {"Tags", {tag("k0", "changed")}}});  // overwriting adds no key
  EXPECT_EQ(ok("DescribeTags", json::object())["Tags"].size(), 50u);
  EXPECT_EQ(code(call("DescribeTags", {{"Filters", {{{"Name", "color"}, {"Values", {"x"}}}}}})), "InvalidParameterValue");
  // The other region sees none of them.
  EXPECT_TRUE(ok("DescribeTags", json::object(), "eu-west-1")["Tags"].empty());
}

}  // namespace
}  // namespace borealis::network
