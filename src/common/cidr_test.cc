// Table-driven tests for the IPv4/CIDR helpers.
#include "common/cidr.h"

#include <gtest/gtest.h>

namespace borealis {
namespace {

struct ParseCase {
  const char* text;
  bool valid;
  bool canonical;
};

TEST(Cidr, ParsesStrictly) {
  const ParseCase cases[] = {
      {"10.0.0.0/16", true, true},     {"0.0.0.0/0", true, true},       {"255.255.255.255/32", true, true},
      {"10.0.0.1/16", true, false},    {"172.31.16.0/20", true, true},  {"172.31.17.0/20", true, false},
      {"10.0.0.0", false, false},      {"10.0.0/16", false, false},     {"10.0.0.0.0/16", false, false},
      {"10.0.0.256/16", false, false}, {"10.0.0.0/33", false, false},   {"010.0.0.0/16", false, false},
      {"10.0.0.0/016", false, false},  {"10.0.0.0/", false, false},     {"/16", false, false},
      {"10.0.0.-1/16", false, false},  {" 10.0.0.0/16", false, false},  {"10.0.0.0/16 ", false, false},
      {"10..0.0/16", false, false},    {"1000.0.0.0/8", false, false},  {"a.b.c.d/8", false, false},
      {"", false, false},              {"10.0.0.0/+8", false, false},   {"10.0.0.0//8", false, false},
  };
  for (const auto& c : cases) {
    auto parsed = parse_cidr(c.text);
    EXPECT_EQ(parsed.has_value(), c.valid) << c.text;
    if (parsed) {
      EXPECT_EQ(parsed->is_canonical(), c.canonical) << c.text;
      if (c.canonical) {
        EXPECT_EQ(parsed->to_string(), c.text);
      }
    }
  }
}

struct RelationCase {
  const char* outer;
  const char* inner;
  bool contains;
  bool overlaps;
};

TEST(Cidr, ContainmentAndOverlap) {
  const RelationCase cases[] = {
      {"172.31.0.0/16", "172.31.0.0/20", true, true},   {"172.31.0.0/16", "172.31.240.0/20", true, true},
      {"172.31.0.0/16", "172.32.0.0/20", false, false}, {"172.31.0.0/20", "172.31.0.0/16", false, true},
      {"10.0.0.0/8", "10.255.255.255/32", true, true},  {"0.0.0.0/0", "192.168.1.0/24", true, true},
      {"10.0.0.0/24", "10.0.1.0/24", false, false},     {"10.0.0.0/23", "10.0.1.0/24", true, true},
      {"127.0.0.0/8", "127.0.0.1/32", true, true},      {"10.0.0.0/16", "10.0.0.0/16", true, true},
  };
  for (const auto& c : cases) {
    auto outer = parse_cidr(c.outer), inner = parse_cidr(c.inner);
    ASSERT_TRUE(outer && inner);
    EXPECT_EQ(outer->contains(*inner), c.contains) << c.outer << " ⊇ " << c.inner;
    EXPECT_EQ(outer->overlaps(*inner), c.overlaps) << c.outer << " ∩ " << c.inner;
    EXPECT_EQ(inner->overlaps(*outer), c.overlaps) << "symmetric " << c.inner << " ∩ " << c.outer;
  }
}

TEST(Cidr, AddressesAndNetwork) {
  EXPECT_EQ(parse_ipv4("127.0.0.1"), 0x7f000001u);
  EXPECT_FALSE(parse_ipv4("127.0.0.1/8"));
  EXPECT_FALSE(parse_ipv4("127.0.0"));
  EXPECT_EQ(format_ipv4(0xac1f1000u), "172.31.16.0");
  auto c = parse_cidr("10.1.2.3/8");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->network().to_string(), "10.0.0.0/8");
  EXPECT_TRUE(c->contains(*parse_ipv4("10.200.0.1")));
  EXPECT_FALSE(c->contains(*parse_ipv4("11.0.0.0")));
  EXPECT_EQ(parse_cidr("0.0.0.0/0")->mask(), 0u);
  EXPECT_EQ(parse_cidr("0.0.0.0/32")->mask(), 0xffffffffu);
}

}  // namespace
}  // namespace borealis
