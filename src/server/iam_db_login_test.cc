// check_db_login on a real store with real IAM users, roles and STS sessions: who may log in, and
// that each refusal names its rule without leaking the token.
#include "server/iam_db_login.h"

#include <gtest/gtest.h>

#include "identity/identity_test_support.h"
#include "sigv4/signer.h"
#include "sigv4/signing_key_cache.h"
#include "store/rds_tables.h"
#include "store/store.h"

namespace borealis::server {
namespace {

using identity::testing::kAccount;
using identity::testing::policy_doc;
using identity::testing::trust_doc_aws;

constexpr char kHost[] = "db1.cluster-abc.us-east-1.rds.localhost";
constexpr char kResourceId[] = "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ";

class IamDbLoginTest : public identity::testing::IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    add_cluster("db1", kHost, "127.0.10.1", kResourceId, "us-east-1");
    settings_login_.api = settings_;
    settings_login_.region = "us-east-1";
  }

  // An available cluster with IAM database authentication on.
  store::ClusterRecord add_cluster(const std::string& id, const std::string& host, const std::string& address,
                                   const std::string& resource_id, const std::string& region) {
    store::ClusterRecord c;
    c.id = id;
    c.engine = "aurora-postgresql";
    c.engine_version = "15.4";
    c.master_username = "master";
    c.master_verifier = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy";
    c.endpoint_host = host;
    c.endpoint_address = address;
    c.resource_id = resource_id;
    c.status = "available";
    c.iam_auth_enabled = true;
    c.region = region;
    auto created = store_->create_cluster(c);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return c;
  }

  std::string arn(const std::string& user) { return db_user_arn(settings_login_, settings_login_.region, kResourceId, user); }

  static std::string token(const sigv4::SigningCredentials& creds, const std::string& user, std::chrono::system_clock::time_point at,
                           const std::string& host = kHost, std::uint16_t port = 5432) {
    return sigv4::generate_db_auth_token(host, port, user, "us-east-1", creds,
                                         std::chrono::time_point_cast<std::chrono::seconds>(at));
  }

  auth::IamLoginAnswer login(const std::string& user, const std::string& tok, std::chrono::system_clock::time_point at,
                             const std::string& cluster = "db1") {
    auth::IamLoginQuestion q;
    q.id = 42;
    q.cluster_id = cluster;
    q.db_user = user;
    q.client_address = "127.0.0.1";
    q.token = Secret(tok);
    auto a = check_db_login(*store_, settings_login_, cache_, q, at);
    EXPECT_EQ(a.id, 42u);
    // No answer ever carries the token or its signature.
    const std::string sig = tok.substr(tok.rfind('=') + 1);
    for (const std::string* field : {&a.client_message, &a.log_reason, &a.principal, &a.access_key_id}) {
      EXPECT_EQ(field->find("X-Amz-Signature"), std::string::npos);
      if (sig.size() == 64) EXPECT_EQ(field->find(sig), std::string::npos);
    }
    return a;
  }

  sigv4::SigningCredentials user(const std::string& name, const std::string& policy) {
    auto [key, secret] = user_with_key(name);
    if (!policy.empty()) put_user_policy(name, "db", policy);
    return sigv4::SigningCredentials{key, Secret(secret), std::nullopt};
  }

  DbLoginSettings settings_login_;
  sigv4::SigningKeyCache cache_;
};

