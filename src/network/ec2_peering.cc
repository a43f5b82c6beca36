// EC2 VPC peering: Create (same account; PeerRegion optional) → pending-acceptance; Accept → active,
// or failed when the two VPCs' blocks overlap (as EC2 does); Delete → deleted (kept and listed).
#include <algorithm>
#include <ctime>

#include "common/cidr.h"
#include "network/ec2_common.h"
#include "network/ec2_handlers.h"
#include "network/ec2_tags.h"
#include "network/model.h"

namespace borealis::network::ec2 {
namespace {

// EC2 lets a peering request wait a week for acceptance.
constexpr std::chrono::hours kPendingLifetime{24 * 7};

std::string iso8601(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool live(const store::VpcPeeringRecord& p) { return p.status == "pending-acceptance" || p.status == "active"; }

// The peering named by the input, if visible from the request's region (either side is there).
Outcome<store::VpcPeeringRecord> named_peering(api::CallContext& context, const json& input) {
  const std::string id = text(input, "VpcPeeringConnectionId");
  if (id.empty()) return ec2_error("MissingParameter", "The request must contain the parameter vpcPeeringConnectionId");
  return find_peering(context.store, context.region, id);
}

api::ApiError bad_transition(const store::VpcPeeringRecord& p, const std::string& to) {
  return ec2_error("InvalidStateTransition", "Invalid state transition for " + p.id + ", attempted to transition from " +
                                                 p.status + " to " + to);
}

std::string vpc_cidr(store::NetworkTables& tables, const std::string& vpc_id) {
  auto vpc = tables.get_vpc(vpc_id);
  return vpc ? vpc->cidr : std::string();
}

}  // namespace

api::Reply create_vpc_peering_connection(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  const std::string vpc_id = text(input, "VpcId");
  if (vpc_id.empty()) return missing_parameter("vpcId");
  const std::string peer_vpc_id = text(input, "PeerVpcId");
  if (peer_vpc_id.empty()) return missing_parameter("peerVpcId");
  const std::string owner = context.settings.account_id;
  const std::string peer_owner = text(input, "PeerOwnerId");
  if (!peer_owner.empty() && peer_owner != owner)
    return api::Reply::fail("InvalidParameterValue", "Peering with a VPC of another account (" + peer_owner +
                                                         ") is not supported here; both VPCs must be in " + owner + ".");
  std::string peer_region = text(input, "PeerRegion");
  if (peer_region.empty()) peer_region = context.region;
  const auto& regions = context.settings.regions;
  if (std::find(regions.begin(), regions.end(), peer_region) == regions.end())
    return api::Reply::fail("InvalidParameterValue", "Value (" + peer_region + ") for parameter PeerRegion is invalid: "
                                                         "it is not a region this endpoint serves.");
  auto tags = tag_specifications(input, "vpc-peering-connection");
  if (!tags) return fail(tags.error());
  auto requester = find_vpc(context.store, context.region, vpc_id);
  if (!requester) return fail(requester.error());
  auto accepter = find_vpc(context.store, peer_region, peer_vpc_id);
  if (!accepter) return fail(accepter.error());
  if (requester->id == accepter->id)
    return api::Reply::fail("InvalidParameterValue", "A VPC cannot be peered with itself (" + vpc_id + ").");
  auto existing = peerings_between(context.store, requester->id, accepter->id);
  if (!existing) return fail(internal_error(existing.error()));
  for (const auto& p : *existing) {
    if (live(p))
      return api::Reply::fail("VpcPeeringConnectionAlreadyExists", "VPC peering connection " + p.id + " between " +
                                                                       vpc_id + " and " + peer_vpc_id + " already exists (" +
                                                                       p.status + ").");
  }
  store::VpcPeeringRecord peering{new_resource_id("pcx"), requester->id, requester->region, accepter->id,
                                  accepter->region, "pending-acceptance", "Pending Acceptance by " + owner,
                                  iso8601(context.now), iso8601(context.now + kPendingLifetime)};
  store::NetworkTables tables(context.store);
  if (auto s = tables.create_peering(peering); !s) return fail(internal_error(s.error()));
  if (auto tagged = tag_new_resource(context, peering.id, *tags); !tagged) return fail(tagged.error());
  return api::Reply::ok(json{{"VpcPeeringConnection", with_tags(peering_json(context.store, peering, owner), &*tags)}});
}

api::Reply accept_vpc_peering_connection(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto peering = named_peering(context, input);
  if (!peering) return fail(peering.error());
  if (peering->status != "pending-acceptance") return fail(bad_transition(*peering, "active"));
  if (peering->accepter_region != context.region)
    return api::Reply::fail("OperationNotPermitted", "Accept " + peering->id + " in the accepter VPC's region (" +
                                                         peering->accepter_region + "), not in " + context.region + ".");
  store::NetworkTables tables(context.store);
  auto requester_block = parse_cidr(vpc_cidr(tables, peering->requester_vpc_id));
  auto accepter_block = parse_cidr(vpc_cidr(tables, peering->accepter_vpc_id));
  if (!requester_block || !accepter_block) {
    peering->status = "failed";
    peering->message = "A VPC of this peering connection no longer exists";
  } else if (requester_block->overlaps(*accepter_block)) {
    peering->status = "failed";
    peering->message = "Overlapping CIDR range: " + requester_block->to_string() + " (" + peering->requester_vpc_id +
                       ") and " + accepter_block->to_string() + " (" + peering->accepter_vpc_id + ")";
  } else {
    peering->status = "active";
    peering->message = "Active";
  }
  if (auto s = tables.update_peering_status(peering->id, peering->status, peering->message); !s)
    return fail(internal_error(s.error()));
  auto tags = store::NetworkTables(context.store).tags({peering->id});
  if (!tags) return fail(internal_error(tags.error()));
  return api::Reply::ok(json{{"VpcPeeringConnection", with_tags(peering_json(context.store, *peering, context.settings.account_id),
                                                                tags_of(*tags, peering->id))}});
}

api::Reply describe_vpc_peering_connections(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto filters = parse_filters(input, {"vpc-peering-connection-id", "status-code", "status-message",
                                       "requester-vpc-info.vpc-id", "accepter-vpc-info.vpc-id",
                                       "requester-vpc-info.cidr-block", "accepter-vpc-info.cidr-block",
                                       "requester-vpc-info.owner-id", "accepter-vpc-info.owner-id", "expiration-time",
                                       "tag-key", "tag-value"});
  if (!filters) return fail(filters.error());
  auto tags = load_tags(context);
  if (!tags) return fail(tags.error());
  store::NetworkTables tables(context.store);
  auto peerings = tables.list_peerings(context.region);
  if (!peerings) return fail(internal_error(peerings.error()));
  const auto ids = texts(input, "VpcPeeringConnectionIds");
  if (auto refused = require_ids(ids, *peerings, peering_not_found)) return *refused;
  const std::string& owner = context.settings.account_id;
  json out = json::array();
  for (const auto& p : *peerings) {
    if (!wanted(ids, p.id)) continue;
    const auto* peering_tags = tags_of(*tags, p.id);
    bool keep = matches(*filters, [&](std::string_view name) -> std::vector<std::string> {
      if (auto values = tag_filter_values(name, peering_tags)) return *values;
      if (name == "vpc-peering-connection-id") return {p.id};
      if (name == "status-code") return {p.status};
      if (name == "status-message") return {p.message};
      if (name == "requester-vpc-info.vpc-id") return {p.requester_vpc_id};
      if (name == "accepter-vpc-info.vpc-id") return {p.accepter_vpc_id};
      if (name == "requester-vpc-info.cidr-block") return {vpc_cidr(tables, p.requester_vpc_id)};
      if (name == "accepter-vpc-info.cidr-block") return {vpc_cidr(tables, p.accepter_vpc_id)};
      if (name == "expiration-time") return {p.expires_at};
      return {owner};
    });
    if (keep) out.push_back(with_tags(peering_json(context.store, p, owner), peering_tags));
  }
  return api::Reply::ok(json{{"VpcPeeringConnections", std::move(out)}});
}

api::Reply delete_vpc_peering_connection(api::CallContext& context, const json& input) {
  if (auto r = dry_run(input)) return *r;
  auto peering = named_peering(context, input);
  if (!peering) return fail(peering.error());
  if (!live(*peering)) return fail(bad_transition(*peering, "deleted"));
  if (auto s = store::NetworkTables(context.store)
                   .update_peering_status(peering->id, "deleted", "Deleted by " + context.settings.account_id);
      !s)
    return fail(internal_error(s.error()));
  return api::Reply::ok(json{{"Return", true}});
}

}  // namespace borealis::network::ec2
