// EC2 tags, internal to src/network/: the tagging calls, and what the resource handlers need to
// take TagSpecifications at creation, show Tags in their outputs and answer the tag:<key>, tag-key
// and tag-value filters of their describe calls. Tags are kept by resource id (store v9) for VPCs,
// subnets, security groups and peering connections.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/operation.h"
#include "network/outcome.h"
#include "store/resource_tag.h"

namespace borealis::network::ec2 {

using json = nlohmann::json;

api::Reply create_tags(api::CallContext& context, const json& input);
api::Reply delete_tags(api::CallContext& context, const json& input);
api::Reply describe_tags(api::CallContext& context, const json& input);

// EC2's ResourceType of an id borealis keeps ("vpc", "subnet", "security-group",
// "vpc-peering-connection"), or "" for any other id.
std::string resource_type_of(const std::string& id);

// The Tags member of `holder` (a request, or one TagSpecification), checked against EC2's rules.
Outcome<std::vector<store::ResourceTag>> read_tags(const json& holder);
// The tags a Create… call's TagSpecifications give the new resource of `resource_type`; a
// specification for another type is refused, as EC2 does.
Outcome<std::vector<store::ResourceTag>> tag_specifications(const json& input, std::string_view resource_type);
// Stores the tags of a resource just created (nothing when there are none).
Checked tag_new_resource(api::CallContext& context, const std::string& id, const std::vector<store::ResourceTag>& tags);

// Every resource's tags, read once per describe call.
using TagIndex = std::map<std::string, std::vector<store::ResourceTag>>;
Outcome<TagIndex> load_tags(api::CallContext& context);
const std::vector<store::ResourceTag>* tags_of(const TagIndex& index, const std::string& id);
// `shape` with its Tags member when the resource has tags (EC2 leaves tagSet out otherwise).
json with_tags(json shape, const std::vector<store::ResourceTag>* tags);
// A describe filter's values from the resource's tags: tag:<key> → that key's value, tag-key → the
// keys, tag-value → the values; nullopt when `filter` is no tag filter.
std::optional<std::vector<std::string>> tag_filter_values(std::string_view filter, const std::vector<store::ResourceTag>* tags);

}  // namespace borealis::network::ec2
