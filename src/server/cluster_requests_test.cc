#include "server/cluster_requests.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "auth/scram.h"
#include "common/fs.h"

namespace borealis::server {
namespace {

class ClusterRequests : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-req-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto s = store::Store::open(dir_ + "/borealis.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::make_unique<store::Store>(std::move(s).value());
  }
  void TearDown() override {
    store_.reset();
    (void)fs::remove_tree(dir_);
  }
  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(ClusterRequests, CreateStoresAVerifierNeverThePassword) {
  auto c = request_create_cluster(*store_, {"MyCluster", "postgres", Secret("correct-horse-9"), false, 5432});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->id, "mycluster");
  EXPECT_EQ(c->status, "creating");
  EXPECT_EQ(c->master_verifier.find("correct-horse-9"), std::string::npos);
  auto v = auth::parse_scram_verifier(c->master_verifier);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->iterations, 4096);
  // The verifier matches the password: recomputing with the stored salt gives the same keys.
  auto again = auth::make_scram_verifier("correct-horse-9", v->salt, v->iterations);
  EXPECT_EQ(again.stored_key, v->stored_key);
  EXPECT_NE(c->endpoint_host.find("mycluster.cluster-"), std::string::npos);
  EXPECT_EQ(c->endpoint_address.rfind("127.", 0), 0u);
  auto instances = store_->list_instances("mycluster");
  ASSERT_TRUE(instances.ok());
  ASSERT_EQ(instances->size(), 1u);
  EXPECT_EQ((*instances)[0].role, "writer");
  auto db = fs::read_file(dir_ + "/borealis.db");
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(db->find("correct-horse-9"), std::string::npos);
}

TEST_F(ClusterRequests, RejectsBadInputWithClearErrors) {
  EXPECT_FALSE(request_create_cluster(*store_, {"1abc", "postgres", Secret("password1"), false, 5432}).ok());
  EXPECT_FALSE(request_create_cluster(*store_, {"a--b", "postgres", Secret("password1"), false, 5432}).ok());
  EXPECT_FALSE(request_create_cluster(*store_, {"abc-", "postgres", Secret("password1"), false, 5432}).ok());
  EXPECT_FALSE(request_create_cluster(*store_, {"abc", "rds_ad", Secret("password1"), false, 5432}).ok());
  EXPECT_FALSE(request_create_cluster(*store_, {"abc", "borealis_admin", Secret("password1"), false, 5432}).ok());
  EXPECT_FALSE(request_create_cluster(*store_, {"abc", "postgres", Secret("short"), false, 5432}).ok());
  auto bad_char = request_create_cluster(*store_, {"abc", "postgres", Secret("pass word1"), false, 5432});
  ASSERT_FALSE(bad_char.ok());
  EXPECT_EQ(bad_char.error().message.find("pass word1"), std::string::npos);  // never echo a password
  ASSERT_TRUE(request_create_cluster(*store_, {"abc", "postgres", Secret("password1"), false, 5432}).ok());
  auto dup = request_create_cluster(*store_, {"ABC", "postgres", Secret("password1"), false, 5432});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::already_exists);
}

TEST_F(ClusterRequests, ClustersGetDistinctAddressesAndStableNaming) {
  auto a = request_create_cluster(*store_, {"a", "postgres", Secret("password1"), false, 5432});
  auto b = request_create_cluster(*store_, {"b", "postgres", Secret("password1"), false, 5432});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->endpoint_address, b->endpoint_address);
  auto n1 = load_endpoint_naming(*store_);
  auto n2 = load_endpoint_naming(*store_);
  ASSERT_TRUE(n1.ok() && n2.ok());
  EXPECT_EQ(n1->suffix, n2->suffix);
  EXPECT_EQ(n1->suffix.size(), 12u);
}

TEST_F(ClusterRequests, DeleteMarksDeleting) {
  ASSERT_TRUE(request_create_cluster(*store_, {"gone", "postgres", Secret("password1"), false, 5432}).ok());
  ASSERT_TRUE(request_delete_cluster(*store_, "gone").ok());
  EXPECT_EQ(store_->get_cluster("gone")->status, "deleting");
  EXPECT_FALSE(request_delete_cluster(*store_, "never").ok());
}

}  // namespace
}  // namespace borealis::server
