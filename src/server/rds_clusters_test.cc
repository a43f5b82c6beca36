// CreateDBCluster / DescribeDBClusters / ModifyDBCluster / DeleteDBCluster through a CallContext on a
// real store: output member names as in the botocore model, AWS error codes and statuses, and what
// lands in the store (a verifier, never the password).
#include <gtest/gtest.h>

#include "network/defaults.h"
#include "server/membership.h"
#include "server/cluster_requests.h"
#include "server/rds_handlers.h"
#include "server/rds_tags.h"
#include "server/rds_network.h"
#include "server/rds_test_support.h"
#include "store/network_tables.h"
#include "store/rds_tables.h"

namespace borealis::server {
namespace {

using testing::RdsHandlerTest;
using nlohmann::json;

class RdsClusters : public RdsHandlerTest {};

TEST_F(RdsClusters, CreateAnswersWithTheModelsDBClusterShape) {
  auto r = call(rds::create_db_cluster, cluster_input("MyCluster"));
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(wakes, 1);
  const json& c = r.output.at("DBCluster");
  EXPECT_EQ(c.at("DBClusterIdentifier"), "mycluster");
  EXPECT_EQ(c.at("DBClusterArn"), "arn:aws:rds:us-east-1:123456789012:cluster:mycluster");
  EXPECT_EQ(c.at("DbClusterResourceId").get<std::string>().rfind("cluster-", 0), 0u);
  EXPECT_EQ(c.at("Status"), "creating");
  EXPECT_EQ(c.at("Engine"), "aurora-postgresql");
  EXPECT_EQ(c.at("EngineVersion").get<std::string>().rfind("15", 0), 0u);
  EXPECT_NE(c.at("Endpoint").get<std::string>().find("mycluster.cluster-"), std::string::npos);
  EXPECT_NE(c.at("ReaderEndpoint").get<std::string>().find("mycluster.cluster-ro-"), std::string::npos);
  EXPECT_EQ(c.at("Port"), 5432);
  EXPECT_EQ(c.at("MasterUsername"), "postgres");
  EXPECT_EQ(c.at("IAMDatabaseAuthenticationEnabled"), false);
  EXPECT_EQ(c.at("DomainMemberships"), json::array());
  EXPECT_EQ(c.at("VpcSecurityGroups"), json::array());
  EXPECT_EQ(c.at("DBSubnetGroup"), "default");
  EXPECT_EQ(c.at("DBClusterParameterGroup"), "default.aurora-postgresql15");
  EXPECT_EQ(c.at("DBClusterMembers"), json::array());
  EXPECT_FALSE(c.at("ClusterCreateTime").get<std::string>().empty());
  EXPECT_EQ(c.at("AvailabilityZones").size(), 3u);
  EXPECT_EQ(c.at("DeletionProtection"), false);
  // Aurora's model: no instance until CreateDBInstance; the password is only a verifier.
  EXPECT_TRUE(store_->list_instances("mycluster")->empty());
  auto row = store_->get_cluster("mycluster");
  EXPECT_EQ(row->master_verifier.rfind("SCRAM-SHA-256$4096:", 0), 0u);
  EXPECT_EQ(row->master_verifier.find("correct-horse-9"), std::string::npos);
  EXPECT_EQ(r.output.dump().find("correct-horse-9"), std::string::npos);
  EXPECT_TRUE(store::RdsTables(*store_).cluster_fields("mycluster")->api_managed_instances);
}

TEST_F(RdsClusters, CreateRefusesWithAwsErrors) {
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  auto dup = call(rds::create_db_cluster, cluster_input("DB1"));
  EXPECT_EQ(code(dup), "DBClusterAlreadyExistsFault");
  EXPECT_EQ(status(dup), 400);

  json bad_engine = cluster_input("db2");
  bad_engine["Engine"] = "mysql";
  EXPECT_EQ(code(call(rds::create_db_cluster, bad_engine)), "InvalidParameterValue");

  json bad_id = cluster_input("2db");
  EXPECT_EQ(code(call(rds::create_db_cluster, bad_id)), "InvalidParameterValue");

  json weak = cluster_input("db2");
  weak["MasterUserPassword"] = "short";
  auto w = call(rds::create_db_cluster, weak);
  EXPECT_EQ(code(w), "InvalidParameterValue");
  EXPECT_EQ(w.error->message.find("short"), std::string::npos);

  json no_password = cluster_input("db2");
  no_password.erase("MasterUserPassword");
  EXPECT_EQ(code(call(rds::create_db_cluster, no_password)), "InvalidParameterValue");

  const std::string dir = new_directory("corp.example.com");
  json no_role = cluster_input("db2");
  no_role["Domain"] = dir;
  EXPECT_EQ(code(call(rds::create_db_cluster, no_role)), "InvalidParameterCombination");

  json unknown_domain = cluster_input("db2");
  unknown_domain["Domain"] = "d-0123456789";
  unknown_domain["DomainIAMRoleName"] = "role";
  auto u = call(rds::create_db_cluster, unknown_domain);
  EXPECT_EQ(code(u), "DomainNotFoundFault");
  EXPECT_EQ(status(u), 404);

  json no_group = cluster_input("db2");
  no_group["DBSubnetGroupName"] = "nope";
  EXPECT_EQ(status(call(rds::create_db_cluster, no_group)), 404);
  EXPECT_EQ(code(call(rds::create_db_cluster, no_group)), "DBSubnetGroupNotFoundFault");

  json no_pg = cluster_input("db2");
  no_pg["DBClusterParameterGroupName"] = "nope";
  EXPECT_EQ(code(call(rds::create_db_cluster, no_pg)), "DBClusterParameterGroupNotFound");

  json wrong_type = cluster_input("db2");
  wrong_type["Port"] = "5432";
  EXPECT_EQ(code(call(rds::create_db_cluster, wrong_type)), "InvalidParameterValue");
  EXPECT_EQ(code(call(rds::create_db_cluster, json::array({1, 2}))), "MissingParameter");
  EXPECT_EQ(code(call(rds::create_db_cluster, json("text"))), "MissingParameter");

  // Nothing of the refused calls reached the store.
  EXPECT_EQ(store_->list_clusters()->size(), 1u);
}

TEST_F(RdsClusters, CreateWithADomainShowsThePendingMembership) {
  const std::string dir = new_directory("corp.example.com");
  json in = cluster_input("db1");
  in["Domain"] = dir;
  in["DomainIAMRoleName"] = "rds-directoryservice-kerberos-access-role";
  in["EnableIAMDatabaseAuthentication"] = true;
  auto r = call(rds::create_db_cluster, in);
  ASSERT_FALSE(r.error) << r.error->message;
  const json& c = r.output.at("DBCluster");
  EXPECT_EQ(c.at("IAMDatabaseAuthenticationEnabled"), true);
  ASSERT_EQ(c.at("DomainMemberships").size(), 1u);
  const json& m = c.at("DomainMemberships")[0];
  EXPECT_EQ(m.at("Domain"), dir);
  EXPECT_EQ(m.at("Status"), "pending-enable-kerberos");
  EXPECT_EQ(m.at("FQDN"), "corp.example.com");
  EXPECT_EQ(m.at("IAMRoleName"), "rds-directoryservice-kerberos-access-role");
  EXPECT_EQ(m.size(), 4u);  // the model's members only
}

TEST_F(RdsClusters, DescribeByIdArnAndFilters) {
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db2")).error);
  EXPECT_EQ(call(rds::describe_db_clusters, json::object()).output.at("DBClusters").size(), 2u);
  auto one = call(rds::describe_db_clusters, {{"DBClusterIdentifier", "DB1"}});
  ASSERT_EQ(one.output.at("DBClusters").size(), 1u);
  EXPECT_EQ(one.output["DBClusters"][0]["DBClusterIdentifier"], "db1");
  auto by_arn = call(rds::describe_db_clusters, {{"DBClusterIdentifier", "arn:aws:rds:us-east-1:123456789012:cluster:db2"}});
  ASSERT_FALSE(by_arn.error);
  EXPECT_EQ(by_arn.output["DBClusters"][0]["DBClusterIdentifier"], "db2");
  auto missing = call(rds::describe_db_clusters, {{"DBClusterIdentifier", "nope"}});
  EXPECT_EQ(code(missing), "DBClusterNotFoundFault");
  EXPECT_EQ(status(missing), 404);
  auto filtered = call(rds::describe_db_clusters,
                       {{"Filters", json::array({{{"Name", "db-cluster-id"}, {"Values", json::array({"db2"})}}})}});
  ASSERT_EQ(filtered.output.at("DBClusters").size(), 1u);
  EXPECT_EQ(filtered.output["DBClusters"][0]["DBClusterIdentifier"], "db2");
  EXPECT_EQ(code(call(rds::describe_db_clusters, {{"Filters", json::array({{{"Name", "colour"}, {"Values", {"x"}}}})}})),
            "InvalidParameterValue");
  EXPECT_EQ(code(call(rds::describe_db_clusters, {{"Filters", "x"}})), "InvalidParameterValue");
}

TEST_F(RdsClusters, ModifyChangesPasswordIamAndParameterGroup) {
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  ASSERT_TRUE(store_->update_cluster_status("db1", "available").ok());
  store::InstanceRecord writer{"db1-a", "db1", "writer", "local", 6001, "available", ""};
  ASSERT_TRUE(store_->create_instance(writer).ok());
  const std::string before = store_->get_cluster("db1")->master_verifier;

  ASSERT_TRUE(store::RdsTables(*store_).create_parameter_group({"kerb", "aurora-postgresql15", "k", false}).ok());
  ASSERT_TRUE(store::RdsTables(*store_).set_parameter("kerb", "krb_caseins_users", "1").ok());
  auto r = call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"},
                                         {"MasterUserPassword", "another-horse-7"},
                                         {"EnableIAMDatabaseAuthentication", true},
                                         {"DBClusterParameterGroupName", "kerb"},
                                         {"ApplyImmediately", true}});
  ASSERT_FALSE(r.error) << r.error->message;
  auto c = store_->get_cluster("db1");
  EXPECT_NE(c->master_verifier, before);
  EXPECT_EQ(c->master_verifier.find("another-horse-7"), std::string::npos);
  EXPECT_TRUE(c->iam_auth_enabled);
  EXPECT_TRUE(c->krb_caseins_users);
  // The reconciler re-applies the master role on the instance; the cluster shows it meanwhile.
  EXPECT_EQ(store_->get_instance("db1-a")->status, "resetting-master-credentials");
  EXPECT_EQ(r.output["DBCluster"]["Status"], "resetting-master-credentials");
  EXPECT_EQ(r.output["DBCluster"]["DBClusterParameterGroup"], "kerb");
  EXPECT_EQ(r.output["DBCluster"]["IAMDatabaseAuthenticationEnabled"], true);
  EXPECT_EQ(r.output["DBCluster"]["DBClusterMembers"][0]["IsClusterWriter"], true);

  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "nope"}})), "DBClusterNotFoundFault");
  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"MasterUserPassword", "a b"}})),
            "InvalidParameterValue");
  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"DBClusterParameterGroupName", "x"}})),
            "DBClusterParameterGroupNotFound");
  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"NewDBClusterIdentifier", "db9"}})),
            "InvalidParameterValue");
}

