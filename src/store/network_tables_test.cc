// Tests for NetworkTables on a real store in a temporary directory: CRUD and the schema's guards
// (one default VPC per region, group names unique per VPC, rules unique, referenced groups kept).
#include "store/network_tables.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "common/fs.h"

namespace borealis::store {
namespace {

class NetworkTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-network-tables-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = Store::open(dir_ + "/borealis.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_.emplace(std::move(s).value());
    tables_.emplace(*store_);
    ASSERT_TRUE(tables_->create_vpc({"vpc-1", "us-east-1", "10.0.0.0/16", true, "available", ""}).ok());
    ASSERT_TRUE(tables_->create_security_group({"sg-1", "vpc-1", "default", "default VPC security group", true}).ok());
  }
  void TearDown() override {
    tables_.reset();
    store_.reset();
    (void)fs::remove_tree(dir_);
  }

  static SecurityGroupRuleRecord cidr_rule(const std::string& id, const std::string& group, int port,
                                           const std::string& cidr) {
    SecurityGroupRuleRecord r;
    r.id = id;
    r.group_id = group;
    r.protocol = "tcp";
    r.from_port = port;
    r.to_port = port;
    r.cidr = cidr;
    return r;
  }

  std::string dir_;
  std::optional<Store> store_;
  std::optional<NetworkTables> tables_;
};

TEST_F(NetworkTablesTest, VpcsAreScopedByRegionWithOneDefaultEach) {
  auto v = tables_->get_vpc("vpc-1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->cidr, "10.0.0.0/16");
  EXPECT_TRUE(v->is_default);
  EXPECT_FALSE(v->created_at.empty());
  auto second_default = tables_->create_vpc({"vpc-2", "us-east-1", "10.1.0.0/16", true, "available", ""});
  ASSERT_FALSE(second_default.ok());
  EXPECT_EQ(second_default.error().code, Errc::already_exists);
  ASSERT_TRUE(tables_->create_vpc({"vpc-3", "eu-west-1", "10.0.0.0/16", true, "available", ""}).ok());
  auto east = tables_->list_vpcs("us-east-1");
  ASSERT_TRUE(east.ok());
  ASSERT_EQ(east->size(), 1u);
  auto def = tables_->default_vpc("eu-west-1");
  ASSERT_TRUE(def.ok());
  ASSERT_TRUE(def->has_value());
  EXPECT_EQ((*def)->id, "vpc-3");
  auto none = tables_->default_vpc("ap-south-1");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(tables_->get_vpc("vpc-9").error().code, Errc::not_found);
}

TEST_F(NetworkTablesTest, VpcWithSubnetsCannotBeDeleted) {
  ASSERT_TRUE(tables_->create_subnet({"subnet-1", "vpc-1", "10.0.0.0/24", "us-east-1a", false, "available"}).ok());
  EXPECT_FALSE(tables_->delete_vpc("vpc-1").ok());  // foreign key
  auto in_vpc = tables_->list_subnets_in_vpc("vpc-1");
  ASSERT_TRUE(in_vpc.ok());
  ASSERT_EQ(in_vpc->size(), 1u);
  EXPECT_EQ((*in_vpc)[0].availability_zone, "us-east-1a");
  auto in_region = tables_->list_subnets("us-east-1");
  ASSERT_TRUE(in_region.ok());
  EXPECT_EQ(in_region->size(), 1u);
  auto elsewhere = tables_->list_subnets("eu-west-1");
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_TRUE(elsewhere->empty());
  ASSERT_TRUE(tables_->delete_subnet("subnet-1").ok());
  EXPECT_EQ(tables_->delete_subnet("subnet-1").error().code, Errc::not_found);
  ASSERT_TRUE(tables_->delete_security_group("sg-1").ok());
  EXPECT_TRUE(tables_->delete_vpc("vpc-1").ok());
}

TEST_F(NetworkTablesTest, GroupNamesAreUniquePerVpc) {
  auto dup = tables_->create_security_group({"sg-2", "vpc-1", "default", "", false});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::already_exists);
  ASSERT_TRUE(tables_->create_vpc({"vpc-2", "us-east-1", "10.1.0.0/16", false, "available", ""}).ok());
  ASSERT_TRUE(tables_->create_security_group({"sg-2", "vpc-2", "default", "", true}).ok());
  auto found = tables_->find_security_group("vpc-2", "default");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, "sg-2");
  EXPECT_EQ(tables_->find_security_group("vpc-2", "web").error().code, Errc::not_found);
  auto all = tables_->list_security_groups("us-east-1");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST_F(NetworkTablesTest, RulesAreUniqueAndReferencedGroupsStay) {
  ASSERT_TRUE(tables_->create_security_group({"sg-2", "vpc-1", "db", "database", false}).ok());
  ASSERT_TRUE(tables_->create_rule(cidr_rule("sgr-1", "sg-2", 5432, "127.0.0.0/8")).ok());
  auto dup = tables_->create_rule(cidr_rule("sgr-2", "sg-2", 5432, "127.0.0.0/8"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::already_exists);
  SecurityGroupRuleRecord by_group;
  by_group.id = "sgr-3";
  by_group.group_id = "sg-2";
  by_group.protocol = "-1";
  by_group.referenced_group_id = "sg-1";
  ASSERT_TRUE(tables_->create_rule(by_group).ok());
  by_group.id = "sgr-4";
  EXPECT_EQ(tables_->create_rule(by_group).error().code, Errc::already_exists);  // NULL cidr still unique

  auto rules = tables_->list_rules("sg-2");
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].cidr, "127.0.0.0/8");
  EXPECT_EQ((*rules)[0].referenced_group_id, "");
  EXPECT_EQ((*rules)[1].referenced_group_id, "sg-1");
  EXPECT_FALSE((*rules)[1].egress);

