// What every EC2 handler shares: reading the handler's input JSON without ever throwing (a member of
// the wrong type counts as absent), DryRun, Filter.N matching (AND across filters, OR across values,
// EC2's * and ? wildcards), checking that requested ids exist, and rendering store records in the
// ec2 output shapes. Internal to src/network/.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/operation.h"
#include "network/outcome.h"
#include "store/network_tables.h"

namespace borealis::network::ec2 {

using nlohmann::json;

// EC2's own caps on a describe call: at most 50 filters with 200 values each; ids per call are
// bounded here too, so one request cannot make the handler loop over an unbounded list.
inline constexpr std::size_t kMaxFilters = 50;
inline constexpr std::size_t kMaxFilterValues = 200;
inline constexpr std::size_t kMaxIdsPerCall = 1000;

// Members of the input object; nullopt/empty when absent or of another type.
std::string text(const json& input, std::string_view name);
std::optional<long long> integer(const json& input, std::string_view name);
bool flag(const json& input, std::string_view name);
// A list of strings; non-strings are skipped.
std::vector<std::string> texts(const json& input, std::string_view name);
// The objects of a list member (non-objects are skipped).
std::vector<json> objects(const json& input, std::string_view name);

// DryRun=true: EC2 answers DryRunOperation (HTTP 412) once the caller is authorised — the router
// has already checked that.
std::optional<api::Reply> dry_run(const json& input);
api::Reply fail(api::ApiError error);
api::Reply missing_parameter(const std::string& name);

struct Filter {
  std::string name;
  std::vector<std::string> values;
};
// Input "Filters"; names outside `known` → InvalidParameterValue (EC2: "The filter 'x' is invalid").
Outcome<std::vector<Filter>> parse_filters(const json& input, std::initializer_list<std::string_view> known);
// The values a resource has for a filter name (e.g. "vpc-id" → {"vpc-…"}).
using Attributes = std::function<std::vector<std::string>(std::string_view filter_name)>;
bool matches(const std::vector<Filter>& filters, const Attributes& attributes);
// EC2 filter wildcards: * any run of characters, ? one character.
bool glob_match(std::string_view pattern, std::string_view text);

// `requested` ids missing from `present` → the first one, for a NotFound error; Outcome error when
// the list is over kMaxIdsPerCall.
Outcome<std::optional<std::string>> first_missing(const std::vector<std::string>& requested,
                                                  const std::vector<std::string>& present);
// The reply for the first requested id none of `records` has (`not_found(id)`), or nullopt.
template <class Record>
std::optional<api::Reply> require_ids(const std::vector<std::string>& requested, const std::vector<Record>& records,
                                      api::ApiError (*not_found)(const std::string& id)) {
  std::vector<std::string> present;
  for (const auto& r : records) present.push_back(r.id);
  auto missing = first_missing(requested, present);
  if (!missing) return api::Reply::fail(missing.error());
  if (*missing) return api::Reply::fail(not_found(**missing));
  return std::nullopt;
}
bool wanted(const std::vector<std::string>& ids, const std::string& id);  // empty list: all wanted
std::string truth(bool b);  // "true" / "false", as filter values

std::string arn(const api::CallContext& context, const std::string& resource);  // arn:aws:ec2:R:A:<resource>
std::string zone_id(const std::string& zone_name);  // "us-east-1a" → "use1-az1"

// Output shapes.
json vpc_json(const store::VpcRecord& vpc, const std::string& owner_id);
json subnet_json(const api::CallContext& context, const store::SubnetRecord& subnet);
json security_group_json(const store::SecurityGroupRecord& group,
                         const std::vector<store::SecurityGroupRuleRecord>& rules, const std::string& owner_id);
// IpPermission list entries: rules grouped by protocol and ports, in first-seen order.
json ip_permissions_json(const std::vector<store::SecurityGroupRuleRecord>& rules, const std::string& owner_id);
json security_group_rule_json(const store::SecurityGroupRuleRecord& rule, const std::string& owner_id);
json peering_json(store::Store& store, const store::VpcPeeringRecord& peering, const std::string& owner_id);

}  // namespace borealis::network::ec2
