// parse_policy: the grammar AWS documents, the errors it names (MalformedPolicyDocument in AWS's words),
// the size quota the caller passes, and the hostile inputs (deep nesting, duplicate keys, huge or odd
// characters) that must end in an error value, never a crash or a silently different policy.
#include "iam/policy.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "iam/test_table.h"

namespace borealis::iam {
namespace {

Result<Policy> identity(std::string_view text) { return parse_policy(text, PolicyKind::identity, kRoleInlinePolicyMaxChars); }
Result<Policy> trust(std::string_view text) { return parse_policy(text, PolicyKind::trust, kTrustPolicyMaxChars); }

// The error message of a failed parse, or a marker when it unexpectedly parsed.
std::string error_of(const Result<Policy>& r) { return r.ok() ? "<parsed>" : r.error().message; }

constexpr std::string_view kMinimal =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds:Describe*","Resource":"*"}]})";

TEST(ParsePolicy, MinimalDocument) {
  auto p = identity(kMinimal);
  ASSERT_TRUE(p.ok()) << error_of(p);
  EXPECT_EQ(p->version, "2012-10-17");
  ASSERT_EQ(p->statements.size(), 1u);
  const Statement& s = p->statements[0];
  EXPECT_EQ(s.effect, Effect::allow);
  EXPECT_FALSE(s.not_action);
  EXPECT_EQ(s.actions, std::vector<std::string>{"rds:Describe*"});
  EXPECT_TRUE(s.has_resource);
  EXPECT_EQ(s.resources, std::vector<std::string>{"*"});
  EXPECT_TRUE(p->supports_variables());
}

TEST(ParsePolicy, EveryTestdataDocumentParsesAsItsKind) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(BOREALIS_IAM_TESTDATA) + "/testdata")) {
    const std::string name = entry.path().filename().string();
    const bool is_trust = name.starts_with("trust_");
    const std::string text = testing::read_testdata(name);
    auto p = parse_policy(text, is_trust ? PolicyKind::trust : PolicyKind::identity, kRoleInlinePolicyMaxChars);
    EXPECT_TRUE(p.ok()) << name << ": " << error_of(p);
    ++count;
  }
  EXPECT_GE(count, 15);
}

TEST(ParsePolicy, VersionOptionalAndOld) {
  auto none = identity(R"({"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})");
  ASSERT_TRUE(none.ok()) << error_of(none);
  EXPECT_EQ(none->version, "");
  EXPECT_FALSE(none->supports_variables());
  auto old = identity(R"({"Version":"2008-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})");
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->supports_variables());
  EXPECT_EQ(error_of(identity(R"({"Version":"2012-10-18","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})")),
            "The policy failed legacy parsing");
  EXPECT_EQ(error_of(identity(R"({"Version":20121017,"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})")),
            "The policy failed legacy parsing");
}

TEST(ParsePolicy, MalformedJson) {
  for (std::string_view bad : {"", "{", "[]", "null", "\"x\"", "{\"Statement\": [}", "{\"Statement\":[{}],}",
                               "{'Statement': []}", "{\"Statement\":[{\"Effect\":\"Allow\",}]}"}) {
    auto p = identity(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().code, Errc::invalid_argument) << bad;
    EXPECT_STREQ(aws_error_code(p.error()), "MalformedPolicyDocument");
    EXPECT_TRUE(p.error().message.starts_with("Syntax errors in policy.")) << bad << ": " << p.error().message;
  }
}

TEST(ParsePolicy, MissingAndWrongTypes) {
  EXPECT_EQ(error_of(identity(R"({"Version":"2012-10-17"})")), "Missing required field Statement");
  EXPECT_EQ(error_of(identity(R"({"Statement":[{"Action":"*","Resource":"*"}]})")), "Missing required field Effect");
  EXPECT_EQ(error_of(identity(R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})")),
            "Policy statement must contain actions.");
  EXPECT_EQ(error_of(identity(R"({"Statement":[{"Effect":"Allow","Action":"*"}]})")),
            "Policy statement must contain resources.");
  EXPECT_NE(error_of(identity(R"({"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]})")).find("Invalid effect"),
            std::string::npos);
  EXPECT_NE(error_of(identity(R"({"Statement":[{"Effect":true,"Action":"*","Resource":"*"}]})")).find("Invalid effect"),
            std::string::npos);
  for (std::string_view bad : {
           R"({"Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":["rds:X",7],"Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":{"a":"b"}}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":[]}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":"x"}}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:a":null}}}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:a":[]}}}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:a":{"b":"c"}}}}]})",
           R"({"Statement":"Allow everything"})",
           R"({"Statement":[]})",
           R"({"Statement":[{"Sid":5,"Effect":"Allow","Action":"*","Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}]})",
           R"({"Policy":1,"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
       }) {
    auto p = identity(bad);
    EXPECT_FALSE(p.ok()) << bad;
  }
}

