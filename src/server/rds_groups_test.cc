// DB subnet groups and DB cluster parameter groups through a CallContext on a real store.
#include <gtest/gtest.h>

#include <cstdio>

#include "server/rds_handlers.h"
#include "server/rds_network.h"
#include "server/rds_test_support.h"
#include "store/rds_tables.h"

namespace borealis::server {
namespace {

using nlohmann::json;

class RdsGroups : public testing::RdsHandlerTest {};

json subnet_group_input(const std::string& name, json subnets) {
  return {{"DBSubnetGroupName", name}, {"DBSubnetGroupDescription", "for tests"}, {"SubnetIds", std::move(subnets)}};
}

TEST_F(RdsGroups, SubnetGroupsWithoutTheEc2ViewCheckTheFormat) {
  auto r = call(rds::create_db_subnet_group, subnet_group_input("MyGroup", {"subnet-0123abcd", "subnet-4567ef01"}));
  ASSERT_FALSE(r.error) << r.error->message;
  const json& g = r.output.at("DBSubnetGroup");
  EXPECT_EQ(g.at("DBSubnetGroupName"), "mygroup");
  EXPECT_EQ(g.at("DBSubnetGroupDescription"), "for tests");
  EXPECT_EQ(g.at("SubnetGroupStatus"), "Complete");
  EXPECT_EQ(g.at("DBSubnetGroupArn"), "arn:aws:rds:us-east-1:123456789012:subgrp:mygroup");
  ASSERT_EQ(g.at("Subnets").size(), 2u);
  EXPECT_EQ(g["Subnets"][0].at("SubnetIdentifier"), "subnet-0123abcd");
  EXPECT_EQ(g["Subnets"][0].at("SubnetStatus"), "Active");

  EXPECT_EQ(code(call(rds::create_db_subnet_group, subnet_group_input("mygroup", {"subnet-0123abcd"}))),
            "DBSubnetGroupAlreadyExists");
  EXPECT_EQ(code(call(rds::create_db_subnet_group, subnet_group_input("g2", {"sub-1"}))), "InvalidSubnet");
  EXPECT_EQ(code(call(rds::create_db_subnet_group, subnet_group_input("default", {"subnet-0123abcd"}))),
            "InvalidParameterValue");
  EXPECT_EQ(code(call(rds::create_db_subnet_group, subnet_group_input("bad/name", {"subnet-0123abcd"}))),
            "InvalidParameterValue");
  json many = json::array();
  for (int i = 0; i < 21; ++i) many.push_back("subnet-0123abcd");
  EXPECT_EQ(code(call(rds::create_db_subnet_group, subnet_group_input("g3", many))), "DBSubnetQuotaExceededFault");

  EXPECT_EQ(call(rds::describe_db_subnet_groups, json::object()).output.at("DBSubnetGroups").size(), 1u);
  auto missing = call(rds::describe_db_subnet_groups, {{"DBSubnetGroupName", "nope"}});
  EXPECT_EQ(code(missing), "DBSubnetGroupNotFoundFault");
  EXPECT_EQ(status(missing), 404);

  // In use by a cluster: refused until the cluster is gone.
  json cluster = cluster_input("db1");
  cluster["DBSubnetGroupName"] = "mygroup";
  ASSERT_FALSE(call(rds::create_db_cluster, cluster).error);
  EXPECT_EQ(code(call(rds::delete_db_subnet_group, {{"DBSubnetGroupName", "mygroup"}})), "InvalidDBSubnetGroupStateFault");
  ASSERT_TRUE(store_->delete_cluster("db1").ok());
  EXPECT_FALSE(call(rds::delete_db_subnet_group, {{"DBSubnetGroupName", "mygroup"}}).error);
  EXPECT_EQ(code(call(rds::delete_db_subnet_group, {{"DBSubnetGroupName", "mygroup"}})), "DBSubnetGroupNotFoundFault");
}

TEST_F(RdsGroups, SubnetGroupsWithTheEc2ViewNeedRealSubnetsInOneVpcAndTwoZones) {
  RdsNetwork n;
  n.subnet = [](store::Store&, const std::string& id) -> Result<std::optional<RdsSubnetInfo>> {
    if (id == "subnet-aaaaaaaa") return std::optional<RdsSubnetInfo>(RdsSubnetInfo{"vpc-11111111", "us-east-1a"});
    if (id == "subnet-bbbbbbbb") return std::optional<RdsSubnetInfo>(RdsSubnetInfo{"vpc-11111111", "us-east-1b"});
    if (id == "subnet-cccccccc") return std::optional<RdsSubnetInfo>(RdsSubnetInfo{"vpc-22222222", "us-east-1c"});
    return std::optional<RdsSubnetInfo>();
  };
  set_rds_network(std::move(n));
  EXPECT_EQ(code(call(rds::create_db_subnet_group, subnet_group_input("g", {"subnet-aaaaaaaa", "subnet-dddddddd"}))),
            "InvalidSubnet");
  EXPECT_EQ(code(call(rds::create_db_subnet_group, subnet_group_input("g", {"subnet-aaaaaaaa", "subnet-cccccccc"}))),
            "InvalidSubnet");
  EXPECT_EQ(code(call(rds::create_db_subnet_group, subnet_group_input("g", {"subnet-aaaaaaaa"}))),
            "DBSubnetGroupDoesNotCoverEnoughAZs");
  auto r = call(rds::create_db_subnet_group, subnet_group_input("g", {"subnet-aaaaaaaa", "subnet-bbbbbbbb"}));
  set_rds_network({});
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.output["DBSubnetGroup"]["VpcId"], "vpc-11111111");
  EXPECT_EQ(r.output["DBSubnetGroup"]["Subnets"][1]["SubnetAvailabilityZone"]["Name"], "us-east-1b");
}

TEST_F(RdsGroups, ParameterGroupsApplyKrbCaseinsUsersToTheirClusters) {
  auto r = call(rds::create_db_cluster_parameter_group,
                {{"DBClusterParameterGroupName", "Kerb"}, {"DBParameterGroupFamily", "aurora-postgresql15"}, {"Description", "k"}});
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.output["DBClusterParameterGroup"]["DBClusterParameterGroupName"], "kerb");
  EXPECT_EQ(r.output["DBClusterParameterGroup"]["DBClusterParameterGroupArn"],
            "arn:aws:rds:us-east-1:123456789012:cluster-pg:kerb");
  EXPECT_EQ(code(call(rds::create_db_cluster_parameter_group,
                      {{"DBClusterParameterGroupName", "kerb"}, {"DBParameterGroupFamily", "aurora-postgresql15"}, {"Description", "k"}})),
            "DBParameterGroupAlreadyExists");
  EXPECT_EQ(code(call(rds::create_db_cluster_parameter_group,
                      {{"DBClusterParameterGroupName", "x"}, {"DBParameterGroupFamily", "mysql8.0"}, {"Description", "k"}})),
            "InvalidParameterValue");
  auto all = call(rds::describe_db_cluster_parameter_groups, json::object());
  ASSERT_EQ(all.output.at("DBClusterParameterGroups").size(), 2u);
  EXPECT_EQ(all.output["DBClusterParameterGroups"][0]["DBClusterParameterGroupName"], "default.aurora-postgresql15");
  auto missing = call(rds::describe_db_cluster_parameter_groups, {{"DBClusterParameterGroupName", "nope"}});
  EXPECT_EQ(code(missing), "DBParameterGroupNotFound");
  EXPECT_EQ(status(missing), 404);

