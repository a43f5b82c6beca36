// Security group rule normalisation and matching (see rules.h).
#include "network/rules.h"

#include <algorithm>
#include <cctype>

#include "common/cidr.h"

namespace borealis::network {
namespace {

constexpr int kMaxPort = 65535;
constexpr int kMaxIcmpValue = 255;  // ICMP type and code are one octet each

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

api::ApiError bad(const std::string& message) { return ec2_error("InvalidParameterValue", message); }

// Names first, then numbers: IANA 1, 6 and 17 are stored by name, as EC2 shows them.
std::optional<std::string> canonical_protocol(const std::string& text) {
  const std::string p = lower(text);
  if (p == "-1" || p == "all") return "-1";
  if (p == "tcp" || p == "6") return "tcp";
  if (p == "udp" || p == "17") return "udp";
  if (p == "icmp" || p == "1") return "icmp";
  if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  if (p.size() > 1 && p[0] == '0') return std::nullopt;
  if (std::stoi(p) > 255) return std::nullopt;
  return p;
}

}  // namespace

Outcome<RuleSpec> normalize_rule(RuleSpec spec) {
  auto protocol = canonical_protocol(spec.protocol);
  if (!protocol) return bad("Invalid value '" + spec.protocol + "' for IP protocol. Unknown protocol.");
  spec.protocol = *protocol;
  if (spec.protocol == "tcp" || spec.protocol == "udp") {
    if (!spec.ports_given) return bad("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
    if (spec.from_port < 0 || spec.to_port > kMaxPort || spec.from_port > spec.to_port)
      return bad("Invalid value '" + std::to_string(spec.from_port) + "-" + std::to_string(spec.to_port) +
                 "' for portRange: ports must be 0-65535 with from-port <= to-port.");
  } else if (spec.protocol == "icmp") {
    if (!spec.ports_given) spec.from_port = spec.to_port = -1;
    if (spec.from_port < -1 || spec.from_port > kMaxIcmpValue || spec.to_port < -1 || spec.to_port > kMaxIcmpValue)
      return bad("Invalid value '" + std::to_string(spec.from_port) + "," + std::to_string(spec.to_port) +
                 "' for ICMP type/code: each must be -1 (all) or 0-255.");
  } else {
    spec.from_port = spec.to_port = -1;  // no ports for all-traffic and other protocols
  }
  if (spec.cidr.empty() == spec.group_id.empty())
    return bad("Each rule needs exactly one peer: an IPv4 CIDR (CidrIp) or a security group (GroupId or GroupName).");
  if (!spec.cidr.empty()) {
    auto block = parse_cidr(spec.cidr);
    if (!block || !block->is_canonical())
      return bad("CIDR block " + spec.cidr + " is malformed" +
                 (block ? "; use " + block->network().to_string() : std::string()) + ".");
  }
  if (spec.description.size() > kMaxRuleDescription)
    return bad("The rule description is longer than " + std::to_string(kMaxRuleDescription) + " characters.");
  return spec;
}

bool same_rule(const store::SecurityGroupRuleRecord& rule, const RuleSpec& spec) {
  return rule.protocol == spec.protocol && rule.from_port == spec.from_port && rule.to_port == spec.to_port &&
         rule.cidr == spec.cidr && rule.referenced_group_id == spec.group_id;
}

std::string describe_rule(const RuleSpec& spec) {
  std::string protocol = spec.protocol == "-1" ? "ALL" : spec.protocol;
  std::transform(protocol.begin(), protocol.end(), protocol.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::string out = "peer: " + (spec.cidr.empty() ? spec.group_id : spec.cidr) + ", " + protocol;
  if (spec.from_port != -1 || spec.to_port != -1)
    out += ", from port: " + std::to_string(spec.from_port) + ", to port: " + std::to_string(spec.to_port);
  return out + ", ALLOW";
}

bool rule_admits(const store::SecurityGroupRuleRecord& rule, std::string_view protocol, int port) {
  if (rule.protocol == "-1") return true;
  if (rule.protocol != protocol) return false;
  return rule.from_port <= port && port <= rule.to_port;
}

}  // namespace borealis::network
