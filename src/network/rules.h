// Security group rules as EC2 defines them: normalising what a caller sent (protocol names and
// numbers, port ranges per protocol, the peer), describing a rule for messages, and deciding whether a
// rule admits a protocol/port. Pure; never touches the store.
#pragma once

#include <string>
#include <string_view>

#include "network/outcome.h"
#include "store/network_tables.h"

namespace borealis::network {

// A rule as requested, before it has an id.
struct RuleSpec {
  std::string protocol;  // as sent: "tcp", "TCP", "6", "all", "-1", "icmp", "50", ...
  int from_port = -1;
  int to_port = -1;
  bool ports_given = false;  // FromPort/ToPort were present in the request
  std::string cidr;      // peer CIDR, or
  std::string group_id;  // peer group ("sg-…")
  std::string description;
};

// Longest rule description EC2 accepts.
inline constexpr std::size_t kMaxRuleDescription = 255;

// Canonical protocol ("-1", "tcp", "udp", "icmp" or a number "0".."255" other than 1, 6, 17) with
// ports checked for it: tcp/udp need 0 <= from <= to <= 65535; icmp takes type/code -1..255 (default
// -1); other protocols have no ports (-1). The CIDR must be canonical. InvalidParameterValue otherwise.
Outcome<RuleSpec> normalize_rule(RuleSpec spec);

// The same rule (direction aside): protocol, ports and peer. Descriptions do not count, as in EC2.
bool same_rule(const store::SecurityGroupRuleRecord& rule, const RuleSpec& spec);

// "peer: 127.0.0.0/8, TCP, from port: 5432, to port: 5432, ALLOW" (EC2's wording in duplicate errors).
std::string describe_rule(const RuleSpec& spec);

// Does `rule` admit `protocol` ("tcp" or "udp") on `port`? Protocol -1 admits everything.
bool rule_admits(const store::SecurityGroupRuleRecord& rule, std::string_view protocol, int port);

}  // namespace borealis::network
