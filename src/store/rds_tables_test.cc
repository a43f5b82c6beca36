// RdsTables against a real SQLite store in a temp dir: API fields of clusters and instances (and
// that they go with their core rows), subnet groups, parameter groups with the implicit default.
#include "store/rds_tables.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace borealis::store {
namespace {

class RdsTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-rds-tables-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto s = Store::open(dir_ + "/borealis.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::make_unique<Store>(std::move(s).value());
    rds_ = std::make_unique<RdsTables>(*store_);
  }
  void TearDown() override {
    rds_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void make_cluster(const std::string& id, const std::string& address) {
    ClusterRecord c;
    c.id = id;
    c.engine = "aurora-postgresql";
    c.engine_version = "15";
    c.master_username = "postgres";
    c.master_verifier = "SCRAM-SHA-256$4096:x$y:z";
    c.endpoint_host = id + ".example";
    c.endpoint_address = address;
    c.status = "creating";
    ASSERT_TRUE(store_->create_cluster(c).ok());
  }
  void make_instance(const std::string& id, const std::string& cluster, int port) {
    InstanceRecord i;
    i.id = id;
    i.cluster_id = cluster;
    i.socket_port = port;
    i.status = "creating";
    ASSERT_TRUE(store_->create_instance(i).ok());
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RdsTables> rds_;
};

TEST_F(RdsTablesTest, SchemaVersionIncludesTheRdsMigrations) { EXPECT_GE(store_->schema_version(), 8); }

TEST_F(RdsTablesTest, TagsAreSortedOverwrittenAndRemovedPerResource) {
  const TaggedResource c1{"cluster", "c1"};
  const TaggedResource other{"db", "c1"};  // same name, another type: its own tags
  ASSERT_TRUE(rds_->put_tags(c1, {{"team", "db"}, {"env", "prod"}}).ok());
  ASSERT_TRUE(rds_->put_tags(other, {{"env", "dev"}}).ok());
  ASSERT_TRUE(rds_->put_tags(c1, {{"env", "staging"}, {"empty", ""}}).ok());
  auto tags = rds_->tags(c1);
  ASSERT_TRUE(tags.ok()) << tags.error().message;
  EXPECT_EQ(*tags, (std::vector<ResourceTag>{{"empty", ""}, {"env", "staging"}, {"team", "db"}}));
  ASSERT_TRUE(rds_->remove_tags(c1, {"team", "absent"}).ok());
  EXPECT_EQ(*rds_->tags(c1), (std::vector<ResourceTag>{{"empty", ""}, {"env", "staging"}}));
  EXPECT_EQ(*rds_->tags(other), (std::vector<ResourceTag>{{"env", "dev"}}));
  ASSERT_TRUE(rds_->clear_tags(c1).ok());
  EXPECT_TRUE(rds_->tags(c1)->empty());
  EXPECT_EQ(rds_->tags(other)->size(), 1u);
}

TEST_F(RdsTablesTest, TagsGoWithTheirResourceRow) {
  make_cluster("c1", "127.0.0.2");
  make_instance("c1-1", "c1", 6001);
  DbSubnetGroupRecord g{"grp", "my group", "vpc-1", {"subnet-a"}, ""};
  ASSERT_TRUE(rds_->create_subnet_group(g).ok());
  ASSERT_TRUE(rds_->put_tags({"cluster", "c1"}, {{"k", "v"}}).ok());
  ASSERT_TRUE(rds_->put_tags({"db", "c1-1"}, {{"k", "v"}}).ok());
  ASSERT_TRUE(rds_->put_tags({"subgrp", "grp"}, {{"k", "v"}}).ok());

  ASSERT_TRUE(rds_->delete_subnet_group("grp").ok());
  EXPECT_TRUE(rds_->tags({"subgrp", "grp"})->empty());
  // Deleting a cluster removes its instance rows at once (their tags with them); the soft-deleted
  // cluster row keeps its tags until the id is reused, which must start untagged.
  ASSERT_TRUE(store_->delete_cluster("c1").ok());
  EXPECT_TRUE(rds_->tags({"db", "c1-1"})->empty());
  make_cluster("c1", "127.0.0.3");
  EXPECT_TRUE(rds_->tags({"cluster", "c1"})->empty());
}

TEST_F(RdsTablesTest, ClusterWithoutRowReadsAsDefaults) {
  make_cluster("cli", "127.0.10.1");
  auto f = rds_->cluster_fields("cli");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->cluster_id, "cli");
  EXPECT_EQ(f->parameter_group, "default.aurora-postgresql15");
  EXPECT_EQ(f->db_subnet_group, "default");
  EXPECT_FALSE(f->api_managed_instances);
  EXPECT_FALSE(*rds_->has_cluster_fields("cli"));
}

TEST_F(RdsTablesTest, ClusterFieldsRoundTripAndFollowTheCluster) {
  make_cluster("api", "127.0.10.1");
  RdsClusterFields f;
  f.cluster_id = "api";
  f.domain_iam_role_name = "rds-directoryservice-kerberos-access-role";
  f.vpc_id = "vpc-0123456789abcdef0";
  f.vpc_security_group_ids = {"sg-1", "sg-2"};
  f.db_subnet_group = "mygroup";
  f.parameter_group = "kerb";
  f.deletion_protection = true;
  f.api_managed_instances = true;
  ASSERT_TRUE(rds_->put_cluster_fields(f).ok());
  auto r = rds_->cluster_fields("api");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->domain_iam_role_name, f.domain_iam_role_name);
  EXPECT_EQ(r->vpc_id, f.vpc_id);
  EXPECT_EQ(r->vpc_security_group_ids, f.vpc_security_group_ids);
  EXPECT_EQ(r->db_subnet_group, "mygroup");
  EXPECT_EQ(r->parameter_group, "kerb");
  EXPECT_TRUE(r->deletion_protection);
  EXPECT_TRUE(r->api_managed_instances);
  EXPECT_EQ(*rds_->clusters_using_subnet_group("mygroup"), std::vector<std::string>{"api"});
  EXPECT_EQ(*rds_->clusters_using_parameter_group("kerb"), std::vector<std::string>{"api"});