TEST_F(IamDbLoginTest, AllowedUserLogsInAndOthersAreRefused) {
  auto alice = user("alice", policy_doc("Allow", "rds-db:connect", arn("app")));
  auto a = login("app", token(alice, "app", now_), now_);
  EXPECT_EQ(a.outcome, auth::IamLoginOutcome::allowed) << a.client_message << " / " << a.log_reason;
  EXPECT_EQ(a.principal, std::string("arn:aws:iam::") + kAccount + ":user/alice");
  EXPECT_EQ(a.access_key_id, alice.access_key_id);

  // Another DB user, another cluster, nothing at all: refused with AWS's wording.
  auto other_user = user("bob", policy_doc("Allow", "rds-db:connect", arn("someone_else")));
  auto other_cluster = user("carol", policy_doc("Allow", "rds-db:connect",
                                                db_user_arn(settings_login_, settings_login_.region, "cluster-ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "app")));
  auto nothing = user("dave", "");
  for (const auto* creds : {&other_user, &other_cluster, &nothing}) {
    auto r = login("app", token(*creds, "app", now_), now_);
    EXPECT_EQ(r.outcome, auth::IamLoginOutcome::refused) << creds->access_key_id;
    EXPECT_NE(r.client_message.find("is not authorized to perform: rds-db:connect on resource: " + arn("app")), std::string::npos)
        << r.client_message;
    EXPECT_NE(r.log_reason.find("deny-implicit"), std::string::npos) << r.log_reason;
  }
}

TEST_F(IamDbLoginTest, WildcardsAllowAndAnExplicitDenyWins) {
  auto erin = user("erin", policy_doc("Allow", "rds-db:*", "arn:aws:rds-db:us-east-1:*:dbuser:cluster-*/*"));
  EXPECT_EQ(login("app", token(erin, "app", now_), now_).outcome, auth::IamLoginOutcome::allowed);
  put_user_policy("erin", "deny", policy_doc("Deny", "rds-db:connect", arn("app")));
  auto r = login("app", token(erin, "app", now_), now_);
  EXPECT_EQ(r.outcome, auth::IamLoginOutcome::refused);
  EXPECT_NE(r.client_message.find("with an explicit deny"), std::string::npos) << r.client_message;
  EXPECT_NE(r.log_reason.find("deny-explicit by inline:deny"), std::string::npos) << r.log_reason;
}

TEST_F(IamDbLoginTest, DeletedKeyAndDisabledClusterApplyToTheNextLogin) {
  auto frank = user("frank", policy_doc("Allow", "rds-db:connect", arn("app")));
  const std::string tok = token(frank, "app", now_);
  EXPECT_EQ(login("app", tok, now_).outcome, auth::IamLoginOutcome::allowed);
  ASSERT_FALSE(iam("DeleteAccessKey", {{"UserName", "frank"}, {"AccessKeyId", frank.access_key_id}}).error);
  auto r = login("app", tok, now_);  // the same, still unexpired token
  EXPECT_EQ(r.outcome, auth::IamLoginOutcome::refused);
  EXPECT_EQ(r.log_reason, "unknown_access_key");
  EXPECT_EQ(r.access_key_id, frank.access_key_id);

  auto grace = user("grace", policy_doc("Allow", "rds-db:connect", arn("app")));
  ASSERT_TRUE(store::RdsTables(*store_).set_iam_auth_enabled("db1", false).ok());  // as ModifyDBCluster does
  r = login("app", token(grace, "app", now_), now_);
  EXPECT_EQ(r.outcome, auth::IamLoginOutcome::refused);
  EXPECT_NE(r.client_message.find("IAM database authentication is not enabled for DB cluster \"db1\""), std::string::npos);
  EXPECT_EQ(login("app", token(grace, "app", now_), now_, "nosuch").client_message, "DB cluster \"nosuch\" does not exist");
}

TEST_F(IamDbLoginTest, TokenRulesNameTheirCheck) {
  auto henry = user("henry", policy_doc("Allow", "rds-db:connect", "*"));
  using std::chrono::minutes;
  struct Case {
    const char* name;
    std::string token;
    std::string user;
    const char* reason;
  };
  std::string tampered = token(henry, "app", now_);
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  const Case cases[] = {
      {"tampered signature", tampered, "app", "signature_mismatch"},
      {"another host", token(henry, "app", now_, "other.example.com"), "app", "wrong_host"},
      {"another port", token(henry, "app", now_, kHost, 5433), "app", "wrong_port"},
      {"another user", token(henry, "other", now_), "app", "wrong_db_user"},
      {"user in another case", token(henry, "APP", now_), "app", "wrong_db_user"},
      {"expired", token(henry, "app", now_ - minutes(16)), "app", "expired"},
      {"future-dated", token(henry, "app", now_ + minutes(16)), "app", "not_yet_valid"},
      {"garbage", "not a token", "app", "malformed"},
  };
  for (const Case& c : cases) {
    auto a = login(c.user, c.token, now_);
    EXPECT_EQ(a.outcome, auth::IamLoginOutcome::refused) << c.name;
    EXPECT_EQ(a.log_reason, c.reason) << c.name << ": " << a.client_message;
    EXPECT_FALSE(a.client_message.empty()) << c.name;
  }
  // Within the 15-minute skew a token signed a little in the future is fine (clocks differ).
  EXPECT_EQ(login("app", token(henry, "app", now_ + minutes(10)), now_).outcome, auth::IamLoginOutcome::allowed);
}

TEST_F(IamDbLoginTest, AssumedRoleCredentialsWorkUntilTheyExpire) {
  create_role("dbrole", trust_doc_aws(kAccount));
  put_role_policy("dbrole", "db", policy_doc("Allow", "rds-db:connect", arn("app")));
  auto assumed = call("sts", "AssumeRole",
                      {{"RoleArn", std::string("arn:aws:iam::") + kAccount + ":role/dbrole"}, {"RoleSessionName", "s1"},
                       {"DurationSeconds", 900}},
                      root());
  ASSERT_FALSE(assumed.error) << assumed.error->message;
  const auto& cr = assumed.output["Credentials"];
  sigv4::SigningCredentials session{cr["AccessKeyId"].get<std::string>(), Secret(cr["SecretAccessKey"].get<std::string>()),
                                    Secret(cr["SessionToken"].get<std::string>())};
  auto a = login("app", token(session, "app", now_), now_);
  EXPECT_EQ(a.outcome, auth::IamLoginOutcome::allowed) << a.client_message;
  EXPECT_EQ(a.principal, std::string("arn:aws:sts::") + kAccount + ":assumed-role/dbrole/s1");

  // Without its session token the key is refused; after expiry even a fresh token is.
  sigv4::SigningCredentials no_token{session.access_key_id, session.secret_access_key, std::nullopt};
  EXPECT_EQ(login("app", token(no_token, "app", now_), now_).log_reason, "security_token_missing");
  const auto later = now_ + std::chrono::seconds(901);
  auto expired = login("app", token(session, "app", later), later);
  EXPECT_EQ(expired.outcome, auth::IamLoginOutcome::refused);
  EXPECT_EQ(expired.log_reason, "credentials_expired") << expired.client_message;
  EXPECT_NE(expired.client_message.find("expired"), std::string::npos) << expired.client_message;
  EXPECT_EQ(expired.principal, std::string("arn:aws:sts::") + kAccount + ":assumed-role/dbrole/s1");
}

TEST_F(IamDbLoginTest, TokensAreScopedToTheClustersOwnRegion) {
  const store::ClusterRecord c = add_cluster("eu1", "eu1.cluster-abc.eu-west-1.rds.localhost", "127.0.10.2",
                                             "cluster-EUEUEUEUEUEUEUEUEUEUEUEUEU", "eu-west-1");
  const std::string resource = db_user_arn(settings_login_, "eu-west-1", c.resource_id, "app");
  EXPECT_EQ(resource, "arn:aws:rds-db:eu-west-1:123456789012:dbuser:cluster-EUEUEUEUEUEUEUEUEUEUEUEUEU/app");
  auto creds = user("euser", policy_doc("Allow", "rds-db:connect", resource));
  auto at = [&](const std::string& region) {
    return sigv4::generate_db_auth_token(c.endpoint_host, 5432, "app", region, creds,
                                         std::chrono::time_point_cast<std::chrono::seconds>(now_));
  };
  auto allowed = login("app", at("eu-west-1"), now_, "eu1");
  EXPECT_EQ(allowed.outcome, auth::IamLoginOutcome::allowed) << allowed.client_message;
  // The data dir's region (the server's --region) is not the cluster's: refused.
  auto refused = login("app", at("us-east-1"), now_, "eu1");
  EXPECT_EQ(refused.outcome, auth::IamLoginOutcome::refused);
  EXPECT_EQ(refused.log_reason, "wrong_region") << refused.client_message;
}

}  // namespace
}  // namespace borealis::server
