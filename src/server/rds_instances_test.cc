// CreateDBInstance / DescribeDBInstances / ModifyDBInstance / DeleteDBInstance / RebootDBInstance
// through a CallContext on a real store: shapes, AWS errors, the statuses the reconciler acts on.
#include <gtest/gtest.h>

#include "server/cluster_requests.h"
#include "server/rds_handlers.h"
#include "server/rds_test_support.h"

namespace borealis::server {
namespace {

using nlohmann::json;

class RdsInstances : public testing::RdsHandlerTest {
 protected:
  void SetUp() override {
    RdsHandlerTest::SetUp();
    ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  }
  static json instance_input(const std::string& id, const std::string& cluster = "db1") {
    return {{"DBInstanceIdentifier", id},
            {"DBInstanceClass", "db.r6g.large"},
            {"Engine", "aurora-postgresql"},
            {"DBClusterIdentifier", cluster}};
  }
};

TEST_F(RdsInstances, TheFirstInstanceIsTheWriter) {
  auto r = call(rds::create_db_instance, instance_input("DB1-Writer"));
  ASSERT_FALSE(r.error) << r.error->message;
  const json& i = r.output.at("DBInstance");
  EXPECT_EQ(i.at("DBInstanceIdentifier"), "db1-writer");
  EXPECT_EQ(i.at("DBInstanceClass"), "db.r6g.large");
  EXPECT_EQ(i.at("Engine"), "aurora-postgresql");
  EXPECT_EQ(i.at("DBInstanceStatus"), "creating");
  EXPECT_EQ(i.at("DBClusterIdentifier"), "db1");
  EXPECT_EQ(i.at("DBInstanceArn"), "arn:aws:rds:us-east-1:123456789012:db:db1-writer");
  EXPECT_EQ(i.at("DbiResourceId").get<std::string>().rfind("db-", 0), 0u);
  // Its own name: the cluster endpoint with the instance id in place of "<id>.cluster-".
  const std::string cluster_host = store_->get_cluster("db1")->endpoint_host;
  EXPECT_EQ(i.at("Endpoint").at("Address"), "db1-writer." + cluster_host.substr(cluster_host.find(".cluster-") + 9));
  EXPECT_EQ(i.at("Endpoint").at("Port"), 5432);
  EXPECT_EQ(i.at("PubliclyAccessible"), false);
  EXPECT_EQ(i.at("AvailabilityZone"), "us-east-1a");
  EXPECT_EQ(i.at("DomainMemberships"), json::array());
  EXPECT_EQ(i.at("DBSubnetGroup").at("DBSubnetGroupName"), "default");
  auto row = store_->get_instance("db1-writer");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->role, "writer");
  EXPECT_EQ(row->status, "creating");
  EXPECT_GE(row->socket_port, 6000);
  auto cluster = call(rds::describe_db_clusters, {{"DBClusterIdentifier", "db1"}});
  const json& member = cluster.output["DBClusters"][0]["DBClusterMembers"][0];
  EXPECT_EQ(member.at("DBInstanceIdentifier"), "db1-writer");
  EXPECT_EQ(member.at("IsClusterWriter"), true);
  EXPECT_EQ(member.at("PromotionTier"), 1);
}

TEST_F(RdsInstances, CreateRefusesWithAwsErrors) {
  ASSERT_FALSE(call(rds::create_db_instance, instance_input("w")).error);
  auto reader = call(rds::create_db_instance, instance_input("r"));
  EXPECT_EQ(code(reader), "InvalidDBClusterStateFault");
  EXPECT_NE(reader.error->message.find("not supported"), std::string::npos);
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db2")).error);
  EXPECT_EQ(code(call(rds::create_db_instance, instance_input("w", "db2"))), "DBInstanceAlreadyExists");
  EXPECT_EQ(code(call(rds::create_db_instance, instance_input("x", "nope"))), "DBClusterNotFoundFault");
  json no_cluster = instance_input("x");
  no_cluster.erase("DBClusterIdentifier");
  EXPECT_EQ(code(call(rds::create_db_instance, no_cluster)), "InvalidParameterValue");
  json bad_class = instance_input("x", "db2");
  bad_class["DBInstanceClass"] = "db.m1.tiny";
  EXPECT_EQ(code(call(rds::create_db_instance, bad_class)), "InvalidParameterCombination");
  json master = instance_input("x", "db2");
  master["MasterUsername"] = "postgres";
  EXPECT_EQ(code(call(rds::create_db_instance, master)), "InvalidParameterCombination");
  json public_one = instance_input("x", "db2");
  public_one["PubliclyAccessible"] = true;
  EXPECT_EQ(code(call(rds::create_db_instance, public_one)), "InvalidParameterValue");
  EXPECT_EQ(code(call(rds::create_db_instance, instance_input("-x", "db2"))), "InvalidParameterValue");
  EXPECT_TRUE(store_->list_instances("db2")->empty());
}

TEST_F(RdsInstances, DescribeModifyRebootDelete) {
  ASSERT_FALSE(call(rds::create_db_instance, instance_input("w")).error);
  EXPECT_EQ(call(rds::describe_db_instances, json::object()).output.at("DBInstances").size(), 1u);
  auto missing = call(rds::describe_db_instances, {{"DBInstanceIdentifier", "nope"}});
  EXPECT_EQ(code(missing), "DBInstanceNotFound");
  EXPECT_EQ(status(missing), 404);
  auto by_cluster = call(rds::describe_db_instances,
                         {{"Filters", json::array({{{"Name", "db-cluster-id"}, {"Values", json::array({"db2"})}}})}});
  EXPECT_TRUE(by_cluster.output.at("DBInstances").empty());

  // Not yet available: reboot and modify wait.
  EXPECT_EQ(code(call(rds::reboot_db_instance, {{"DBInstanceIdentifier", "w"}})), "InvalidDBInstanceState");
  ASSERT_TRUE(store_->update_instance_status("w", "available").ok());
  auto m = call(rds::modify_db_instance, {{"DBInstanceIdentifier", "w"}, {"DBInstanceClass", "db.r6g.xlarge"}});
  ASSERT_FALSE(m.error) << m.error->message;
  EXPECT_EQ(m.output["DBInstance"]["DBInstanceClass"], "db.r6g.xlarge");
  EXPECT_EQ(code(call(rds::modify_db_instance, {{"DBInstanceIdentifier", "w"}, {"MasterUserPassword", "x1234567890"}})),
            "InvalidParameterCombination");

  wakes = 0;
  auto rb = call(rds::reboot_db_instance, {{"DBInstanceIdentifier", "w"}});
  ASSERT_FALSE(rb.error);
  EXPECT_EQ(rb.output["DBInstance"]["DBInstanceStatus"], "rebooting");
  EXPECT_EQ(store_->get_instance("w")->status, "rebooting");
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(code(call(rds::reboot_db_instance, {{"DBInstanceIdentifier", "w"}, {"ForceFailover", true}})),
            "InvalidParameterCombination");

  auto del = call(rds::delete_db_instance, {{"DBInstanceIdentifier", "w"}, {"SkipFinalSnapshot", true}});
  ASSERT_FALSE(del.error);
  EXPECT_EQ(del.output["DBInstance"]["DBInstanceStatus"], "deleting");
  EXPECT_EQ(store_->get_instance("w")->status, "deleting");
  EXPECT_EQ(code(call(rds::delete_db_instance, {{"DBInstanceIdentifier", "w"}})), "InvalidDBInstanceState");
  EXPECT_EQ(code(call(rds::delete_db_instance, {{"DBInstanceIdentifier", "nope"}})), "DBInstanceNotFound");
}

TEST_F(RdsInstances, TheWriterOfACliClusterGetsAStableResourceId) {
  auto cli = request_create_cluster(*store_, {"cli", "postgres", Secret("correct-horse-9"), false, 5432});
  ASSERT_TRUE(cli.ok());
  auto first = call(rds::describe_db_instances, {{"DBInstanceIdentifier", "cli-1"}});
  ASSERT_FALSE(first.error) << first.error->message;
  const std::string id = first.output["DBInstances"][0]["DbiResourceId"];
  EXPECT_EQ(id.rfind("db-", 0), 0u);
  auto again = call(rds::describe_db_instances, {{"DBInstanceIdentifier", "cli-1"}});
  EXPECT_EQ(again.output["DBInstances"][0]["DbiResourceId"], id);
  // The CLI's cluster already has its writer: no second one through the API.
  EXPECT_EQ(code(call(rds::create_db_instance, instance_input("cli-2", "cli"))), "InvalidDBClusterStateFault");
}

}  // namespace
}  // namespace borealis::server
