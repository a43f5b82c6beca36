// EC2 tags (see ec2_tags.h): CreateTags, DeleteTags, DescribeTags over the resources borealis keeps
// (VPCs, subnets, security groups, peering connections), the TagSpecifications of their Create…
// calls, their Tags in outputs and the tag filters of their describe calls. EC2's limits: 50 tags
// per resource, keys of 1-128 characters outside aws:, values up to 256, any characters.
#include "network/ec2_tags.h"

#include <set>

#include "api/tags.h"
#include "network/ec2_common.h"
#include "network/model.h"

namespace borealis::network::ec2 {
namespace {

// EC2's CreateTags takes up to 1000 resource ids per call.
constexpr std::size_t kMaxResourcesPerCall = 1000;

struct Kind {
  std::string_view prefix;  // of the id, with its dash
  std::string_view type;    // EC2's ResourceType
};
constexpr Kind kKinds[] = {{"vpc-", "vpc"},
                           {"subnet-", "subnet"},
                           {"sg-", "security-group"},
                           {"pcx-", "vpc-peering-connection"}};

api::ApiError invalid_id(const std::string& id) {
  return ec2_error("InvalidID", "The ID '" + id + "' is not valid (borealis keeps tags on vpc-, subnet-, sg- and pcx- resources)");
}

// The resource exists in the request's region (a peering: on either side), or the error EC2 gives.
std::optional<api::ApiError> check_exists(api::CallContext& context, const std::string& id) {
  const std::string type = resource_type_of(id);
  if (type == "vpc") {
    auto vpc = find_vpc(context.store, context.region, id);
    return vpc ? std::nullopt : std::optional(vpc.error());
  }
  if (type == "subnet") {
    auto subnet = find_subnet(context.store, context.region, id);
    return subnet ? std::nullopt : std::optional(subnet.error());
  }
  if (type == "security-group") {
    auto group = find_group(context.store, context.region, id);
    return group ? std::nullopt : std::optional(group.error());
  }
  if (type == "vpc-peering-connection") {
    auto peering = find_peering(context.store, context.region, id);
    return peering ? std::nullopt : std::optional(peering.error());
  }
  return invalid_id(id);
}

// The Resources member: present, bounded, every id an existing resource of this region.
Outcome<std::vector<std::string>> resources(api::CallContext& context, const json& input) {
  auto ids = texts(input, "Resources");
  if (ids.empty()) return ec2_error("MissingParameter", "The request must contain the parameter resourceIdSet");
  if (ids.size() > kMaxResourcesPerCall)
    return ec2_error("InvalidParameterValue", "At most " + std::to_string(kMaxResourcesPerCall) + " resources per call");
  for (const auto& id : ids) {
    if (auto missing = check_exists(context, id)) return std::move(*missing);
  }
  return ids;
}

}  // namespace

std::string resource_type_of(const std::string& id) {
  for (const Kind& k : kKinds) {
    if (id.size() > k.prefix.size() && id.compare(0, k.prefix.size(), k.prefix) == 0) return std::string(k.type);
  }
  return "";
}

Outcome<std::vector<store::ResourceTag>> read_tags(const json& holder) {
  const auto given = objects(holder, "Tags");
  if (given.size() > api::kMaxTagsPerResource)
    return ec2_error("TagLimitExceeded", "The maximum number of tags per resource is 50");
  std::vector<store::ResourceTag> out;
  std::set<std::string> seen;
  for (const auto& tag : given) {
    const std::string key = text(tag, "Key");
    const std::string value = text(tag, "Value");
    if (auto problem = api::tag_problem(key, value, {"aws:"}, false)) return ec2_error("InvalidParameterValue", *problem);
    if (!seen.insert(key).second) return ec2_error("InvalidParameterValue", "Duplicate tag key '" + key + "'");
    out.push_back({key, value});
  }
  return out;
}

Outcome<std::vector<store::ResourceTag>> tag_specifications(const json& input, std::string_view resource_type) {
  std::vector<store::ResourceTag> out;
  for (const auto& spec : objects(input, "TagSpecifications")) {
    const std::string type = text(spec, "ResourceType");
    if (type != resource_type) {
      return ec2_error("InvalidParameterValue", "'" + type + "' is not a valid taggable resource type for this operation (expected " +
                                                    std::string(resource_type) + ")");
    }
    auto tags = read_tags(spec);
    if (!tags) return std::move(tags).error();
    for (auto& t : *tags) {
      auto same = std::find_if(out.begin(), out.end(), [&](const store::ResourceTag& o) { return o.key == t.key; });
      if (same != out.end()) return ec2_error("InvalidParameterValue", "Duplicate tag key '" + t.key + "'");
      out.push_back(std::move(t));
    }
  }
  if (out.size() > api::kMaxTagsPerResource) return ec2_error("TagLimitExceeded", "The maximum number of tags per resource is 50");
  return out;
}

Checked tag_new_resource(api::CallContext& context, const std::string& id, const std::vector<store::ResourceTag>& tags) {
  if (tags.empty()) return Done{};
  if (auto s = store::NetworkTables(context.store).put_tags(id, tags); !s) return internal_error(s.error());
  return Done{};
}

Outcome<TagIndex> load_tags(api::CallContext& context) {
  auto all = store::NetworkTables(context.store).tags({});
  if (!all) return internal_error(all.error());
  return std::move(all).value();
}

const std::vector<store::ResourceTag>* tags_of(const TagIndex& index, const std::string& id) {
  auto it = index.find(id);
  return it == index.end() ? nullptr : &it->second;
}

json with_tags(json shape, const std::vector<store::ResourceTag>* tags) {
  if (tags == nullptr || tags->empty()) return shape;
  json out = json::array();
  for (const auto& t : *tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  shape["Tags"] = std::move(out);
  return shape;
}

std::optional<std::vector<std::string>> tag_filter_values(std::string_view filter, const std::vector<store::ResourceTag>* tags) {
  const bool by_key = filter.rfind("tag:", 0) == 0;
  if (!by_key && filter != "tag-key" && filter != "tag-value") return std::nullopt;
  std::vector<std::string> values;
  if (tags == nullptr) return values;
  for (const auto& t : *tags) {
    if (by_key && t.key == filter.substr(4)) values.push_back(t.value);
    if (filter == "tag-key") values.push_back(t.key);
    if (filter == "tag-value") values.push_back(t.value);
  }
  return values;
}

api::Reply create_tags(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto ids = resources(context, input);
  if (!ids) return fail(ids.error());
  auto tags = read_tags(input);
  if (!tags) return fail(tags.error());
  if (tags->empty()) return missing_parameter("tagSet");
  store::NetworkTables tables(context.store);
  std::optional<api::ApiError> refused;
  Status tx = context.store.transaction([&]() -> Status {
    auto existing = tables.tags(*ids);
    if (!existing) return std::move(existing).error();
    for (const auto& id : *ids) {
      std::set<std::string> keys;
      if (auto it = existing->find(id); it != existing->end())
        for (const auto& t : it->second) keys.insert(t.key);
      for (const auto& t : *tags) keys.insert(t.key);
      if (keys.size() > api::kMaxTagsPerResource) {
        refused = ec2_error("TagLimitExceeded", "The maximum number of tags per resource is 50 (" + id + ")");
        return make_error(Errc::invalid_argument, "tag limit");  // rolls back every resource's tags
      }
      if (auto s = tables.put_tags(id, *tags); !s) return s;
    }
    return ok_status();
  });
  if (refused) return fail(*refused);
  if (!tx) return fail(internal_error(tx.error()));
  return api::Reply::ok();
}

api::Reply delete_tags(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto ids = resources(context, input);
  if (!ids) return fail(ids.error());
  // No Tags: every tag goes. A tag with a Value (even "") goes only when its value is that one.
  const auto given = objects(input, "Tags");
  store::NetworkTables tables(context.store);
  Status tx = context.store.transaction([&]() -> Status {
    for (const auto& id : *ids) {
      if (given.empty()) {
        if (auto s = tables.clear_tags(id); !s) return s;
        continue;
      }
      for (const auto& tag : given) {
        std::optional<std::string> value;
        if (tag.contains("Value") && tag["Value"].is_string()) value = tag["Value"].get<std::string>();
        if (auto s = tables.delete_tag(id, text(tag, "Key"), value); !s) return s;
      }
    }
    return ok_status();
  });
  if (!tx) return fail(internal_error(tx.error()));
  return api::Reply::ok();
}

api::Reply describe_tags(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto filters = parse_filters(input, {"key", "value", "resource-id", "resource-type"});
  if (!filters) return fail(filters.error());
  auto index = load_tags(context);
  if (!index) return fail(index.error());
  json out = json::array();
  for (const auto& [id, tags] : *index) {
    if (check_exists(context, id)) continue;  // another region's resource (or a row on its way out)
    const std::string type = resource_type_of(id);
    for (const auto& t : tags) {
      bool keep = matches(*filters, [&](std::string_view name) -> std::vector<std::string> {
        if (name == "key") return {t.key};
        if (name == "value") return {t.value};
        if (name == "resource-id") return {id};
        return {type};
      });
      if (keep) out.push_back({{"Key", t.key}, {"ResourceId", id}, {"ResourceType", type}, {"Value", t.value}});
    }
  }
  return api::Reply::ok(json{{"Tags", std::move(out)}});
}

}  // namespace borealis::network::ec2
