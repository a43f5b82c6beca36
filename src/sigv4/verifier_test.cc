// Verification rules, one tampered field at a time, starting from tokens and requests the real
// botocore signed (testdata/vectors.json): each must be refused by the rule named, and the untouched
// original must pass, so every refusal below is caused by the one change.
#include <gtest/gtest.h>

#include <string>

#include "sigv4/signer.h"
#include "sigv4/test_vectors.h"
#include "sigv4/verifier.h"

namespace borealis::sigv4 {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

nlohmann::json vector_named(const std::string& name) {
  for (const auto& v : testing::vectors()["vectors"]) {
    if (v["name"] == name) return v;
  }
  ADD_FAILURE() << "no vector " << name;
  return {};
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

class DbTokenTest : public ::testing::Test {
 protected:
  const nlohmann::json v = vector_named("db_token_basic");
  const std::string token = v["token"];
  SigningKeyCache cache;
  DbAuthRules rules{"db.example.internal", 5432, "us-east-1", "alice"};
  Seconds now = testing::vector_time() + seconds(1);

  AuthResult<VerifiedIdentity> verify(std::string_view t, const CredentialLookup& lookup) {
    return verify_db_auth_token(t, rules, lookup, cache, now);
  }
  AuthResult<VerifiedIdentity> verify(std::string_view t) { return verify(t, testing::vector_lookup(nullptr)); }
  void expect_refused(std::string_view t, Check check) {
    auto r = verify(t);
    ASSERT_FALSE(r.ok()) << "accepted, expected " << to_string(check);
    EXPECT_EQ(r.error().check, check) << to_string(r.error().check) << ": " << r.error().message;
  }
};

TEST_F(DbTokenTest, OriginalIsAccepted) { EXPECT_TRUE(verify(token).ok()); }

TEST_F(DbTokenTest, SignatureBitFlipIsRefused) {
  std::string t = token;
  t.back() = t.back() == '0' ? '1' : '0';
  expect_refused(t, Check::signature_mismatch);
}

TEST_F(DbTokenTest, AnotherHostIsRefused) {
  rules.host = "db2.example.internal";
  expect_refused(token, Check::wrong_host);
}

TEST_F(DbTokenTest, HostInTokenRewrittenIsRefusedBySignature) {
  rules.host = "db2.example.internal";
  expect_refused(replaced(token, "db.example.internal:", "db2.example.internal:"), Check::signature_mismatch);
}

TEST_F(DbTokenTest, HostCaseDoesNotMatterLikeDns) {
  rules.host = "DB.Example.INTERNAL";
  EXPECT_TRUE(verify(token).ok());
}

TEST_F(DbTokenTest, AnotherPortIsRefused) {
  rules.port = 5433;
  expect_refused(token, Check::wrong_port);
  rules.port = 5433;
  expect_refused(replaced(token, ":5432/", ":5433/"), Check::signature_mismatch);
}

TEST_F(DbTokenTest, AnotherDbUserIsRefusedIncludingCaseChange) {
  rules.db_user = "Alice";
  expect_refused(token, Check::wrong_db_user);
  rules.db_user = "bob";
  expect_refused(token, Check::wrong_db_user);
  expect_refused(replaced(token, "DBUser=alice", "DBUser=bob"), Check::signature_mismatch);
  rules.db_user = "Alice";
  expect_refused(replaced(token, "DBUser=alice", "DBUser=Alice"), Check::signature_mismatch);
}

TEST_F(DbTokenTest, AnotherRegionIsRefused) {
  rules.region = "us-west-2";
  expect_refused(token, Check::wrong_region);
}

TEST_F(DbTokenTest, AnotherServiceIsRefused) {
  PresignRequest request;
  request.host = "db.example.internal:5432";
  request.params = {{"Action", "connect"}, {"DBUser", "alice"}};
  const std::string t = "db.example.internal:5432/?" +
                        presign_query(request, testing::vector_signing_credentials(nullptr), "us-east-1", "rds",
                                      testing::vector_time());
  expect_refused(t, Check::wrong_service);
}

TEST_F(DbTokenTest, AnotherActionIsRefused) {
  expect_refused(replaced(token, "Action=connect", "Action=connectx"), Check::wrong_action);
}

TEST_F(DbTokenTest, ExpiryIsEnforcedToTheSecond) {
  now = testing::vector_time() + seconds(900);
  EXPECT_TRUE(verify(token).ok());
  now = testing::vector_time() + seconds(901);
  expect_refused(token, Check::expired);
  EXPECT_EQ(verify(token).error().code, AwsErrorCode::RequestExpired);
}

TEST_F(DbTokenTest, FutureDatedBeyondSkewIsRefused) {
  now = testing::vector_time() - minutes(15);
  EXPECT_TRUE(verify(token).ok());
  now = testing::vector_time() - minutes(15) - seconds(1);
  expect_refused(token, Check::not_yet_valid);
}

TEST_F(DbTokenTest, ExpiresOverNineHundredIsRefusedEvenWhenSigned) {
  const std::string t = generate_db_auth_token("db.example.internal", 5432, "alice", "us-east-1",
                                               testing::vector_signing_credentials(nullptr), testing::vector_time(),
                                               seconds(901));
  expect_refused(t, Check::expires_too_long);
  expect_refused(replaced(token, "X-Amz-Expires=900", "X-Amz-Expires=899"), Check::signature_mismatch);
  expect_refused(replaced(token, "X-Amz-Expires=900", "X-Amz-Expires=0900"), Check::bad_expires);
}

TEST_F(DbTokenTest, DateTamperingIsRefused) {
  expect_refused(replaced(token, "X-Amz-Date=20261128T123456Z", "X-Amz-Date=20261128T123457Z"),
                 Check::signature_mismatch);
  expect_refused(replaced(token, "X-Amz-Date=20261128T123456Z", "X-Amz-Date=20261129T123456Z"),
                 Check::scope_date_mismatch);
}

TEST_F(DbTokenTest, UnknownAccessKeyIsRefused) {
  auto r = verify(token, [](std::string_view) { return std::optional<Credentials>(); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().check, Check::unknown_access_key);
  EXPECT_EQ(r.error().code, AwsErrorCode::InvalidClientTokenId);
}

TEST_F(DbTokenTest, WrongSecretIsRefused) {
  auto r = verify(token, [](std::string_view) {
    return std::optional<Credentials>(Credentials{Secret("another-secret"), "p", std::nullopt, std::nullopt});
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().check, Check::signature_mismatch);
}

TEST_F(DbTokenTest, TemporaryCredentialsNeedTheirSessionToken) {
  // Long-term token presented for a key that the lookup says is temporary.
  auto r = verify(token, testing::vector_lookup("some-session-token"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().check, Check::security_token_missing);
}

TEST(DbTokenSession, SessionTokenIsCheckedAndCredentialsExpire) {
  const auto v = vector_named("db_token_session");
  const std::string token = v["token"];
  const std::string session = v["session_token"];
  SigningKeyCache cache;
  DbAuthRules rules{"cluster-1.borealis.local", 6432, "eu-west-1", "svc_app"};
  const Seconds now = testing::vector_time();
  auto ok = verify_db_auth_token(token, rules, testing::vector_lookup(session), cache, now);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->temporary);

  auto wrong = verify_db_auth_token(token, rules, testing::vector_lookup(session + "x"), cache, now);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().check, Check::security_token_mismatch);

  auto not_temporary = verify_db_auth_token(token, rules, testing::vector_lookup(nullptr), cache, now);
  ASSERT_FALSE(not_temporary.ok());
  EXPECT_EQ(not_temporary.error().check, Check::security_token_unexpected);

  const CredentialLookup expired = [&](std::string_view akid) {
    auto c = testing::vector_lookup(session)(akid);
    c->expires_at = now;
    return c;
  };
  auto gone = verify_db_auth_token(token, rules, expired, cache, now);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, AwsErrorCode::ExpiredToken);
  EXPECT_EQ(gone.error().check, Check::credentials_expired);

  // Expired AND another session token: the token is wrong first, so "expired" tells nothing to a
  // caller who does not hold the session.
  const CredentialLookup expired_other = [&](std::string_view akid) {
    auto c = testing::vector_lookup(session + "x")(akid);
    c->expires_at = now;
    return c;
  };
  auto not_theirs = verify_db_auth_token(token, rules, expired_other, cache, now);
  ASSERT_FALSE(not_theirs.ok());
  EXPECT_EQ(not_theirs.error().check, Check::security_token_mismatch);
}

TEST_F(DbTokenTest, MessagesNeverCarryTheSignatureTokenOrSecret) {
  std::string t = token;
  t.back() = t.back() == '0' ? '1' : '0';
  const std::string signature = token.substr(token.rfind('=') + 1);
  for (const auto& r : {verify(t), verify(token, testing::vector_lookup("secret-session"))}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.find(signature), std::string::npos);
    EXPECT_EQ(r.error().message.find(t.substr(t.rfind('=') + 1)), std::string::npos);
    EXPECT_EQ(r.error().message.find(testing::vectors()["secret_access_key"].get<std::string>()), std::string::npos);
    EXPECT_EQ(r.error().message.find("secret-session"), std::string::npos);
  }
}

TEST_F(DbTokenTest, WarmCacheSkipsDerivation) {
  ASSERT_TRUE(verify(token).ok());
  ASSERT_TRUE(verify(token).ok());
  const auto stats = cache.stats();
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.hits, 1u);
}

