// The IAM DB auth token parser on its own: shape, caps, encoding, duplicates, missing and unknown
// parameters, truncation at every length, garbage and a 1 MiB input.
#include <gtest/gtest.h>

#include <string>

#include "sigv4/presigned.h"
#include "sigv4/test_vectors.h"

namespace borealis::sigv4 {
namespace {

constexpr std::string_view kToken =
    "db.example.internal:5432/?Action=connect&DBUser=alice&X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIDEXAMPLEBOREALIS1%2F20261128%2Fus-east-1%2Frds-db%2Faws4_request"
    "&X-Amz-Date=20261128T123456Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=a1cd7701194734a27cc4bfa6bc17c54ff648ab9c027c059eac463b8814540267";

Check refusal(std::string_view token) {
  auto r = parse_db_auth_token(token);
  EXPECT_FALSE(r.ok()) << "accepted: " << token;
  return r.ok() ? Check::malformed : r.error().check;
}

std::string without(std::string_view param) {
  std::string t(kToken);
  const auto at = t.find("&" + std::string(param) + "=");
  if (at == std::string::npos) {  // first parameter
    const auto start = t.find("?" + std::string(param) + "=") + 1;
    const auto end = t.find('&', start);
    t.erase(start, end - start + 1);
    return t;
  }
  const auto end = t.find('&', at + 1);
  t.erase(at, end == std::string::npos ? std::string::npos : end - at);
  return t;
}

TEST(DbAuthTokenParser, ParsesBotocoreToken) {
  auto r = parse_db_auth_token(kToken);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->host, "db.example.internal");
  EXPECT_EQ(r->port, 5432);
  EXPECT_EQ(r->action, "connect");
  EXPECT_EQ(r->db_user, "alice");
  EXPECT_EQ(r->credential.access_key_id, "AKIDEXAMPLEBOREALIS1");
  EXPECT_EQ(r->credential.date, "20261128");
  EXPECT_EQ(r->credential.region, "us-east-1");
  EXPECT_EQ(r->credential.service, "rds-db");
  EXPECT_EQ(r->amz_date, "20261128T123456Z");
  EXPECT_EQ(r->expires_seconds, 900u);
  EXPECT_EQ(r->signed_headers, std::vector<std::string>{"host"});
  EXPECT_FALSE(r->security_token.has_value());
  EXPECT_EQ(db_auth_token_canonical_query(r.value()), kToken.substr(kToken.find('?') + 1, kToken.find("&X-Amz-Signature") - kToken.find('?') - 1));
}

TEST(DbAuthTokenParser, DecodesDbUserAndSessionToken) {
  for (const auto& v : testing::vectors_of_kind("db_token")) {
    auto r = parse_db_auth_token(v["token"].get<std::string>());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->db_user, v["user"].get<std::string>());
    if (!v["session_token"].is_null()) {
      ASSERT_TRUE(r->security_token.has_value());
      EXPECT_EQ(r->security_token->reveal(), v["session_token"].get<std::string>());
    }
  }
}

TEST(DbAuthTokenParser, EveryRequiredParameterIsRequired) {
  for (std::string_view p : {"Action", "DBUser", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
                             "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"}) {
    SCOPED_TRACE(p);
    EXPECT_EQ(refusal(without(p)), Check::missing_parameter);
  }
}

TEST(DbAuthTokenParser, DuplicatesAreRefused) {
  EXPECT_EQ(refusal(std::string(kToken) + "&DBUser=alice"), Check::duplicate_parameter);
  EXPECT_EQ(refusal(std::string(kToken) + "&DBUser=bob"), Check::duplicate_parameter);
  EXPECT_EQ(refusal(std::string(kToken) + "&X-Amz-Signature=" + std::string(64, 'a')), Check::duplicate_parameter);
  // Encoded names are names: "%44BUser" is DBUser.
  EXPECT_EQ(refusal(std::string(kToken) + "&%44BUser=bob"), Check::duplicate_parameter);
}

TEST(DbAuthTokenParser, UnknownParametersAreRefused) {
  EXPECT_EQ(refusal(std::string(kToken) + "&Foo=bar"), Check::unknown_parameter);
  EXPECT_EQ(refusal(std::string(kToken) + "&dbuser=bob"), Check::unknown_parameter);
}

