// CreateDBCluster, DescribeDBClusters, ModifyDBCluster, DeleteDBCluster. A cluster created here has
// no instance (Aurora's model: CreateDBInstance adds them); its master password becomes a SCRAM
// verifier at once and is never stored, logged or echoed.
#include <algorithm>

#include "server/cluster_requests.h"
#include "server/directory_requests.h"
#include "server/membership.h"
#include "server/rds_engines.h"
#include "server/rds_handlers.h"
#include "server/rds_network.h"
#include "server/rds_shapes.h"
#include "server/rds_tags.h"
#include "store/rds_tables.h"

namespace borealis::server::rds {
namespace {

// AWS: at most 5 VPC security groups per DB cluster by default (quota "security groups per instance").
constexpr std::size_t kMaxSecurityGroups = 5;
// AWS's port range for Aurora PostgreSQL.
constexpr long long kMinPort = 1150;
constexpr long long kMaxPort = 65535;

bool valid_security_group_id(const std::string& id) {
  if (id.rfind("sg-", 0) != 0) return false;
  const std::string hex = id.substr(3);
  return (hex.size() == 8 || hex.size() == 17) &&
         std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Where the cluster lives: its subnet group, VPC and security groups.
struct Placement {
  std::string subnet_group{store::kDefaultSubnetGroup};
  std::string vpc_id;
  std::vector<std::string> security_groups;
};

// The default subnet group stands for the region's default VPC.
std::optional<api::Reply> resolve_subnet_group(api::CallContext& context, const std::string& name, Placement& out) {
  out.subnet_group = lower(name);
  if (out.subnet_group == store::kDefaultSubnetGroup) {
    out.vpc_id.clear();
    if (rds_network().default_vpc) {
      auto vpc = rds_network().default_vpc(context.store, region_of(context));
      if (!vpc.ok()) return fail(vpc.error());
      out.vpc_id = *vpc;
    }
    return std::nullopt;
  }
  auto group = store::RdsTables(context.store).get_subnet_group(out.subnet_group);
  if (!group.ok()) return fail(group.error(), kDBSubnetGroupNotFound);
  out.vpc_id = group->vpc_id;
  return std::nullopt;
}

std::optional<api::Reply> resolve_security_groups(api::CallContext& context, const std::vector<std::string>& ids,
                                                  Placement& out) {
  for (const auto& id : ids) {
    if (!valid_security_group_id(id))
      return fail(kInvalidParameterValue, "Invalid security group id " + id + ": expected sg- and 8 or 17 hex digits");
    if (!rds_network().security_group_vpc) continue;  // TODO(lead): install the EC2 view (rds_network.h)
    auto vpc = rds_network().security_group_vpc(context.store, id);
    if (!vpc.ok()) return fail(vpc.error());
    if (!*vpc) return fail(kInvalidParameterValue, "Invalid security group, groupId= " + id + ": it does not exist");
    if (!out.vpc_id.empty() && **vpc != out.vpc_id)
      return fail(kInvalidParameterCombination,
                  "The DB cluster and EC2 security group " + id + " are in different VPCs (" + out.vpc_id + ", " + **vpc + ")");
  }
  out.security_groups = ids;
  return std::nullopt;
}

std::optional<api::Reply> default_security_group(api::CallContext& context, Placement& out) {
  out.security_groups.clear();
  if (out.vpc_id.empty() || !rds_network().default_security_group) return std::nullopt;
  auto sg = rds_network().default_security_group(context.store, out.vpc_id);
  if (!sg.ok()) return fail(sg.error());
  out.security_groups = {*sg};
  return std::nullopt;
}

std::optional<api::Reply> check_domain(store::Store& store, const std::string& domain) {
  if (auto s = validate_cluster_domain(store, domain); !s) {
    if (s.error().code == Errc::not_found)
      return fail(kDomainNotFound, "Domain " + domain + " doesn't refer to an existing Active Directory domain");
    return fail(s.error());
  }
  return std::nullopt;
}

std::optional<api::Reply> check_parameter_group(store::Store& store, const std::string& name) {
  auto g = store::RdsTables(store).get_parameter_group(name);
  if (!g.ok()) return fail(g.error(), kDBClusterParameterGroupNotFound);
  return std::nullopt;
}

// The live cluster of the request's region, or the reply that says why not.
Result<store::ClusterRecord> live_cluster(const api::CallContext& context, const std::string& id) {
  auto c = context.store.get_cluster(id);
  if (!c.ok() || c->deleted || !in_request_region(context, *c)) {
    if (!c.ok() && c.error().code != Errc::not_found) return std::move(c).error();
    return make_error(Errc::not_found, "DBCluster " + id + " not found.");
  }
  return c;
}

api::Reply cluster_reply(api::CallContext& context, const std::string& id) {
  auto c = context.store.get_cluster(id);
  if (!c.ok()) return fail(c.error(), kDBClusterNotFound);
  auto shape = render_cluster(context, *c);
  if (!shape.ok()) return fail(shape.error());
  return api::Reply::ok({{"DBCluster", *shape}});
}

bool engine_version_served(const std::string& requested) {
  const InstalledEngine& engine = installed_engine();
  return requested == engine.major || requested == engine.version || requested.rfind(engine.major + ".", 0) == 0;
}

}  // namespace

std::string cluster_resource(const api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = in.string("DBClusterIdentifier");
  if (!id || in.error()) return "*";
  return arn(context, "cluster", lower(*id));
}

api::Reply create_db_cluster(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = in.string("DBClusterIdentifier");
  auto engine = in.string("Engine");
  auto engine_version = in.string("EngineVersion");
  auto engine_mode = in.string("EngineMode");
  auto username = in.string("MasterUsername");
  Secret password(in.string("MasterUserPassword").value_or(""));
  auto manage_password = in.boolean("ManageMasterUserPassword");
  auto port = in.integer("Port");
  auto iam = in.boolean("EnableIAMDatabaseAuthentication");
  auto domain = in.string("Domain");
  auto role = in.string("DomainIAMRoleName");
  auto security_groups = in.strings("VpcSecurityGroupIds", kMaxSecurityGroups);
  auto subnet_group = in.string("DBSubnetGroupName");
  auto parameter_group = in.string("DBClusterParameterGroupName");
  auto deletion_protection = in.boolean("DeletionProtection");
  std::vector<store::ResourceTag> tags;
  if (auto r = read_tags(in, "Tags", tags)) return *r;
  if (in.error()) return *in.error();
  if (!id) return fail(kMissingParameter, "The request must contain the parameter DBClusterIdentifier");
  if (!engine) return fail(kMissingParameter, "The request must contain the parameter Engine");
  if (*engine != kEngine) return fail(kInvalidParameterValue, "Invalid DB engine: " + *engine + " (borealis serves aurora-postgresql)");
  if (engine_version && !engine_version_served(*engine_version))
    return fail(kInvalidParameterCombination, "Cannot find version " + *engine_version + " for aurora-postgresql (this host serves " +
                                                  installed_engine().version + ")");
  if (engine_mode && *engine_mode != "provisioned")
    return fail(kInvalidParameterValue, "EngineMode " + *engine_mode + " is not supported; use provisioned");
  if (manage_password.value_or(false))
    return fail(kInvalidParameterValue, "ManageMasterUserPassword is not supported: give MasterUserPassword");
  if (!username || username->empty())
    return fail(kInvalidParameterValue, "The parameter MasterUsername must be provided and must not be blank.");
  if (password.empty())
    return fail(kInvalidParameterValue, "The parameter MasterUserPassword must be provided and must not be blank.");
  if (port && (*port < kMinPort || *port > kMaxPort))
    return fail(kInvalidParameterValue, "Invalid port " + std::to_string(*port) + ": must be from 1150 to 65535");

  std::string wanted_domain = domain.value_or("");
  if (wanted_domain == "none") wanted_domain.clear();
  if (!wanted_domain.empty() && role.value_or("").empty())
    return fail(kInvalidParameterCombination, "DomainIAMRoleName is required when Domain is specified");
  if (wanted_domain.empty() && !role.value_or("").empty())
    return fail(kInvalidParameterCombination, "DomainIAMRoleName is only valid together with Domain");
  if (!wanted_domain.empty()) {
    if (auto r = check_domain(context.store, wanted_domain)) return *r;
  }

  Placement placement;
  if (auto r = resolve_subnet_group(context, subnet_group.value_or(std::string(store::kDefaultSubnetGroup)), placement)) return *r;
  if (security_groups && !security_groups->empty()) {
    if (auto r = resolve_security_groups(context, *security_groups, placement)) return *r;
  } else if (auto r = default_security_group(context, placement)) {
    return *r;
  }
  const std::string group = lower(parameter_group.value_or(std::string(store::kDefaultClusterParameterGroup)));
  if (auto r = check_parameter_group(context.store, group)) return *r;
  auto caseins = krb_caseins_users_of(context.store, group);
  if (!caseins.ok()) return fail(caseins.error());

  CreateClusterRequest request{*id, *username, std::move(password), iam.value_or(false),
                               static_cast<int>(port.value_or(5432))};
  request.region = region_of(context);
  request.domain = wanted_domain;
  request.krb_caseins_users = *caseins;
  request.engine_version = installed_engine().version;
  request.with_writer_instance = false;
  store::RdsClusterFields fields;
  fields.cluster_id = lower(*id);
  fields.domain_iam_role_name = wanted_domain.empty() ? "" : *role;
  fields.vpc_id = placement.vpc_id;
  fields.vpc_security_group_ids = placement.security_groups;
  fields.db_subnet_group = placement.subnet_group;
  fields.parameter_group = group;
  fields.deletion_protection = deletion_protection.value_or(false);
  fields.api_managed_instances = true;
  Status tx = context.store.transaction([&]() -> Status {
    auto created = request_create_cluster(context.store, std::move(request));
    if (!created.ok()) return std::move(created).error();
    store::RdsTables rds(context.store);
    if (auto s = rds.put_cluster_fields(fields); !s) return s;
    return rds.put_tags({"cluster", fields.cluster_id}, tags);
  });
  if (!tx) {
    if (tx.error().code == Errc::already_exists)
      return fail(kDBClusterAlreadyExists, "DB Cluster " + fields.cluster_id + " already exists");
    return fail(tx.error(), kDomainNotFound);
  }
  wake(context);
  return cluster_reply(context, fields.cluster_id);
}

api::Reply describe_db_clusters(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = in.string("DBClusterIdentifier");
  auto filters = in.filters();
  if (in.error()) return *in.error();
  Page page;
  if (auto r = read_page(input, page)) return *r;
  std::vector<store::ClusterRecord> clusters;
  if (id) {
    // AWS accepts the identifier or the ARN here.
    std::string wanted = lower(*id);
    const std::string prefix = arn(context, "cluster", "");
    if (wanted.rfind(prefix, 0) == 0) wanted = wanted.substr(prefix.size());
    auto c = live_cluster(context, wanted);
    if (!c.ok()) return fail(c.error(), kDBClusterNotFound);
    clusters.push_back(std::move(*c));
  } else {
    auto all = context.store.list_clusters();
    if (!all.ok()) return fail(all.error());
    for (auto& c : *all) {
      if (!c.deleted && in_request_region(context, c)) clusters.push_back(std::move(c));
    }
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : clusters) {
    bool keep = true;
    for (const auto& [name, values] : filters) {
      auto has = [&](const std::string& v) { return std::find(values.begin(), values.end(), v) != values.end(); };
      if (name == "db-cluster-id") keep = keep && (has(c.id) || has(arn(context, "cluster", c.id)));
      else if (name == "engine") keep = keep && has(c.engine);
      else if (name == "db-cluster-resource-id") keep = keep && has(c.resource_id);
      else if (name == "domain") keep = keep && has(c.domain);
      else return fail(kInvalidParameterValue, "Unrecognized filter name: " + name);
    }
    if (!keep) continue;
    auto shape = render_cluster(context, c);
    if (!shape.ok()) return fail(shape.error());
    out.push_back(std::move(*shape));
  }
  return paged(api::Reply::ok({{"DBClusters", out}}), page, "DBClusters", "DBClusterIdentifier");
}

api::Reply modify_db_cluster(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = in.string("DBClusterIdentifier");
  auto new_id = in.string("NewDBClusterIdentifier");
  auto domain = in.string("Domain");
  auto role = in.string("DomainIAMRoleName");
  auto iam = in.boolean("EnableIAMDatabaseAuthentication");
  std::optional<Secret> password;
  if (auto p = in.string("MasterUserPassword")) password.emplace(std::move(*p));
  auto security_groups = in.strings("VpcSecurityGroupIds", kMaxSecurityGroups);
  auto parameter_group = in.string("DBClusterParameterGroupName");
  auto deletion_protection = in.boolean("DeletionProtection");
  auto port = in.integer("Port");
  (void)in.boolean("ApplyImmediately");  // every change applies at once (as ApplyImmediately=true)
  if (in.error()) return *in.error();
  if (!id) return fail(kMissingParameter, "The request must contain the parameter DBClusterIdentifier");
  auto c = live_cluster(context, lower(*id));
  if (!c.ok()) return fail(c.error(), kDBClusterNotFound);
  if (c->status == "deleting" || c->status == "creating")
    return fail(kInvalidDBClusterState, "DB cluster " + c->id + " is " + c->status + "; it can be modified once it is available");
  if (new_id && lower(*new_id) != c->id)
    return fail(kInvalidParameterValue, "NewDBClusterIdentifier: renaming a DB cluster is not supported by borealis");
  if (port && *port != c->port)
    return fail(kInvalidParameterValue, "Port: changing the port of a DB cluster is not supported by borealis");
  if (password) {
    if (auto s = validate_master_password(*password); !s) return fail(kInvalidParameterValue, s.error().message);
  }

  store::RdsTables rds(context.store);
  auto fields = rds.cluster_fields(c->id);
  if (!fields.ok()) return fail(fields.error());
  auto had_fields = rds.has_cluster_fields(c->id);
  if (!had_fields.ok()) return fail(had_fields.error());
  std::optional<std::string> wanted_domain;
  if (domain) wanted_domain = (*domain == "none") ? "" : *domain;
  if (wanted_domain && !wanted_domain->empty()) {
    if (auto r = check_domain(context.store, *wanted_domain)) return *r;
    if (role.value_or("").empty() && fields->domain_iam_role_name.empty())
      return fail(kInvalidParameterCombination, "DomainIAMRoleName is required when Domain is specified");
  }
  const bool domain_after = wanted_domain ? !wanted_domain->empty() : !c->domain.empty();
  if (!role.value_or("").empty() && !domain_after)
    return fail(kInvalidParameterCombination, "DomainIAMRoleName is only valid together with Domain");

  Placement placement{fields->db_subnet_group, fields->vpc_id, fields->vpc_security_group_ids};
  if (security_groups && !security_groups->empty()) {
    if (auto r = resolve_security_groups(context, *security_groups, placement)) return *r;
  }
  std::optional<bool> caseins;
  if (parameter_group) {
    const std::string group = lower(*parameter_group);
    if (auto r = check_parameter_group(context.store, group)) return *r;
    auto value = krb_caseins_users_of(context.store, group);
    if (!value.ok()) return fail(value.error());
    caseins = *value;
    fields->parameter_group = group;
  }

  Status tx = context.store.transaction([&]() -> Status {
    ModifyClusterRequest request;
    request.id = c->id;
    request.domain = wanted_domain;
    request.krb_caseins_users = caseins;
    if (auto s = request_modify_cluster(context.store, request); !s) return s;
    if (wanted_domain) {
      if (wanted_domain->empty()) fields->domain_iam_role_name.clear();
      // Re-issuing the domain of a failed join asks for a new attempt now (membership.h).
      if (*wanted_domain == c->domain && c->domain_status == kEnableKerberosFailed) {
        if (auto s = context.store.update_cluster_membership(c->id, {c->domain_joined, "", ""}); !s) return s;
      }
    }
    if (!role.value_or("").empty()) {
      if (*role != fields->domain_iam_role_name && c->domain_status == kEnableKerberosFailed && !wanted_domain) {
        if (auto s = context.store.update_cluster_membership(c->id, {c->domain_joined, "", ""}); !s) return s;
      }
      fields->domain_iam_role_name = *role;
    }
    if (iam) {
      if (auto s = rds.set_iam_auth_enabled(c->id, *iam); !s) return s;
    }
    if (password) {
      if (auto s = rds.set_master_verifier(c->id, make_master_verifier(*password)); !s) return s;
      // The reconciler re-applies the master role (with the new verifier) on every instance.
      auto instances = context.store.list_instances(c->id);
      if (!instances.ok()) return std::move(instances).error();
      for (const auto& i : *instances) {
        if (i.status != "available") continue;
        if (auto s = context.store.update_instance_status(i.id, "resetting-master-credentials"); !s) return s;
      }
    }
    if (deletion_protection) fields->deletion_protection = *deletion_protection;
    fields->vpc_security_group_ids = placement.security_groups;
    // A cluster made by `borealis cluster create` has no API fields, and its domain joins follow the
    // CLI's rules (no IAM role or VPC to check). A modify that changes only what lives on the cluster
    // row (IAM auth, the password, the domain) must not turn it into an API cluster behind its back.
    const bool touches_fields = !role.value_or("").empty() || parameter_group || deletion_protection ||
                                (security_groups && !security_groups->empty());
    if (!*had_fields && !touches_fields) return ok_status();
    return rds.put_cluster_fields(*fields);
  });
  if (!tx) return fail(tx.error(), kDBClusterNotFound);
  wake(context);
  return cluster_reply(context, c->id);
}

api::Reply delete_db_cluster(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto id = in.string("DBClusterIdentifier");
  auto skip = in.boolean("SkipFinalSnapshot");
  auto final_snapshot = in.string("FinalDBSnapshotIdentifier");
  if (in.error()) return *in.error();
  if (!id) return fail(kMissingParameter, "The request must contain the parameter DBClusterIdentifier");
  auto c = live_cluster(context, lower(*id));
  if (!c.ok()) return fail(c.error(), kDBClusterNotFound);
  if (c->status == "deleting") return fail(kInvalidDBClusterState, "DB cluster " + c->id + " is already being deleted");
  if (skip.value_or(false) && final_snapshot)
    return fail(kInvalidParameterCombination, "FinalDBSnapshotIdentifier can not be specified when SkipFinalSnapshot is enabled.");
  if (!skip.value_or(false)) {
    if (!final_snapshot)
      return fail(kInvalidParameterCombination, "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.");
    return fail(kInvalidParameterValue, "Final snapshots are not supported by borealis; delete with SkipFinalSnapshot");
  }
  auto fields = store::RdsTables(context.store).cluster_fields(c->id);
  if (!fields.ok()) return fail(fields.error());
  if (fields->deletion_protection)
    return fail(kInvalidParameterCombination, "Cannot delete protected Cluster, please disable deletion protection and try again.");
  auto instances = context.store.list_instances(c->id);
  if (!instances.ok()) return fail(instances.error());
  for (const auto& i : *instances) {
    if (i.status != "deleting")
      return fail(kInvalidDBClusterState,
                  "Cluster cannot be deleted, it still contains DB instances in non-deleting state (" + i.id + ").");
  }
  if (auto s = request_delete_cluster(context.store, c->id); !s) return fail(s.error(), kDBClusterNotFound);
  wake(context);
  return cluster_reply(context, c->id);
}

}  // namespace borealis::server::rds
