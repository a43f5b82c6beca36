// Errors, input reading, ARNs and output shapes of the RDS handlers (see rds_shapes.h).
#include "server/rds_shapes.h"

#include <algorithm>
#include <cctype>

#include "server/cluster_requests.h"
#include "server/membership.h"
#include "server/rds_network.h"
#include "server/rds_tags.h"

namespace borealis::server::rds {
namespace {

// Aurora PostgreSQL's defaults for what borealis does not model (backups, storage).
constexpr int kBackupRetentionDays = 1;
constexpr int kAllocatedStorage = 1;
constexpr int kPromotionTierDefault = 1;

nlohmann::json security_groups(const std::vector<std::string>& ids) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& id : ids) out.push_back({{"VpcSecurityGroupId", id}, {"Status", "active"}});
  return out;
}


// The cluster's status as AWS would show it: a pending master-password reset shows on the cluster.
std::string shown_cluster_status(const store::ClusterRecord& c, const std::vector<store::InstanceRecord>& instances) {
  if (c.status != "available") return c.status;
  for (const auto& i : instances) {
    if (i.status == "resetting-master-credentials") return i.status;
  }
  return c.status;
}

}  // namespace

api::Reply fail(Fault fault, std::string message) {
  return api::Reply::fail(std::string(fault.code), std::move(message), fault.http_status);
}

api::Reply fail(const Error& error, Fault not_found, Fault exists) {
  switch (error.code) {
    case Errc::not_found: return fail(not_found, error.message);
    case Errc::already_exists: return fail(exists, error.message);
    case Errc::invalid_argument:
    case Errc::too_large: return fail(kInvalidParameterValue, error.message);
    default: return fail(kInternalFailure, "internal error: " + error.message);
  }
}

const nlohmann::json* Input::member(const char* name) {
  if (!input_.is_object()) return nullptr;
  auto it = input_.find(name);
  if (it == input_.end() || it->is_null()) return nullptr;
  return &*it;
}

void Input::mismatch(const char* name, const char* expected) {
  if (!error_) error_ = fail(kInvalidParameterValue, std::string("the parameter ") + name + " must be " + expected);
}

