// The private CA: certificates verify with the real `openssl verify`, carry exactly the SANs asked
// for, and match host names the way libpq's sslmode=verify-full does (SAN DNS first, CN ignored).
#include "crypto/ca.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "crypto/test_files.h"

namespace borealis::crypto {
namespace {

using testing::parse_cert;
using testing::run;
using testing::ScratchDir;

class CaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto ca = make_self_signed_ca("borealis test CA", 3650);
    ASSERT_TRUE(ca.ok()) << ca.error().message;
    ca_ = std::move(*ca);
  }
  ScratchDir dir_;
  PemPair ca_;
};

TEST_F(CaTest, CaHasCaExtensions) {
  auto ca = parse_cert(ca_.cert_pem);
  ASSERT_TRUE(ca);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_get_signature_nid(ca.get()), NID_ecdsa_with_SHA256);
  EXPECT_NE(X509_get0_subject_key_id(ca.get()), nullptr);
  EXPECT_TRUE(X509_get_key_usage(ca.get()) & KU_KEY_CERT_SIGN);
  EXPECT_TRUE(X509_get_key_usage(ca.get()) & KU_CRL_SIGN);
  EXPECT_EQ(X509_get_version(ca.get()), X509_VERSION_3);
  EXPECT_NE(ca_.key_pem.reveal().find("BEGIN PRIVATE KEY"), std::string_view::npos);

  const auto ca_path = dir_.write("ca.crt", ca_.cert_pem);
  auto text = run("openssl x509 -noout -text -in " + ca_path);
  ASSERT_EQ(text.status, 0) << text.output;
  EXPECT_NE(text.output.find("CA:TRUE"), std::string::npos);
  EXPECT_NE(text.output.find("Basic Constraints: critical"), std::string::npos);
  EXPECT_NE(text.output.find("Certificate Sign, CRL Sign"), std::string::npos);
  EXPECT_NE(text.output.find("prime256v1"), std::string::npos);
  EXPECT_NE(text.output.find("Subject: CN = borealis test CA"), std::string::npos);
}

TEST_F(CaTest, SerialsAreRandom) {
  auto other = make_self_signed_ca("borealis test CA", 3650);
  ASSERT_TRUE(other.ok());
  auto a = parse_cert(ca_.cert_pem);
  auto b = parse_cert(other->cert_pem);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())), 0);
  EXPECT_NE(ca_.key_pem.reveal(), other->key_pem.reveal());
}

TEST_F(CaTest, ServerCertificateVerifiesWithOpensslCli) {
  auto server = issue_server_certificate(ca_, {"db.example.com", "*.gw.example.com"}, {"127.0.0.1", "::1"}, 30);
  ASSERT_TRUE(server.ok()) << server.error().message;
  const auto ca_path = dir_.write("ca.crt", ca_.cert_pem);
  const auto cert_path = dir_.write("server.crt", server->cert_pem);

  auto verify = run("openssl verify -x509_strict -purpose sslserver -CAfile " + ca_path + " " + cert_path);
  EXPECT_EQ(verify.status, 0) << verify.output;
  EXPECT_NE(verify.output.find(": OK"), std::string::npos) << verify.output;

  auto verify_host = run("openssl verify -purpose sslserver -verify_hostname db.example.com -CAfile " + ca_path +
                         " " + cert_path);
  EXPECT_EQ(verify_host.status, 0) << verify_host.output;
  auto verify_wrong = run("openssl verify -purpose sslserver -verify_hostname other.example.com -CAfile " +
                          ca_path + " " + cert_path);
  EXPECT_NE(verify_wrong.status, 0) << verify_wrong.output;

  auto san = run("openssl x509 -noout -ext subjectAltName,basicConstraints,extendedKeyUsage -in " + cert_path);
  ASSERT_EQ(san.status, 0) << san.output;
  EXPECT_NE(san.output.find("DNS:db.example.com, DNS:*.gw.example.com, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"),
            std::string::npos)
      << san.output;
  EXPECT_NE(san.output.find("CA:FALSE"), std::string::npos) << san.output;
  EXPECT_NE(san.output.find("TLS Web Server Authentication"), std::string::npos) << san.output;
}