TEST(ParsePolicy, ActionXorNotActionResourceXorNotResource) {
  EXPECT_NE(error_of(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","NotAction":"iam:*","Resource":"*"}]})"))
                .find("Action or NotAction, not both"),
            std::string::npos);
  EXPECT_NE(error_of(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}]})"))
                .find("Resource or NotResource, not both"),
            std::string::npos);
  auto p = identity(R"({"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"NotResource":"arn:aws:iam::1:user/x"}]})");
  ASSERT_TRUE(p.ok()) << error_of(p);
  EXPECT_TRUE(p->statements[0].not_action);
  EXPECT_TRUE(p->statements[0].not_resource);
}

TEST(ParsePolicy, VendorAndArnFormats) {
  EXPECT_EQ(error_of(identity(R"({"Statement":[{"Effect":"Allow","Action":"DescribeDBClusters","Resource":"*"}]})")),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  EXPECT_EQ(error_of(identity(R"({"Statement":[{"Effect":"Allow","Action":"rds:","Resource":"*"}]})")),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  EXPECT_EQ(error_of(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"cluster-1"}]})")),
            "Resource cluster-1 must be in ARN format or \"*\".");
  EXPECT_EQ(error_of(identity(
                R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}]})")),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
}

TEST(ParsePolicy, PrincipalOnlyInTrustPolicies) {
  EXPECT_EQ(error_of(identity(
                R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})")),
            "Policy document should not specify a principal.");
  EXPECT_EQ(error_of(identity(
                R"({"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*"}]})")),
            "Policy document should not specify a principal.");
  EXPECT_EQ(error_of(trust(R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})")),
            "Missing required field Principal");
  EXPECT_EQ(error_of(trust(
                R"({"Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]})")),
            "Has prohibited field Resource");
  EXPECT_NE(error_of(trust(R"({"Statement":[{"Effect":"Allow","Principal":{"Group":"x"},"Action":"sts:AssumeRole"}]})"))
                .find("Invalid principal in policy"),
            std::string::npos);
  EXPECT_NE(error_of(trust(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sts:AssumeRole"}]})"))
                .find("Invalid principal in policy"),
            std::string::npos);
  EXPECT_NE(error_of(trust(R"({"Statement":[{"Effect":"Allow","Principal":"someone","Action":"sts:AssumeRole"}]})"))
                .find("Invalid principal in policy"),
            std::string::npos);
  EXPECT_NE(error_of(trust(
                R"({"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]})"))
                .find("NotPrincipal"),
            std::string::npos);
  auto t = trust(R"({"Statement":[{"Effect":"Allow","Principal":{"Service":["rds.amazonaws.com"],"AWS":["123456789012","*"]},"Action":"sts:AssumeRole"}]})");
  ASSERT_TRUE(t.ok()) << error_of(t);
  EXPECT_TRUE(t->statements[0].principal.any);
  EXPECT_EQ(t->statements[0].principal.service, std::vector<std::string>{"rds.amazonaws.com"});
  EXPECT_EQ(t->statements[0].principal.aws, std::vector<std::string>{"123456789012"});
}

