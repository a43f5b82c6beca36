// ensure_account: account id and root key made once, credentials/config files private and stable.
#include "identity/account.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/fs.h"
#include "identity/identity_test_support.h"
#include "identity/resolve.h"

namespace borealis::identity::testing {
namespace {

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

class AccountTest : public IdentityTest {};

TEST_F(AccountTest, CreatesPrivateFilesAndKeepsKeysStable) {
  auto first = ensure_account(*store_, dir_, "http://127.0.0.1:4566", "us-east-1");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(valid_account_id(first->account_id));
  EXPECT_TRUE(first->root_access_key_id.starts_with("AKIA"));
  EXPECT_EQ(first->credentials_path, dir_ + "/aws/credentials");
  EXPECT_EQ(mode_of(dir_ + "/aws"), 0700u);
  EXPECT_EQ(mode_of(first->credentials_path), 0600u);
  EXPECT_EQ(mode_of(first->config_path), 0600u);
  EXPECT_EQ(first->cli_prefix, "AWS_SHARED_CREDENTIALS_FILE=" + first->credentials_path +
                                   " AWS_CONFIG_FILE=" + first->config_path +
                                   " /usr/bin/aws --endpoint-url http://127.0.0.1:4566");

  auto credentials = fs::read_file(first->credentials_path);
  ASSERT_TRUE(credentials.ok());
  EXPECT_NE(credentials->find("[default]\naws_access_key_id = " + first->root_access_key_id + "\n"), std::string::npos);
  const auto secret_at = credentials->find("aws_secret_access_key = ");
  ASSERT_NE(secret_at, std::string::npos);
  const std::string secret = credentials->substr(secret_at + 24, 40);
  auto config = fs::read_file(first->config_path);
  EXPECT_EQ(*config, "[default]\nregion = us-east-1\noutput = json\n");

  // The key in the file is the account root's.
  settings_.account_id = first->account_id;
  auto resolved = resolve_access_key(*store_, settings_, first->root_access_key_id);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->caller.kind, api::PrincipalKind::root);
  EXPECT_EQ(resolved->credentials.secret_access_key.reveal(), secret);

  // A restart keeps everything; a deleted file comes back with the same key; a widened one is narrowed.
  std::filesystem::remove(first->credentials_path);
  ::chmod(first->config_path.c_str(), 0644);
  auto second = ensure_account(*store_, dir_, "http://127.0.0.1:4566", "us-east-1");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->account_id, first->account_id);
  EXPECT_EQ(second->root_access_key_id, first->root_access_key_id);
  EXPECT_EQ(*fs::read_file(second->credentials_path), *credentials);
  EXPECT_EQ(mode_of(second->credentials_path), 0600u);
  EXPECT_EQ(mode_of(second->config_path), 0600u);
}

TEST_F(AccountTest, KeepsAnAccountIdAlreadySet) {
  ASSERT_TRUE(store_->set_setting(kAccountIdSetting, "210987654321").ok());
  auto info = ensure_account(*store_, dir_, "http://127.0.0.1:1", "eu-west-1");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->account_id, "210987654321");
  ASSERT_TRUE(store_->set_setting(kAccountIdSetting, "not-an-id").ok());
  EXPECT_FALSE(ensure_account(*store_, dir_, "http://127.0.0.1:1", "eu-west-1").ok());
}

}  // namespace
}  // namespace borealis::identity::testing