TEST_F(CaTest, AnotherCaDoesNotVerify) {
  auto server = issue_server_certificate(ca_, {"db.example.com"}, {}, 30);
  ASSERT_TRUE(server.ok());
  auto other = make_self_signed_ca("other CA", 30);
  ASSERT_TRUE(other.ok());
  const auto other_path = dir_.write("other.crt", other->cert_pem);
  const auto cert_path = dir_.write("server.crt", server->cert_pem);
  auto verify = run("openssl verify -CAfile " + other_path + " " + cert_path);
  EXPECT_NE(verify.status, 0) << verify.output;
}

// libpq verify-full (fe-secure-common.c): when the certificate has SAN dNSName entries, the host name
// must match one of them (leftmost "*" wildcard allowed) and the CN is ignored; an IP host matches an
// iPAddress SAN. X509_check_host/X509_check_ip_asc implement the same RFC 6125 rules.
TEST_F(CaTest, HostNamesMatchLikeVerifyFull) {
  auto server = issue_server_certificate(ca_, {"db.example.com", "*.gw.example.com"}, {"10.1.2.3"}, 30);
  ASSERT_TRUE(server.ok());
  auto cert = parse_cert(server->cert_pem);
  ASSERT_TRUE(cert);
  const unsigned flags = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
  EXPECT_EQ(X509_check_host(cert.get(), "db.example.com", 0, flags, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "DB.Example.COM", 0, flags, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "a.gw.example.com", 0, flags, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "a.b.gw.example.com", 0, flags, nullptr), 0);
  EXPECT_EQ(X509_check_host(cert.get(), "example.com", 0, flags, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "10.1.2.3", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "10.1.2.4", 0), 0);

  X509_NAME* subject = X509_get_subject_name(cert.get());
  char cn[128] = {};
  X509_NAME_get_text_by_NID(subject, NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "db.example.com");
}

TEST_F(CaTest, IpOnlyCertificateUsesIpAsCommonName) {
  auto server = issue_server_certificate(ca_, {}, {"192.0.2.7"}, 30);
  ASSERT_TRUE(server.ok()) << server.error().message;
  auto cert = parse_cert(server->cert_pem);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "192.0.2.7", 0), 1);
}

TEST_F(CaTest, RejectsBadInput) {
  EXPECT_FALSE(issue_server_certificate(ca_, {}, {}, 30).ok());
  EXPECT_FALSE(issue_server_certificate(ca_, {"db.example.com,DNS:evil.com"}, {}, 30).ok());
  EXPECT_FALSE(issue_server_certificate(ca_, {"bad host"}, {}, 30).ok());
  EXPECT_FALSE(issue_server_certificate(ca_, {"-bad.example.com"}, {}, 30).ok());
  EXPECT_FALSE(issue_server_certificate(ca_, {"a..b"}, {}, 30).ok());
  EXPECT_FALSE(issue_server_certificate(ca_, {"db.example.com"}, {"10.0.0.256"}, 30).ok());
  EXPECT_FALSE(issue_server_certificate(ca_, {"db.example.com"}, {}, 0).ok());
  EXPECT_FALSE(make_self_signed_ca("", 30).ok());
  EXPECT_FALSE(make_self_signed_ca("x", -1).ok());

  PemPair broken{ca_.cert_pem, Secret("not a key")};
  auto r = issue_server_certificate(broken, {"db.example.com"}, {}, 30);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("not a key"), std::string::npos);

  auto other = make_self_signed_ca("other CA", 30);
  ASSERT_TRUE(other.ok());
  PemPair mismatched{ca_.cert_pem, other->key_pem};
  EXPECT_FALSE(issue_server_certificate(mismatched, {"db.example.com"}, {}, 30).ok());
}

TEST_F(CaTest, LongFirstNameStaysInSanOnly) {
  const std::string long_name = std::string(60, 'a') + ".example.com";
  auto server = issue_server_certificate(ca_, {long_name}, {}, 30);
  ASSERT_TRUE(server.ok()) << server.error().message;
  auto cert = parse_cert(server->cert_pem);
  EXPECT_EQ(X509_check_host(cert.get(), long_name.c_str(), 0, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, nullptr), 1);
}

}  // namespace
}  // namespace borealis::crypto