TEST(ParsePolicy, ConditionOperators) {
  auto with = [](std::string_view op, std::string_view value) {
    return identity(std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{")") +
                    std::string(op) + R"(":{"aws:k":)" + std::string(value) + "}}}]}");
  };
  for (std::string_view op : {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
                              "StringLike", "StringNotLike", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
                              "BinaryEquals", "StringLikeIfExists", "ForAnyValue:StringEquals",
                              "ForAllValues:StringLikeIfExists", "ArnLikeIfExists"})
    EXPECT_TRUE(with(op, R"("x")").ok()) << op;
  EXPECT_TRUE(with("NumericLessThan", "5").ok());
  EXPECT_TRUE(with("NumericGreaterThanEqualsIfExists", R"(["1.5","-2"])").ok());
  EXPECT_TRUE(with("DateLessThan", R"("2026-12-31T23:59:59Z")").ok());
  EXPECT_TRUE(with("DateGreaterThan", R"("1764547200")").ok());
  EXPECT_TRUE(with("Bool", "true").ok());
  EXPECT_TRUE(with("Null", R"("false")").ok());
  EXPECT_TRUE(with("IpAddress", R"(["10.0.0.0/8","2001:db8::/32"])").ok());
  EXPECT_TRUE(with("NotIpAddressIfExists", R"("192.0.2.1")").ok());

  // Unknown or misspelled operators are refused, as AWS refuses them.
  EXPECT_EQ(error_of(with("StringEqual", R"("x")")), "Syntax errors in policy. Invalid Condition type : StringEqual.");
  EXPECT_FALSE(with("stringequals", R"("x")").ok());
  EXPECT_FALSE(with("ForSomeValues:StringEquals", R"("x")").ok());
  EXPECT_FALSE(with("NullIfExists", R"("true")").ok());
  EXPECT_FALSE(with("ForAnyValue:Null", R"("true")").ok());
  EXPECT_FALSE(with("StringEqualsIfExistsIfExists", R"("x")").ok());
  // Values the operator can never read.
  EXPECT_FALSE(with("NumericLessThan", R"("ten")").ok());
  EXPECT_FALSE(with("DateLessThan", R"("next tuesday")").ok());
  EXPECT_FALSE(with("DateLessThan", R"("2026-02-30T00:00:00Z")").ok());
  EXPECT_FALSE(with("Bool", R"("yes")").ok());
  EXPECT_FALSE(with("Null", R"("maybe")").ok());
  EXPECT_FALSE(with("IpAddress", R"("10.0.0.0/33")").ok());
  EXPECT_FALSE(with("IpAddress", R"("example.com")").ok());
  // Variables are substituted for String, Arn and Bool operators only: elsewhere "${...}" is literal
  // text, which is never a valid date or number.
  EXPECT_TRUE(with("StringEquals", R"("${aws:username}")").ok());
  EXPECT_TRUE(with("Bool", R"("${aws:SecureTransport}")").ok());
  EXPECT_FALSE(with("DateLessThan", R"("${aws:TokenIssueTime}")").ok());
  EXPECT_FALSE(with("NumericLessThan", R"("${test:n}")").ok());

  auto p = with("ForAllValues:StringLikeIfExists", R"(["a*",true,5])");
  ASSERT_TRUE(p.ok()) << error_of(p);
  const Condition& c = p->statements[0].conditions[0];
  EXPECT_EQ(c.op, ConditionOp::string_like);
  EXPECT_EQ(c.qualifier, SetQualifier::for_all_values);
  EXPECT_TRUE(c.if_exists);
  EXPECT_EQ(c.key, "aws:k");
  EXPECT_EQ(c.values, (std::vector<std::string>{"a*", "true", "5"}));
}

TEST(ParsePolicy, SidRules) {
  EXPECT_TRUE(identity(R"({"Statement":[{"Sid":"Ok1","Effect":"Allow","Action":"*","Resource":"*"}]})").ok());
  EXPECT_NE(error_of(identity(R"({"Statement":[{"Sid":"not ok","Effect":"Allow","Action":"*","Resource":"*"}]})"))
                .find("alpha-numeric"),
            std::string::npos);
  EXPECT_EQ(error_of(identity(R"({"Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},
                                               {"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]})")),
            "Statement IDs (SID) in a single policy must be unique.");
}

// nlohmann keeps the last of two equal keys, other JSON parsers the first, AWS's own reader may do
// either. A document that reads as Allow to one parser and Deny to another is refused outright.
TEST(ParsePolicy, DuplicateKeysAreRefused) {
  EXPECT_EQ(error_of(identity(R"({"Statement":[{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}]})")),
            "Syntax errors in policy. Duplicate key \"Effect\".");
  EXPECT_FALSE(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],
                            "Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})")
                   .ok());
  EXPECT_FALSE(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
                            "Condition":{"StringEquals":{"aws:a":"x","aws:a":"y"}}}]})")
                   .ok());
  // The same key in sibling objects is fine.
  EXPECT_TRUE(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
                                        {"Effect":"Deny","Action":"iam:*","Resource":"*"}]})")
                  .ok());
}

