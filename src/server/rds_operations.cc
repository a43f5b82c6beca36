// The RDS operation table (see rds_operations.h). Resources follow AWS's authorisation: clusters
// arn:aws:rds:REGION:ACCT:cluster:ID, instances …:db:ID, subnet groups …:subgrp:NAME, cluster
// parameter groups …:cluster-pg:NAME; describe calls without a name and the engine catalogue "*"; the
// tagging calls the ARN they name.
#include "server/rds_operations.h"

#include "server/rds_handlers.h"
#include "server/rds_tags.h"

namespace borealis::server {
namespace {

using namespace rds;

constexpr api::Operation kOperations[] = {
    {"CreateDBCluster", create_db_cluster, cluster_resource},
    {"DescribeDBClusters", describe_db_clusters, cluster_resource},
    {"ModifyDBCluster", modify_db_cluster, cluster_resource},
    {"DeleteDBCluster", delete_db_cluster, cluster_resource},
    {"CreateDBInstance", create_db_instance, instance_resource},
    {"DescribeDBInstances", describe_db_instances, instance_resource},
    {"ModifyDBInstance", modify_db_instance, instance_resource},
    {"DeleteDBInstance", delete_db_instance, instance_resource},
    {"RebootDBInstance", reboot_db_instance, instance_resource},
    {"CreateDBSubnetGroup", create_db_subnet_group, subnet_group_resource},
    {"DescribeDBSubnetGroups", describe_db_subnet_groups, subnet_group_resource},
    {"DeleteDBSubnetGroup", delete_db_subnet_group, subnet_group_resource},
    {"CreateDBClusterParameterGroup", create_db_cluster_parameter_group, parameter_group_resource},
    {"DescribeDBClusterParameterGroups", describe_db_cluster_parameter_groups, parameter_group_resource},
    {"DeleteDBClusterParameterGroup", delete_db_cluster_parameter_group, parameter_group_resource},
    {"ModifyDBClusterParameterGroup", modify_db_cluster_parameter_group, parameter_group_resource},
    {"DescribeDBClusterParameters", describe_db_cluster_parameters, parameter_group_resource},
    {"DescribeDBEngineVersions", describe_db_engine_versions, nullptr},
    {"DescribeOrderableDBInstanceOptions", describe_orderable_db_instance_options, nullptr},
    {"AddTagsToResource", add_tags_to_resource, tag_resource},
    {"ListTagsForResource", list_tags_for_resource, tag_resource},
    {"RemoveTagsFromResource", remove_tags_from_resource, tag_resource},
};

}  // namespace

api::ServiceOperations rds_operations() { return {"rds", kOperations}; }

}  // namespace borealis::server