std::optional<std::string> Input::string(const char* name) {
  const nlohmann::json* v = member(name);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    mismatch(name, "a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<bool> Input::boolean(const char* name) {
  const nlohmann::json* v = member(name);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    mismatch(name, "a boolean");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<long long> Input::integer(const char* name) {
  const nlohmann::json* v = member(name);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    mismatch(name, "an integer");
    return std::nullopt;
  }
  return v->get<long long>();
}

std::optional<std::vector<std::string>> Input::strings(const char* name, std::size_t max_members) {
  const nlohmann::json* v = member(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    mismatch(name, "a list of strings");
    return std::nullopt;
  }
  if (v->size() > max_members) {
    mismatch(name, ("a list of at most " + std::to_string(max_members) + " strings").c_str());
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (!item.is_string()) {
      mismatch(name, "a list of strings");
      return std::nullopt;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

const nlohmann::json* Input::structures(const char* name, std::size_t max_members) {
  const nlohmann::json* v = member(name);
  if (!v) return nullptr;
  if (!v->is_array() || v->size() > max_members ||
      !std::all_of(v->begin(), v->end(), [](const nlohmann::json& i) { return i.is_object(); })) {
    mismatch(name, ("a list of at most " + std::to_string(max_members) + " structures").c_str());
    return nullptr;
  }
  return v;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Input::filters() {
  // AWS accepts at most 10 filters per call (and 100 values each would already be generous).
  constexpr std::size_t kMaxFilters = 10;
  constexpr std::size_t kMaxFilterValues = 100;
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  const nlohmann::json* list = structures("Filters", kMaxFilters);
  if (!list) return out;
  for (const auto& f : *list) {
    Input one(f);
    auto name = one.string("Name");
    auto values = one.strings("Values", kMaxFilterValues);
    if (one.error() || !name || !values) {
      if (!error_) error_ = fail(kInvalidParameterValue, "each filter needs a Name and a list of Values");
      return {};
    }
    out.emplace_back(*name, *values);
  }
  return out;
}

std::optional<api::Reply> Input::refuse_filters() {
  auto list = filters();
  if (error_) return error_;
  if (!list.empty()) return fail(kInvalidParameterValue, "Unrecognized filter name: " + list.front().first);
  return std::nullopt;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string region_of(const api::CallContext& context) {
  return context.region.empty() ? context.settings.default_region : context.region;
}

std::optional<api::Reply> read_page(const nlohmann::json& input, Page& out) {
  constexpr long long kMinRecords = 20, kMaxRecords = 100;
  Input in(input);
  auto max_records = in.integer("MaxRecords");
  auto marker = in.string("Marker");
  if (in.error()) return in.error();
  if (max_records && (*max_records < kMinRecords || *max_records > kMaxRecords))
    return fail(kInvalidParameterValue, "MaxRecords must be from 20 to 100");
  out.max_records = static_cast<std::size_t>(max_records.value_or(kMaxRecords));
  out.marker = std::move(marker);
  return std::nullopt;
}

api::Reply paged(api::Reply reply, const Page& page, const char* member, const char* key) {
  if (reply.error) return reply;
  nlohmann::json& items = reply.output[member];
  if (!items.is_array()) return reply;
  auto key_of = [key](const nlohmann::json& item) {
    auto it = item.find(key);
    return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::stable_sort(items.begin(), items.end(),
                   [&](const nlohmann::json& a, const nlohmann::json& b) { return key_of(a) < key_of(b); });
  nlohmann::json kept = nlohmann::json::array();
  for (auto& item : items) {
    if (page.marker && key_of(item) < *page.marker) continue;
    if (kept.size() == page.max_records) {
      reply.output["Marker"] = key_of(item);
      break;
    }
    kept.push_back(std::move(item));
  }
  items = std::move(kept);
  return reply;
}

bool in_request_region(const api::CallContext& context, const store::ClusterRecord& cluster) {
  return cluster.region.empty() || cluster.region == region_of(context);
}

std::string arn(const api::CallContext& context, std::string_view type, const std::string& name) {
  return "arn:aws:rds:" + region_of(context) + ":" + context.settings.account_id + ":" + std::string(type) + ":" + name;
}

std::vector<std::string> availability_zones(const std::string& region) { return {region + "a", region + "b", region + "c"}; }

nlohmann::json domain_memberships(store::Store& store, const store::ClusterRecord& c, const std::string& iam_role_name) {
  nlohmann::json out = nlohmann::json::array();
  const std::string& domain = shown_domain(c);
  if (domain.empty()) return out;
  auto d = store.get_directory(domain);
  out.push_back({{"Domain", domain},
                 {"Status", shown_domain_status(c)},
                 {"FQDN", d.ok() ? d->dns_name : ""},
                 {"IAMRoleName", iam_role_name}});
  return out;
}

Result<nlohmann::json> render_cluster(api::CallContext& context, const store::ClusterRecord& c) {
  store::RdsTables rds(context.store);
  auto fields = rds.cluster_fields(c.id);
  if (!fields.ok()) return std::move(fields).error();
  auto instances = context.store.list_instances(c.id);
  if (!instances.ok()) return std::move(instances).error();
  auto tags = tag_list(context.store, {"cluster", c.id});
  if (!tags.ok()) return std::move(tags).error();
  nlohmann::json members = nlohmann::json::array();
  for (const auto& i : *instances) {
    auto f = rds.instance_fields(i.id);
    members.push_back({{"DBInstanceIdentifier", i.id},
                       {"IsClusterWriter", i.role == "writer"},
                       {"DBClusterParameterGroupStatus", "in-sync"},
                       {"PromotionTier", f.ok() ? f->promotion_tier : kPromotionTierDefault}});
  }
  const std::string region = region_of(context);
  return nlohmann::json{
      {"DBClusterIdentifier", c.id},
      {"DBClusterArn", arn(context, "cluster", c.id)},
      {"DbClusterResourceId", c.resource_id},
      {"Status", shown_cluster_status(c, *instances)},
      {"Engine", c.engine},
      {"EngineVersion", c.engine_version},
      {"EngineMode", "provisioned"},
      {"Endpoint", c.endpoint_host},
      {"ReaderEndpoint", reader_endpoint_host(c.endpoint_host)},
      {"Port", c.port},
      {"MasterUsername", c.master_username},
      {"IAMDatabaseAuthenticationEnabled", c.iam_auth_enabled},
      {"DomainMemberships", domain_memberships(context.store, c, fields->domain_iam_role_name)},
      {"VpcSecurityGroups", security_groups(fields->vpc_security_group_ids)},
      {"DBSubnetGroup", fields->db_subnet_group},
      {"DBClusterParameterGroup", fields->parameter_group},
      {"DBClusterMembers", members},
      {"ClusterCreateTime", c.created_at},
      {"AvailabilityZones", availability_zones(region)},
      {"MultiAZ", false},
      {"StorageEncrypted", false},
      {"DeletionProtection", fields->deletion_protection},
      {"HttpEndpointEnabled", false},
      {"CopyTagsToSnapshot", false},
      {"CrossAccountClone", false},
      {"BackupRetentionPeriod", kBackupRetentionDays},
      {"AllocatedStorage", kAllocatedStorage},
      {"AssociatedRoles", nlohmann::json::array()},
      {"TagList", *tags},
      {"NetworkType", "IPV4"},
  };
}

Result<nlohmann::json> render_instance(api::CallContext& context, const store::ClusterRecord& c,
                                       const store::InstanceRecord& i) {
  store::RdsTables rds(context.store);
  auto cluster_fields = rds.cluster_fields(c.id);
  if (!cluster_fields.ok()) return std::move(cluster_fields).error();
  auto f = rds.instance_fields(i.id);
  if (!f.ok()) return std::move(f).error();
  auto tags = tag_list(context.store, {"db", i.id});
  if (!tags.ok()) return std::move(tags).error();
  if (f->dbi_resource_id.empty()) {
    // An instance made with a CLI cluster gets its API fields (and a stable DbiResourceId) the
    // first time the API shows it.
    if (auto s = rds.put_instance_fields(*f); !s) return std::move(s).error();
    f = rds.instance_fields(i.id);
    if (!f.ok()) return std::move(f).error();
  }
  const std::string region = region_of(context);
  nlohmann::json subnet_group = {{"DBSubnetGroupName", cluster_fields->db_subnet_group},
                                 {"VpcId", cluster_fields->vpc_id},
                                 {"SubnetGroupStatus", "Complete"},
                                 {"Subnets", nlohmann::json::array()}};
  if (auto g = rds.get_subnet_group(cluster_fields->db_subnet_group); g.ok())
    subnet_group = render_subnet_group(context, *g);
  return nlohmann::json{
      {"DBInstanceIdentifier", i.id},
      {"DBInstanceClass", f->instance_class},
      {"Engine", f->engine},
      {"EngineVersion", c.engine_version},
      {"DBInstanceStatus", i.status},
      {"MasterUsername", c.master_username},
      // Its own name; the only instance is the writer, so it shares the cluster endpoint's address.
      {"Endpoint", {{"Address", instance_endpoint_host(c.endpoint_host, i.id)}, {"Port", c.port}}},
      {"InstanceCreateTime", i.created_at},
      {"AvailabilityZone", f->availability_zone.empty() ? availability_zones(region).front() : f->availability_zone},
      {"DBClusterIdentifier", c.id},
      {"DbiResourceId", f->dbi_resource_id},
      {"DBInstanceArn", arn(context, "db", i.id)},
      {"DomainMemberships", domain_memberships(context.store, c, cluster_fields->domain_iam_role_name)},
      {"VpcSecurityGroups", security_groups(cluster_fields->vpc_security_group_ids)},
      {"DBSubnetGroup", subnet_group},
      {"DBParameterGroups", nlohmann::json::array({{{"DBParameterGroupName", "default.aurora-postgresql15"},
                                                    {"ParameterApplyStatus", "in-sync"}}})},
      {"PubliclyAccessible", f->publicly_accessible},
      {"MultiAZ", false},
      {"IAMDatabaseAuthenticationEnabled", c.iam_auth_enabled},
      {"PromotionTier", f->promotion_tier},
      {"StorageType", "aurora"},
      {"AllocatedStorage", kAllocatedStorage},
      {"DbInstancePort", 0},
      {"StorageEncrypted", false},
      {"CopyTagsToSnapshot", false},
      {"DeletionProtection", false},
      {"AutoMinorVersionUpgrade", true},
      {"LicenseModel", "postgresql-license"},
      {"BackupRetentionPeriod", kBackupRetentionDays},
      {"PendingModifiedValues", nlohmann::json::object()},
      {"TagList", *tags},
      {"NetworkType", "IPV4"},
  };
}

nlohmann::json render_subnet_group(const api::CallContext& context, const store::DbSubnetGroupRecord& g) {
  nlohmann::json subnets = nlohmann::json::array();
  const RdsNetwork& network = rds_network();
  for (const auto& id : g.subnet_ids) {
    std::string zone;
    if (network.subnet) {
      auto info = network.subnet(context.store, id);
      if (info.ok() && *info) zone = (*info)->availability_zone;
    }
    nlohmann::json s = {{"SubnetIdentifier", id}, {"SubnetStatus", "Active"}};
    if (!zone.empty()) s["SubnetAvailabilityZone"] = {{"Name", zone}};
    subnets.push_back(std::move(s));
  }
  return {{"DBSubnetGroupName", g.name},
          {"DBSubnetGroupDescription", g.description},
          {"VpcId", g.vpc_id},
          {"SubnetGroupStatus", "Complete"},
          {"Subnets", subnets},
          {"DBSubnetGroupArn", arn(context, "subgrp", g.name)},
          {"SupportedNetworkTypes", nlohmann::json::array({"IPV4"})}};
}

nlohmann::json render_parameter_group(const api::CallContext& context, const store::ClusterParameterGroupRecord& g) {
  return {{"DBClusterParameterGroupName", g.name},
          {"DBParameterGroupFamily", g.family},
          {"Description", g.description},
          {"DBClusterParameterGroupArn", arn(context, "cluster-pg", g.name)}};
}

}  // namespace borealis::server::rds
