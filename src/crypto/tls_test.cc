// TlsServerContext: loading, TLS 1.2 floor, key/cert mismatch, and the RFC 5929 end-point hash for
// SHA-256, SHA-384 and SHA-1 signed certificates (the last must use SHA-256, as PostgreSQL does).
#include "crypto/tls.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "crypto/ca.h"
#include "crypto/hash.h"
#include "crypto/test_files.h"

namespace borealis::crypto {
namespace {

using testing::der;
using testing::parse_cert;
using testing::run;
using testing::ScratchDir;

std::string digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto ca = make_self_signed_ca("borealis test CA", 30);
    ASSERT_TRUE(ca.ok()) << ca.error().message;
    auto server = issue_server_certificate(*ca, {"db.example.com"}, {"127.0.0.1"}, 30);
    ASSERT_TRUE(server.ok()) << server.error().message;
    ca_ = std::move(*ca);
    server_ = std::move(*server);
  }
  ScratchDir dir_;
  PemPair ca_;
  PemPair server_;
};

TEST_F(TlsTest, LoadsChainAndKeyWithTls12Floor) {
  const auto cert = dir_.write("server.crt", server_.cert_pem + ca_.cert_pem);
  const auto key = dir_.write("server.key", server_.key_pem.reveal());
  auto ctx = TlsServerContext::from_files(cert, key);
  ASSERT_TRUE(ctx.ok()) << ctx.error().message;
  ASSERT_NE(ctx->native(), nullptr);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx->native()), TLS1_2_VERSION);

  // Moving keeps the context.
  TlsServerContext moved = std::move(*ctx);
  EXPECT_NE(moved.native(), nullptr);
}

TEST_F(TlsTest, EndPointIsSha256OfDerForSha256Certificate) {
  const auto cert = dir_.write("server.crt", server_.cert_pem);
  const auto key = dir_.write("server.key", server_.key_pem.reveal());
  auto ctx = TlsServerContext::from_files(cert, key);
  ASSERT_TRUE(ctx.ok()) << ctx.error().message;
  auto x509 = parse_cert(server_.cert_pem);
  ASSERT_TRUE(x509);
  EXPECT_EQ(ctx->server_end_point(), std::string(as_view(sha256(der(x509.get())))));
  EXPECT_EQ(ctx->server_end_point().size(), 32u);
}

TEST_F(TlsTest, MismatchedKeyIsRefusedWithoutLeakingKey) {
  const auto cert = dir_.write("server.crt", server_.cert_pem);
  const auto key = dir_.write("ca.key", ca_.key_pem.reveal());
  auto ctx = TlsServerContext::from_files(cert, key);
  ASSERT_FALSE(ctx.ok());
  // OpenSSL notices the mismatch while loading the key ("key values mismatch").
  EXPECT_NE(ctx.error().message.find("mismatch"), std::string::npos) << ctx.error().message;
  EXPECT_EQ(ctx.error().message.find("PRIVATE KEY"), std::string::npos);
}

TEST_F(TlsTest, MissingFilesAreErrors) {
  EXPECT_FALSE(TlsServerContext::from_files(dir_.path() + "/nope.crt", dir_.path() + "/nope.key").ok());
  const auto cert = dir_.write("server.crt", server_.cert_pem);
  EXPECT_FALSE(TlsServerContext::from_files(cert, dir_.path() + "/nope.key").ok());
  const auto garbage = dir_.write("garbage.crt", "not a certificate");
  EXPECT_FALSE(TlsServerContext::from_files(garbage, dir_.path() + "/nope.key").ok());
}

// Generates a self-signed certificate with the `openssl` CLI and returns the expected end point.
struct CliCert {
  std::string cert_path, key_path;
};

CliCert make_cli_cert(const ScratchDir& dir, const std::string& name, const std::string& keyopts,
                      const std::string& md) {
  CliCert c{dir.path() + "/" + name + ".crt", dir.path() + "/" + name + ".key"};
  auto r = run("openssl req -x509 -nodes -days 2 -subj /CN=" + name + " " + keyopts + (md.empty() ? "" : " -" + md) + " -keyout " +
               c.key_path + " -out " + c.cert_path);
  EXPECT_EQ(r.status, 0) << r.output;
  return c;
}

std::string read_pem(const std::string& path) {
  auto r = fs::read_file(path);
  return r.ok() ? *r : std::string();
}

TEST_F(TlsTest, EndPointUsesSha384ForSha384Certificate) {
  auto c = make_cli_cert(dir_, "p384", "-newkey ec -pkeyopt ec_paramgen_curve:P-384", "sha384");
  auto ctx = TlsServerContext::from_files(c.cert_path, c.key_path);
  ASSERT_TRUE(ctx.ok()) << ctx.error().message;
  auto x509 = parse_cert(read_pem(c.cert_path));
  ASSERT_TRUE(x509);
  EXPECT_EQ(ctx->server_end_point().size(), 48u);
  EXPECT_EQ(ctx->server_end_point(), digest(EVP_sha384(), der(x509.get())));
}

TEST_F(TlsTest, EndPointUpgradesSha1ToSha256) {
  auto c = make_cli_cert(dir_, "rsasha1", "-newkey rsa:2048", "sha1");
  auto ctx = TlsServerContext::from_files(c.cert_path, c.key_path);
  if (!ctx.ok()) GTEST_SKIP() << "this OpenSSL refuses SHA-1 certificates: " << ctx.error().message;
  auto x509 = parse_cert(read_pem(c.cert_path));
  ASSERT_TRUE(x509);
  EXPECT_EQ(X509_get_signature_nid(x509.get()), NID_sha1WithRSAEncryption);
  EXPECT_EQ(ctx->server_end_point(), std::string(as_view(sha256(der(x509.get())))));
}

TEST_F(TlsTest, Ed25519HasNoEndPoint) {
  auto c = make_cli_cert(dir_, "ed", "-newkey ed25519", "");
  auto ctx = TlsServerContext::from_files(c.cert_path, c.key_path);
  ASSERT_TRUE(ctx.ok()) << ctx.error().message;
  EXPECT_TRUE(ctx->server_end_point().empty());
}

}  // namespace
}  // namespace borealis::crypto