// `aws rds modify-db-cluster --enable-iam-database-authentication` on a cluster made by `borealis cluster
// create` flips IAM auth without making it an API cluster (whose joins would then need a role).
TEST_F(RdsClusters, ModifyOfACliClusterKeepsItACliCluster) {
  auto created = request_create_cluster(*store_, {"cli1", "master", Secret("correct-horse-9"), false, 5432});
  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_TRUE(store_->update_cluster_status("cli1", "available").ok());
  store::RdsTables rds(*store_);
  ASSERT_FALSE(*rds.has_cluster_fields("cli1"));
  auto r = call(rds::modify_db_cluster, {{"DBClusterIdentifier", "cli1"}, {"EnableIAMDatabaseAuthentication", true},
                                         {"ApplyImmediately", true}});
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_TRUE(store_->get_cluster("cli1")->iam_auth_enabled);
  EXPECT_FALSE(*rds.has_cluster_fields("cli1"));
  // Something that lives in the API fields does record them.
  r = call(rds::modify_db_cluster, {{"DBClusterIdentifier", "cli1"}, {"DeletionProtection", true}});
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_TRUE(*rds.has_cluster_fields("cli1"));
}

TEST_F(RdsClusters, ModifyDomainJoinsLeavesAndRetriesAFailedJoin) {
  const std::string dir = new_directory("corp.example.com");
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  ASSERT_TRUE(store_->update_cluster_status("db1", "available").ok());
  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"Domain", dir}})),
            "InvalidParameterCombination");
  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"Domain", "d-0123456789"},
                                               {"DomainIAMRoleName", "r"}})),
            "DomainNotFoundFault");
  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"DomainIAMRoleName", "r"}})),
            "InvalidParameterCombination");

  auto r = call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"Domain", dir}, {"DomainIAMRoleName", "role-a"}});
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(store_->get_cluster("db1")->domain, dir);
  EXPECT_EQ(r.output["DBCluster"]["DomainMemberships"][0]["IAMRoleName"], "role-a");

  // The reconciler failed the join; the same modify again asks for a new attempt.
  ASSERT_TRUE(store_->update_cluster_membership("db1", {dir, std::string(kEnableKerberosFailed), "role not trusted"}).ok());
  r = call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"Domain", dir}, {"DomainIAMRoleName", "role-a"}});
  ASSERT_FALSE(r.error);
  auto c = store_->get_cluster("db1");
  EXPECT_EQ(c->domain_status, "");
  EXPECT_EQ(c->domain_joined, dir);  // what to undo stays known
  EXPECT_EQ(r.output["DBCluster"]["DomainMemberships"][0]["Status"], "pending-enable-kerberos");

  r = call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"Domain", "none"}});
  ASSERT_FALSE(r.error);
  EXPECT_EQ(store_->get_cluster("db1")->domain, "");
  EXPECT_EQ(store::RdsTables(*store_).cluster_fields("db1")->domain_iam_role_name, "");
  EXPECT_EQ(r.output["DBCluster"]["DomainMemberships"][0]["Status"], "pending-disable-kerberos");
}