// ---- Authorization header -------------------------------------------------------------------------

class HeaderAuthTest : public ::testing::Test {
 protected:
  nlohmann::json v = vector_named("rds_query_post");
  testing::OwnedRequest r = testing::vector_request(v, true);
  SigningKeyCache cache;
  HeaderAuthRules rules{"us-east-1", "rds"};
  Seconds now = testing::vector_time();
  CredentialLookup lookup = testing::vector_lookup(nullptr);

  AuthResult<VerifiedIdentity> verify() {
    r.rebuild_views();
    return verify_header_auth({r.method, r.path, r.query, r.headers, r.body}, rules, lookup, cache, now);
  }
  void expect_refused(Check check) {
    auto res = verify();
    ASSERT_FALSE(res.ok()) << "accepted, expected " << to_string(check);
    EXPECT_EQ(res.error().check, check) << to_string(res.error().check) << ": " << res.error().message;
  }
  std::string& header(const std::string& name) {
    for (auto& [n, value] : r.header_storage) {
      if (to_lower(n) == name) return value;
    }
    ADD_FAILURE() << "no header " << name;
    static std::string none;
    return none;
  }
  void drop_header(const std::string& name) {
    std::erase_if(r.header_storage, [&](const auto& h) { return to_lower(h.first) == name; });
  }
};

