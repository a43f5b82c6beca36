// Signing-key derivation (AWS's documented example) and the cache: hits skip derivation, a rotated
// secret never finds the old key, the size stays bounded, and concurrent use is safe.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "crypto/hash.h"
#include "sigv4/signing_key_cache.h"

namespace borealis::sigv4 {
namespace {

// From AWS's "Examples of how to derive a signing key for Signature Version 4".
constexpr std::string_view kExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kExampleSigningKey = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d";

std::string hex(const crypto::Digest32& d) { return crypto::hex_encode(crypto::as_view(d)); }

TEST(SigningKey, MatchesTheAwsDocumentedExample) {
  EXPECT_EQ(hex(derive_signing_key(kExampleSecret, "20120215", "us-east-1", "iam")), kExampleSigningKey);
}

TEST(SigningKeyCache, SecondLookupIsAHitWithTheSameKey) {
  SigningKeyCache cache;
  const Secret secret{std::string(kExampleSecret)};
  EXPECT_EQ(hex(cache.get("AKID", secret, "20120215", "us-east-1", "iam")), kExampleSigningKey);
  EXPECT_EQ(hex(cache.get("AKID", secret, "20120215", "us-east-1", "iam")), kExampleSigningKey);
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.stats().misses, 1u);
}

TEST(SigningKeyCache, EveryKeyPartSeparatesEntries) {
  SigningKeyCache cache;
  const Secret secret{std::string(kExampleSecret)};
  const Secret rotated{"another-secret"};
  const auto base = cache.get("AKID", secret, "20120215", "us-east-1", "iam");
  EXPECT_NE(cache.get("AKID", rotated, "20120215", "us-east-1", "iam"), base);
  EXPECT_NE(cache.get("AKID", secret, "20120216", "us-east-1", "iam"), base);
  EXPECT_NE(cache.get("AKID", secret, "20120215", "us-west-2", "iam"), base);
  EXPECT_NE(cache.get("AKID", secret, "20120215", "us-east-1", "sts"), base);
  EXPECT_EQ(cache.get("AKID2", secret, "20120215", "us-east-1", "iam"), base);  // same secret, same key
  EXPECT_EQ(cache.stats().misses, 6u);
  EXPECT_EQ(cache.stats().hits, 0u);
}

TEST(SigningKeyCache, SizeIsBounded) {
  SigningKeyCache cache(8);
  const Secret secret{"s"};
  for (int i = 0; i < 100; ++i) (void)cache.get("AKID" + std::to_string(i), secret, "20261128", "r", "s");
  EXPECT_EQ(cache.stats().size, 8u);
  (void)cache.get("AKID99", secret, "20261128", "r", "s");  // most recent stays
  EXPECT_EQ(cache.stats().hits, 1u);
  (void)cache.get("AKID0", secret, "20261128", "r", "s");  // oldest was evicted
  EXPECT_EQ(cache.stats().misses, 101u);
}

TEST(SigningKeyCache, ConcurrentUseIsSafe) {
  SigningKeyCache cache(16);
  const Secret secret{std::string(kExampleSecret)};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const auto key = cache.get("AKID" + std::to_string((i + t) % 32), secret, "20120215", "us-east-1", "iam");
        EXPECT_EQ(hex(key), kExampleSigningKey);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.stats().size, 16u);
}

}  // namespace
}  // namespace borealis::sigv4