TEST_F(RdsClusters, DeleteFollowsAwsRules) {
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  EXPECT_EQ(code(call(rds::delete_db_cluster, {{"DBClusterIdentifier", "db1"}})), "InvalidParameterCombination");
  EXPECT_EQ(code(call(rds::delete_db_cluster, {{"DBClusterIdentifier", "db1"}, {"SkipFinalSnapshot", true},
                                               {"FinalDBSnapshotIdentifier", "snap"}})),
            "InvalidParameterCombination");
  EXPECT_EQ(code(call(rds::delete_db_cluster, {{"DBClusterIdentifier", "nope"}, {"SkipFinalSnapshot", true}})),
            "DBClusterNotFoundFault");

  store::InstanceRecord writer{"db1-a", "db1", "writer", "local", 6001, "available", ""};
  ASSERT_TRUE(store_->create_instance(writer).ok());
  auto busy = call(rds::delete_db_cluster, {{"DBClusterIdentifier", "db1"}, {"SkipFinalSnapshot", true}});
  EXPECT_EQ(code(busy), "InvalidDBClusterStateFault");
  EXPECT_NE(busy.error->message.find("db1-a"), std::string::npos);
  ASSERT_TRUE(store_->update_instance_status("db1-a", "deleting").ok());

  // Instances already being deleted do not hold the cluster back.
  auto ok = call(rds::delete_db_cluster, {{"DBClusterIdentifier", "db1"}, {"SkipFinalSnapshot", true}});
  EXPECT_FALSE(ok.error);
  EXPECT_EQ(store_->get_cluster("db1")->status, "deleting");
}

