// The RDS handlers' outputs checked against the botocore model the codec serialises with: every
// member must exist in the operation's output shape with the model's type (the XML writer silently
// leaves out members the shape does not have, so a misspelt name would vanish on the wire), and
// every modelled fault we send carries the model's HTTP status.
#include <gtest/gtest.h>

#include "api/model.h"
#include "server/rds_handlers.h"
#include "server/rds_shapes.h"
#include "server/rds_test_support.h"

namespace borealis::server {
namespace {

using nlohmann::json;

// "" when `value` fits `ref`, else where and why not.
std::string conformance(const api::ServiceModel& model, const api::ShapeRef& ref, const json& value, const std::string& path) {
  const std::string_view type = ref.type();
  if (type == "structure") {
    if (!value.is_object()) return path + ": expected a structure";
    const json* members = ref.get("members");
    for (const auto& [name, member] : value.items()) {
      if (!members || !members->contains(name)) return path + "." + name + ": not a member of " + std::string(ref.name);
      auto sub = model.resolve((*members)[name]);
      if (!sub) return path + "." + name + ": dangling shape";
      if (auto why = conformance(model, sub, member, path + "." + name); !why.empty()) return why;
    }
    return "";
  }
  if (type == "list") {
    if (!value.is_array()) return path + ": expected a list";
    const json* member = ref.get("member");
    if (!member) return path + ": list without member";
    auto sub = model.resolve(*member);
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto why = conformance(model, sub, value[i], path + "[" + std::to_string(i) + "]"); !why.empty()) return why;
    }
    return "";
  }
  if (type == "string" || type == "timestamp") return value.is_string() ? "" : path + ": expected a string";
  if (type == "boolean") return value.is_boolean() ? "" : path + ": expected a boolean";
  if (type == "integer" || type == "long") return value.is_number_integer() ? "" : path + ": expected an integer";
  if (type == "double" || type == "float") return value.is_number() ? "" : path + ": expected a number";
  return path + ": unexpected type " + std::string(type);
}

class RdsModel : public testing::RdsHandlerTest {
 protected:
  // Calls the handler and checks its output against the operation's output shape.
  json checked(const char* action, api::Handler handler, const json& input) {
    auto reply = call(handler, input);
    EXPECT_FALSE(reply.error) << action << ": " << reply.error->message;
    const api::ServiceModel* rds = api::Model::get().service("rds");
    EXPECT_NE(rds, nullptr);
    if (!rds || reply.error) return json::object();
    const json* op = rds->operation(action);
    EXPECT_NE(op, nullptr) << action << " is not in the served model subset";
    if (!op) return json::object();
    auto out = rds->output_of(*op);
    if (!out) {
      EXPECT_EQ(reply.output, json::object()) << action << " has no output shape";
      return reply.output;
    }
    EXPECT_EQ(conformance(*rds, out, reply.output, action), "");
    return reply.output;
  }
};

