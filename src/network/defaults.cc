// The default network per region (see defaults.h).
#include "network/defaults.h"

#include <iterator>

#include "common/log.h"
#include "network/model.h"
#include "store/network_tables.h"

namespace borealis::network {
namespace {

// One /20 per zone from the bottom of 172.31.0.0/16, as EC2 lays out default subnets.
constexpr const char* kDefaultSubnetCidrs[] = {"172.31.0.0/20", "172.31.16.0/20", "172.31.32.0/20"};
static_assert(std::size(kDefaultSubnetCidrs) == kZoneLetters.size());

Status as_status(const api::ApiError& e) { return make_error(Errc::internal, e.code + ": " + e.message); }

}  // namespace

Status ensure_default_network(store::Store& store, std::span<const std::string> regions) {
  store::NetworkTables tables(store);
  for (const auto& region : regions) {
    Status s = store.transaction([&]() -> Status {
      auto existing = tables.default_vpc(region);
      if (!existing) return std::move(existing).error();
      if (existing->has_value()) return ok_status();
      auto vpc = create_vpc(store, region, kDefaultVpcCidr, true);
      if (!vpc) return as_status(vpc.error());
      const auto zones = availability_zones(region);
      for (std::size_t i = 0; i < zones.size(); ++i) {
        auto subnet = create_subnet(store, *vpc, kDefaultSubnetCidrs[i], zones[i], true);
        if (!subnet) return as_status(subnet.error());
      }
      log::info("network", "created the default VPC region={} vpc={}", region, vpc->id);
      return ok_status();
    });
    if (!s) return s;
  }
  return ok_status();
}

}  // namespace borealis::network