TEST_F(RdsClusters, DeletionProtectionAndTheDeletingStatus) {
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  ASSERT_TRUE(store_->update_cluster_status("db1", "available").ok());
  ASSERT_FALSE(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"DeletionProtection", true}}).error);
  const json del = {{"DBClusterIdentifier", "db1"}, {"SkipFinalSnapshot", true}};
  EXPECT_EQ(code(call(rds::delete_db_cluster, del)), "InvalidParameterCombination");
  ASSERT_FALSE(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"DeletionProtection", false}}).error);
  auto r = call(rds::delete_db_cluster, del);
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.output["DBCluster"]["Status"], "deleting");
  EXPECT_EQ(code(call(rds::delete_db_cluster, del)), "InvalidDBClusterStateFault");
  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}})), "InvalidDBClusterStateFault");
}

// With the EC2 view installed: the default VPC and its default group, and groups of other VPCs refused.
class RdsClustersWithNetwork : public RdsClusters {
 protected:
  void SetUp() override {
    RdsClusters::SetUp();
    RdsNetwork n;
    n.default_vpc = [](store::Store&, const std::string&) -> Result<std::string> { return std::string("vpc-11111111"); };
    n.default_security_group = [](store::Store&, const std::string& vpc) -> Result<std::string> {
      return std::string(vpc == "vpc-11111111" ? "sg-11111111" : "sg-99999999");
    };
    n.security_group_vpc = [](store::Store&, const std::string& id) -> Result<std::optional<std::string>> {
      if (id == "sg-22222222") return std::optional<std::string>("vpc-22222222");
      if (id == "sg-11111111") return std::optional<std::string>("vpc-11111111");
      return std::optional<std::string>();
    };
    set_rds_network(std::move(n));
  }
  void TearDown() override {
    set_rds_network({});
    RdsClusters::TearDown();
  }
};

