// Unit tests for directory and membership requests (validation, desired state in the store) and the
// gateway's krb5.conf text. No KDC here: tests/test_directory.py drives the real one.
#include "server/directory_requests.h"
#include "server/test_requests.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "server/cluster_requests.h"
#include "server/membership.h"

namespace borealis::server {
namespace {

constexpr const char* kPassword = "Adm1n!Passw0rd";

class DirectoryRequests : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-dirreq-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto s = store::Store::open(dir_ + "/borealis.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::make_unique<store::Store>(std::move(s).value());
    ASSERT_TRUE(store_->set_setting("endpoint_network", "127.7").ok());
  }
  void TearDown() override {
    store_.reset();
    (void)fs::remove_tree(dir_);
  }
  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(DirectoryRequests, CreateAllocatesAnAddressAndFixedPorts) {
  auto d = request_create_directory(*store_, {"Corp.Example.com", "", "test", Secret(kPassword)});
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE(directory::valid_directory_id(d->id));
  EXPECT_EQ(d->dns_name, "corp.example.com");
  EXPECT_EQ(d->realm, "CORP.EXAMPLE.COM");
  EXPECT_EQ(d->short_name, "CORP");
  EXPECT_EQ(d->stage, "Requested");
  EXPECT_EQ(d->kdc_address, "127.7.20.1");
  EXPECT_EQ(d->kdc_port, kDirectoryKdcPort);
  EXPECT_GT(d->kdc_port, 1024);
  EXPECT_GT(d->kadmin_port, 1024);
  EXPECT_GT(d->kpasswd_port, 1024);
  auto pw = store_->directory_admin_password(d->id);
  ASSERT_TRUE(pw.ok() && pw->has_value());

  auto second = request_create_directory(*store_, {"other.example.com", "OTHER", "", Secret(kPassword)});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->kdc_address, "127.7.20.2");
  // One realm, one directory.
  auto dup = request_create_directory(*store_, {"corp.example.com", "", "", Secret(kPassword)});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::already_exists);
}

TEST_F(DirectoryRequests, BadInputIsRefusedWithoutThePassword) {
  auto weak = request_create_directory(*store_, {"corp.example.com", "", "", Secret("weakweakweak")});
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().code, Errc::invalid_argument);
  EXPECT_EQ(weak.error().message.find("weakweakweak"), std::string::npos);
  EXPECT_FALSE(request_create_directory(*store_, {"nodots", "", "", Secret(kPassword)}).ok());
  EXPECT_TRUE(store_->list_directories()->empty());
}

TEST_F(DirectoryRequests, DeleteIsRefusedWhileClustersUseTheDirectory) {
  auto d = request_create_directory(*store_, {"corp.example.com", "", "", Secret(kPassword)});
  ASSERT_TRUE(d.ok());
  CreateClusterRequest cr{"db1", "postgres", Secret("correct-horse-9"), false, 5432};
  cr.domain = d->id;
  auto c = request_create_cluster(*store_, cr);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->domain, d->id);

  auto refused = request_delete_directory(*store_, d->id);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("db1"), std::string::npos);

  // Leaving is desired at once, but the directory stays in use until the reconciler has left.
  ASSERT_TRUE(store_->update_cluster_membership("db1", {d->id, "kerberos-enabled", ""}).ok());
  ASSERT_TRUE(request_modify_cluster(*store_, testing::modify_request("db1", std::string("none"), std::nullopt, false)).ok());
  EXPECT_EQ(store_->get_cluster("db1")->domain, "");
  EXPECT_FALSE(request_delete_directory(*store_, d->id).ok());
  ASSERT_TRUE(store_->update_cluster_membership("db1", {"", "", ""}).ok());
  ASSERT_TRUE(request_delete_directory(*store_, d->id).ok());
  EXPECT_EQ(store_->get_directory(d->id)->stage, "Deleting");
  EXPECT_EQ(request_delete_directory(*store_, "d-0000000000").error().code, Errc::not_found);
}

TEST_F(DirectoryRequests, ModifyCluster) {
  auto d = request_create_directory(*store_, {"corp.example.com", "", "", Secret(kPassword)});
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(request_create_cluster(*store_, {"db1", "postgres", Secret("correct-horse-9"), false, 5432}).ok());
  // Unknown or malformed domains are refused (AWS: DomainNotFoundFault).
  EXPECT_EQ(request_modify_cluster(*store_, testing::modify_request("db1", std::string("d-0000000000"), std::nullopt, false)).error().code,
            Errc::not_found);
  EXPECT_EQ(request_modify_cluster(*store_, testing::modify_request("db1", std::string("corp"), std::nullopt, false)).error().code,
            Errc::invalid_argument);
  // No domain, no key to rotate.
  EXPECT_FALSE(request_modify_cluster(*store_, testing::modify_request("db1", std::nullopt, std::nullopt, true)).ok());
  ASSERT_TRUE(request_modify_cluster(*store_, testing::modify_request("db1", d->id, true, false)).ok());
  auto c = store_->get_cluster("db1");
  EXPECT_EQ(c->domain, d->id);
  EXPECT_TRUE(c->krb_caseins_users);
  ASSERT_TRUE(request_modify_cluster(*store_, testing::modify_request("db1", std::nullopt, std::nullopt, true)).ok());
  EXPECT_EQ(store_->get_cluster("db1")->krb_rotation_requested, 1);
  EXPECT_EQ(request_modify_cluster(*store_, testing::modify_request("nope", std::nullopt, false, false)).error().code, Errc::not_found);
  // A domain that does not exist is refused at create, too.
  CreateClusterRequest cr{"db2", "postgres", Secret("correct-horse-9"), false, 5432};
  cr.domain = "d-0000000000";
  EXPECT_EQ(request_create_cluster(*store_, cr).error().code, Errc::not_found);
}

TEST(GatewayKrb5Conf, NoDnsAndOneRealmPerDirectory) {
  directory::Directory a;
  a.realm = "CORP.EXAMPLE.COM";
  a.kdc_address = "127.7.20.1";
  a.kdc_port = 1088;
  directory::Directory b = a;
  b.realm = "OTHER.EXAMPLE.COM";
  b.kdc_address = "127.7.20.2";
  const std::string text = gateway_krb5_conf({a, b});
  EXPECT_NE(text.find("rdns = false"), std::string::npos);
  EXPECT_NE(text.find("dns_canonicalize_hostname = false"), std::string::npos);
  EXPECT_NE(text.find("CORP.EXAMPLE.COM = {\n        kdc = 127.7.20.1:1088\n"), std::string::npos);
  EXPECT_NE(text.find("OTHER.EXAMPLE.COM = {\n        kdc = 127.7.20.2:1088\n"), std::string::npos);
  EXPECT_NE(gateway_krb5_conf({}).find("[realms]"), std::string::npos);
}

}  // namespace
}  // namespace borealis::server
