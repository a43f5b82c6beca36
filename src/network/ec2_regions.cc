// EC2 DescribeRegions and DescribeAvailabilityZones: the regions this endpoint serves (ApiSettings)
// and their zones <region>a/b/c.
#include <algorithm>

#include "network/ec2_common.h"
#include "network/ec2_handlers.h"
#include "network/model.h"

namespace borealis::network::ec2 {
namespace {

// What DescribeRegions shows as a region's endpoint: this server (every region shares it), or EC2's
// host name when the endpoint is not known.
std::string region_endpoint(const api::CallContext& context, const std::string& region) {
  std::string host = context.settings.endpoint_url;
  if (auto scheme = host.find("://"); scheme != std::string::npos) host.erase(0, scheme + 3);
  while (!host.empty() && host.back() == '/') host.pop_back();
  return host.empty() ? "ec2." + region + ".amazonaws.com" : host;
}

}  // namespace

api::Reply describe_regions(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto filters = parse_filters(input, {"region-name", "endpoint", "opt-in-status"});
  if (!filters) return fail(filters.error());
  const auto& regions = context.settings.regions;
  const auto names = texts(input, "RegionNames");
  auto missing = first_missing(names, regions);
  if (!missing) return fail(missing.error());
  if (*missing) return api::Reply::fail("InvalidParameterValue", "Invalid region: " + **missing);
  json out = json::array();
  for (const auto& region : regions) {
    if (!wanted(names, region)) continue;
    const std::string endpoint = region_endpoint(context, region);
    bool keep = matches(*filters, [&](std::string_view name) -> std::vector<std::string> {
      if (name == "region-name") return {region};
      if (name == "endpoint") return {endpoint};
      return {"opt-in-not-required"};
    });
    if (keep) out.push_back(json{{"Endpoint", endpoint}, {"RegionName", region}, {"OptInStatus", "opt-in-not-required"}});
  }
  return api::Reply::ok(json{{"Regions", std::move(out)}});
}

api::Reply describe_availability_zones(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto filters = parse_filters(input, {"zone-name", "zone-id", "region-name", "state", "zone-type", "group-name",
                                       "opt-in-status", "message"});
  if (!filters) return fail(filters.error());
  const auto zones = availability_zones(context.region);
  std::vector<std::string> zone_ids;
  for (const auto& z : zones) zone_ids.push_back(zone_id(z));
  const auto& ids = zone_ids;
  const auto names = texts(input, "ZoneNames");
  const auto wanted_ids = texts(input, "ZoneIds");
  for (const auto& [requested, known] : {std::pair{&names, &zones}, std::pair{&wanted_ids, &ids}}) {
    auto missing = first_missing(*requested, *known);
    if (!missing) return fail(missing.error());
    if (*missing)
      return api::Reply::fail("InvalidParameterValue", "The zone '" + **missing + "' does not exist in " + context.region);
  }
  json out = json::array();
  for (std::size_t i = 0; i < zones.size(); ++i) {
    if (!wanted(names, zones[i]) || !wanted(wanted_ids, ids[i])) continue;
    bool keep = matches(*filters, [&](std::string_view name) -> std::vector<std::string> {
      if (name == "zone-name") return {zones[i]};
      if (name == "zone-id") return {ids[i]};
      if (name == "region-name" || name == "group-name") return {context.region};
      if (name == "state") return {"available"};
      if (name == "zone-type") return {"availability-zone"};
      if (name == "opt-in-status") return {"opt-in-not-required"};
      return {};
    });
    if (!keep) continue;
    out.push_back(json{{"State", "available"},
                       {"OptInStatus", "opt-in-not-required"},
                       {"Messages", json::array()},
                       {"RegionName", context.region},
                       {"ZoneName", zones[i]},
                       {"ZoneId", ids[i]},
                       {"GroupName", context.region},
                       {"NetworkBorderGroup", context.region},
                       {"ZoneType", "availability-zone"}});
  }
  return api::Reply::ok(json{{"AvailabilityZones", std::move(out)}});
}

}  // namespace borealis::network::ec2
