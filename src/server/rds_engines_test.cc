// The engine catalogue: version parsing, the installed PostgreSQL, DescribeDBEngineVersions and
// DescribeOrderableDBInstanceOptions (Kerberos = built with GSSAPI AND offered in the region).
#include <gtest/gtest.h>

#include "common/fs.h"
#include "server/rds_engines.h"
#include "server/rds_handlers.h"
#include "server/rds_test_support.h"

namespace borealis::server {
namespace {

using nlohmann::json;

TEST(RdsEngines, ParsesPostgresVersionLines) {
  EXPECT_EQ(rds::parse_postgres_version("postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n"), "15.20");
  EXPECT_EQ(rds::parse_postgres_version("postgres (PostgreSQL) 16beta1"), "16");
  EXPECT_EQ(rds::parse_postgres_version("postgres (PostgreSQL) 15."), "15");
  EXPECT_EQ(rds::parse_postgres_version("bash: postgres: not found"), "");
  EXPECT_EQ(rds::parse_postgres_version("(PostgreSQL) x"), "");
}

TEST(RdsEngines, ProbesTheInstalledPostgres) {
  if (!fs::exists("/usr/lib/postgresql/15/bin/postgres")) GTEST_SKIP() << "PostgreSQL 15 not installed";
  auto e = rds::probe_engine("/usr/lib/postgresql/15/bin");
  EXPECT_EQ(e.major, "15");
  EXPECT_EQ(e.version.rfind("15.", 0), 0u) << e.version;
  EXPECT_TRUE(e.gssapi);  // Debian builds --with-gssapi
  auto missing = rds::probe_engine("/nonexistent");
  EXPECT_EQ(missing.version, "15");
  EXPECT_FALSE(missing.gssapi);
}

TEST(RdsEngines, KerberosRegionsAndClasses) {
  EXPECT_TRUE(rds::kerberos_offered_in("us-east-1"));
  EXPECT_FALSE(rds::kerberos_offered_in("ap-south-2"));
  EXPECT_TRUE(rds::orderable_instance_class("db.r6g.large"));
  EXPECT_FALSE(rds::orderable_instance_class("db.m1.small"));
}

class RdsEngineCalls : public testing::RdsHandlerTest {};

TEST_F(RdsEngineCalls, EngineVersions) {
  auto r = call(rds::describe_db_engine_versions, {{"Engine", "aurora-postgresql"}});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.output.at("DBEngineVersions").size(), 1u);
  const json& v = r.output["DBEngineVersions"][0];
  EXPECT_EQ(v.at("Engine"), "aurora-postgresql");
  EXPECT_EQ(v.at("EngineVersion"), rds::installed_engine().version);
  EXPECT_EQ(v.at("DBParameterGroupFamily"), "aurora-postgresql15");
  EXPECT_EQ(v.at("MajorEngineVersion"), "15");
  EXPECT_TRUE(call(rds::describe_db_engine_versions, {{"Engine", "mysql"}}).output.at("DBEngineVersions").empty());
  EXPECT_TRUE(call(rds::describe_db_engine_versions, {{"EngineVersion", "14.9"}}).output.at("DBEngineVersions").empty());
}

TEST_F(RdsEngineCalls, OrderableOptionsSayWhereKerberosIs) {
  auto r = call(rds::describe_orderable_db_instance_options, {{"Engine", "aurora-postgresql"}, {"DBInstanceClass", "db.r6g.large"}});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.output.at("OrderableDBInstanceOptions").size(), 1u);
  const json& o = r.output["OrderableDBInstanceOptions"][0];
  EXPECT_EQ(o.at("DBInstanceClass"), "db.r6g.large");
  EXPECT_EQ(o.at("SupportsKerberosAuthentication"), rds::installed_engine().gssapi);
  EXPECT_EQ(o.at("SupportsIAMDatabaseAuthentication"), true);
  EXPECT_EQ(o.at("AvailabilityZones")[0]["Name"], "us-east-1a");
  EXPECT_GT(call(rds::describe_orderable_db_instance_options, {{"Engine", "aurora-postgresql"}})
                .output.at("OrderableDBInstanceOptions")
                .size(),
            5u);
  EXPECT_TRUE(call(rds::describe_orderable_db_instance_options, {{"Engine", "mysql"}})
                  .output.at("OrderableDBInstanceOptions")
                  .empty());
  EXPECT_EQ(code(call(rds::describe_orderable_db_instance_options, json::object())), "MissingParameter");
  region_ = "ap-south-2";  // AWS does not offer Kerberos there
  auto elsewhere = call(rds::describe_orderable_db_instance_options, {{"Engine", "aurora-postgresql"}});
  EXPECT_EQ(elsewhere.output["OrderableDBInstanceOptions"][0]["SupportsKerberosAuthentication"], false);
  EXPECT_EQ(elsewhere.output["OrderableDBInstanceOptions"][0]["AvailabilityZones"][0]["Name"], "ap-south-2a");
}

}  // namespace
}  // namespace borealis::server