  json cluster = cluster_input("db1");
  cluster["DBClusterParameterGroupName"] = "kerb";
  ASSERT_FALSE(call(rds::create_db_cluster, cluster).error);
  EXPECT_FALSE(store_->get_cluster("db1")->krb_caseins_users);

  const json on = {{"DBClusterParameterGroupName", "kerb"},
                   {"Parameters", json::array({{{"ParameterName", "krb_caseins_users"}, {"ParameterValue", "1"},
                                                {"ApplyMethod", "immediate"}}})}};
  auto m = call(rds::modify_db_cluster_parameter_group, on);
  ASSERT_FALSE(m.error) << m.error->message;
  EXPECT_EQ(m.output, json({{"DBClusterParameterGroupName", "kerb"}}));
  EXPECT_TRUE(store_->get_cluster("db1")->krb_caseins_users);

  auto params = call(rds::describe_db_cluster_parameters, {{"DBClusterParameterGroupName", "kerb"}});
  ASSERT_EQ(params.output.at("Parameters").size(), 1u);
  const json& p = params.output["Parameters"][0];
  EXPECT_EQ(p.at("ParameterName"), "krb_caseins_users");
  EXPECT_EQ(p.at("ParameterValue"), "1");
  EXPECT_EQ(p.at("Source"), "user");
  EXPECT_EQ(p.at("AllowedValues"), "0,1");
  EXPECT_TRUE(call(rds::describe_db_cluster_parameters, {{"DBClusterParameterGroupName", "kerb"}, {"Source", "engine-default"}})
                  .output.at("Parameters")
                  .empty());
  auto defaults = call(rds::describe_db_cluster_parameters, {{"DBClusterParameterGroupName", "default.aurora-postgresql15"}});
  EXPECT_EQ(defaults.output["Parameters"][0]["ParameterValue"], "0");