  auto referencing = tables_->list_rules_referencing("sg-1");
  ASSERT_TRUE(referencing.ok());
  ASSERT_EQ(referencing->size(), 1u);
  EXPECT_EQ((*referencing)[0].id, "sgr-3");
  EXPECT_FALSE(tables_->delete_security_group("sg-1").ok());  // still referenced by sgr-3
  ASSERT_TRUE(tables_->delete_security_group("sg-2").ok());  // its own rules go with it
  EXPECT_TRUE(tables_->delete_security_group("sg-1").ok());
}

TEST_F(NetworkTablesTest, RuleNeedsExactlyOnePeer) {
  auto both = cidr_rule("sgr-1", "sg-1", 80, "10.0.0.0/8");
  both.referenced_group_id = "sg-1";
  EXPECT_FALSE(tables_->create_rule(both).ok());
  auto neither = cidr_rule("sgr-1", "sg-1", 80, "");
  EXPECT_FALSE(tables_->create_rule(neither).ok());
}

TEST_F(NetworkTablesTest, PeeringsKeepTheirHistory) {
  VpcPeeringRecord p{"pcx-1", "vpc-1", "us-east-1", "vpc-2", "eu-west-1", "pending-acceptance", "Pending Acceptance by 1",
                     "", "2026-12-05T17:00:00Z"};
  ASSERT_TRUE(tables_->create_peering(p).ok());
  ASSERT_TRUE(tables_->update_peering_status("pcx-1", "active", "Active").ok());
  auto got = tables_->get_peering("pcx-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, "active");
  EXPECT_EQ(got->accepter_region, "eu-west-1");
  EXPECT_FALSE(got->created_at.empty());
  EXPECT_EQ(tables_->list_peerings("eu-west-1")->size(), 1u);
  EXPECT_EQ(tables_->list_peerings("us-east-1")->size(), 1u);
  EXPECT_EQ(tables_->list_peerings("ap-south-1")->size(), 0u);
  EXPECT_EQ(tables_->list_peerings_of_vpc("vpc-2")->size(), 1u);
  EXPECT_FALSE(tables_->update_peering_status("pcx-1", "bogus", "").ok());  // CHECK
  EXPECT_EQ(tables_->update_peering_status("pcx-9", "active", "").error().code, Errc::not_found);
}

TEST_F(NetworkTablesTest, DirectoryNetworkRoundTripsAndReplaces) {
  DirectoryNetworkRecord n{"d-1234567890", "vpc-1", {"subnet-a", "subnet-b"}, "sg-1"};
  ASSERT_TRUE(tables_->set_directory_network(n).ok());
  auto got = tables_->get_directory_network("d-1234567890");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->subnet_ids, (std::vector<std::string>{"subnet-a", "subnet-b"}));
  n.subnet_ids = {"subnet-c"};
  ASSERT_TRUE(tables_->set_directory_network(n).ok());
  EXPECT_EQ((*tables_->get_directory_network("d-1234567890"))->subnet_ids, std::vector<std::string>{"subnet-c"});
  EXPECT_EQ(tables_->list_directory_networks()->size(), 1u);
  EXPECT_FALSE(tables_->delete_security_group("sg-1").ok());  // the directory still uses it
  ASSERT_TRUE(tables_->delete_directory_network("d-1234567890").ok());
  EXPECT_FALSE(tables_->get_directory_network("d-1234567890")->has_value());
  EXPECT_EQ(tables_->delete_directory_network("d-1234567890").error().code, Errc::not_found);
}

TEST_F(NetworkTablesTest, TagsByIdOverwriteDeleteByValueAndGoWithTheirRow) {
  ASSERT_TRUE(tables_->create_subnet({"subnet-1", "vpc-1", "10.0.0.0/24", "us-east-1a", false, "available"}).ok());
  ASSERT_TRUE(tables_->put_tags("vpc-1", {{"Name", "main"}, {"env", "prod"}}).ok());
  ASSERT_TRUE(tables_->put_tags("subnet-1", {{"Name", "a"}}).ok());
  ASSERT_TRUE(tables_->put_tags("vpc-1", {{"env", "dev"}}).ok());
  auto all = tables_->tags({});
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at("vpc-1"), (std::vector<ResourceTag>{{"Name", "main"}, {"env", "dev"}}));
  auto one = tables_->tags({"subnet-1", "subnet-none"});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
  EXPECT_EQ(one->at("subnet-1"), (std::vector<ResourceTag>{{"Name", "a"}}));

  // A value given must match for the key to go.
  ASSERT_TRUE(tables_->delete_tag("vpc-1", "env", std::string("prod")).ok());
  EXPECT_EQ(tables_->tags({"vpc-1"})->at("vpc-1").size(), 2u);
  ASSERT_TRUE(tables_->delete_tag("vpc-1", "env", std::string("dev")).ok());
  ASSERT_TRUE(tables_->delete_tag("vpc-1", "Name", std::nullopt).ok());
  EXPECT_TRUE(tables_->tags({"vpc-1"})->empty());

  ASSERT_TRUE(tables_->delete_subnet("subnet-1").ok());
  EXPECT_TRUE(tables_->tags({"subnet-1"})->empty());
}

}  // namespace
}  // namespace borealis::store
