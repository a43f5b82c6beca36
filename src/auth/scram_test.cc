// Verifier derivation (RFC 7677 vector), PostgreSQL's verifier format, and the mock verifier.
#include "auth/scram.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace borealis::auth {
namespace {

std::string b64(const Sha256Digest& d) {
  return crypto::base64_encode({reinterpret_cast<const char*>(d.data()), d.size()});
}

std::string rfc7677_salt() { return *crypto::base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="); }

TEST(ScramVerifier, DerivesRfc7677Keys) {
  const ScramVerifier v = make_scram_verifier("pencil", rfc7677_salt(), 4096);
  EXPECT_EQ(v.iterations, 4096);
  // StoredKey/ServerKey for the RFC 7677 example (as PostgreSQL would store them).
  EXPECT_EQ(b64(v.stored_key), "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=");
  EXPECT_EQ(b64(v.server_key), "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=");
}

TEST(ScramVerifier, FormatsAndParsesLikePostgres) {
  const ScramVerifier v = make_scram_verifier("pencil", rfc7677_salt(), 4096);
  const std::string text = format_scram_verifier(v);
  EXPECT_EQ(text,
            "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
            "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=");
  auto parsed = parse_scram_verifier(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->iterations, 4096);
  EXPECT_EQ(parsed->salt, v.salt);
  EXPECT_EQ(parsed->stored_key, v.stored_key);
  EXPECT_EQ(parsed->server_key, v.server_key);
}

TEST(ScramVerifier, RejectsEverythingElse) {
  const std::string good_keys =
      "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";
  const std::string bad[] = {
      "",
      "md5" + std::string(32, '0'),
      "pencil",
      "SCRAM-SHA-1$4096:W22ZaJ0SNY7soEsUEjb6gQ==$" + good_keys,
      "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==",
      "SCRAM-SHA-256$4096W22ZaJ0SNY7soEsUEjb6gQ==$" + good_keys,
      "SCRAM-SHA-256$0:W22ZaJ0SNY7soEsUEjb6gQ==$" + good_keys,
      "SCRAM-SHA-256$-1:W22ZaJ0SNY7soEsUEjb6gQ==$" + good_keys,
      "SCRAM-SHA-256$4096x:W22ZaJ0SNY7soEsUEjb6gQ==$" + good_keys,
      "SCRAM-SHA-256$99999999999:W22ZaJ0SNY7soEsUEjb6gQ==$" + good_keys,
      "SCRAM-SHA-256$:W22ZaJ0SNY7soEsUEjb6gQ==$" + good_keys,
      "SCRAM-SHA-256$4096:$" + good_keys,
      "SCRAM-SHA-256$4096:not base64!$" + good_keys,
      "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$c2hvcnQ=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
      "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=",
      "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$" + good_keys + "AAAA",
  };
  for (const auto& text : bad) {
    auto r = parse_scram_verifier(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, Errc::unsupported) << text;
    // The message never quotes the verifier (a password equivalent).
    if (text.size() > 8) {
      EXPECT_EQ(r.error().message.find(text.substr(text.size() - 8)), std::string::npos);
    }
  }
}

TEST(ScramVerifier, AsciiPasswordIsUsedAsIs) {
  // PostgreSQL's SASLprep leaves ASCII alone, including characters NFKC would not touch anyway.
  const ScramVerifier a = make_scram_verifier("p a$$ w0rd", "salt", 16);
  const crypto::Digest32 salted = crypto::pbkdf2_sha256("p a$$ w0rd", "salt", 16);
  const crypto::Digest32 client_key = crypto::hmac_sha256(crypto::as_view(salted), "Client Key");
  EXPECT_EQ(crypto::as_view(crypto::sha256(crypto::as_view(client_key))),
            std::string_view(reinterpret_cast<const char*>(a.stored_key.data()), 32));
}

TEST(MockVerifier, DeterministicPerUserAndSecret) {
  const ScramVerifier a1 = make_mock_verifier("alice", "mock-secret");
  const ScramVerifier a2 = make_mock_verifier("alice", "mock-secret");
  const ScramVerifier b = make_mock_verifier("bob", "mock-secret");
  const ScramVerifier a_other = make_mock_verifier("alice", "other-secret");
  EXPECT_EQ(a1.salt, a2.salt);
  EXPECT_EQ(a1.stored_key, a2.stored_key);
  EXPECT_NE(a1.salt, b.salt);
  EXPECT_NE(a1.salt, a_other.salt);
  EXPECT_NE(a1.stored_key, b.stored_key);
  EXPECT_EQ(a1.salt.size(), 16u);
  EXPECT_EQ(a1.iterations, 4096);
  // salt = SHA-256(mock_secret || username)[0:16], as documented.
  EXPECT_EQ(a1.salt, std::string(crypto::as_view(crypto::sha256("mock-secretalice")).substr(0, 16)));
  // It formats and parses like a real verifier, so nothing downstream can tell them apart.
  EXPECT_TRUE(parse_scram_verifier(format_scram_verifier(a1)).ok());
}

}  // namespace
}  // namespace borealis::auth
