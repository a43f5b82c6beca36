// CreateDBInstance, DescribeDBInstances, ModifyDBInstance, DeleteDBInstance, RebootDBInstance.
// Instances belong to a cluster (aurora-postgresql); the first is the writer. Readers need
// replication, which borealis does not run yet: a second instance is refused with a message that
// says so. The reconciler starts, stops, restarts and removes the instance processes.
#include <algorithm>

#include "server/cluster_requests.h"
#include "server/rds_engines.h"
#include "server/rds_handlers.h"
#include "server/rds_shapes.h"
#include "server/rds_tags.h"
#include "store/rds_tables.h"

namespace borealis::server::rds {
namespace {

// AWS: DB instance identifiers are at most 63 characters.
constexpr std::size_t kMaxInstanceId = 63;
constexpr long long kMinPromotionTier = 0;
constexpr long long kMaxPromotionTier = 15;

std::optional<api::Reply> check_instance_id(const std::string& id) {
  if (auto s = validate_rds_identifier("DB instance identifier", id, kMaxInstanceId); !s)
    return fail(kInvalidParameterValue, s.error().message);
  return std::nullopt;
}

std::optional<api::Reply> check_instance_class(const std::string& instance_class) {
  if (orderable_instance_class(instance_class)) return std::nullopt;
  return fail(kInvalidParameterCombination, "RDS does not support creating a DB instance with the following combination: "
                                            "DBInstanceClass=" + instance_class + ", Engine=aurora-postgresql, EngineVersion=" +
                                                installed_engine().version + ", LicenseModel=postgresql-license.");
}

// The instance and its cluster (live), or why not.
struct Found {
  store::InstanceRecord instance;
  store::ClusterRecord cluster;
};
// The instance (of a cluster in the request's region) and its cluster, or why not.
Result<Found> find_instance(const api::CallContext& context, const std::string& id) {
  auto i = context.store.get_instance(id);
  if (!i.ok()) {
    if (i.error().code == Errc::not_found) return make_error(Errc::not_found, "DBInstance " + id + " not found.");
    return std::move(i).error();
  }
  auto c = context.store.get_cluster(i->cluster_id);
  if (!c.ok() || !in_request_region(context, *c)) return make_error(Errc::not_found, "DBInstance " + id + " not found.");
  return Found{std::move(*i), std::move(*c)};
}

api::Reply instance_reply(api::CallContext& context, const std::string& id) {
  auto found = find_instance(context, id);
  if (!found.ok()) return fail(found.error(), kDBInstanceNotFound);
  auto shape = render_instance(context, found->cluster, found->instance);
  if (!shape.ok()) return fail(shape.error());
  return api::Reply::ok({{"DBInstance", *shape}});
}

std::optional<std::string> instance_id_of(Input& in) {
  auto id = in.string("DBInstanceIdentifier");
  if (!id) return std::nullopt;
  return lower(*id);
}

}  // namespace

std::string instance_resource(const api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = instance_id_of(in);
  if (!id || in.error()) return "*";
  return arn(context, "db", *id);
}

api::Reply create_db_instance(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = instance_id_of(in);
  auto instance_class = in.string("DBInstanceClass");
  auto engine = in.string("Engine");
  auto cluster_id = in.string("DBClusterIdentifier");
  auto zone = in.string("AvailabilityZone");
  auto publicly_accessible = in.boolean("PubliclyAccessible");
  auto promotion_tier = in.integer("PromotionTier");
  std::vector<store::ResourceTag> tags;
  if (auto r = read_tags(in, "Tags", tags)) return *r;
  if (in.error()) return *in.error();
  if (!id) return fail(kMissingParameter, "The request must contain the parameter DBInstanceIdentifier");
  if (!instance_class) return fail(kMissingParameter, "The request must contain the parameter DBInstanceClass");
  if (!engine) return fail(kMissingParameter, "The request must contain the parameter Engine");
  if (auto r = check_instance_id(*id)) return *r;
  if (*engine != kEngine) return fail(kInvalidParameterValue, "Invalid DB engine: " + *engine + " (borealis serves aurora-postgresql)");
  if (auto r = check_instance_class(*instance_class)) return *r;
  if (!cluster_id) return fail(kInvalidParameterValue, "The parameter DBClusterIdentifier must be provided for engine aurora-postgresql");
  // Set on the cluster for Aurora, never on one of its instances (AWS refuses them the same way).
  for (const char* cluster_level : {"MasterUsername", "MasterUserPassword", "Domain", "DomainIAMRoleName",
                                    "EnableIAMDatabaseAuthentication", "VpcSecurityGroupIds", "Port"}) {
    if (input.is_object() && input.contains(cluster_level))
      return fail(kInvalidParameterCombination, std::string("The requested DB Instance will be a member of a DB Cluster. Set ") +
                                                    cluster_level + " for the DB Cluster.");
  }
  if (publicly_accessible.value_or(false))
    return fail(kInvalidParameterValue, "PubliclyAccessible: borealis endpoints are private (loopback) only");
  if (promotion_tier && (*promotion_tier < kMinPromotionTier || *promotion_tier > kMaxPromotionTier))
    return fail(kInvalidParameterValue, "PromotionTier must be from 0 to 15");
  const std::string region = region_of(context);
  if (zone) {
    auto zones = availability_zones(region);
    if (std::find(zones.begin(), zones.end(), *zone) == zones.end())
      return fail(kInvalidParameterValue, "Invalid AvailabilityZone " + *zone + " for region " + region);
  }

  auto c = context.store.get_cluster(lower(*cluster_id));
  if (!c.ok() || c->deleted || !in_request_region(context, *c))
    return fail(kDBClusterNotFound, "DBCluster " + lower(*cluster_id) + " not found.");
  if (c->status == "deleting") return fail(kInvalidDBClusterState, "DB cluster " + c->id + " is being deleted");
  if (auto existing = context.store.get_instance(*id); existing.ok())
    return fail(kDBInstanceAlreadyExists, "DB instance already exists");
  auto members = context.store.list_instances(c->id);
  if (!members.ok()) return fail(members.error());
  if (!members->empty())
    return fail(kInvalidDBClusterState, "DB cluster " + c->id + " already has its writer instance (" + members->front().id +
                                            "); reader instances (Aurora Replicas) are not supported by borealis yet");

  Status tx = context.store.transaction([&]() -> Status {
    auto port = context.store.allocate_socket_port();
    if (!port.ok()) return std::move(port).error();
    store::InstanceRecord rec;
    rec.id = *id;
    rec.cluster_id = c->id;
    rec.role = "writer";
    rec.socket_port = *port;
    rec.status = "creating";
    auto created = context.store.create_instance(rec);
    if (!created.ok()) return std::move(created).error();
    store::RdsInstanceFields fields;
    fields.instance_id = *id;
    fields.instance_class = *instance_class;
    fields.engine = std::string(kEngine);
    fields.availability_zone = zone.value_or(availability_zones(region).front());
    fields.promotion_tier = static_cast<int>(promotion_tier.value_or(1));
    store::RdsTables rds(context.store);
    if (auto s = rds.put_instance_fields(fields); !s) return s;
    return rds.put_tags({"db", *id}, tags);
  });
  if (!tx) return fail(tx.error(), kDBClusterNotFound, kDBInstanceAlreadyExists);
  wake(context);
  return instance_reply(context, *id);
}

api::Reply describe_db_instances(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = instance_id_of(in);
  auto filters = in.filters();
  if (in.error()) return *in.error();
  Page page;
  if (auto r = read_page(input, page)) return *r;
  std::vector<Found> found;
  if (id) {
    std::string wanted = *id;
    const std::string prefix = arn(context, "db", "");
    if (wanted.rfind(prefix, 0) == 0) wanted = wanted.substr(prefix.size());
    auto f = find_instance(context, wanted);
    if (!f.ok()) return fail(f.error(), kDBInstanceNotFound);
    found.push_back(std::move(*f));
  } else {
    auto all = context.store.list_all_instances();
    if (!all.ok()) return fail(all.error());
    for (const auto& i : *all) {
      auto f = find_instance(context, i.id);
      if (f.ok()) found.push_back(std::move(*f));
    }
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : found) {
    bool keep = true;
    for (const auto& [name, values] : filters) {
      auto has = [&](const std::string& v) { return std::find(values.begin(), values.end(), v) != values.end(); };
      if (name == "db-instance-id") keep = keep && (has(f.instance.id) || has(arn(context, "db", f.instance.id)));
      else if (name == "db-cluster-id") keep = keep && (has(f.cluster.id) || has(arn(context, "cluster", f.cluster.id)));
      else if (name == "engine") keep = keep && has(f.cluster.engine);
      else return fail(kInvalidParameterValue, "Unrecognized filter name: " + name);
    }
    if (!keep) continue;
    auto shape = render_instance(context, f.cluster, f.instance);
    if (!shape.ok()) return fail(shape.error());
    out.push_back(std::move(*shape));
  }
  return paged(api::Reply::ok({{"DBInstances", out}}), page, "DBInstances", "DBInstanceIdentifier");
}

api::Reply modify_db_instance(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = instance_id_of(in);
  auto instance_class = in.string("DBInstanceClass");
  auto promotion_tier = in.integer("PromotionTier");
  auto publicly_accessible = in.boolean("PubliclyAccessible");
  auto new_id = in.string("NewDBInstanceIdentifier");
  (void)in.boolean("ApplyImmediately");  // every change applies at once
  if (in.error()) return *in.error();
  if (!id) return fail(kMissingParameter, "The request must contain the parameter DBInstanceIdentifier");
  for (const char* cluster_level : {"MasterUserPassword", "Domain", "DomainIAMRoleName", "EnableIAMDatabaseAuthentication",
                                    "VpcSecurityGroupIds"}) {
    if (input.is_object() && input.contains(cluster_level))
      return fail(kInvalidParameterCombination, std::string("The specified DB Instance is a member of a DB Cluster. Modify ") +
                                                    cluster_level + " for the DB Cluster using the ModifyDbCluster API.");
  }
  auto found = find_instance(context, *id);
  if (!found.ok()) return fail(found.error(), kDBInstanceNotFound);
  if (found->instance.status != "available")
    return fail(kInvalidDBInstanceState, "DB instance " + *id + " is not in available state (" + found->instance.status + ")");
  if (new_id && lower(*new_id) != *id)
    return fail(kInvalidParameterValue, "NewDBInstanceIdentifier: renaming a DB instance is not supported by borealis");
  if (publicly_accessible.value_or(false))
    return fail(kInvalidParameterValue, "PubliclyAccessible: borealis endpoints are private (loopback) only");
  if (instance_class) {
    if (auto r = check_instance_class(*instance_class)) return *r;
  }
  if (promotion_tier && (*promotion_tier < kMinPromotionTier || *promotion_tier > kMaxPromotionTier))
    return fail(kInvalidParameterValue, "PromotionTier must be from 0 to 15");
  store::RdsTables rds(context.store);
  auto fields = rds.instance_fields(*id);
  if (!fields.ok()) return fail(fields.error());
  // The class is recorded only: every instance runs with the same resources on this host.
  if (instance_class) fields->instance_class = *instance_class;
  if (promotion_tier) fields->promotion_tier = static_cast<int>(*promotion_tier);
  if (auto s = rds.put_instance_fields(*fields); !s) return fail(s.error(), kDBInstanceNotFound);
  return instance_reply(context, *id);
}

api::Reply delete_db_instance(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = instance_id_of(in);
  (void)in.boolean("SkipFinalSnapshot");  // Aurora instances have no snapshot of their own
  (void)in.boolean("DeleteAutomatedBackups");
  if (in.error()) return *in.error();
  if (!id) return fail(kMissingParameter, "The request must contain the parameter DBInstanceIdentifier");
  if (input.is_object() && input.contains("FinalDBSnapshotIdentifier"))
    return fail(kInvalidParameterCombination, "FinalDBSnapshotIdentifier can not be specified when deleting a DB instance of a DB cluster.");
  auto found = find_instance(context, *id);
  if (!found.ok()) return fail(found.error(), kDBInstanceNotFound);
  if (found->instance.status == "deleting") return fail(kInvalidDBInstanceState, "Instance " + *id + " is already being deleted.");
  auto shape = render_instance(context, found->cluster, found->instance);
  if (!shape.ok()) return fail(shape.error());
  if (auto s = context.store.update_instance_status(*id, "deleting"); !s) return fail(s.error(), kDBInstanceNotFound);
  wake(context);
  (*shape)["DBInstanceStatus"] = "deleting";
  return api::Reply::ok({{"DBInstance", *shape}});
}

api::Reply reboot_db_instance(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = instance_id_of(in);
  auto force_failover = in.boolean("ForceFailover");
  if (in.error()) return *in.error();
  if (!id) return fail(kMissingParameter, "The request must contain the parameter DBInstanceIdentifier");
  if (force_failover.value_or(false))
    return fail(kInvalidParameterCombination, "ForceFailover needs a reader to fail over to; borealis clusters have none yet");
  auto found = find_instance(context, *id);
  if (!found.ok()) return fail(found.error(), kDBInstanceNotFound);
  if (found->instance.status != "available")
    return fail(kInvalidDBInstanceState, "DB instance " + *id + " is not in available state (" + found->instance.status + ")");
  if (auto s = context.store.update_instance_status(*id, "rebooting"); !s) return fail(s.error(), kDBInstanceNotFound);
  wake(context);
  return instance_reply(context, *id);
}

}  // namespace borealis::server::rds