TEST_F(RdsModel, EveryOutputFitsTheModel) {
  new_directory("corp.example.com");
  const std::string dir = store_->list_directories()->front().id;
  checked("CreateDBClusterParameterGroup", rds::create_db_cluster_parameter_group,
          {{"DBClusterParameterGroupName", "kerb"}, {"DBParameterGroupFamily", "aurora-postgresql15"}, {"Description", "k"}});
  checked("ModifyDBClusterParameterGroup", rds::modify_db_cluster_parameter_group,
          {{"DBClusterParameterGroupName", "kerb"},
           {"Parameters", json::array({{{"ParameterName", "krb_caseins_users"}, {"ParameterValue", "1"}}})}});
  checked("DescribeDBClusterParameterGroups", rds::describe_db_cluster_parameter_groups, json::object());
  checked("DescribeDBClusterParameters", rds::describe_db_cluster_parameters, {{"DBClusterParameterGroupName", "kerb"}});
  checked("CreateDBSubnetGroup", rds::create_db_subnet_group,
          {{"DBSubnetGroupName", "grp"}, {"DBSubnetGroupDescription", "d"}, {"SubnetIds", {"subnet-0123abcd", "subnet-4567abcd"}}});
  checked("DescribeDBSubnetGroups", rds::describe_db_subnet_groups, json::object());
  json cluster = cluster_input("db1");
  cluster["Domain"] = dir;
  cluster["DomainIAMRoleName"] = "role";
  cluster["DBClusterParameterGroupName"] = "kerb";
  cluster["DBSubnetGroupName"] = "grp";
  checked("CreateDBCluster", rds::create_db_cluster, cluster);
  checked("CreateDBInstance", rds::create_db_instance,
          {{"DBInstanceIdentifier", "db1-w"}, {"DBInstanceClass", "db.r6g.large"}, {"Engine", "aurora-postgresql"},
           {"DBClusterIdentifier", "db1"}});
  ASSERT_TRUE(store_->update_cluster_status("db1", "available").ok());
  ASSERT_TRUE(store_->update_instance_status("db1-w", "available").ok());
  checked("DescribeDBClusters", rds::describe_db_clusters, json::object());
  checked("DescribeDBInstances", rds::describe_db_instances, json::object());
  checked("ModifyDBCluster", rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"EnableIAMDatabaseAuthentication", true}});
  checked("ModifyDBInstance", rds::modify_db_instance, {{"DBInstanceIdentifier", "db1-w"}, {"PromotionTier", 2}});
  checked("RebootDBInstance", rds::reboot_db_instance, {{"DBInstanceIdentifier", "db1-w"}});
  checked("DescribeDBEngineVersions", rds::describe_db_engine_versions, json::object());
  checked("DescribeOrderableDBInstanceOptions", rds::describe_orderable_db_instance_options, {{"Engine", "aurora-postgresql"}});
  checked("DeleteDBInstance", rds::delete_db_instance, {{"DBInstanceIdentifier", "db1-w"}});
  checked("DeleteDBCluster", rds::delete_db_cluster, {{"DBClusterIdentifier", "db1"}, {"SkipFinalSnapshot", true}});
  ASSERT_TRUE(store_->delete_cluster("db1").ok());
  checked("DeleteDBSubnetGroup", rds::delete_db_subnet_group, {{"DBSubnetGroupName", "grp"}});
  checked("DeleteDBClusterParameterGroup", rds::delete_db_cluster_parameter_group, {{"DBClusterParameterGroupName", "kerb"}});
}

TEST(RdsModelCheck, TheCheckCatchesMisspeltMembersAndWrongTypes) {
  const api::ServiceModel* rds = api::Model::get().service("rds");
  ASSERT_NE(rds, nullptr);
  auto out = rds->output_of(*rds->operation("DescribeDBClusters"));
  EXPECT_EQ(conformance(*rds, out, {{"DBClusters", json::array({{{"DBClusterIdentifier", "a"}, {"Port", 5432}}})}}, "x"), "");
  EXPECT_NE(conformance(*rds, out, {{"DBClusters", json::array({{{"DBClusterID", "a"}}})}}, "x"), "");
  EXPECT_NE(conformance(*rds, out, {{"DBClusters", json::array({{{"Port", "5432"}}})}}, "x"), "");
  EXPECT_NE(conformance(*rds, out, {{"DBClusters", json::array({{{"DomainMemberships", json::array({{{"Reason", "x"}}})}}})}}, "x"),
            "");
}

TEST(RdsModelFaults, ModelledFaultsCarryTheModelsStatus) {
  const api::ServiceModel* rds = api::Model::get().service("rds");
  ASSERT_NE(rds, nullptr);
  for (const rds::Fault& f : {rds::kDBClusterNotFound, rds::kDBClusterAlreadyExists, rds::kInvalidDBClusterState,
                              rds::kDBInstanceNotFound, rds::kDBInstanceAlreadyExists, rds::kInvalidDBInstanceState,
                              rds::kDomainNotFound, rds::kDBSubnetGroupNotFound, rds::kDBSubnetGroupAlreadyExists,
                              rds::kInvalidDBSubnetGroupState, rds::kDBSubnetGroupDoesNotCoverEnoughAZs, rds::kInvalidSubnet,
                              rds::kDBSubnetQuotaExceeded, rds::kDBClusterParameterGroupNotFound, rds::kDBParameterGroupNotFound,
                              rds::kDBParameterGroupAlreadyExists, rds::kInvalidDBParameterGroupState}) {
    auto info = rds->error_info(f.code);
    EXPECT_TRUE(info.modelled) << f.code;
    EXPECT_EQ(info.code, f.code) << "the wire spelling";
    EXPECT_EQ(info.http_status, f.http_status) << f.code;
  }
}

}  // namespace
}  // namespace borealis::server
