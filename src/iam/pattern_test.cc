// Wildcards and policy variables: `*` and `?` anywhere (across ':' and '/' in Resource), substituted
// text always literal, and the pathological patterns that must stay fast.
#include "iam/pattern.h"

#include <gtest/gtest.h>

namespace borealis::iam {
namespace {

bool glob(std::string_view pattern, std::string_view text, bool ignore_case = false) {
  return glob_match(literal_pattern(pattern), text, ignore_case);
}

TEST(Pattern, Glob) {
  EXPECT_TRUE(glob("*", ""));
  EXPECT_TRUE(glob("*", "anything:at/all"));
  EXPECT_TRUE(glob("a*c", "abc"));
  EXPECT_TRUE(glob("a*c", "ac"));
  EXPECT_TRUE(glob("a*c", "a:b/c"));
  EXPECT_FALSE(glob("a*c", "acb"));
  EXPECT_TRUE(glob("a?c", "abc"));
  EXPECT_FALSE(glob("a?c", "ac"));
  EXPECT_FALSE(glob("a?c", "abbc"));
  EXPECT_TRUE(glob("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(glob("*a*b*", "xxbxxaxx"));
  EXPECT_TRUE(glob("", ""));
  EXPECT_FALSE(glob("", "a"));
  EXPECT_FALSE(glob("abc", "ABC"));
  EXPECT_TRUE(glob("abc", "ABC", true));
  EXPECT_TRUE(glob("rds-db:*", "RDS-DB:connect", true));
}

TEST(Pattern, PathologicalPatternStaysLinearish) {
  const std::string pattern = std::string(1000, '*') + "b";
  const std::string text(2000, 'a');
  EXPECT_FALSE(glob(pattern, text));
  std::string alternating;
  for (int i = 0; i < 500; ++i) alternating += "a*";
  EXPECT_FALSE(glob(alternating + "b", std::string(2000, 'a')));
}

TEST(Pattern, Variables) {
  ContextKeys keys;
  keys.set("aws:username", "alice");
  keys.set("aws:PrincipalTag/team", "red");
  keys.set_all("aws:TagKeys", {"a", "b"});
  auto p = expand_variables("user/${aws:username}", keys);
  ASSERT_TRUE(p);
  EXPECT_TRUE(glob_match(*p, "user/alice", false));
  EXPECT_FALSE(glob_match(*p, "user/alice2", false));
  EXPECT_EQ(substitute_variables("${aws:PrincipalTag/team}-${aws:username}", keys), "red-alice");
  EXPECT_EQ(substitute_variables("${AWS:USERNAME}", keys), "alice");  // keys are case-insensitive
  EXPECT_EQ(substitute_variables("${aws:missing, 'dflt'}", keys), "dflt");
  EXPECT_EQ(substitute_variables("${aws:missing}", keys), std::nullopt);
  EXPECT_EQ(substitute_variables("${aws:TagKeys}", keys), std::nullopt);  // multi-valued
  EXPECT_EQ(substitute_variables("a${*}b${?}c${$}", keys), "a*b?c$");
  EXPECT_EQ(substitute_variables("no close ${aws:username", keys), std::nullopt);
  EXPECT_EQ(substitute_variables("just a $ and { and }", keys), "just a $ and { and }");
  EXPECT_EQ(substitute_variables("${aws:missing, dflt}", keys), std::nullopt);  // default must be quoted
  EXPECT_EQ(substitute_variables("${ aws:missing ,  'it''s' }", keys), "it's");
  EXPECT_EQ(substitute_variables("${aws:missing, 'it's'}", keys), std::nullopt);  // lone quote
  EXPECT_EQ(substitute_variables("${}", keys), std::nullopt);
  EXPECT_EQ(substitute_variables("${aws:missing, '${aws:username}'}", keys), "${aws:username}");  // one pass
}

TEST(Pattern, SubstitutedWildcardsAreLiteral) {
  ContextKeys keys;
  keys.set("aws:username", "*");
  auto p = expand_variables("user/${aws:username}", keys);
  ASSERT_TRUE(p);
  EXPECT_FALSE(glob_match(*p, "user/bob", false));
  EXPECT_TRUE(glob_match(*p, "user/*", false));
  auto q = expand_variables("user/${?}", keys);
  ASSERT_TRUE(q);
  EXPECT_FALSE(glob_match(*q, "user/x", false));
  EXPECT_TRUE(glob_match(*q, "user/?", false));
}

TEST(Pattern, ArnSegments) {
  auto arn = [](std::string_view pattern, std::string_view value) { return arn_match(literal_pattern(pattern), value); };
  EXPECT_TRUE(arn("arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/a/b"));
  EXPECT_TRUE(arn("arn:aws:rds:*:*:cluster:*", "arn:aws:rds:us-east-1:123456789012:cluster:c1"));
  EXPECT_FALSE(arn("arn:aws:rds:*:123456789012:*", "arn:aws:rds:us:east:123456789012:cluster"));
  EXPECT_FALSE(arn("arn:aws:iam::123456789012:*", "arn:aws:iam::123456789012"));
  EXPECT_FALSE(arn("arn:aws:iam::123456789012:*", "not-an-arn"));
  EXPECT_TRUE(arn("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b:c"));  // colons after the fifth are data
}

}  // namespace
}  // namespace borealis::iam