TEST_F(HeaderAuthTest, OriginalIsAccepted) { EXPECT_TRUE(verify().ok()); }

TEST_F(HeaderAuthTest, BodyTamperingIsRefused) {
  r.body += "&DBClusterIdentifier=other";
  expect_refused(Check::signature_mismatch);
}

TEST_F(HeaderAuthTest, SignedHeaderTamperingIsRefused) {
  header("content-type") = "application/json";
  expect_refused(Check::signature_mismatch);
}

TEST_F(HeaderAuthTest, ExtraWhitespaceInSignedHeaderStillVerifies) {
  header("content-type") = "  application/x-www-form-urlencoded;   charset=utf-8 ";
  EXPECT_TRUE(verify().ok());
}

TEST_F(HeaderAuthTest, UnsignedHeadersMayChange) {
  header("content-length") = "999";
  r.header_storage.emplace_back("User-Agent", "anything");
  EXPECT_TRUE(verify().ok());
}

TEST_F(HeaderAuthTest, MissingAuthorizationIsMissingAuthenticationToken) {
  drop_header("authorization");
  expect_refused(Check::missing_authorization);
  EXPECT_EQ(verify().error().code, AwsErrorCode::MissingAuthenticationToken);
}

TEST_F(HeaderAuthTest, DuplicateAuthorizationIsRefused) {
  r.header_storage.emplace_back("Authorization", header("authorization"));
  expect_refused(Check::duplicate_parameter);
}

