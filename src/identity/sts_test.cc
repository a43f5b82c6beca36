// STS: GetCallerIdentity and AssumeRole (identity and trust checks, STS inactive, durations, chaining).
#include <gtest/gtest.h>

#include "identity/identity_test_support.h"
#include "identity/resolve.h"

namespace borealis::identity::testing {
namespace {

using nlohmann::json;

constexpr const char* kRoleArn = "arn:aws:iam::123456789012:role/deployer";

class StsTest : public IdentityTest {
 protected:
  api::Reply assume(const api::Caller& caller, json extra = json::object()) {
    json input{{"RoleArn", kRoleArn}, {"RoleSessionName", "build-42"}};
    input.update(extra);
    return call("sts", "AssumeRole", input, caller);
  }
  void expect_denied(const api::Reply& r, const api::Caller& caller) {
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->code, "AccessDenied");
    EXPECT_EQ(r.error->http_status, 403);
    EXPECT_EQ(r.error->message,
              "User: " + caller.arn + " is not authorized to perform: sts:AssumeRole on resource: " + kRoleArn);
  }
};

TEST_F(StsTest, GetCallerIdentity) {
  auto r = call("sts", "GetCallerIdentity", json::object(), root());
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.output, (json{{"UserId", kAccount}, {"Account", kAccount}, {"Arn", "arn:aws:iam::123456789012:root"}}));
  auto [key, secret] = user_with_key("alice");
  const api::Caller alice = caller_of(key);
  auto u = call("sts", "GetCallerIdentity", json::object(), alice);
  EXPECT_EQ(u.output["Arn"], "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(u.output["UserId"], alice.user_id);
}

TEST_F(StsTest, RootAssumesARoleThatTrustsTheAccount) {
  create_role("deployer", trust_doc_aws(kAccount), 7200);
  auto r = assume(root());
  ASSERT_FALSE(r.error) << r.error->message;
  const json& c = r.output["Credentials"];
  EXPECT_TRUE(c["AccessKeyId"].get<std::string>().starts_with("ASIA"));
  EXPECT_EQ(c["SecretAccessKey"].get<std::string>().size(), 40u);
  EXPECT_GE(c["SessionToken"].get<std::string>().size(), 100u);
  EXPECT_EQ(c["Expiration"], "2026-11-28T18:30:00Z");  // the default hour
  const json& who = r.output["AssumedRoleUser"];
  EXPECT_EQ(who["Arn"], "arn:aws:sts::123456789012:assumed-role/deployer/build-42");
  EXPECT_TRUE(who["AssumedRoleId"].get<std::string>().starts_with("AROA"));
  EXPECT_TRUE(who["AssumedRoleId"].get<std::string>().ends_with(":build-42"));

  // The temporary credentials identify the session.
  const api::Caller session = caller_of(c["AccessKeyId"]);
  auto id = call("sts", "GetCallerIdentity", json::object(), session);
  EXPECT_EQ(id.output["Arn"], who["Arn"]);
  EXPECT_EQ(id.output["UserId"], who["AssumedRoleId"]);
}

TEST_F(StsTest, UserNeedsIdentityPermissionAndTrust) {
  create_role("deployer", trust_doc_aws("arn:aws:iam::123456789012:user/alice"));
  auto [key, secret] = user_with_key("alice");
  const api::Caller alice = caller_of(key);
  expect_denied(assume(alice), alice);  // trusted, but no identity policy allows sts:AssumeRole
  put_user_policy("alice", "assume", policy_doc("Allow", "sts:AssumeRole", kRoleArn));
  auto ok = assume(alice);
  ASSERT_FALSE(ok.error) << ok.error->message;

  auto [bkey, bsecret] = user_with_key("bob");
  const api::Caller bob = caller_of(bkey);
  put_user_policy("bob", "assume", policy_doc("Allow", "sts:AssumeRole"));
  expect_denied(assume(bob), bob);  // allowed by identity, not trusted by the role
}

TEST_F(StsTest, MissingRoleOrOtherAccountIsTheSameAccessDenied) {
  expect_denied(assume(root()), root());
  auto other = call("sts", "AssumeRole", {{"RoleArn", "arn:aws:iam::999999999999:role/deployer"}, {"RoleSessionName", "ss"}}, root());
  ASSERT_TRUE(other.error);
  EXPECT_EQ(other.error->code, "AccessDenied");
}

TEST_F(StsTest, InactiveRegionIsRegionDisabled) {
  create_role("deployer", trust_doc_aws(kAccount));
  settings_.sts_inactive_regions = {"eu-west-3"};
  region_ = "eu-west-3";
  auto r = assume(root());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "RegionDisabledException");
  EXPECT_EQ(r.error->http_status, 403);
  EXPECT_NE(r.error->message.find("STS is not activated in this region"), std::string::npos);
  region_ = "us-east-1";
  EXPECT_FALSE(assume(root()).error);
}

TEST_F(StsTest, DurationsAndSessionNames) {
  create_role("deployer", trust_doc_aws(kAccount), 7200);
  auto longer = assume(root(), {{"DurationSeconds", 7200}});
  ASSERT_FALSE(longer.error);
  EXPECT_EQ(longer.output["Credentials"]["Expiration"], "2026-11-28T19:30:00Z");
  auto too_long = assume(root(), {{"DurationSeconds", 7201}});
  ASSERT_TRUE(too_long.error);
  EXPECT_EQ(too_long.error->code, "ValidationError");
  EXPECT_EQ(assume(root(), {{"DurationSeconds", 899}}).error->code, "ValidationError");
  EXPECT_EQ(assume(root(), {{"RoleSessionName", "x"}}).error->code, "ValidationError");
  EXPECT_EQ(assume(root(), {{"RoleSessionName", "has space"}}).error->code, "ValidationError");
  EXPECT_EQ(assume(root(), {{"Policy", "{}"}}).error->code, "ValidationError");  // session policies refused
}

TEST_F(StsTest, RoleChainingIsTrustedByRoleArnAndLimitedToAnHour) {
  create_role("first", trust_doc_aws(kAccount));
  put_role_policy("first", "assume", policy_doc("Allow", "sts:AssumeRole"));
  create_role("deployer", trust_doc_aws("arn:aws:iam::123456789012:role/first"), 7200);
  auto first = call("sts", "AssumeRole", {{"RoleArn", "arn:aws:iam::123456789012:role/first"}, {"RoleSessionName", "a1"}}, root());
  ASSERT_FALSE(first.error);
  const api::Caller session = caller_of(first.output["Credentials"]["AccessKeyId"]);
  auto chained = assume(session);
  ASSERT_FALSE(chained.error) << chained.error->message;
  EXPECT_EQ(assume(session, {{"DurationSeconds", 3601}}).error->code, "ValidationError");
}

TEST_F(StsTest, TemporaryCredentialsExpire) {
  create_role("deployer", trust_doc_aws(kAccount));
  auto r = assume(root(), {{"DurationSeconds", 900}});
  ASSERT_FALSE(r.error);
  const std::string id = r.output["Credentials"]["AccessKeyId"];
  // The expiry the verifier holds the key to (ExpiredToken after it: RouterFlowTest, IamDbLoginTest).
  auto resolved = resolve_access_key(*store_, settings_, id);
  ASSERT_TRUE(resolved);
  ASSERT_TRUE(resolved->credentials.expires_at);
  EXPECT_EQ(resolved->credentials.expires_at->time_since_epoch(),
            std::chrono::duration_cast<std::chrono::seconds>((now_ + std::chrono::seconds(900)).time_since_epoch()));
}

}  // namespace
}  // namespace borealis::identity::testing