TEST_F(RdsClustersWithNetwork, DefaultsAndVpcChecks) {
  auto r = call(rds::create_db_cluster, cluster_input("db1"));
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.output["DBCluster"]["VpcSecurityGroups"],
            json::array({{{"VpcSecurityGroupId", "sg-11111111"}, {"Status", "active"}}}));
  EXPECT_EQ(store::RdsTables(*store_).cluster_fields("db1")->vpc_id, "vpc-11111111");
  json other = cluster_input("db2");
  other["VpcSecurityGroupIds"] = {"sg-22222222"};
  EXPECT_EQ(code(call(rds::create_db_cluster, other)), "InvalidParameterCombination");
  other["VpcSecurityGroupIds"] = {"sg-33333333"};
  EXPECT_EQ(code(call(rds::create_db_cluster, other)), "InvalidParameterValue");
  other["VpcSecurityGroupIds"] = {"not-a-group"};
  EXPECT_EQ(code(call(rds::create_db_cluster, other)), "InvalidParameterValue");
  ASSERT_TRUE(store_->update_cluster_status("db1", "available").ok());
  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"VpcSecurityGroupIds", {"sg-22222222"}}})),
            "InvalidParameterCombination");
}

// The view over the real EC2 tables, with the default network EC2 gives every region.
class RdsClustersWithEc2 : public RdsClusters {
 protected:
  void SetUp() override {
    RdsClusters::SetUp();
    const std::vector<std::string> regions{"us-east-1"};
    ASSERT_TRUE(network::ensure_default_network(*store_, regions).ok());
    set_rds_network(rds_network_from_store());
  }
  void TearDown() override {
    set_rds_network({});
    RdsClusters::TearDown();
  }
};