TEST_F(HeaderAuthTest, SignatureBitFlipIsRefused) {
  std::string& a = header("authorization");
  a.back() = a.back() == '0' ? '1' : '0';
  expect_refused(Check::signature_mismatch);
  EXPECT_EQ(verify().error().code, AwsErrorCode::SignatureDoesNotMatch);
}

TEST_F(HeaderAuthTest, ClockSkewWindowIsFifteenMinutes) {
  now = testing::vector_time() + minutes(15);
  EXPECT_TRUE(verify().ok());
  now = testing::vector_time() + minutes(15) + seconds(1);
  expect_refused(Check::expired);
  now = testing::vector_time() - minutes(15) - seconds(1);
  expect_refused(Check::not_yet_valid);
  rules.clock_skew_code = AwsErrorCode::RequestExpired;
  EXPECT_EQ(verify().error().code, AwsErrorCode::RequestExpired);
}

TEST_F(HeaderAuthTest, ScopeMustMatchDateRegionAndService) {
  header("x-amz-date") = "20261129T003456Z";
  now = *parse_amz_date("20261129T003456Z");
  expect_refused(Check::scope_date_mismatch);
  header("x-amz-date") = "20261128T123456Z";
  now = testing::vector_time();
  rules.region = "eu-west-1";
  expect_refused(Check::wrong_region);
  rules.region = "us-east-1";
  rules.service = "sts";
  expect_refused(Check::wrong_service);
}

TEST_F(HeaderAuthTest, DateIsRequiredAndSigned) {
  header("x-amz-date") = "20261128T123457Z";
  expect_refused(Check::signature_mismatch);
  header("x-amz-date") = "2026-11-28T12:34:56Z";
  expect_refused(Check::bad_date);
  drop_header("x-amz-date");
  expect_refused(Check::missing_parameter);
}

TEST_F(HeaderAuthTest, HostMustBeSigned) {
  header("authorization") = replaced(header("authorization"), "content-type;host;x-amz-date", "content-type;x-amz-date");
  expect_refused(Check::host_not_signed);
}

TEST_F(HeaderAuthTest, HostTamperingIsRefused) {
  header("host") = "rds.us-west-2.amazonaws.com";
  expect_refused(Check::signature_mismatch);
}

TEST_F(HeaderAuthTest, UnknownKeyIsInvalidClientTokenId) {
  lookup = [](std::string_view) { return std::optional<Credentials>(); };
  expect_refused(Check::unknown_access_key);
  EXPECT_EQ(verify().error().code, AwsErrorCode::InvalidClientTokenId);
}

TEST_F(HeaderAuthTest, UnsignedPayloadIsRefusedUnlessAllowed) {
  r.header_storage.emplace_back("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
  expect_refused(Check::payload_hash_mismatch);
}

TEST(HeaderAuthSession, SessionTokenMustBePresentSignedAndMatching) {
  const auto v = vector_named("sts_get_caller_identity_session_token");
  const std::string session = v["token"];
  SigningKeyCache cache;
  HeaderAuthRules rules{"us-east-1", "sts"};
  auto run = [&](testing::OwnedRequest& req, const CredentialLookup& lookup) {
    req.rebuild_views();
    return verify_header_auth({req.method, req.path, req.query, req.headers, req.body}, rules, lookup, cache,
                              testing::vector_time());
  };
  auto ok_request = testing::vector_request(v, true);
  auto ok = run(ok_request, testing::vector_lookup(session));
  ASSERT_TRUE(ok.ok()) << ok.error().message;

  auto missing = testing::vector_request(v, true);
  std::erase_if(missing.header_storage, [](const auto& h) { return to_lower(h.first) == "x-amz-security-token"; });
  auto r1 = run(missing, testing::vector_lookup(session));
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().check, Check::signed_header_absent);  // it was signed, so it must be there

  auto changed = testing::vector_request(v, true);
  auto r2 = run(changed, testing::vector_lookup(session + "x"));
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().check, Check::security_token_mismatch);
  EXPECT_EQ(r2.error().code, AwsErrorCode::InvalidClientTokenId);
}

}  // namespace
}  // namespace borealis::sigv4
