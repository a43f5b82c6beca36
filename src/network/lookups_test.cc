// Tests for the lookups other components use.
#include "network/lookups.h"

#include <gtest/gtest.h>

#include "network/test_fixture.h"

namespace borealis::network {
namespace {

using LookupsTest = NetworkFixture;

TEST_F(LookupsTest, FindsOrSaysNothing) {
  const std::string vpc = default_vpc();
  auto subnets = store::NetworkTables(*store_).list_subnets_in_vpc(vpc);
  ASSERT_TRUE(subnets.ok());
  auto subnet = find_subnet_record(*store_, (*subnets)[0].id);
  ASSERT_TRUE(subnet.ok() && subnet->has_value());
  EXPECT_EQ((*subnet)->vpc_id, vpc);
  EXPECT_EQ((*subnet)->availability_zone, "us-east-1a");
  EXPECT_FALSE(find_subnet_record(*store_, "subnet-0123456789abcdef0")->has_value());
  auto group_vpc = security_group_vpc(*store_, default_group(vpc));
  ASSERT_TRUE(group_vpc.ok() && group_vpc->has_value());
  EXPECT_EQ(**group_vpc, vpc);
  EXPECT_FALSE(security_group_vpc(*store_, "sg-0123456789abcdef0")->has_value());
  EXPECT_EQ(*default_security_group_id(*store_, vpc), default_group(vpc));
  EXPECT_EQ(default_security_group_id(*store_, "vpc-0123456789abcdef0").error().code, Errc::not_found);
}

TEST_F(LookupsTest, DefaultVpcIsMadeWhenMissing) {
  EXPECT_EQ(*default_vpc_id(*store_, "us-east-1"), default_vpc());
  auto made = default_vpc_id(*store_, "ap-south-1");
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(*made, default_vpc("ap-south-1"));
  EXPECT_EQ(*default_vpc_id(*store_, "ap-south-1"), *made);  // made once
  EXPECT_EQ(store::NetworkTables(*store_).list_subnets_in_vpc(*made)->size(), 3u);
}

}  // namespace
}  // namespace borealis::network
