#include "common/cidr.h"

#include <gtest/gtest.h>

namespace borealis {
namespace {

TEST(Cidr, ParsesAddresses) {
  EXPECT_EQ(parse_ipv4("127.0.0.1"), 0x7f000001u);
  EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xffffffffu);
  EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1..3.4",
                          "1.2.3.", "a.b.c.d", "1.2.3.4/8", "1234.1.1.1", "-1.2.3.4"})
    EXPECT_FALSE(parse_ipv4(bad)) << bad;
}

TEST(Cidr, ParsesBlocksWithZeroHostBits) {
  auto c = parse_ipv4_cidr("172.31.0.0/16");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, 16);
  EXPECT_EQ(c->to_string(), "172.31.0.0/16");
  EXPECT_TRUE(parse_ipv4_cidr("0.0.0.0/0"));
  EXPECT_TRUE(parse_ipv4_cidr("10.1.2.3/32"));
  for (const char* bad : {"10.0.0.1/16", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0", "10.0.0.0/08", "10.0.0.0/x", "/8"})
    EXPECT_FALSE(parse_ipv4_cidr(bad)) << bad;
}

TEST(Cidr, ContainsAndOverlaps) {
  auto loop = *parse_ipv4_cidr("127.0.0.0/8");
  EXPECT_TRUE(loop.contains(*parse_ipv4("127.4.10.1")));
  EXPECT_FALSE(loop.contains(*parse_ipv4("128.0.0.1")));
  EXPECT_TRUE(parse_ipv4_cidr("0.0.0.0/0")->contains(*parse_ipv4("8.8.8.8")));
  auto host = *parse_ipv4_cidr("127.0.0.1/32");
  EXPECT_TRUE(host.contains(*parse_ipv4("127.0.0.1")));
  EXPECT_FALSE(host.contains(*parse_ipv4("127.0.0.2")));
  EXPECT_TRUE(loop.overlaps(host));
  EXPECT_TRUE(host.overlaps(loop));
  EXPECT_FALSE(parse_ipv4_cidr("10.0.0.0/16")->overlaps(*parse_ipv4_cidr("10.1.0.0/16")));
}

}  // namespace
}  // namespace borealis
