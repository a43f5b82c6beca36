// AWS's tag rules (api/tags.h) as RDS and EC2 apply them.
#include "api/tags.h"

#include <gtest/gtest.h>

namespace borealis::api {
namespace {

std::optional<std::string> rds(const std::string& key, const std::string& value) {
  return tag_problem(key, value, {"aws:", "rds:"}, true);
}
std::optional<std::string> ec2(const std::string& key, const std::string& value) { return tag_problem(key, value, {"aws:"}, false); }

TEST(TagRules, LengthsCountCharactersNotBytes) {
  EXPECT_FALSE(rds(std::string(128, 'k'), std::string(256, 'v')));
  EXPECT_TRUE(rds(std::string(129, 'k'), "v"));
  EXPECT_TRUE(rds("k", std::string(257, 'v')));
  EXPECT_TRUE(rds("", "v"));
  EXPECT_FALSE(rds("k", ""));
  std::string wide;
  for (int i = 0; i < 128; ++i) wide += "\xE2\x82\xAC";  // €, three bytes each
  EXPECT_FALSE(ec2(wide, wide));
  EXPECT_TRUE(ec2(wide + "x", "v"));
  EXPECT_TRUE(ec2("bad\xFF", "v"));  // not UTF-8
}

TEST(TagRules, ReservedPrefixesIgnoreCase) {
  EXPECT_TRUE(rds("aws:x", "v"));
  EXPECT_TRUE(rds("AWS:x", "v"));
  EXPECT_TRUE(rds("Rds:x", "v"));
  EXPECT_FALSE(ec2("rds:x", "v"));  // only RDS reserves rds:
  EXPECT_TRUE(ec2("aWs:x", "v"));
  EXPECT_FALSE(ec2("awsx", "v"));
  auto message = rds("aws:owner", "v");
  ASSERT_TRUE(message);
  EXPECT_NE(message->find("aws:"), std::string::npos);
}

TEST(TagRules, RdsLimitsTheCharactersEc2DoesNot) {
  EXPECT_FALSE(rds("Name 1_.:/=+-@", "é ü"));
  EXPECT_TRUE(rds("semi;colon", "v"));
  EXPECT_TRUE(rds("k", "tab\there"));
  EXPECT_FALSE(ec2("semi;colon#", "tab\there"));
}

}  // namespace
}  // namespace borealis::api
