// RDS tags through the handlers on a real store: the Tags of the Create… calls, the three tagging
// calls by ARN, TagList in the describe outputs, AWS's limits, and tags going with their resource.
#include <gtest/gtest.h>

#include "server/rds_handlers.h"
#include "server/rds_tags.h"
#include "server/rds_test_support.h"

namespace borealis::server {
namespace {

using nlohmann::json;

constexpr const char* kClusterArn = "arn:aws:rds:us-east-1:123456789012:cluster:db1";

class RdsTags : public testing::RdsHandlerTest {
 protected:
  json list(const std::string& arn) {
    auto r = call(rds::list_tags_for_resource, {{"ResourceName", arn}});
    EXPECT_FALSE(r.error) << r.error->code << ": " << r.error->message;
    return r.error ? json() : r.output.at("TagList");
  }
  api::Reply add(const std::string& arn, json tags) {
    return call(rds::add_tags_to_resource, {{"ResourceName", arn}, {"Tags", std::move(tags)}});
  }
  static json tag(const std::string& key, const std::string& value) { return {{"Key", key}, {"Value", value}}; }
};

TEST_F(RdsTags, ClusterTagsFromCreateAreShownListedChangedAndRemoved) {
  json input = cluster_input("db1");
  input["Tags"] = {tag("team", "payments"), tag("env", "prod")};
  auto created = call(rds::create_db_cluster, input);
  ASSERT_FALSE(created.error) << created.error->message;
  const json sorted = {tag("env", "prod"), tag("team", "payments")};
  EXPECT_EQ(created.output.at("DBCluster").at("TagList"), sorted);
  EXPECT_EQ(call(rds::describe_db_clusters, {{"DBClusterIdentifier", "db1"}}).output["DBClusters"][0].at("TagList"), sorted);
  EXPECT_EQ(list(kClusterArn), sorted);

  // Added keys join, a repeated key takes the new value; removing ignores keys that are not there.
  ASSERT_FALSE(add(kClusterArn, {tag("env", "staging"), tag("owner", "")}).error);
  EXPECT_EQ(list(kClusterArn), json({tag("env", "staging"), tag("owner", ""), tag("team", "payments")}));
  auto removed = call(rds::remove_tags_from_resource, {{"ResourceName", kClusterArn}, {"TagKeys", {"team", "nope"}}});
  ASSERT_FALSE(removed.error) << removed.error->message;
  EXPECT_EQ(list(kClusterArn), json({tag("env", "staging"), tag("owner", "")}));
  // The identifier in an ARN is case-insensitive, as the cluster's.
  EXPECT_EQ(list("arn:aws:rds:us-east-1:123456789012:cluster:DB1").size(), 2u);
}

TEST_F(RdsTags, InstancesSubnetGroupsAndParameterGroupsKeepTheirTags) {
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  auto instance = call(rds::create_db_instance, {{"DBInstanceIdentifier", "db1-writer"},
                                                 {"DBInstanceClass", "db.r6g.large"},
                                                 {"Engine", "aurora-postgresql"},
                                                 {"DBClusterIdentifier", "db1"},
                                                 {"Tags", {tag("role", "writer")}}});
  ASSERT_FALSE(instance.error) << instance.error->message;
  EXPECT_EQ(instance.output.at("DBInstance").at("TagList"), json({tag("role", "writer")}));
  EXPECT_EQ(list("arn:aws:rds:us-east-1:123456789012:db:db1-writer"), json({tag("role", "writer")}));

  auto group = call(rds::create_db_subnet_group, {{"DBSubnetGroupName", "grp"},
                                                  {"DBSubnetGroupDescription", "d"},
                                                  {"SubnetIds", {"subnet-0123abcd", "subnet-4567ef01"}},
                                                  {"Tags", {tag("k", "v")}}});
  ASSERT_FALSE(group.error) << group.error->message;
  const std::string group_arn = "arn:aws:rds:us-east-1:123456789012:subgrp:grp";
  EXPECT_EQ(list(group_arn), json({tag("k", "v")}));

  auto pg = call(rds::create_db_cluster_parameter_group, {{"DBClusterParameterGroupName", "pg1"},
                                                          {"DBParameterGroupFamily", "aurora-postgresql15"},
                                                          {"Description", "d"},
                                                          {"Tags", {tag("k", "v")}}});
  ASSERT_FALSE(pg.error) << pg.error->message;
  EXPECT_EQ(list("arn:aws:rds:us-east-1:123456789012:cluster-pg:pg1"), json({tag("k", "v")}));

  // A group deleted and made again under its name starts untagged.
  ASSERT_FALSE(call(rds::delete_db_subnet_group, {{"DBSubnetGroupName", "grp"}}).error);
  EXPECT_EQ(code(call(rds::list_tags_for_resource, {{"ResourceName", group_arn}})), "DBSubnetGroupNotFoundFault");
  ASSERT_FALSE(call(rds::create_db_subnet_group, {{"DBSubnetGroupName", "grp"},
                                                  {"DBSubnetGroupDescription", "d"},
                                                  {"SubnetIds", {"subnet-0123abcd", "subnet-4567ef01"}}})
                   .error);
  EXPECT_EQ(list(group_arn), json::array());
}

TEST_F(RdsTags, KeysAndValuesFollowAwsRules) {
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  const std::string long_key(129, 'k');
  const std::string long_value(257, 'v');
  for (const json& bad : {tag("aws:owner", "x"), tag("RDS:x", "x"), tag("", "x"), tag(long_key, "x"), tag("k", long_value),
                          tag("semi;colon", "x"), tag("k", "new\nline"), json{{"Value", "no key"}}}) {
    auto r = add(kClusterArn, {bad});
    EXPECT_EQ(code(r), "InvalidParameterValue") << bad.dump();
    EXPECT_EQ(status(r), 400);
  }
  EXPECT_EQ(code(add(kClusterArn, {tag("k", "1"), tag("k", "2")})), "InvalidParameterValue");
  // Letters outside ASCII count as one character each: 128 of them fit a key.
  std::string wide;
  for (int i = 0; i < 128; ++i) wide += "\xC3\xA9";  // é
  EXPECT_FALSE(add(kClusterArn, {tag(wide, "ÿ @+=.:/_-")}).error);
  EXPECT_EQ(code(add(kClusterArn, {tag(wide + "\xC3\xA9", "x")})), "InvalidParameterValue");
  EXPECT_EQ(list(kClusterArn).size(), 1u);  // nothing of the refused calls was kept
}

TEST_F(RdsTags, AtMostFiftyTagsAndARefusedCallKeepsNothing) {
  json first = json::array();
  for (int i = 0; i < 45; ++i) first.push_back(tag("k" + std::to_string(i), "v"));
  json input = cluster_input("db1");
  input["Tags"] = first;
  ASSERT_FALSE(call(rds::create_db_cluster, input).error);
  json more = json::array();
  for (int i = 45; i < 51; ++i) more.push_back(tag("k" + std::to_string(i), "v"));
  auto over = add(kClusterArn, more);
  EXPECT_EQ(code(over), "InvalidParameterValue");
  EXPECT_NE(over.error->message.find("at most 50 tags"), std::string::npos) << over.error->message;
  EXPECT_EQ(list(kClusterArn).size(), 45u);
  more.erase(more.size() - 1);
  EXPECT_FALSE(add(kClusterArn, more).error);  // exactly 50
  EXPECT_EQ(list(kClusterArn).size(), 50u);
  EXPECT_FALSE(add(kClusterArn, {tag("k0", "overwritten")}).error);  // overwriting adds no key

  // A Create… with a bad tag creates nothing.
  json bad = cluster_input("db2");
  bad["Tags"] = {tag("aws:x", "y")};
  EXPECT_EQ(code(call(rds::create_db_cluster, bad)), "InvalidParameterValue");
  EXPECT_EQ(code(call(rds::describe_db_clusters, {{"DBClusterIdentifier", "db2"}})), "DBClusterNotFoundFault");
}

TEST_F(RdsTags, ResourceNamesMustBeArnsOfResourcesThatExistHere) {
  ASSERT_FALSE(call(rds::create_db_cluster, cluster_input("db1")).error);
  auto missing = call(rds::list_tags_for_resource, {{"ResourceName", "arn:aws:rds:us-east-1:123456789012:cluster:nope"}});
  EXPECT_EQ(code(missing), "DBClusterNotFoundFault");
  EXPECT_EQ(status(missing), 404);
  EXPECT_EQ(code(call(rds::list_tags_for_resource, {{"ResourceName", "arn:aws:rds:us-east-1:123456789012:db:nope"}})),
            "DBInstanceNotFound");
  EXPECT_EQ(code(call(rds::list_tags_for_resource, {{"ResourceName", "arn:aws:rds:us-east-1:123456789012:cluster-pg:nope"}})),
            "DBParameterGroupNotFound");
  for (const char* bad : {"db1", "arn:aws:rds:us-east-1:123456789012:cluster", "arn:aws:ec2:us-east-1:123456789012:cluster:db1",
                          "arn:aws:rds:eu-west-1:123456789012:cluster:db1", "arn:aws:rds:us-east-1:210987654321:cluster:db1",
                          "arn:aws:rds:us-east-1:123456789012:snapshot:s1", "arn:aws:rds:us-east-1:123456789012:cluster:"}) {
    EXPECT_EQ(code(add(bad, {tag("k", "v")})), "InvalidParameterValue") << bad;
  }
  EXPECT_EQ(code(call(rds::list_tags_for_resource, json::object())), "MissingParameter");
  EXPECT_EQ(code(call(rds::remove_tags_from_resource, {{"ResourceName", kClusterArn}})), "MissingParameter");
  EXPECT_EQ(code(call(rds::list_tags_for_resource,
                      {{"ResourceName", kClusterArn}, {"Filters", {{{"Name", "key"}, {"Values", {"k"}}}}}})),
            "InvalidParameterValue");
  // A deleted cluster's ARN names nothing.
  ASSERT_TRUE(store_->delete_cluster("db1").ok());
  EXPECT_EQ(code(call(rds::list_tags_for_resource, {{"ResourceName", kClusterArn}})), "DBClusterNotFoundFault");
}

TEST_F(RdsTags, TaggingIsAuthorisedOnTheNamedArn) {
  api::CallContext context{*store_, settings_, caller_, "rds", "ListTagsForResource", region_};
  EXPECT_EQ(rds::tag_resource(context, {{"ResourceName", kClusterArn}}), kClusterArn);
  EXPECT_EQ(rds::tag_resource(context, json::object()), "*");
}

}  // namespace
}  // namespace borealis::server