  // A deleted cluster no longer uses anything; reusing its id starts from the defaults.
  ASSERT_TRUE(store_->delete_cluster("api").ok());
  EXPECT_TRUE(rds_->clusters_using_parameter_group("kerb")->empty());
  make_cluster("api", "127.0.10.2");
  EXPECT_FALSE(*rds_->has_cluster_fields("api"));
}

TEST_F(RdsTablesTest, ClusterFieldsNeedALiveClusterAndCleanIds) {
  RdsClusterFields f;
  f.cluster_id = "missing";
  EXPECT_EQ(rds_->put_cluster_fields(f).error().code, Errc::not_found);
  make_cluster("c", "127.0.10.1");
  f.cluster_id = "c";
  f.vpc_security_group_ids = {"sg-1 sg-2"};
  EXPECT_EQ(rds_->put_cluster_fields(f).error().code, Errc::invalid_argument);
}

TEST_F(RdsTablesTest, InstanceFieldsGetAResourceIdAndGoWithTheInstance) {
  make_cluster("c", "127.0.10.1");
  make_instance("c-1", "c", 6000);
  RdsInstanceFields f;
  f.instance_id = "c-1";
  f.instance_class = "db.r6g.xlarge";
  f.availability_zone = "us-east-1a";
  ASSERT_TRUE(rds_->put_instance_fields(f).ok());
  auto r = rds_->instance_fields("c-1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->instance_class, "db.r6g.xlarge");
  EXPECT_EQ(r->availability_zone, "us-east-1a");
  EXPECT_FALSE(r->publicly_accessible);
  EXPECT_EQ(r->dbi_resource_id.rfind("db-", 0), 0u);
  EXPECT_EQ(r->dbi_resource_id.size(), 29u);
  ASSERT_TRUE(store_->delete_instance("c-1").ok());
  EXPECT_TRUE(rds_->instance_fields("c-1")->dbi_resource_id.empty());
  f.instance_id = "nope";
  EXPECT_EQ(rds_->put_instance_fields(f).error().code, Errc::not_found);
}

TEST_F(RdsTablesTest, MasterVerifierAndIamFlag) {
  make_cluster("c", "127.0.10.1");
  ASSERT_TRUE(rds_->set_master_verifier("c", Secret("SCRAM-SHA-256$4096:new$a:b")).ok());
  ASSERT_TRUE(rds_->set_iam_auth_enabled("c", true).ok());
  auto c = store_->get_cluster("c");
  EXPECT_EQ(c->master_verifier, "SCRAM-SHA-256$4096:new$a:b");
  EXPECT_TRUE(c->iam_auth_enabled);
  EXPECT_EQ(rds_->set_iam_auth_enabled("nope", true).error().code, Errc::not_found);
}

TEST_F(RdsTablesTest, SubnetGroups) {
  DbSubnetGroupRecord g{"grp", "my group", "vpc-1", {"subnet-a", "subnet-b"}, ""};
  auto created = rds_->create_subnet_group(g);
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(created->created_at.empty());
  EXPECT_EQ(rds_->create_subnet_group(g).error().code, Errc::already_exists);
  auto r = rds_->get_subnet_group("grp");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->subnet_ids, (std::vector<std::string>{"subnet-a", "subnet-b"}));
  EXPECT_EQ(r->vpc_id, "vpc-1");
  EXPECT_EQ(rds_->list_subnet_groups()->size(), 1u);
  ASSERT_TRUE(rds_->delete_subnet_group("grp").ok());
  EXPECT_EQ(rds_->get_subnet_group("grp").error().code, Errc::not_found);
  EXPECT_EQ(rds_->delete_subnet_group("grp").error().code, Errc::not_found);
}

