// Byte-for-byte agreement with the real botocore (testdata/vectors.json): canonical request, string
// to sign, signature, Authorization header and generate_db_auth_token tokens, and that the verifiers
// accept exactly what botocore signed.
#include <gtest/gtest.h>

#include "sigv4/presigned.h"
#include "sigv4/signer.h"
#include "sigv4/test_vectors.h"
#include "sigv4/verifier.h"

namespace borealis::sigv4 {
namespace {

using testing::vector_lookup;
using testing::vector_request;
using testing::vector_signing_credentials;
using testing::vector_time;
using testing::vectors_of_kind;

TEST(BotocoreVectors, ThereAreEnoughOfEachKind) {
  EXPECT_GE(vectors_of_kind("header").size(), 10u);
  EXPECT_GE(vectors_of_kind("db_token").size(), 5u);
}

TEST(BotocoreVectors, SignerMatchesCanonicalRequestStringToSignAndSignature) {
  for (const auto& v : vectors_of_kind("header")) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto r = vector_request(v, /*include_signing_headers=*/false);
    HttpRequestView view{r.method, r.path, r.query, r.headers, r.body};
    // botocore computes the host from the URL; it is not one of its request headers.
    const std::string region = v["region"];
    const std::string service = v["service"];
    auto signed_request = sign_headers(view, vector_signing_credentials(v["token"]), region, service, vector_time());
    ASSERT_TRUE(signed_request.ok()) << signed_request.error().message;
    EXPECT_EQ(signed_request->canonical_request, v["canonical_request"].get<std::string>());
    EXPECT_EQ(signed_request->string_to_sign, v["string_to_sign"].get<std::string>());
    EXPECT_EQ(signed_request->signature, v["signature"].get<std::string>());
    EXPECT_EQ(signed_request->headers.back().second, v["authorization"].get<std::string>());
  }
}

TEST(BotocoreVectors, HeaderVerifierAcceptsEveryBotocoreRequest) {
  for (const auto& v : vectors_of_kind("header")) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto r = vector_request(v, /*include_signing_headers=*/true);
    SigningKeyCache cache;
    const std::string region = v["region"];
    const std::string service = v["service"];
    HeaderAuthRules rules{region, service};
    auto verified = verify_header_auth({r.method, r.path, r.query, r.headers, r.body}, rules,
                                       vector_lookup(v["token"], "arn:aws:iam::123456789012:user/alice"), cache,
                                       vector_time());
    ASSERT_TRUE(verified.ok()) << to_string(verified.error().check) << ": " << verified.error().message;
    EXPECT_EQ(verified->principal, "arn:aws:iam::123456789012:user/alice");
    EXPECT_EQ(verified->temporary, !v["token"].is_null());
  }
}

TEST(BotocoreVectors, DbTokensAreReproducedByteForByte) {
  for (const auto& v : vectors_of_kind("db_token")) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const std::string token =
        generate_db_auth_token(v["host"].get<std::string>(), v["port"].get<std::uint16_t>(),
                               v["user"].get<std::string>(), v["region"].get<std::string>(),
                               vector_signing_credentials(v["session_token"]), vector_time());
    EXPECT_EQ(token, v["token"].get<std::string>());
  }
}

TEST(BotocoreVectors, DbTokenCanonicalQueryMatchesBotocore) {
  for (const auto& v : vectors_of_kind("db_token")) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto parsed = parse_db_auth_token(v["token"].get<std::string>());
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const std::string canonical = canonical_request(
        "GET", "/", db_auth_token_canonical_query(parsed.value()),
        "host:" + db_auth_token_host_header(parsed->host, parsed->port) + "\n", "host", kEmptyPayloadSha256);
    EXPECT_EQ(canonical, v["canonical_request"].get<std::string>());
  }
}

TEST(BotocoreVectors, DbTokenVerifierAcceptsEveryBotocoreToken) {
  for (const auto& v : vectors_of_kind("db_token")) {
    SCOPED_TRACE(v["name"].get<std::string>());
    SigningKeyCache cache;
    const std::string host = v["host"];
    const std::string user = v["user"];
    const std::string region = v["region"];
    DbAuthRules rules{host, v["port"].get<std::uint16_t>(), region, user};
    auto verified = verify_db_auth_token(v["token"].get<std::string>(), rules, vector_lookup(v["session_token"]),
                                         cache, vector_time());
    ASSERT_TRUE(verified.ok()) << to_string(verified.error().check) << ": " << verified.error().message;
    EXPECT_EQ(verified->access_key_id, testing::vectors()["access_key_id"].get<std::string>());
  }
}

}  // namespace
}  // namespace borealis::sigv4
