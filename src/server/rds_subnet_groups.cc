// CreateDBSubnetGroup, DescribeDBSubnetGroups, DeleteDBSubnetGroup. The subnets must exist and share
// one VPC (checked through the EC2 view of rds_network.h when the control plane installed it; the
// format only otherwise). "default" stands for the region's default VPC and is never stored.
#include <algorithm>
#include <cctype>
#include <set>

#include "server/rds_handlers.h"
#include "server/rds_network.h"
#include "server/rds_shapes.h"
#include "server/rds_tags.h"
#include "store/rds_tables.h"

namespace borealis::server::rds {
namespace {

constexpr std::size_t kMaxNameLength = 255;         // AWS: DBSubnetGroupName
constexpr std::size_t kMaxDescriptionLength = 255;  // keeps a row small; AWS does not document one
constexpr std::size_t kMaxSubnets = 20;             // AWS quota: subnets per DB subnet group
constexpr std::size_t kMinZones = 2;                // AWS: a DB subnet group covers at least two AZs

std::optional<api::Reply> check_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength)
    return fail(kInvalidParameterValue, "DBSubnetGroupName must be 1 to 255 characters");
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ' ' && c != '-')
      return fail(kInvalidParameterValue,
                  "DBSubnetGroupName may contain only letters, digits, periods, underscores, spaces and hyphens");
  }
  return std::nullopt;
}

bool valid_subnet_id(const std::string& id) {
  if (id.rfind("subnet-", 0) != 0) return false;
  const std::string hex = id.substr(7);
  return (hex.size() == 8 || hex.size() == 17) &&
         std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<std::string> name_of(Input& in) {
  auto name = in.string("DBSubnetGroupName");
  if (!name) return std::nullopt;
  return lower(*name);
}

}  // namespace

std::string subnet_group_resource(const api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  if (!name || in.error()) return "*";
  return arn(context, "subgrp", *name);
}

api::Reply create_db_subnet_group(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  auto description = in.string("DBSubnetGroupDescription");
  auto subnet_ids = in.strings("SubnetIds", kMaxSubnets);
  std::vector<store::ResourceTag> tags;
  if (in.error() == std::nullopt) {
    if (auto r = read_tags(in, "Tags", tags)) return *r;
  }
  if (in.error()) {
    if (input.is_object() && input.contains("SubnetIds") && input["SubnetIds"].is_array() &&
        input["SubnetIds"].size() > kMaxSubnets)
      return fail(kDBSubnetQuotaExceeded, "A DB subnet group may have at most 20 subnets");
    return *in.error();
  }
  if (!name) return fail(kMissingParameter, "The request must contain the parameter DBSubnetGroupName");
  if (!description) return fail(kMissingParameter, "The request must contain the parameter DBSubnetGroupDescription");
  if (!subnet_ids || subnet_ids->empty()) return fail(kMissingParameter, "The request must contain the parameter SubnetIds");
  if (auto r = check_name(*name)) return *r;
  if (*name == store::kDefaultSubnetGroup) return fail(kInvalidParameterValue, "DBSubnetGroupName must not be default");
  if (description->size() > kMaxDescriptionLength)
    return fail(kInvalidParameterValue, "DBSubnetGroupDescription must be at most 255 characters");

  std::vector<std::string> subnets;
  for (const auto& id : *subnet_ids) {
    if (!valid_subnet_id(id)) return fail(kInvalidSubnet, "Invalid subnet id " + id + ": expected subnet- and 8 or 17 hex digits");
    if (std::find(subnets.begin(), subnets.end(), id) == subnets.end()) subnets.push_back(id);
  }
  std::string vpc_id;
  if (rds_network().subnet) {
    std::set<std::string> zones;
    for (const auto& id : subnets) {
      auto info = rds_network().subnet(context.store, id);
      if (!info.ok()) return fail(info.error());
      if (!*info) return fail(kInvalidSubnet, "The subnet " + id + " does not exist");
      if (!vpc_id.empty() && (*info)->vpc_id != vpc_id)
        return fail(kInvalidSubnet, "The subnets of a DB subnet group must all be in one VPC (" + vpc_id + " and " +
                                        (*info)->vpc_id + ")");
      vpc_id = (*info)->vpc_id;
      zones.insert((*info)->availability_zone);
    }
    if (zones.size() < kMinZones)
      return fail(kDBSubnetGroupDoesNotCoverEnoughAZs,
                  "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: " +
                      *zones.begin() + ". Add subnets to cover at least 2 AZs.");
  }
  // TODO(lead): without the EC2 view (rds_network.h) the VPC is unknown and stays empty.
  store::DbSubnetGroupRecord record{*name, *description, vpc_id, subnets, ""};
  store::RdsTables rds(context.store);
  Result<store::DbSubnetGroupRecord> created = make_error(Errc::internal, "not created");
  Status tx = context.store.transaction([&]() -> Status {
    created = rds.create_subnet_group(record);
    if (!created.ok()) return created.error();
    return rds.put_tags({"subgrp", created->name}, tags);
  });
  if (!tx) return fail(tx.error(), kInvalidParameterValue, kDBSubnetGroupAlreadyExists);
  return api::Reply::ok({{"DBSubnetGroup", render_subnet_group(context, *created)}});
}

api::Reply describe_db_subnet_groups(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  if (auto refused = in.refuse_filters()) return *refused;
  Page page;
  if (auto r = read_page(input, page)) return *r;
  store::RdsTables rds(context.store);
  return paged(describe_named(
      name, "DBSubnetGroups", [&](const std::string& n) { return rds.get_subnet_group(n); },
      [&] { return rds.list_subnet_groups(); }, [&](const store::DbSubnetGroupRecord& g) { return render_subnet_group(context, g); },
      kDBSubnetGroupNotFound, "DB Subnet group '" + name.value_or("") + "' not found."),
      page, "DBSubnetGroups", "DBSubnetGroupName");
}

api::Reply delete_db_subnet_group(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  if (in.error()) return *in.error();
  if (!name) return fail(kMissingParameter, "The request must contain the parameter DBSubnetGroupName");
  if (*name == store::kDefaultSubnetGroup) return fail(kInvalidParameterValue, "The default DB subnet group cannot be deleted");
  store::RdsTables rds(context.store);
  Status tx = context.store.transaction([&]() -> Status {
    auto users = rds.clusters_using_subnet_group(*name);
    if (!users.ok()) return std::move(users).error();
    if (!users->empty())
      return make_error(Errc::already_exists, "Cannot delete the subnet group '" + *name + "' because it is in use by DB cluster " +
                                                  users->front());
    return rds.delete_subnet_group(*name);
  });
  if (!tx) {
    if (tx.error().code == Errc::not_found) return fail(kDBSubnetGroupNotFound, "DB Subnet group '" + *name + "' not found.");
    return fail(tx.error(), kDBSubnetGroupNotFound, kInvalidDBSubnetGroupState);
  }
  return api::Reply::ok();
}

}  // namespace borealis::server::rds
