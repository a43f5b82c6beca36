#include "store/iam_tables.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace borealis::store {
namespace {

class IamTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-iam-tables-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = Store::open(dir_ + "/borealis.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_.emplace(std::move(s).value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  IamTables tables() { return IamTables(*store_); }

  IamUserRecord user(const std::string& name) {
    IamUserRecord u;
    u.id = "AIDA" + std::to_string(1000000000000000 + ++next_id_);
    u.name = name;
    u.arn = "arn:aws:iam::123456789012:user/" + name;
    return u;
  }

  std::string dir_;
  std::optional<Store> store_;
  long long next_id_ = 0;
};

TEST_F(IamTablesTest, UserNamesAreUniqueAndFoundIgnoringCase) {
  auto t = tables();
  auto alice = user("Alice");
  ASSERT_TRUE(t.create_user(alice).ok());
  auto again = user("alice");
  again.id = "AIDAOTHEROTHEROTHER1";
  auto dup = t.create_user(again);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::already_exists);
  EXPECT_EQ(dup.error().message, "user alice already exists");

  auto got = t.get_user("ALICE");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "Alice");
  EXPECT_EQ(got->id, alice.id);
  EXPECT_FALSE(got->created_at.empty());

  EXPECT_EQ(t.get_user("bob").error().code, Errc::not_found);
  ASSERT_TRUE(t.delete_user("alice").ok());
  EXPECT_EQ(t.delete_user("alice").error().code, Errc::not_found);
}

TEST_F(IamTablesTest, AccessKeysBelongToUsersOrRoot) {
  auto t = tables();
  ASSERT_TRUE(t.create_user(user("bob")).ok());
  AccessKeyRecord k{"AKIAAAAAAAAAAAAAAAA1", Secret(std::string(40, 's')), KeyOwner::user, "BOB", true, ""};
  ASSERT_TRUE(t.add_access_key(k).ok());
  AccessKeyRecord root{"AKIAAAAAAAAAAAAAAAA2", Secret(std::string(40, 'r')), KeyOwner::root, "", true, ""};
  ASSERT_TRUE(t.add_access_key(root).ok());

  auto bobs = t.list_access_keys(KeyOwner::user, "bob");
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ(bobs->size(), 1u);
  EXPECT_EQ((*bobs)[0].secret.reveal(), std::string(40, 's'));
  auto roots = t.list_access_keys(KeyOwner::root, "");
  ASSERT_EQ(roots->size(), 1u);
  EXPECT_EQ((*roots)[0].owner, KeyOwner::root);
  EXPECT_EQ((*roots)[0].user_name, "");

  ASSERT_TRUE(t.set_access_key_active(k.id, false).ok());
  EXPECT_FALSE(t.get_access_key(k.id)->active);
  // A user with keys cannot lose its row underneath them (the foreign key holds).
  EXPECT_FALSE(t.delete_user("bob").ok());
  ASSERT_TRUE(t.delete_access_key(k.id).ok());
  EXPECT_EQ(t.get_access_key(k.id).error().code, Errc::not_found);
  EXPECT_TRUE(t.delete_user("bob").ok());

  // A key for a user that does not exist is refused.
  AccessKeyRecord orphan{"AKIAAAAAAAAAAAAAAAA3", Secret("x"), KeyOwner::user, "nobody", true, ""};
  EXPECT_FALSE(t.add_access_key(orphan).ok());
}

