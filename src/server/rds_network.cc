// The installed EC2 view of the RDS handlers (see rds_network.h).
#include "server/rds_network.h"

namespace borealis::server {
namespace {
RdsNetwork& installed() {
  static RdsNetwork network;
  return network;
}
}  // namespace

void set_rds_network(RdsNetwork network) { installed() = std::move(network); }
const RdsNetwork& rds_network() { return installed(); }

}  // namespace borealis::server
