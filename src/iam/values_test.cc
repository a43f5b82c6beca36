// The typed readings behind condition operators: dates in every form AWS documents, numbers, booleans,
// CIDR blocks; and the policy character rule. Each has the malformed inputs that must read as "no".
#include "iam/values.h"

#include <gtest/gtest.h>

namespace borealis::iam {
namespace {

TEST(Values, Dates) {
  constexpr std::int64_t k2026_12_01 = 1796083200LL * 1000;
  EXPECT_EQ(parse_date_millis("2026-12-01"), k2026_12_01);
  EXPECT_EQ(parse_date_millis("2026-12-01T00:00:00Z"), k2026_12_01);
  EXPECT_EQ(parse_date_millis("2026-12-01T00:00Z"), k2026_12_01);
  EXPECT_EQ(parse_date_millis("2026-12-01T00:00:00.250Z"), k2026_12_01 + 250);
  EXPECT_EQ(parse_date_millis("2026-12-01T02:00:00+02:00"), k2026_12_01);
  EXPECT_EQ(parse_date_millis("2026-11-30T19:00:00-0500"), k2026_12_01);
  EXPECT_EQ(parse_date_millis("20261201T000000Z"), k2026_12_01);
  EXPECT_EQ(parse_date_millis("1796083200"), k2026_12_01);
  EXPECT_EQ(parse_date_millis("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_date_millis("2024-02-29"), 1709164800LL * 1000);
  // All digits is epoch seconds, even when it looks like a year (AWS reads it the same way).
  EXPECT_EQ(parse_date_millis("2026"), 2026 * 1000);
  for (std::string_view bad : {"", "2026-13-01", "2026-02-29", "2026-12-32", "2026-12-01T25:00:00Z",
                               "2026-12-01T00:00:00", "2026-12-01T00:00:00Q", "2026-12-01 00:00:00Z",
                               "2026-12-01T00:00:00.Z", "2026-12-01T00:00:00Z ", "-1", "123456789012",
                               "2026-12-01T00:00:00+2", "yesterday"})
    EXPECT_FALSE(parse_date_millis(bad).has_value()) << bad;
}

TEST(Values, Numbers) {
  EXPECT_EQ(parse_number("10"), 10.0);
  EXPECT_EQ(parse_number("-2.5"), -2.5);
  EXPECT_EQ(parse_number("1e3"), 1000.0);
  for (std::string_view bad : {"", "+1", "1 ", "ten", "nan", "inf", "1e999", "0x10", "1,5"})
    EXPECT_FALSE(parse_number(bad).has_value()) << bad;
}

TEST(Values, Booleans) {
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("TRUE"), true);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_FALSE(parse_bool("yes").has_value());
  EXPECT_FALSE(parse_bool("1").has_value());
  EXPECT_FALSE(parse_bool("truex").has_value());
}

TEST(Values, IpBlocks) {
  const auto net = parse_ip_block("10.0.0.0/8");
  ASSERT_TRUE(net);
  EXPECT_TRUE(ip_in_block(*parse_ip_block("10.255.1.2"), *net));
  EXPECT_FALSE(ip_in_block(*parse_ip_block("11.0.0.0"), *net));
  EXPECT_TRUE(ip_in_block(*parse_ip_block("192.0.2.9"), *parse_ip_block("192.0.2.8/29")));
  EXPECT_FALSE(ip_in_block(*parse_ip_block("192.0.2.16"), *parse_ip_block("192.0.2.8/29")));
  EXPECT_TRUE(ip_in_block(*parse_ip_block("1.2.3.4"), *parse_ip_block("0.0.0.0/0")));
  EXPECT_TRUE(ip_in_block(*parse_ip_block("2001:db8:ffff::1"), *parse_ip_block("2001:db8::/32")));
  EXPECT_FALSE(ip_in_block(*parse_ip_block("2001:db9::1"), *parse_ip_block("2001:db8::/32")));
  // Families never match, also not 0.0.0.0/0 against IPv6.
  EXPECT_FALSE(ip_in_block(*parse_ip_block("::1"), *parse_ip_block("0.0.0.0/0")));
  for (std::string_view bad : {"", "10.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "::1/129", "host",
                               "10.0.0.0/8/8", "10.0.0.0/0008"})
    EXPECT_FALSE(parse_ip_block(bad).has_value()) << bad;
}

TEST(Values, PolicyCharacters) {
  EXPECT_TRUE(is_allowed_policy_text("plain\ttext\r\n"));
  EXPECT_TRUE(is_allowed_policy_text("caf\xc3\xa9 \xc2\xa0"));
  EXPECT_FALSE(is_allowed_policy_text(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_allowed_policy_text("\x1b[31m"));
  EXPECT_FALSE(is_allowed_policy_text("\xe6\x97\xa5"));  // U+65E5
  EXPECT_FALSE(is_allowed_policy_text("\xc3"));          // truncated
  EXPECT_FALSE(is_allowed_policy_text("\xc3\x28"));      // bad continuation
  EXPECT_FALSE(is_allowed_policy_text("\xc0\xaf"));      // overlong '/'
}

}  // namespace
}  // namespace borealis::iam
