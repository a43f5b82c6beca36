// Table-driven tests for security group rule normalisation and matching.
#include "network/rules.h"

#include <gtest/gtest.h>

namespace borealis::network {
namespace {

struct NormalizeCase {
  const char* protocol;
  bool ports_given;
  int from, to;
  const char* cidr;
  const char* group;
  bool valid;
  const char* canonical_protocol;
  int want_from, want_to;
};

TEST(Rules, Normalize) {
  const NormalizeCase cases[] = {
      {"tcp", true, 5432, 5432, "127.0.0.0/8", "", true, "tcp", 5432, 5432},
      {"TCP", true, 0, 65535, "0.0.0.0/0", "", true, "tcp", 0, 65535},
      {"6", true, 22, 22, "", "sg-1", true, "tcp", 22, 22},
      {"17", true, 53, 53, "10.0.0.0/8", "", true, "udp", 53, 53},
      {"all", false, 0, 0, "10.0.0.0/8", "", true, "-1", -1, -1},
      {"-1", true, 1, 2, "10.0.0.0/8", "", true, "-1", -1, -1},  // ports ignored for all traffic
      {"icmp", false, 0, 0, "10.0.0.0/8", "", true, "icmp", -1, -1},
      {"1", true, 8, -1, "10.0.0.0/8", "", true, "icmp", 8, -1},
      {"50", true, 1, 1, "10.0.0.0/8", "", true, "50", -1, -1},
      {"tcp", false, 0, 0, "10.0.0.0/8", "", false, "", 0, 0},     // tcp needs ports
      {"tcp", true, 80, 79, "10.0.0.0/8", "", false, "", 0, 0},    // from > to
      {"udp", true, -1, 10, "10.0.0.0/8", "", false, "", 0, 0},
      {"udp", true, 1, 65536, "10.0.0.0/8", "", false, "", 0, 0},
      {"icmp", true, 256, 0, "10.0.0.0/8", "", false, "", 0, 0},
      {"256", false, 0, 0, "10.0.0.0/8", "", false, "", 0, 0},
      {"007", false, 0, 0, "10.0.0.0/8", "", false, "", 0, 0},
      {"gre", false, 0, 0, "10.0.0.0/8", "", false, "", 0, 0},
      {"", false, 0, 0, "10.0.0.0/8", "", false, "", 0, 0},
      {"tcp", true, 1, 1, "10.0.0.1/8", "", false, "", 0, 0},     // host bits set
      {"tcp", true, 1, 1, "", "", false, "", 0, 0},               // no peer
      {"tcp", true, 1, 1, "10.0.0.0/8", "sg-1", false, "", 0, 0},  // two peers
  };
  for (const auto& c : cases) {
    RuleSpec spec;
    spec.protocol = c.protocol;
    spec.ports_given = c.ports_given;
    spec.from_port = c.from;
    spec.to_port = c.to;
    spec.cidr = c.cidr;
    spec.group_id = c.group;
    auto normalized = normalize_rule(spec);
    ASSERT_EQ(normalized.ok(), c.valid) << c.protocol << " " << c.from << "-" << c.to << " " << c.cidr << c.group;
    if (!normalized) {
      EXPECT_EQ(normalized.error().code, "InvalidParameterValue");
      continue;
    }
    EXPECT_EQ(normalized->protocol, c.canonical_protocol) << c.protocol;
    EXPECT_EQ(normalized->from_port, c.want_from) << c.protocol;
    EXPECT_EQ(normalized->to_port, c.want_to) << c.protocol;
  }
  RuleSpec long_description;
  long_description.protocol = "-1";
  long_description.cidr = "0.0.0.0/0";
  long_description.description = std::string(kMaxRuleDescription + 1, 'x');
  EXPECT_FALSE(normalize_rule(long_description).ok());
}

TEST(Rules, AdmitsAndDescribes) {
  store::SecurityGroupRuleRecord tcp_range;
  tcp_range.protocol = "tcp";
  tcp_range.from_port = 5000;
  tcp_range.to_port = 6000;
  EXPECT_TRUE(rule_admits(tcp_range, "tcp", 5432));
  EXPECT_TRUE(rule_admits(tcp_range, "tcp", 6000));
  EXPECT_FALSE(rule_admits(tcp_range, "tcp", 6001));
  EXPECT_FALSE(rule_admits(tcp_range, "udp", 5432));
  store::SecurityGroupRuleRecord all;
  all.protocol = "-1";
  EXPECT_TRUE(rule_admits(all, "udp", 88));

  RuleSpec spec;
  spec.protocol = "tcp";
  spec.from_port = spec.to_port = 5432;
  spec.cidr = "127.0.0.0/8";
  EXPECT_EQ(describe_rule(spec), "peer: 127.0.0.0/8, TCP, from port: 5432, to port: 5432, ALLOW");
  spec.protocol = "-1";
  spec.from_port = spec.to_port = -1;
  spec.cidr.clear();
  spec.group_id = "sg-1";
  EXPECT_EQ(describe_rule(spec), "peer: sg-1, ALL, ALLOW");
}

}  // namespace
}  // namespace borealis::network
