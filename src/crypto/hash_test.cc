// Known-answer tests for the hash, MAC, KDF and encoding helpers (FIPS 180-2, RFC 4231, RFC 7914,
// RFC 4648), plus the strictness of base64_decode.
#include "crypto/hash.h"

#include <gtest/gtest.h>

#include <thread>

namespace borealis::crypto {
namespace {

std::string hex(const Digest32& d) { return hex_encode(as_view(d)); }

TEST(Hash, Sha256KnownAnswers) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, HmacSha256Rfc4231) {
  // Test case 2.
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size.
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hash, HmacWithEmptyKey) {
  EXPECT_EQ(hex(hmac_sha256("", "")), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// The contexts are reused per thread (hash.cc): a call must never see state of the previous one,
// whatever the order of keys and lengths, and other threads get their own.
TEST(Hash, ReusedContextsCarryNothingOver) {
  const std::string jefe = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const std::string big = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
  const std::string empty = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
  auto round = [&] {
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")), big);
      EXPECT_EQ(hex(hmac_sha256("", "")), empty);
      EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
      EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")), jefe);
      EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
  };
  round();
  std::thread other(round);
  round();
  other.join();
}

TEST(Hash, Pbkdf2Sha256Rfc7914) {
  // RFC 7914 section 11, first vector, truncated to 32 bytes.
  EXPECT_EQ(hex(pbkdf2_sha256("passwd", "salt", 1)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
  EXPECT_EQ(hex(pbkdf2_sha256("password", "salt", 4096)),
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
}

TEST(Hash, HexEncode) {
  EXPECT_EQ(hex_encode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(hex_encode(""), "");
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : cases) {
    EXPECT_EQ(base64_encode(plain), encoded);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64, RoundTripsAllByteValues) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    auto back = base64_decode(base64_encode(all.substr(0, len)));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, all.substr(0, len));
  }
}

TEST(Base64, RejectsMalformedInput) {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm 9v", "Zm9v====", "Z===",
                          "=Zm9", "Zm-v", "Zm_v", "Zh==", "Zm9="}) {
    EXPECT_FALSE(base64_decode(bad).ok()) << bad;
  }
  EXPECT_FALSE(base64_decode(std::string_view("Zm8=\0\0\0\0", 8)).ok());
}

TEST(Hash, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace borealis::crypto
