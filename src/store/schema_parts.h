// Internal to the store: schema migrations that live beside the tables they create, so each table
// class owns its DDL. migrations.cc lists them in order; never edit one once released — append.
#pragma once

#include <string_view>

namespace borealis::store {

extern const std::string_view kIamSchemaV5;      // iam_tables.cc: users, access keys, roles, policies, sessions
extern const std::string_view kNetworkSchemaV6;  // network_tables.cc: VPCs, subnets, security groups, peerings
extern const std::string_view kRdsApiSchemaV7;   // rds_tables.cc: cluster API fields, subnet and parameter groups
extern const std::string_view kRdsTagsSchemaV8;  // rds_tables.cc: tags of RDS resources
extern const std::string_view kEc2TagsSchemaV9;  // network_tables.cc: tags of EC2 resources

}  // namespace borealis::store
