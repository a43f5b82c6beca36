// Percent-encoding, Trimall, path normalisation and timestamps, with Python's behaviour (which
// botocore relies on) as the reference for each case.
#include <gtest/gtest.h>

#include "sigv4/amz_date.h"
#include "sigv4/canonical.h"
#include "sigv4/encoding.h"

namespace borealis::sigv4 {
namespace {

TEST(Encoding, UriEncodeIsPythonQuote) {
  EXPECT_EQ(uri_encode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(uri_encode("a b/c+d=e&f%", false), "a%20b%2Fc%2Bd%3De%26f%25");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(uri_encode("\xc3\xa9\xff", false), "%C3%A9%FF");
}

TEST(Encoding, PercentDecodeIsStrict) {
  EXPECT_EQ(percent_decode("a%20b%2fc%2F+"), "a b/c/+");
  EXPECT_FALSE(percent_decode("%").has_value());
  EXPECT_FALSE(percent_decode("%4").has_value());
  EXPECT_FALSE(percent_decode("a%g0").has_value());
  EXPECT_FALSE(percent_decode("%0g").has_value());
  EXPECT_EQ(percent_decode("%00"), std::string(1, '\0'));
}

TEST(Encoding, TrimAllIsPythonSplitJoin) {
  EXPECT_EQ(trim_all("   a   b   c  "), "a b c");
  EXPECT_EQ(trim_all("one\t\ttwo  three"), "one two three");
  EXPECT_EQ(trim_all("\r\n\v\f x \x1c\x1f y"), "x y");
  EXPECT_EQ(trim_all(""), "");
  EXPECT_EQ(trim_all("   "), "");
}

TEST(Encoding, NormalizePathIsBotocoreRemoveDotSegments) {
  EXPECT_EQ(normalize_path(""), "/");
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(normalize_path("/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(normalize_path("/../../a"), "/a");
  EXPECT_EQ(normalize_path("/a/.."), "/");
  EXPECT_EQ(normalize_path("//"), "/");
  EXPECT_EQ(canonical_uri("/a%20b"), "/a%2520b");  // encoded once more, as botocore signs it
}

TEST(Encoding, CanonicalQuerySortsByEncodedKeyThenValue) {
  auto q = canonical_query_string("b=2&a=z&a=y&empty=&flag&c=%20sp%2Bplus~", false);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.value(), "a=y&a=z&b=2&c=%20sp%2Bplus~&empty=&flag=");
  auto without_sig = canonical_query_string("X-Amz-Signature=abc&a=1", true);
  ASSERT_TRUE(without_sig.ok());
  EXPECT_EQ(without_sig.value(), "a=1");
  EXPECT_FALSE(canonical_query_string("a=%zz", false).ok());
  std::string many = "a=1";
  for (std::size_t i = 0; i < kMaxQueryParameters; ++i) many += "&a=1";
  EXPECT_EQ(canonical_query_string(many, false).error().check, Check::too_many_parameters);
}

TEST(AmzDate, ParsesAndFormatsStrictly) {
  const auto t = parse_amz_date("20261128T123456Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_amz_date(*t), "20261128T123456Z");
  EXPECT_EQ(t->time_since_epoch().count(), 1795869296);
  EXPECT_TRUE(parse_amz_date("20240229T000000Z").has_value());
  for (const char* bad : {"20230229T000000Z", "20261128T240000Z", "20261128T126000Z", "20261128T123460Z",
                          "20261128 123456Z", "20261128T123456", "20261128T123456z", "2026112T123456Z",
                          "2026-11-28T12:34Z", "+0261128T123456Z", ""}) {
    EXPECT_FALSE(parse_amz_date(bad).has_value()) << bad;
  }
  EXPECT_TRUE(is_scope_date("20261128"));
  EXPECT_FALSE(is_scope_date("20261332"));
}

}  // namespace
}  // namespace borealis::sigv4
