// Endpoint certificates: the leaf alone (verifying clients hold the CA), private, and issued again
// when the file was written to another recipe or for other names.
#include "server/tls_material.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "common/fs.h"
#include "crypto/test_files.h"

namespace borealis::server {
namespace {

std::size_t certificates_in(const std::string& pem) {
  std::size_t n = 0;
  for (auto at = pem.find("BEGIN CERTIFICATE"); at != std::string::npos; at = pem.find("BEGIN CERTIFICATE", at + 1)) ++n;
  return n;
}

class TlsMaterialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-tls-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_.root = tmpl;
    std::filesystem::create_directories(dir_.root + "/tls");
    std::filesystem::create_directories(dir_.gateway_dir());
    user_.uid = ::getuid();
    user_.gid = ::getgid();
    user_.is_current_user = true;
    ASSERT_TRUE(ensure_ca(dir_).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_.root); }

  DataDir dir_;
  supervise::ServiceUser user_;
};

TEST_F(TlsMaterialTest, EndpointCertificateIsTheLeafAloneAndPrivate) {
  ASSERT_TRUE(ensure_endpoint_certificate(dir_, user_, "db1", {"db1.example"}, "127.0.10.1").ok());
  auto pem = fs::read_file(dir_.endpoint_cert("db1"));
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(certificates_in(*pem), 1u);
  auto ca = fs::read_file(dir_.ca_cert());
  ASSERT_TRUE(ca.ok());
  EXPECT_EQ(pem->find(*ca), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(dir_.endpoint_cert("db1").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir_.endpoint_key("db1").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(TlsMaterialTest, KeptForTheSameNamesIssuedAgainForAnOldRecipe) {
  ASSERT_TRUE(ensure_endpoint_certificate(dir_, user_, "db1", {"db1.example"}, "127.0.10.1").ok());
  auto first = fs::read_file(dir_.endpoint_cert("db1"));
  ASSERT_TRUE(ensure_endpoint_certificate(dir_, user_, "db1", {"db1.example"}, "127.0.10.1").ok());
  EXPECT_EQ(*fs::read_file(dir_.endpoint_cert("db1")), *first);
  // A file from before (leaf + CA, stamped with the names only) is replaced by the leaf alone.
  auto ca = fs::read_file(dir_.ca_cert());
  ASSERT_TRUE(fs::write_file_atomic(dir_.endpoint_cert("db1"), *first + *ca, 0600).ok());
  ASSERT_TRUE(fs::write_file_atomic(dir_.endpoint_cert("db1") + ".names", "db1.example 127.0.10.1", 0600).ok());
  ASSERT_TRUE(ensure_endpoint_certificate(dir_, user_, "db1", {"db1.example"}, "127.0.10.1").ok());
  EXPECT_EQ(certificates_in(*fs::read_file(dir_.endpoint_cert("db1"))), 1u);
}

TEST_F(TlsMaterialTest, TheCertificateNamesEveryHostAndIsIssuedAgainWhenTheyChange) {
  ASSERT_TRUE(ensure_endpoint_certificate(dir_, user_, "db1", {"db1.example"}, "127.0.10.1").ok());
  auto first = fs::read_file(dir_.endpoint_cert("db1"));
  ASSERT_TRUE(ensure_endpoint_certificate(dir_, user_, "db1", {"db1.example", "db1-ro.example"}, "127.0.10.1").ok());
  auto second = fs::read_file(dir_.endpoint_cert("db1"));
  EXPECT_NE(*second, *first);
  const std::string text =
      crypto::testing::run("openssl x509 -noout -ext subjectAltName -in " + dir_.endpoint_cert("db1")).output;
  EXPECT_NE(text.find("DNS:db1.example"), std::string::npos) << text;
  EXPECT_NE(text.find("DNS:db1-ro.example"), std::string::npos) << text;
  EXPECT_NE(text.find("IP Address:127.0.10.1"), std::string::npos) << text;
}

}  // namespace
}  // namespace borealis::server
