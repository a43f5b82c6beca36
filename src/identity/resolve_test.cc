// resolve_access_key: root, user, inactive, deleted, sessions (expiry, derived token, role replaced).
#include "identity/resolve.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "identity/account.h"
#include "identity/identity_test_support.h"
#include "identity/ids.h"
#include "identity/session_tokens.h"
#include "store/iam_tables.h"

namespace borealis::identity::testing {
namespace {

using nlohmann::json;

class ResolveTest : public IdentityTest {
 protected:
  std::optional<api::ResolvedKey> resolve(const std::string& id) { return resolve_access_key(*store_, settings_, id); }
};

TEST_F(ResolveTest, RootKeyIsTheAccountRoot) {
  auto account = ensure_account(*store_, dir_, settings_.endpoint_url, "us-east-1");
  ASSERT_TRUE(account.ok()) << account.error().message;
  settings_.account_id = account->account_id;
  auto r = resolve(account->root_access_key_id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->caller.kind, api::PrincipalKind::root);
  EXPECT_EQ(r->caller.arn, "arn:aws:iam::" + account->account_id + ":root");
  EXPECT_EQ(r->caller.user_id, account->account_id);
  EXPECT_EQ(r->credentials.secret_access_key.size(), 40u);
  EXPECT_FALSE(r->credentials.session_token);
  EXPECT_FALSE(r->credentials.expires_at);
}

TEST_F(ResolveTest, UserKeysResolveWhileActive) {
  auto [key, secret] = user_with_key("alice");
  auto r = resolve(key);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->caller.kind, api::PrincipalKind::user);
  EXPECT_EQ(r->caller.arn, "arn:aws:iam::123456789012:user/alice");
  EXPECT_TRUE(r->caller.user_id.starts_with("AIDA"));
  EXPECT_EQ(r->caller.name, "alice");
  EXPECT_EQ(r->caller.access_key_id, key);
  EXPECT_EQ(r->credentials.secret_access_key.reveal(), secret);
  EXPECT_FALSE(r->caller.temporary);

  ASSERT_FALSE(iam("UpdateAccessKey", {{"UserName", "alice"}, {"AccessKeyId", key}, {"Status", "Inactive"}}).error);
  EXPECT_FALSE(resolve(key));
  ASSERT_FALSE(iam("UpdateAccessKey", {{"UserName", "alice"}, {"AccessKeyId", key}, {"Status", "Active"}}).error);
  EXPECT_TRUE(resolve(key));
  ASSERT_FALSE(iam("DeleteAccessKey", {{"UserName", "alice"}, {"AccessKeyId", key}}).error);
  EXPECT_FALSE(resolve(key));
}

TEST_F(ResolveTest, UnknownAndMalformedKeysDoNotResolve) {
  EXPECT_FALSE(resolve("AKIAAAAAAAAAAAAAAAAA"));
  EXPECT_FALSE(resolve("ASIAAAAAAAAAAAAAAAAA"));
  EXPECT_FALSE(resolve(""));
  EXPECT_FALSE(resolve("short"));
  EXPECT_FALSE(resolve("AKIA' OR 1=1 --xxxxxxxx"));
  EXPECT_FALSE(resolve(std::string(200, 'A')));
}

TEST_F(ResolveTest, SessionsResolveUntilTheyExpireAndCheckTheTokenByHash) {
  create_role("r", trust_doc_aws(kAccount));
  auto assumed = call("sts", "AssumeRole", {{"RoleArn", "arn:aws:iam::123456789012:role/r"}, {"RoleSessionName", "s1"},
                                            {"DurationSeconds", 900}}, root());
  ASSERT_FALSE(assumed.error) << assumed.error->message;
  const std::string id = assumed.output["Credentials"]["AccessKeyId"];
  const std::string token = assumed.output["Credentials"]["SessionToken"];
  auto r = resolve(id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->caller.kind, api::PrincipalKind::assumed_role);
  EXPECT_EQ(r->caller.arn, "arn:aws:sts::123456789012:assumed-role/r/s1");
  EXPECT_TRUE(r->caller.user_id.starts_with("AROA"));
  EXPECT_TRUE(r->caller.user_id.ends_with(":s1"));
  EXPECT_TRUE(r->caller.temporary);
  EXPECT_EQ(r->caller.token_issue_time, "2026-11-28T17:30:00Z");
  EXPECT_EQ(r->credentials.secret_access_key.reveal(), assumed.output["Credentials"]["SecretAccessKey"].get<std::string>());
  ASSERT_TRUE(r->credentials.expires_at);
  EXPECT_EQ(r->credentials.expires_at->time_since_epoch(), (now_ + std::chrono::seconds(900)).time_since_epoch());

  // The token comes back derived from the key file; the store has only its hash.
  ASSERT_TRUE(r->credentials.session_token);
  EXPECT_EQ(r->credentials.session_token->reveal(), token);
  EXPECT_TRUE(accept_presented_session_token(*r, token));
  EXPECT_FALSE(accept_presented_session_token(*r, std::string_view("x")));
  EXPECT_FALSE(accept_presented_session_token(*r, std::nullopt));
  EXPECT_EQ(r->credentials.session_token->reveal(), token);  // unchanged either way
  auto row = store::IamTables(*store_).get_session(id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->token_sha256, session_token_hash(token));
  EXPECT_EQ(row->token_sha256.size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/" + kTokenKeyFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Resolving does not depend on the time: after expiry the session still resolves, with the expiry
  // that makes the verifier answer ExpiredToken (RouterFlowTest.AssumedRoleCredentialsWorkWithTheirTokenOnly).

  // A role deleted and created again under the same name does not revive old sessions.
  ASSERT_FALSE(iam("DeleteRole", {{"RoleName", "r"}}).error);
  EXPECT_FALSE(resolve(id));
  create_role("r", trust_doc_aws(kAccount));
  EXPECT_FALSE(resolve(id));
}

TEST_F(ResolveTest, ReplacingTheTokenKeyEndsEverySession) {
  create_role("r", trust_doc_aws(kAccount));
  auto assumed = call("sts", "AssumeRole", {{"RoleArn", "arn:aws:iam::123456789012:role/r"}, {"RoleSessionName", "s1"}}, root());
  ASSERT_FALSE(assumed.error) << assumed.error->message;
  const std::string id = assumed.output["Credentials"]["AccessKeyId"];
  ASSERT_TRUE(resolve(id));
  std::filesystem::remove(dir_ + "/" + kTokenKeyFile);
  EXPECT_FALSE(resolve(id));  // no key: no session
  ASSERT_TRUE(load_or_create_token_key(dir_).ok());
  EXPECT_FALSE(resolve(id));  // another key: the derived token no longer matches the stored hash
}

TEST_F(ResolveTest, LongTermKeysCarryNoSessionToken) {
  auto [key, secret] = user_with_key("bob");
  auto r = resolve(key);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->credentials.session_token);
  EXPECT_FALSE(r->credentials.expires_at);
  EXPECT_FALSE(accept_presented_session_token(*r, std::string_view("anything")));
}

}  // namespace
}  // namespace borealis::identity::testing
