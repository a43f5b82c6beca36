// Whether a DB cluster can reach its directory, and which client addresses a DB's security groups
// let in — decided from the network model (VPCs, peerings, security group rules) the way AWS
// documents it. Reads the store; never changes it, never logs.
//
// THE RULE (directory_unreachable_reason): the DB cluster (in VPC V_db with security groups G_db)
// can reach directory D (in VPC V_d with security group g_d) when all three hold:
//   1. V_db == V_d, or an ACTIVE peering connection joins V_db and V_d (either direction);
//      a pending-acceptance, rejected, failed or deleted one does not count.
//   2. Some group in G_db has an INGRESS rule (any protocol, any port) whose peer is g_d, or whose
//      CIDR contains V_d's whole CIDR block — AWS: "the DB security group must allow inbound from the
//      directory security group".
//   3. g_d has an INGRESS rule admitting Kerberos (TCP or UDP port 88; protocol -1 counts) whose peer
//      is a group in G_db or whose CIDR contains V_db's whole block (the rules AWS puts on a
//      directory's group — and create_directory_security_group — allow 88 from 0.0.0.0/0).
// A directory with no directory_networks row (created by `borealis directory` before the API, or by
// hand) counts as sitting in the default VPC of `default_region` with that VPC's default group as
// g_d, and condition 3 holds for it (its own group allows everything). If that region has no default
// VPC, such a directory is taken as reachable: there is nothing to check against.
// When the model cannot be read, the answer is a reason (fail closed), naming the store error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace borealis::network {

inline constexpr int kKerberosPort = 88;

// nullopt when the DB can reach the directory; otherwise one sentence a person can act on, naming
// the VPC, group, peering and directory ids.
std::optional<std::string> directory_unreachable_reason(store::Store& store, const std::string& db_vpc_id,
                                                        const std::vector<std::string>& db_security_group_ids,
                                                        const std::string& directory_id,
                                                        const std::string& default_region = "us-east-1");

// The IPv4 CIDRs (canonical text, sorted, each once) of the ingress rules of `security_group_ids`
// that admit TCP to `port` (protocol -1 counts). Rules whose peer is a security group are skipped:
// a client's address cannot be matched to a group (clients are not members of groups here). Groups
// that do not exist contribute nothing; so does a store failure (fail closed: no address allowed).
std::vector<std::string> client_ingress_cidrs(store::Store& store, const std::vector<std::string>& security_group_ids,
                                              int port);

}  // namespace borealis::network
