// Internal to the RDS handlers: tags (rds_tags.cc). The three tagging calls, the `Tags` member the
// Create… handlers read before they write anything, and the TagList the renderers show.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/operation.h"
#include "common/result.h"
#include "store/rds_tables.h"
#include "store/store.h"

namespace borealis::server::rds {

class Input;

api::Reply add_tags_to_resource(api::CallContext& context, const nlohmann::json& input);
api::Reply list_tags_for_resource(api::CallContext& context, const nlohmann::json& input);
api::Reply remove_tags_from_resource(api::CallContext& context, const nlohmann::json& input);
// IAM authorises the tagging calls on the ARN they name.
std::string tag_resource(const api::CallContext& context, const nlohmann::json& input);

// Reads a TagList member (`Tags` of the Create… calls and of AddTagsToResource) into `out`, checking
// every key and value; the reply when one is refused. Absent: nothing added.
std::optional<api::Reply> read_tags(Input& in, const char* member, std::vector<store::ResourceTag>& out);
// [{Key, Value}] of the resource, sorted by key.
Result<nlohmann::json> tag_list(store::Store& store, const store::TaggedResource& resource);

}  // namespace borealis::server::rds
