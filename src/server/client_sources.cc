#include "server/client_sources.h"

#include "common/cidr.h"
#include "network/reachability.h"
#include "store/rds_tables.h"

namespace borealis::server {

std::optional<gateway::ClientSources> cluster_client_sources(store::Store& store, const store::ClusterRecord& cluster) {
  store::RdsTables rds(store);
  auto has = rds.has_cluster_fields(cluster.id);
  if (!has.ok() || !*has) return std::nullopt;
  auto fields = rds.cluster_fields(cluster.id);
  // A store failure must not open the door: the endpoint then admits nobody until the next pass.
  if (!fields.ok()) return gateway::ClientSources{};
  if (fields->vpc_security_group_ids.empty()) return std::nullopt;
  gateway::ClientSources sources;
  sources.security_groups = fields->vpc_security_group_ids;
  for (const std::string& text : network::client_ingress_cidrs(store, fields->vpc_security_group_ids, cluster.port))
    if (auto cidr = parse_cidr(text)) sources.allowed.push_back(cidr->network());
  return sources;
}

}  // namespace borealis::server
