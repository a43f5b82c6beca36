// RDS tags: AddTagsToResource, ListTagsForResource, RemoveTagsFromResource on the resources borealis
// keeps (clusters, instances, subnet groups, cluster parameter groups, named by their ARNs), the
// Tags member of their Create… calls and the TagList of DBCluster/DBInstance. Tags used to be
// accepted by the Create… calls and dropped, so a client reading them back saw its own tags vanish.
// AWS's limits (api/tags.h): 50 per resource, keys 1-128 characters outside the reserved aws: and rds:
// prefixes, values up to 256, both from letters, digits, white space and _.:/=+-@.
#include "server/rds_tags.h"

#include <set>

#include "api/tags.h"
#include "server/rds_shapes.h"

namespace borealis::server::rds {
namespace {

// The resource an ARN names, when borealis keeps it and it exists; else the reply AWS gives.
std::optional<api::Reply> resolve(api::CallContext& context, const std::string& name, store::TaggedResource& out) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t colon = name.find(':', start);
    parts.push_back(name.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() != 7 || parts[0] != "arn" || parts[1] != "aws" || parts[2] != "rds" || parts[5].empty() ||
      parts[6].empty()) {
    return fail(kInvalidParameterValue, "Invalid resource name: " + name + " (expected arn:aws:rds:REGION:ACCOUNT:TYPE:NAME)");
  }
  if (parts[3] != region_of(context) || parts[4] != context.settings.account_id) {
    return fail(kInvalidParameterValue, "The specified resource name does not match an RDS resource in this region: " + name);
  }
  out = {parts[5], lower(parts[6])};
  store::RdsTables rds(context.store);
  if (out.type == "cluster") {
    auto c = context.store.get_cluster(out.name);
    if (c.ok() && !c->deleted && in_request_region(context, *c)) return std::nullopt;
    if (!c.ok() && c.error().code != Errc::not_found) return fail(c.error());
    return fail(kDBClusterNotFound, "DBCluster " + out.name + " not found.");
  }
  if (out.type == "db") {
    auto i = context.store.get_instance(out.name);
    if (i.ok()) {
      auto c = context.store.get_cluster(i->cluster_id);
      if (c.ok() && !c->deleted && in_request_region(context, *c)) return std::nullopt;
    } else if (i.error().code != Errc::not_found) {
      return fail(i.error());
    }
    return fail(kDBInstanceNotFound, "DBInstance " + out.name + " not found.");
  }
  if (out.type == "subgrp") {
    auto g = rds.get_subnet_group(out.name);
    if (g.ok()) return std::nullopt;
    return fail(g.error(), kDBSubnetGroupNotFound);
  }
  if (out.type == "cluster-pg") {
    auto g = rds.get_parameter_group(out.name);
    if (g.ok()) return std::nullopt;
    return fail(g.error(), kDBParameterGroupNotFound);
  }
  return fail(kInvalidParameterValue, "Resources of type " + out.type +
                                          " are not kept by borealis; tags apply to cluster, db, subgrp and cluster-pg");
}

nlohmann::json render(const std::vector<store::ResourceTag>& tags) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  return out;
}

}  // namespace

std::optional<api::Reply> read_tags(Input& in, const char* member, std::vector<store::ResourceTag>& out) {
  const nlohmann::json* list = in.structures(member, api::kMaxTagsPerResource);
  if (in.error()) return in.error();
  if (list == nullptr) return std::nullopt;
  std::set<std::string> seen;
  for (const auto& item : *list) {
    Input tag(item);
    auto key = tag.string("Key");
    auto value = tag.string("Value");
    if (tag.error()) return tag.error();
    if (!key) return fail(kInvalidParameterValue, "Every tag needs a Key");
    if (auto problem = api::tag_problem(*key, value.value_or(""), {"aws:", "rds:"}, true)) return fail(kInvalidParameterValue, *problem);
    if (!seen.insert(*key).second) return fail(kInvalidParameterValue, "Tag key " + *key + " is given twice");
    out.push_back({*key, value.value_or("")});
  }
  return std::nullopt;
}

Result<nlohmann::json> tag_list(store::Store& store, const store::TaggedResource& resource) {
  auto tags = store::RdsTables(store).tags(resource);
  if (!tags.ok()) return std::move(tags).error();
  return render(*tags);
}

std::string tag_resource(const api::CallContext&, const nlohmann::json& input) {
  Input in(input);
  auto name = in.string("ResourceName");
  return name && !in.error() ? *name : "*";
}

api::Reply add_tags_to_resource(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = in.string("ResourceName");
  std::vector<store::ResourceTag> tags;
  if (auto r = read_tags(in, "Tags", tags)) return *r;
  if (in.error()) return *in.error();
  if (!name) return fail(kMissingParameter, "The request must contain the parameter ResourceName");
  store::TaggedResource resource;
  if (auto r = resolve(context, *name, resource)) return *r;
  store::RdsTables rds(context.store);
  Status tx = context.store.transaction([&]() -> Status {
    auto existing = rds.tags(resource);
    if (!existing.ok()) return std::move(existing).error();
    std::set<std::string> keys;
    for (const auto& t : *existing) keys.insert(t.key);
    for (const auto& t : tags) keys.insert(t.key);
    if (keys.size() > api::kMaxTagsPerResource) {
      return make_error(Errc::invalid_argument, "A resource can have at most 50 tags; " + *name + " would have " +
                                                    std::to_string(keys.size()));
    }
    return rds.put_tags(resource, tags);
  });
  if (!tx) return fail(tx.error());
  return api::Reply::ok();
}

api::Reply list_tags_for_resource(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = in.string("ResourceName");
  if (auto r = in.refuse_filters()) return *r;
  if (!name) return fail(kMissingParameter, "The request must contain the parameter ResourceName");
  store::TaggedResource resource;
  if (auto r = resolve(context, *name, resource)) return *r;
  auto list = tag_list(context.store, resource);
  if (!list.ok()) return fail(list.error());
  return api::Reply::ok({{"TagList", *list}});
}

api::Reply remove_tags_from_resource(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto name = in.string("ResourceName");
  auto keys = in.strings("TagKeys", api::kMaxTagsPerResource);
  if (in.error()) return *in.error();
  if (!name) return fail(kMissingParameter, "The request must contain the parameter ResourceName");
  if (!keys) return fail(kMissingParameter, "The request must contain the parameter TagKeys");
  store::TaggedResource resource;
  if (auto r = resolve(context, *name, resource)) return *r;
  if (auto s = store::RdsTables(context.store).remove_tags(resource, *keys); !s) return fail(s.error());
  return api::Reply::ok();
}

}  // namespace borealis::server::rds
