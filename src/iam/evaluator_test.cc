// evaluate() from the policy table policy_cases.tsv (documents in testdata/): one row per request, the
// expected decision and the statement that must have decided it. Plus the rules a table cannot show
// well: statement order, null policies, describe() for audit lines.
#include "iam/evaluator.h"

#include <gtest/gtest.h>

#include <map>

#include "iam/test_table.h"

namespace borealis::iam {
namespace {

constexpr std::size_t kColumns = 7;

const Policy& load(const std::string& name) {
  static std::map<std::string, Policy> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  auto parsed = parse_policy(testing::read_testdata(name), PolicyKind::identity, kRoleInlinePolicyMaxChars);
  EXPECT_TRUE(parsed.ok()) << name << ": " << (parsed.ok() ? "" : parsed.error().message);
  return cache.emplace(name, parsed.ok() ? std::move(parsed).value() : Policy{}).first->second;
}

ContextKeys parse_context(const std::string& text) {
  ContextKeys keys;
  if (text == "-") return keys;
  for (const auto& pair : testing::split(text, ';')) {
    const auto eq = pair.find('=');
    EXPECT_NE(eq, std::string::npos) << "bad context entry " << pair;
    if (eq == std::string::npos) continue;
    keys.set_all(pair.substr(0, eq), testing::split(pair.substr(eq + 1), '|'));
  }
  return keys;
}

std::string decider(const Evaluation& e) {
  if (!e.decided_by) return "-";
  return e.decided_by->sid.empty() ? "#" + std::to_string(e.decided_by->statement_index) : e.decided_by->sid;
}

TEST(Evaluate, PolicyTable) {
  const auto rows = testing::read_table("policy_cases.tsv", kColumns);
  EXPECT_GE(rows.size(), 60u);
  for (const auto& [line_no, f] : rows) {
    SCOPED_TRACE("policy_cases.tsv line " + std::to_string(line_no) + " case " + f[0]);
    // PolicyRef holds a view of the name: the names must outlive the evaluation.
    const std::vector<std::string> names = f[1] == "-" ? std::vector<std::string>{} : testing::split(f[1], ',');
    std::vector<PolicyRef> refs;
    for (const auto& name : names) refs.push_back(PolicyRef{name, &load(name)});
    RequestContext request{f[2], f[3], parse_context(f[4])};
    const Evaluation e = evaluate(refs, request);
    EXPECT_EQ(to_string(e.decision), f[5]);
    EXPECT_EQ(decider(e), f[6]);
  }
}

Policy parse_ok(std::string_view text) {
  auto p = parse_policy(text, PolicyKind::identity, kManagedPolicyMaxChars);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p).value() : Policy{};
}

TEST(Evaluate, DenyAfterAllowInSamePolicyStillWins) {
  const Policy p = parse_ok(R"({"Version":"2012-10-17","Statement":[
    {"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},
    {"Sid":"B","Effect":"Allow","Action":"rds:*","Resource":"*"},
    {"Sid":"D","Effect":"Deny","Action":"rds:DeleteDBCluster","Resource":"*"}]})");
  PolicyRef refs[] = {{"p", &p}};
  const auto e = evaluate(refs, RequestContext{"rds:DeleteDBCluster", "*", {}});
  EXPECT_EQ(e.decision, Decision::explicit_deny);
  ASSERT_TRUE(e.decided_by);
  EXPECT_EQ(e.decided_by->sid, "D");
  EXPECT_EQ(e.decided_by->statement_index, 2u);
  EXPECT_EQ(e.describe("rds:DeleteDBCluster"), "deny-explicit by p statement 2 (Sid D)");
}

TEST(Evaluate, NullPolicyPointerIsSkipped) {
  PolicyRef refs[] = {{"missing", nullptr}};
  const auto e = evaluate(refs, RequestContext{"rds:DescribeDBClusters", "*", {}});
  EXPECT_EQ(e.decision, Decision::implicit_deny);
  EXPECT_EQ(e.describe("rds:DescribeDBClusters"), "deny-implicit: no statement allows rds:DescribeDBClusters");
}

TEST(Evaluate, ActionMatchingIsCaseInsensitiveButResourceIsNot) {
  EXPECT_TRUE(action_matches("RDS-DB:CONNECT", "rds-db:connect"));
  EXPECT_TRUE(action_matches("rds-db:*", "rds-db:connect"));
  EXPECT_TRUE(action_matches("*", "anything:AtAll"));
  EXPECT_FALSE(action_matches("rds:*", "rds-db:connect"));
  EXPECT_FALSE(action_matches("rds-db:connect", "rds-db:connect2"));
}

}  // namespace
}  // namespace borealis::iam