TEST_F(RdsTablesTest, ParameterGroupsWithTheImplicitDefault) {
  auto def = rds_->get_parameter_group("default.aurora-postgresql15");
  ASSERT_TRUE(def.ok());
  EXPECT_TRUE(def->is_default);
  EXPECT_EQ(rds_->create_parameter_group({"default.aurora-postgresql15", "aurora-postgresql15", "x", false}).error().code,
            Errc::already_exists);
  EXPECT_EQ(rds_->set_parameter("default.aurora-postgresql15", "krb_caseins_users", "1").error().code,
            Errc::invalid_argument);
  EXPECT_EQ(rds_->delete_parameter_group("default.aurora-postgresql15").error().code, Errc::invalid_argument);

  ASSERT_TRUE(rds_->create_parameter_group({"kerb", "aurora-postgresql15", "kerberos", false}).ok());
  EXPECT_EQ(rds_->create_parameter_group({"kerb", "aurora-postgresql15", "again", false}).error().code,
            Errc::already_exists);
  auto list = rds_->list_parameter_groups();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "default.aurora-postgresql15");
  EXPECT_EQ((*list)[1].description, "kerberos");

  ASSERT_TRUE(rds_->set_parameter("kerb", "krb_caseins_users", "1").ok());
  EXPECT_EQ(rds_->parameters("kerb")->at("krb_caseins_users"), "1");
  ASSERT_TRUE(rds_->set_parameter("kerb", "krb_caseins_users", "0").ok());
  EXPECT_EQ(rds_->parameters("kerb")->at("krb_caseins_users"), "0");
  ASSERT_TRUE(rds_->reset_parameter("kerb", "krb_caseins_users").ok());
  EXPECT_TRUE(rds_->parameters("kerb")->empty());
  EXPECT_EQ(rds_->set_parameter("missing", "krb_caseins_users", "1").error().code, Errc::not_found);

  ASSERT_TRUE(rds_->set_parameter("kerb", "krb_caseins_users", "1").ok());
  ASSERT_TRUE(rds_->delete_parameter_group("kerb").ok());
  EXPECT_TRUE(rds_->parameters("kerb")->empty());  // parameters go with their group
  EXPECT_EQ(rds_->get_parameter_group("kerb").error().code, Errc::not_found);
}

}  // namespace
}  // namespace borealis::store