TEST_F(RdsClustersWithEc2, DefaultVpcDefaultGroupAndSubnetGroups) {
  store::NetworkTables ec2(*store_);
  auto vpc = ec2.default_vpc("us-east-1");
  ASSERT_TRUE(vpc.ok() && *vpc);
  auto r = call(rds::create_db_cluster, cluster_input("db1"));
  ASSERT_FALSE(r.error) << r.error->message;
  const std::string default_group = ec2.find_security_group((*vpc)->id, "default")->id;
  EXPECT_EQ(r.output["DBCluster"]["VpcSecurityGroups"][0]["VpcSecurityGroupId"], default_group);
  EXPECT_EQ(store::RdsTables(*store_).cluster_fields("db1")->vpc_id, (*vpc)->id);

  auto subnets = ec2.list_subnets_in_vpc((*vpc)->id);
  ASSERT_GE(subnets->size(), 2u);
  auto g = call(rds::create_db_subnet_group, {{"DBSubnetGroupName", "grp"}, {"DBSubnetGroupDescription", "d"},
                                              {"SubnetIds", {(*subnets)[0].id, (*subnets)[1].id}}});
  ASSERT_FALSE(g.error) << g.error->message;
  EXPECT_EQ(g.output["DBSubnetGroup"]["VpcId"], (*vpc)->id);
  EXPECT_EQ(g.output["DBSubnetGroup"]["Subnets"][0]["SubnetAvailabilityZone"]["Name"], (*subnets)[0].availability_zone);
  EXPECT_EQ(code(call(rds::create_db_subnet_group, {{"DBSubnetGroupName", "g2"}, {"DBSubnetGroupDescription", "d"},
                                                     {"SubnetIds", {"subnet-0123456789abcdef0", (*subnets)[0].id}}})),
            "InvalidSubnet");
  json in = cluster_input("db2");
  in["DBSubnetGroupName"] = "grp";
  in["VpcSecurityGroupIds"] = {"sg-0123456789abcdef0"};
  EXPECT_EQ(code(call(rds::create_db_cluster, in)), "InvalidParameterValue");
}

TEST_F(RdsClusters, AClusterLivesInTheRegionItWasCreatedIn) {
  region_ = "eu-west-1";
  auto created = call(rds::create_db_cluster, cluster_input("db1"));
  ASSERT_FALSE(created.error) << created.error->message;
  const json& c = created.output.at("DBCluster");
  EXPECT_EQ(c.at("DBClusterArn"), "arn:aws:rds:eu-west-1:123456789012:cluster:db1");
  EXPECT_NE(c.at("Endpoint").get<std::string>().find(".eu-west-1."), std::string::npos) << c.at("Endpoint");
  EXPECT_EQ(store_->get_cluster("db1")->region, "eu-west-1");
  ASSERT_FALSE(call(rds::create_db_instance, {{"DBInstanceIdentifier", "db1-w"}, {"DBInstanceClass", "db.r6g.large"},
                                              {"Engine", "aurora-postgresql"}, {"DBClusterIdentifier", "db1"}})
                   .error);

  // From another region it is not there: not listed, not found, not changed, not tagged, no instance.
  region_ = "us-east-1";
  EXPECT_TRUE(call(rds::describe_db_clusters, json::object()).output.at("DBClusters").empty());
  EXPECT_EQ(code(call(rds::describe_db_clusters, {{"DBClusterIdentifier", "db1"}})), "DBClusterNotFoundFault");
  EXPECT_EQ(code(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "db1"}, {"DeletionProtection", true}})),
            "DBClusterNotFoundFault");
  EXPECT_EQ(code(call(rds::delete_db_cluster, {{"DBClusterIdentifier", "db1"}, {"SkipFinalSnapshot", true}})),
            "DBClusterNotFoundFault");
  EXPECT_TRUE(call(rds::describe_db_instances, json::object()).output.at("DBInstances").empty());
  EXPECT_EQ(code(call(rds::describe_db_instances, {{"DBInstanceIdentifier", "db1-w"}})), "DBInstanceNotFound");
  EXPECT_EQ(code(call(rds::list_tags_for_resource, {{"ResourceName", "arn:aws:rds:us-east-1:123456789012:cluster:db1"}})),
            "DBClusterNotFoundFault");
  // Identifiers are unique across regions here (the store keys clusters by id alone).
  EXPECT_EQ(code(call(rds::create_db_cluster, cluster_input("db1"))), "DBClusterAlreadyExistsFault");

  region_ = "eu-west-1";
  EXPECT_EQ(call(rds::describe_db_clusters, json::object()).output.at("DBClusters").size(), 1u);
  EXPECT_EQ(call(rds::describe_db_instances, json::object()).output.at("DBInstances").size(), 1u);
}

}  // namespace
}  // namespace borealis::server
