// The client addresses a DB cluster's VPC security groups admit on its port, as the gateway enforces
// them (gateway::ClientSources). Read-only; called on the reconciler's thread when it renders the
// gateway config.
#pragma once

#include <optional>

#include "gateway/config.h"
#include "store/store.h"

namespace borealis::server {

// nullopt for a cluster without VPC security groups (made by `borealis cluster create`); a store
// failure gives an empty list (nobody admitted until the next pass), never "everyone".
std::optional<gateway::ClientSources> cluster_client_sources(store::Store& store, const store::ClusterRecord& cluster);

}  // namespace borealis::server