TEST_F(IamTablesTest, RolesPoliciesAttachmentsAndInlinePolicies) {
  auto t = tables();
  IamRoleRecord r;
  r.id = "AROAAAAAAAAAAAAAAAA1";
  r.name = "rds-ad-role";
  r.arn = "arn:aws:iam::123456789012:role/rds-ad-role";
  r.trust_policy = "{}";
  r.max_session_duration = 7200;
  ASSERT_TRUE(t.create_role(r).ok());
  EXPECT_EQ(t.get_role("RDS-AD-ROLE")->max_session_duration, 7200);
  ASSERT_TRUE(t.set_role_trust_policy("rds-ad-role", "{\"x\":1}").ok());
  EXPECT_EQ(t.get_role("rds-ad-role")->trust_policy, "{\"x\":1}");

  ManagedPolicyRecord p;
  p.id = "ANPAAAAAAAAAAAAAAAA1";
  p.name = "Describe";
  p.arn = "arn:aws:iam::123456789012:policy/Describe";
  p.document = "{\"Statement\":[]}";
  ASSERT_TRUE(t.create_policy(p).ok());
  p.id = "ANPAAAAAAAAAAAAAAAA2";
  p.arn = "arn:aws:iam::123456789012:policy/x/describe";
  p.name = "describe";
  EXPECT_EQ(t.create_policy(p).error().code, Errc::already_exists);

  const std::string arn = "arn:aws:iam::123456789012:policy/Describe";
  ASSERT_TRUE(t.attach_policy(PrincipalType::role, "rds-ad-role", arn).ok());
  ASSERT_TRUE(t.attach_policy(PrincipalType::role, "rds-ad-role", arn).ok());  // idempotent
  EXPECT_EQ(*t.attachment_count(arn), 1);
  EXPECT_EQ(t.attached_policies(PrincipalType::role, "RDS-ad-role")->size(), 1u);
  EXPECT_TRUE(t.attached_policies(PrincipalType::user, "rds-ad-role")->empty());
  ASSERT_TRUE(t.detach_policy(PrincipalType::role, "rds-ad-role", arn).ok());
  EXPECT_EQ(t.detach_policy(PrincipalType::role, "rds-ad-role", arn).error().code, Errc::not_found);

  ASSERT_TRUE(t.put_inline_policy({PrincipalType::role, "rds-ad-role", "p1", "doc1"}).ok());
  ASSERT_TRUE(t.put_inline_policy({PrincipalType::role, "rds-ad-role", "p1", "doc2"}).ok());  // replaces
  auto got = t.get_inline_policy(PrincipalType::role, "rds-ad-role", "p1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->document, "doc2");
  EXPECT_EQ(t.list_inline_policies(PrincipalType::role, "rds-ad-role")->size(), 1u);
  EXPECT_EQ(t.get_inline_policy(PrincipalType::user, "rds-ad-role", "p1").error().code, Errc::not_found);
  ASSERT_TRUE(t.delete_inline_policy(PrincipalType::role, "rds-ad-role", "p1").ok());
  EXPECT_EQ(t.delete_inline_policy(PrincipalType::role, "rds-ad-role", "p1").error().code, Errc::not_found);

  ASSERT_TRUE(t.delete_policy(arn).ok());
  EXPECT_EQ(t.get_policy(arn).error().code, Errc::not_found);
  ASSERT_TRUE(t.delete_role("rds-ad-role").ok());
}

TEST_F(IamTablesTest, SessionsKeepTheTokenHashAndExpire) {
  auto t = tables();
  StsSessionRecord s;
  s.access_key_id = "ASIAAAAAAAAAAAAAAAA1";
  s.secret = Secret(std::string(40, 'q'));
  s.token_sha256 = std::string(64, 'a');
  s.role_name = "r";
  s.role_id = "AROAAAAAAAAAAAAAAAA1";
  s.session_name = "sess";
  s.issued_at = "2026-11-28T17:00:00Z";
  s.expires_at = 1000;
  ASSERT_TRUE(t.add_session(s).ok());
  auto got = t.get_session(s.access_key_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->token_sha256, s.token_sha256);
  EXPECT_EQ(got->expires_at, 1000);
  EXPECT_EQ(*t.purge_expired_sessions(1000), 0);
  EXPECT_EQ(*t.purge_expired_sessions(1001), 1);
  EXPECT_EQ(t.get_session(s.access_key_id).error().code, Errc::not_found);
}

}  // namespace
}  // namespace borealis::store
