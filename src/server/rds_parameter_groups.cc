// CreateDBClusterParameterGroup, DescribeDBClusterParameterGroups, DeleteDBClusterParameterGroup,
// ModifyDBClusterParameterGroup, DescribeDBClusterParameters. Only parameters borealis honours are
// listed (today krb_caseins_users); changing one applies at once to every cluster using the group.
#include <algorithm>

#include "server/cluster_requests.h"
#include "server/rds_engines.h"
#include "server/rds_handlers.h"
#include "server/rds_shapes.h"
#include "server/rds_tags.h"
#include "store/rds_tables.h"

namespace borealis::server::rds {
namespace {

constexpr std::size_t kMaxNameLength = 255;         // AWS: DBClusterParameterGroupName
constexpr std::size_t kMaxDescriptionLength = 255;  // keeps a row small
constexpr std::size_t kMaxParametersPerCall = 20;   // AWS: ModifyDBClusterParameterGroup takes at most 20

struct KnownParameter {
  std::string_view name;
  std::string_view description;
  std::string_view data_type;
  std::string_view allowed_values;
  std::string_view default_value;
};

// The parameters borealis applies. krb_caseins_users: the gateway matches Kerberos user names
// case-insensitively (as PostgreSQL's pg_strcasecmp) when 1.
constexpr KnownParameter kParameters[] = {
    {"krb_caseins_users", "Sets whether GSSAPI user names should be treated case-insensitively.", "boolean", "0,1", "0"},
};

const KnownParameter* known(const std::string& name) {
  for (const auto& p : kParameters) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool allowed(const KnownParameter& p, const std::string& value) {
  std::string_view rest = p.allowed_values;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    if (rest.substr(0, comma) == value) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<std::string> name_of(Input& in) {
  auto name = in.string("DBClusterParameterGroupName");
  if (!name) return std::nullopt;
  return lower(*name);
}

api::Reply group_not_found(const std::string& name) {
  return fail(kDBParameterGroupNotFound, "DBClusterParameterGroup not found: " + name);
}

}  // namespace

Result<bool> krb_caseins_users_of(store::Store& store, const std::string& parameter_group) {
  auto values = store::RdsTables(store).parameters(parameter_group);
  if (!values.ok()) return std::move(values).error();
  auto it = values->find("krb_caseins_users");
  return it != values->end() && it->second == "1";
}

std::string parameter_group_resource(const api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  if (!name || in.error()) return "*";
  return arn(context, "cluster-pg", *name);
}

api::Reply create_db_cluster_parameter_group(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  auto family = in.string("DBParameterGroupFamily");
  auto description = in.string("Description");
  std::vector<store::ResourceTag> tags;
  if (auto r = read_tags(in, "Tags", tags)) return *r;
  if (in.error()) return *in.error();
  if (!name) return fail(kMissingParameter, "The request must contain the parameter DBClusterParameterGroupName");
  if (!family) return fail(kMissingParameter, "The request must contain the parameter DBParameterGroupFamily");
  if (!description) return fail(kMissingParameter, "The request must contain the parameter Description");
  if (auto s = validate_rds_identifier("DB cluster parameter group name", *name, kMaxNameLength); !s)
    return fail(kInvalidParameterValue, s.error().message);
  if (*family != store::kAuroraPostgresFamily)
    return fail(kInvalidParameterValue, "DBParameterGroupFamily " + *family + " is not supported; this host serves " +
                                            std::string(store::kAuroraPostgresFamily));
  if (description->size() > kMaxDescriptionLength) return fail(kInvalidParameterValue, "Description must be at most 255 characters");
  store::RdsTables rds(context.store);
  Result<store::ClusterParameterGroupRecord> created = make_error(Errc::internal, "not created");
  Status tx = context.store.transaction([&]() -> Status {
    created = rds.create_parameter_group({*name, *family, *description, false});
    if (!created.ok()) return created.error();
    return rds.put_tags({"cluster-pg", created->name}, tags);
  });
  if (!tx) return fail(tx.error(), kInvalidParameterValue, kDBParameterGroupAlreadyExists);
  return api::Reply::ok({{"DBClusterParameterGroup", render_parameter_group(context, *created)}});
}

api::Reply describe_db_cluster_parameter_groups(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  if (auto refused = in.refuse_filters()) return *refused;
  Page page;
  if (auto r = read_page(input, page)) return *r;
  store::RdsTables rds(context.store);
  return paged(describe_named(
      name, "DBClusterParameterGroups", [&](const std::string& n) { return rds.get_parameter_group(n); },
      [&] { return rds.list_parameter_groups(); },
      [&](const store::ClusterParameterGroupRecord& g) { return render_parameter_group(context, g); },
      kDBParameterGroupNotFound, "DBClusterParameterGroup not found: " + name.value_or("")),
      page, "DBClusterParameterGroups", "DBClusterParameterGroupName");
}

api::Reply delete_db_cluster_parameter_group(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  if (in.error()) return *in.error();
  if (!name) return fail(kMissingParameter, "The request must contain the parameter DBClusterParameterGroupName");
  if (*name == store::kDefaultClusterParameterGroup)
    return fail(kInvalidDBParameterGroupState, "Default parameter group " + *name + " cannot be deleted");
  store::RdsTables rds(context.store);
  Status tx = context.store.transaction([&]() -> Status {
    auto users = rds.clusters_using_parameter_group(*name);
    if (!users.ok()) return std::move(users).error();
    if (!users->empty())
      return make_error(Errc::already_exists, "Parameter group " + *name + " is still in use by DB cluster " + users->front());
    return rds.delete_parameter_group(*name);
  });
  if (!tx) {
    if (tx.error().code == Errc::not_found) return group_not_found(*name);
    return fail(tx.error(), kDBParameterGroupNotFound, kInvalidDBParameterGroupState);
  }
  return api::Reply::ok();
}

api::Reply modify_db_cluster_parameter_group(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  const nlohmann::json* parameters = in.structures("Parameters", kMaxParametersPerCall);
  if (in.error()) return *in.error();
  if (!name) return fail(kMissingParameter, "The request must contain the parameter DBClusterParameterGroupName");
  if (!parameters || parameters->empty()) return fail(kMissingParameter, "The request must contain the parameter Parameters");
  if (*name == store::kDefaultClusterParameterGroup)
    return fail(kInvalidParameterValue, "The default parameter group " + *name + " cannot be modified");
  std::vector<std::pair<std::string, std::string>> changes;
  for (const auto& p : *parameters) {
    Input one(p);
    auto pname = one.string("ParameterName");
    auto value = one.string("ParameterValue");
    auto method = one.string("ApplyMethod");
    if (one.error()) return *one.error();
    if (!pname) return fail(kInvalidParameterValue, "Each parameter needs a ParameterName");
    const KnownParameter* k = known(*pname);
    if (!k) return fail(kInvalidParameterValue, "Could not find parameter with name: " + *pname);
    if (!value) return fail(kInvalidParameterValue, "Parameter " + *pname + " needs a ParameterValue");
    if (!allowed(*k, *value))
      return fail(kInvalidParameterValue, "Value: " + *value + " is outside of range: " + std::string(k->allowed_values) +
                                              " for parameter: " + *pname);
    if (method && *method != "immediate" && *method != "pending-reboot")
      return fail(kInvalidParameterValue, "ApplyMethod must be immediate or pending-reboot");
    changes.emplace_back(*pname, *value);
  }
  store::RdsTables rds(context.store);
  Status tx = context.store.transaction([&]() -> Status {
    if (auto g = rds.get_parameter_group(*name); !g.ok()) return std::move(g).error();
    for (const auto& [pname, value] : changes) {
      if (auto s = rds.set_parameter(*name, pname, value); !s) return s;
    }
    // Applied at once (krb_caseins_users is dynamic): the gateway's next config carries it.
    auto users = rds.clusters_using_parameter_group(*name);
    if (!users.ok()) return std::move(users).error();
    auto caseins = krb_caseins_users_of(context.store, *name);
    if (!caseins.ok()) return std::move(caseins).error();
    for (const auto& cluster : *users) {
      if (auto s = context.store.set_cluster_krb_caseins_users(cluster, *caseins); !s) return s;
    }
    return ok_status();
  });
  if (!tx) {
    if (tx.error().code == Errc::not_found) return group_not_found(*name);
    return fail(tx.error());
  }
  wake(context);
  return api::Reply::ok({{"DBClusterParameterGroupName", *name}});
}

api::Reply describe_db_cluster_parameters(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = name_of(in);
  auto source = in.string("Source");
  if (auto refused = in.refuse_filters()) return *refused;
  if (!name) return fail(kMissingParameter, "The request must contain the parameter DBClusterParameterGroupName");
  if (source && *source != "user" && *source != "engine-default" && *source != "system")
    return fail(kInvalidParameterValue, "Source must be user, engine-default or system");
  Page page;
  if (auto r = read_page(input, page)) return *r;
  store::RdsTables rds(context.store);
  if (auto g = rds.get_parameter_group(*name); !g.ok())
    return g.error().code == Errc::not_found ? group_not_found(*name) : fail(g.error());
  auto values = rds.parameters(*name);
  if (!values.ok()) return fail(values.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : kParameters) {
    auto it = values->find(std::string(p.name));
    const bool user_set = it != values->end();
    const std::string shown_source = user_set ? "user" : "engine-default";
    if (source && *source != shown_source) continue;
    out.push_back({{"ParameterName", p.name},
                   {"ParameterValue", user_set ? it->second : std::string(p.default_value)},
                   {"Description", p.description},
                   {"Source", shown_source},
                   {"ApplyType", "dynamic"},
                   {"DataType", p.data_type},
                   {"AllowedValues", p.allowed_values},
                   {"IsModifiable", true},
                   {"ApplyMethod", "immediate"},
                   {"SupportedEngineModes", nlohmann::json::array({"provisioned"})}});
  }
  return paged(api::Reply::ok({{"Parameters", out}}), page, "Parameters", "ParameterName");
}

}  // namespace borealis::server::rds