TEST(DbAuthTokenParser, PercentEncodingIsValidated) {
  auto swap = [](std::string_view from, std::string_view to) {
    std::string t(kToken);
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  EXPECT_EQ(refusal(swap("DBUser=alice", "DBUser=al%G1ce")), Check::bad_percent_encoding);
  EXPECT_EQ(refusal(swap("DBUser=alice", "DBUser=alice%4")), Check::bad_percent_encoding);
  EXPECT_EQ(refusal(swap("DBUser=alice", "DBUser=alice%")), Check::bad_percent_encoding);
  EXPECT_EQ(refusal(swap("DBUser=alice", "DBUser=al+ice")), Check::bad_percent_encoding);
  EXPECT_EQ(refusal(swap("DBUser=alice", "DBUser=al ice")), Check::bad_percent_encoding);
  EXPECT_EQ(refusal(swap("DBUser=alice", "DBUser=al/ice")), Check::bad_percent_encoding);
  EXPECT_EQ(refusal(swap("DBUser=alice", "DBUser=al=ice")), Check::bad_percent_encoding);
  EXPECT_TRUE(parse_db_auth_token(swap("DBUser=alice", "DBUser=%61lice")).ok());  // valid, decodes to alice
}

TEST(DbAuthTokenParser, ShapeIsStrict) {
  EXPECT_EQ(refusal(""), Check::malformed);
  EXPECT_EQ(refusal("garbage"), Check::malformed);
  EXPECT_EQ(refusal("https://" + std::string(kToken)), Check::malformed);  // no scheme, as botocore strips it
  EXPECT_EQ(refusal(std::string(kToken).replace(kToken.find("/?"), 2, "?")), Check::malformed);
  EXPECT_EQ(refusal(std::string(kToken).replace(kToken.find(":5432"), 5, "")), Check::bad_port);
  EXPECT_EQ(refusal(std::string(kToken).replace(kToken.find(":5432"), 5, ":0")), Check::bad_port);
  EXPECT_EQ(refusal(std::string(kToken).replace(kToken.find(":5432"), 5, ":65536")), Check::bad_port);
  EXPECT_EQ(refusal(std::string(kToken).replace(kToken.find(":5432"), 5, ":05432")), Check::bad_port);
  EXPECT_EQ(refusal(std::string(kToken).replace(0, 2, "d_")), Check::bad_host);
  EXPECT_EQ(refusal(std::string(kToken) + "&"), Check::malformed);
  EXPECT_EQ(refusal(std::string(kToken) + "#frag"), Check::bad_percent_encoding);
  EXPECT_EQ(refusal(std::string(kToken).replace(kToken.find("AWS4-HMAC-SHA256"), 16, "AWS4-HMAC-SHA512")),
            Check::unsupported_algorithm);
  EXPECT_EQ(refusal(std::string(kToken).replace(kToken.find("aws4_request"), 12, "aws5_request")),
            Check::wrong_terminator);
  EXPECT_EQ(refusal(std::string(kToken).replace(kToken.find("SignedHeaders=host"), 18, "SignedHeaders=Host")),
            Check::bad_signed_headers);
  std::string upper_sig(kToken);
  for (auto i = upper_sig.find("Signature=") + 10; i < upper_sig.size(); ++i) upper_sig[i] = static_cast<char>(std::toupper(upper_sig[i]));
  EXPECT_EQ(refusal(upper_sig), Check::bad_signature_format);
}

TEST(DbAuthTokenParser, EveryTruncationIsRefused) {
  for (std::size_t n = 0; n < kToken.size(); ++n) {
    EXPECT_FALSE(parse_db_auth_token(kToken.substr(0, n)).ok()) << n;
  }
}

TEST(DbAuthTokenParser, CapsAreEnforced) {
  EXPECT_EQ(refusal(std::string(1 << 20, 'a')), Check::input_too_large);
  EXPECT_EQ(refusal(std::string(kToken) + std::string(kMaxDbAuthTokenLength, 'a')), Check::input_too_large);
  std::string many(kToken);
  for (int i = 0; i < 20; ++i) many += "&a=b";
  EXPECT_EQ(refusal(many), Check::too_many_parameters);
}

TEST(DbAuthTokenParser, HostHeaderDropsTheHttpsDefaultPort) {
  EXPECT_EQ(db_auth_token_host_header("DB.Example.Internal", 443), "db.example.internal");
  EXPECT_EQ(db_auth_token_host_header("DB.Example.Internal", 5432), "db.example.internal:5432");
}

}  // namespace
}  // namespace borealis::sigv4