TEST(ParsePolicy, SizeQuotaCountsNonWhiteSpaceCharacters) {
  const std::string body = R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::)";
  const std::string tail = R"("}]})";
  const std::string exact = body + std::string(kUserInlinePolicyMaxChars - body.size() - tail.size(), 'a') + tail;
  ASSERT_EQ(count_policy_chars(exact), kUserInlinePolicyMaxChars);
  EXPECT_TRUE(parse_policy(exact, PolicyKind::identity, kUserInlinePolicyMaxChars).ok());
  const std::string over = body + std::string(kUserInlinePolicyMaxChars - body.size() - tail.size() + 1, 'a') + tail;
  auto p = parse_policy(over, PolicyKind::identity, kUserInlinePolicyMaxChars);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::too_large);
  EXPECT_STREQ(aws_error_code(p.error()), "LimitExceeded");
  EXPECT_EQ(p.error().message, "Cannot exceed quota for PolicySize: 2048");
  // White space does not count: the same document indented heavily still fits.
  std::string spaced;
  for (char c : exact) spaced += std::string(1, c) + (c == ',' ? "\n    " : "");
  EXPECT_TRUE(parse_policy(spaced, PolicyKind::identity, kUserInlinePolicyMaxChars).ok());
  // But raw bytes have a hard cap too, so megabytes of blanks are not scanned by the JSON parser.
  EXPECT_EQ(parse_policy(std::string(kMaxDocumentBytes + 1, ' '), PolicyKind::identity, kManagedPolicyMaxChars)
                .error()
                .code,
            Errc::too_large);
  // Two-byte characters count once.
  EXPECT_EQ(count_policy_chars("\xc3\xa9 \xc3\xa9"), 2u);
}

TEST(ParsePolicy, StatementAndStringCaps) {
  std::string many = R"({"Statement":[)";
  for (std::size_t i = 0; i <= kMaxStatements; ++i) many += std::string(i ? "," : "") + R"({"Effect":"Allow","Action":"*","Resource":"*"})";
  many += "]}";
  auto p = parse_policy(many, PolicyKind::identity, kMaxDocumentBytes);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::too_large);
  const std::string long_arn = "arn:aws:s3:::" + std::string(kMaxStringBytes, 'b');
  auto q = parse_policy(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":")" + long_arn + R"("}]})",
                        PolicyKind::identity, kMaxDocumentBytes);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, Errc::too_large);
}

TEST(ParsePolicy, DeepNestingIsRefusedBeforeParsing) {
  std::string deep = R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:a":[[["x"]]]}}}]})";
  EXPECT_EQ(error_of(identity(deep)), "Syntax errors in policy. The document is nested too deeply.");
  const std::string bomb = std::string(5000, '[') + std::string(5000, ']');
  EXPECT_FALSE(identity(bomb).ok());
  // Brackets inside strings are not nesting.
  EXPECT_TRUE(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::[[[[[[[[{{{{"}]})").ok());
}

TEST(ParsePolicy, Unicode) {
  // Latin-1 range (U+0080..U+00FF) is allowed, raw or escaped.
  EXPECT_TRUE(identity("{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::caf\xc3\xa9\"}]}").ok());
  EXPECT_TRUE(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::caf\u00e9"}]})").ok());
  // Beyond U+00FF: refused, raw or escaped (AWS's document pattern).
  EXPECT_FALSE(identity("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::\xe6\x97\xa5\"}]}").ok());
  EXPECT_FALSE(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::\u65e5"}]})").ok());
  // Invalid UTF-8 and control characters.
  EXPECT_FALSE(identity("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::\xc3\"}]}").ok());
  EXPECT_FALSE(identity("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::\xff\"}]}").ok());
  using namespace std::string_literals;
  EXPECT_FALSE(identity("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::a\0b\"}]}"s).ok());
  EXPECT_FALSE(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::a\u0000b"}]})").ok());
  EXPECT_FALSE(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::a\nb"}]})").ok());
  // Escaped element names are the same names (and so the same duplicate).
  EXPECT_FALSE(identity(R"({"Statement":[{"Effect":"Allow","\u0045ffect":"Deny","Action":"*","Resource":"*"}]})").ok());
  // Lone surrogates are not JSON.
  EXPECT_FALSE(identity(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::\ud800"}]})").ok());
}

}  // namespace
}  // namespace borealis::iam