  auto bad_value = on;
  bad_value["Parameters"][0]["ParameterValue"] = "yes";
  EXPECT_EQ(code(call(rds::modify_db_cluster_parameter_group, bad_value)), "InvalidParameterValue");
  auto unknown = on;
  unknown["Parameters"][0]["ParameterName"] = "shared_buffers";
  EXPECT_EQ(code(call(rds::modify_db_cluster_parameter_group, unknown)), "InvalidParameterValue");
  auto on_default = on;
  on_default["DBClusterParameterGroupName"] = "default.aurora-postgresql15";
  EXPECT_EQ(code(call(rds::modify_db_cluster_parameter_group, on_default)), "InvalidParameterValue");
  auto on_missing = on;
  on_missing["DBClusterParameterGroupName"] = "nope";
  EXPECT_EQ(code(call(rds::modify_db_cluster_parameter_group, on_missing)), "DBParameterGroupNotFound");

  EXPECT_EQ(code(call(rds::delete_db_cluster_parameter_group, {{"DBClusterParameterGroupName", "kerb"}})),
            "InvalidDBParameterGroupState");
  EXPECT_EQ(code(call(rds::delete_db_cluster_parameter_group, {{"DBClusterParameterGroupName", "default.aurora-postgresql15"}})),
            "InvalidDBParameterGroupState");
  ASSERT_TRUE(store_->delete_cluster("db1").ok());
  EXPECT_FALSE(call(rds::delete_db_cluster_parameter_group, {{"DBClusterParameterGroupName", "kerb"}}).error);
  EXPECT_EQ(code(call(rds::delete_db_cluster_parameter_group, {{"DBClusterParameterGroupName", "kerb"}})),
            "DBParameterGroupNotFound");
}

TEST_F(RdsGroups, DescribeCallsPageByMaxRecordsAndMarker) {
  for (int i = 0; i < 25; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "pg%02d", i);
    ASSERT_FALSE(call(rds::create_db_cluster_parameter_group, {{"DBClusterParameterGroupName", name},
                                                                {"DBParameterGroupFamily", "aurora-postgresql15"},
                                                                {"Description", "d"}})
                     .error);
  }
  // 26 groups with the implicit default; pages of 20 in name order, the Marker naming the next one.
  auto first = call(rds::describe_db_cluster_parameter_groups, {{"MaxRecords", 20}});
  ASSERT_FALSE(first.error) << first.error->message;
  const json& groups = first.output.at("DBClusterParameterGroups");
  ASSERT_EQ(groups.size(), 20u);
  EXPECT_EQ(groups[0].at("DBClusterParameterGroupName"), "default.aurora-postgresql15");
  EXPECT_EQ(groups[1].at("DBClusterParameterGroupName"), "pg00");
  ASSERT_TRUE(first.output.contains("Marker"));
  EXPECT_EQ(first.output.at("Marker"), "pg19");
  // A group deleted between the pages neither shifts nor repeats the others.
  ASSERT_FALSE(call(rds::delete_db_cluster_parameter_group, {{"DBClusterParameterGroupName", "pg19"}}).error);
  auto second = call(rds::describe_db_cluster_parameter_groups, {{"MaxRecords", 20}, {"Marker", first.output.at("Marker")}});
  ASSERT_FALSE(second.error) << second.error->message;
  ASSERT_EQ(second.output.at("DBClusterParameterGroups").size(), 5u);
  EXPECT_EQ(second.output["DBClusterParameterGroups"][0].at("DBClusterParameterGroupName"), "pg20");
  EXPECT_FALSE(second.output.contains("Marker"));
  // Without MaxRecords: up to 100 at once.
  EXPECT_EQ(call(rds::describe_db_cluster_parameter_groups, json::object()).output.at("DBClusterParameterGroups").size(), 25u);
  EXPECT_EQ(code(call(rds::describe_db_cluster_parameter_groups, {{"MaxRecords", 19}})), "InvalidParameterValue");
  EXPECT_EQ(code(call(rds::describe_db_clusters, {{"MaxRecords", 101}})), "InvalidParameterValue");
  // Parameters page the same way.
  auto params = call(rds::describe_db_cluster_parameters, {{"DBClusterParameterGroupName", "pg00"}, {"MaxRecords", 20}});
  ASSERT_FALSE(params.error) << params.error->message;
  EXPECT_LE(params.output.at("Parameters").size(), 20u);
}

}  // namespace
}  // namespace borealis::server
