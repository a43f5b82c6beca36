// Tests for the SQLite store: migrations, CRUD, allocation uniqueness, file mode, crash safety.
#include "store/store.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#include "common/fs.h"
#include "store/migrations.h"
#include "store/sqlite.h"

namespace borealis::store {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-store-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/borealis.db";
  }
  void TearDown() override { (void)fs::remove_tree(dir_); }

  static ClusterRecord sample_cluster(const std::string& id, const std::string& address) {
    ClusterRecord c;
    c.id = id;
    c.engine = "aurora-postgresql";
    c.engine_version = "15.4";
    c.master_username = "postgres";
    c.master_verifier = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy";
    c.endpoint_host = id + ".cluster-abc.us-east-1.rds.localhost";
    c.endpoint_address = address;
    c.status = "creating";
    return c;
  }

  static InstanceRecord sample_instance(const std::string& id, const std::string& cluster, int port,
                                        const std::string& role = "writer") {
    InstanceRecord i;
    i.id = id;
    i.cluster_id = cluster;
    i.role = role;
    i.socket_port = port;
    i.status = "creating";
    return i;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(StoreTest, MigratesFreshFileAndReopensIdempotently) {
  {
    auto s = Store::open(path_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->schema_version(), static_cast<int>(migrations().size()));
    ASSERT_TRUE(s->set_setting("account_id", "123456789012").ok());
  }
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->schema_version(), static_cast<int>(migrations().size()));
  auto v = s->get_setting("account_id");
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, "123456789012");
}

TEST_F(StoreTest, ClustersFromBeforeV10GetTheDataDirsRegion) {
  {  // a store as version 9 left it: one cluster, the region setting written at the first start
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
    ASSERT_TRUE(sqlite::exec(db.get(), "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"));
    for (std::size_t v = 1; v <= 9; ++v) {
      ASSERT_TRUE(sqlite::exec(db.get(), std::string(migrations()[v - 1]).c_str())) << v;
      const std::string mark = "INSERT INTO schema_version VALUES (" + std::to_string(v) + ", 'then')";
      ASSERT_TRUE(sqlite::exec(db.get(), mark.c_str()));
    }
    ASSERT_TRUE(sqlite::exec(db.get(), "INSERT INTO settings VALUES ('region', 'ap-south-1')"));
    ASSERT_TRUE(sqlite::exec(db.get(),
                             "INSERT INTO clusters (id, engine, engine_version, master_username, master_verifier, resource_id,"
                             " endpoint_host, endpoint_address, status, created_at) VALUES ('old', 'aurora-postgresql', '15',"
                             " 'postgres', 'v', 'cluster-OLD', 'old.cluster-x.ap-south-1.rds.localhost', '127.0.0.9',"
                             " 'available', 'then')"));
  }
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto old = s->get_cluster("old");
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(old->region, "ap-south-1");
  // New clusters carry the region they are given.
  ClusterRecord c = sample_cluster("new", "127.0.0.10");
  c.region = "eu-west-1";
  ASSERT_TRUE(s->create_cluster(c).ok());
  EXPECT_EQ(s->get_cluster("new")->region, "eu-west-1");
}

TEST_F(StoreTest, FileIsPrivate) {
  ::umask(022);  // a typical umask would give 0644 if the store did not force the mode
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(s->set_setting("k", "v").ok());
  for (const std::string suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    if (::stat((path_ + suffix).c_str(), &st) != 0) continue;  // -wal/-shm may be absent
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path_ + suffix;
  }
  // An existing file with wider permissions is narrowed on open.
  s = Store::open(dir_ + "/other.db");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(::chmod((dir_ + "/other.db").c_str(), 0644), 0);
  auto again = Store::open(dir_ + "/other.db");
  ASSERT_TRUE(again.ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/other.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(StoreTest, ClusterCrud) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  auto created = s->create_cluster(sample_cluster("db1", "127.0.10.1"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->resource_id.rfind("cluster-", 0), 0u);
  EXPECT_EQ(created->resource_id.size(), 8u + 26u);
  for (char ch : created->resource_id.substr(8)) EXPECT_TRUE(std::isupper(ch) || std::isdigit(ch));
  EXPECT_FALSE(created->created_at.empty());

  auto dup = s->create_cluster(sample_cluster("db1", "127.0.10.2"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::already_exists);

  auto got = s->get_cluster("db1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->master_verifier, created->master_verifier);
  EXPECT_EQ(got->port, 5432);
  EXPECT_EQ(got->endpoint_address, "127.0.10.1");
  EXPECT_FALSE(got->iam_auth_enabled);

  ASSERT_TRUE(s->update_cluster_status("db1", "available").ok());
  EXPECT_EQ(s->get_cluster("db1")->status, "available");
  EXPECT_EQ(s->update_cluster_status("nope", "available").error().code, Errc::not_found);

  ASSERT_TRUE(s->create_cluster(sample_cluster("db2", "127.0.10.2")).ok());
  auto all = s->list_clusters();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "db1");

  ASSERT_TRUE(s->delete_cluster("db1").ok());
  EXPECT_EQ(s->get_cluster("db1").error().code, Errc::not_found);
  EXPECT_EQ(s->list_clusters()->size(), 1u);
  EXPECT_EQ(s->delete_cluster("db1").error().code, Errc::not_found);
  // The id and the address of a deleted cluster can be reused.
  auto again = s->create_cluster(sample_cluster("db1", "127.0.10.1"));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_NE(again->resource_id, created->resource_id);
}

// Statements are cached per connection: a reused one must see its new bindings only, and one
// dropped before it finished (list_clusters reads every row; get_cluster stops at the first) must not
// keep a read open that hides later commits of another connection.
TEST_F(StoreTest, CachedStatementsRebindAndDoNotPinOldSnapshots) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->create_cluster(sample_cluster("db1", "127.0.10.1")).ok());
  ASSERT_TRUE(s->create_cluster(sample_cluster("db2", "127.0.10.2")).ok());
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(s->get_cluster("db1")->endpoint_address, "127.0.10.1");
    EXPECT_EQ(s->get_cluster("db2")->endpoint_address, "127.0.10.2");
    auto missing = s->get_cluster("db3");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::not_found);
  }
  auto other = Store::open(path_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other->create_cluster(sample_cluster("db3", "127.0.10.3")).ok());
  ASSERT_TRUE(s->get_cluster("db3").ok());
  EXPECT_EQ(s->list_clusters()->size(), 3u);
  EXPECT_TRUE(s->idle());
}

TEST_F(StoreTest, InstanceCrud) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->create_cluster(sample_cluster("db1", "127.0.10.1")).ok());

  InstanceRecord w = sample_instance("db1-instance-1", "db1", 6000);
  auto created = s->create_instance(w);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->host, "local");

  InstanceRecord r = w;
  r.id = "db1-instance-2";
  r.role = "reader";
  EXPECT_EQ(s->create_instance(r).error().code, Errc::already_exists);  // same socket port
  r.socket_port = 6001;
  ASSERT_TRUE(s->create_instance(r).ok());

  InstanceRecord orphan = w;
  orphan.id = "x";
  orphan.cluster_id = "missing";
  orphan.socket_port = 6002;
  EXPECT_EQ(s->create_instance(orphan).error().code, Errc::not_found);
  InstanceRecord bad_role = orphan;
  bad_role.cluster_id = "db1";
  bad_role.role = "primary";
  EXPECT_EQ(s->create_instance(bad_role).error().code, Errc::invalid_argument);

  auto list = s->list_instances("db1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  ASSERT_TRUE(s->update_instance_status("db1-instance-1", "available").ok());
  EXPECT_EQ(s->get_instance("db1-instance-1")->status, "available");
  EXPECT_EQ(s->list_all_instances()->size(), 2u);
  ASSERT_TRUE(s->delete_instance("db1-instance-2").ok());
  EXPECT_EQ(s->list_instances("db1")->size(), 1u);

  ASSERT_TRUE(s->delete_cluster("db1").ok());
  EXPECT_TRUE(s->list_all_instances()->empty());
}

TEST_F(StoreTest, AllocationsAreUnique) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  std::set<std::string> addresses;
  std::set<int> ports;
  for (int i = 0; i < 300; ++i) {  // crosses the 127.0.10.254 → 127.0.11.1 boundary
    auto a = s->allocate_endpoint_address();
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->rfind("127.0.", 0), 0u);
    EXPECT_NE(a->rfind("127.0.0.", 0), 0u);
    EXPECT_TRUE(addresses.insert(*a).second) << *a;
    auto p = s->allocate_socket_port();
    ASSERT_TRUE(p.ok());
    EXPECT_GE(*p, 6000);
    EXPECT_TRUE(ports.insert(*p).second) << *p;
  }
  EXPECT_EQ(*addresses.begin(), "127.0.10.1");
  EXPECT_EQ(addresses.count("127.0.11.1"), 1u);

  // Across reopen: addresses and ports in use by rows stay taken; the first one is what's free.
  auto fresh_path = dir_ + "/fresh.db";
  {
    auto f = Store::open(fresh_path);
    ASSERT_TRUE(f.ok());
    auto a = f->allocate_endpoint_address();
    EXPECT_EQ(*a, "127.0.10.1");
    ASSERT_TRUE(f->create_cluster(sample_cluster("db1", *a)).ok());
    auto p = f->allocate_socket_port();
    ASSERT_TRUE(f->create_instance(sample_instance("i1", "db1", *p)).ok());
  }
  auto f = Store::open(fresh_path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f->allocate_endpoint_address(), "127.0.10.2");
  EXPECT_EQ(*f->allocate_socket_port(), 6001);
}

TEST_F(StoreTest, EndpointNetworkSettingMovesAllocations) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->set_setting("endpoint_network", "127.42").ok());
  EXPECT_EQ(*s->allocate_endpoint_address(), "127.42.10.1");
  ASSERT_TRUE(s->set_setting("endpoint_network", "10.0").ok());  // never leaves loopback
  auto bad = s->allocate_endpoint_address();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
  EXPECT_TRUE(Store::valid_endpoint_network("127.0"));
  EXPECT_TRUE(Store::valid_endpoint_network("127.255"));
  for (const char* no : {"127.256", "127.", "127.01", "127.1.2", "128.0", "127.x", ""})
    EXPECT_FALSE(Store::valid_endpoint_network(no)) << no;
}

static DirectoryRecord sample_directory(const std::string& id, const std::string& name, const std::string& address) {
  DirectoryRecord d;
  d.id = id;
  d.dns_name = name;
  d.realm = "CORP.EXAMPLE.COM";
  d.short_name = "CORP";
  d.stage = "Requested";
  d.kdc_address = address;
  d.kdc_port = 1088;
  d.kadmin_port = 1749;
  d.kpasswd_port = 1464;
  return d;
}

TEST_F(StoreTest, DirectoryCrudKeepsThePasswordOnlyUntilCleared) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->schema_version(), static_cast<int>(migrations().size()));
  auto created = s->create_directory(sample_directory("d-0123456789", "corp.example.com", "127.0.20.1"),
                                     Secret("Adm1n!Passw0rd"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_FALSE(created->created_at.empty());

  // Same DNS name or same address as a live directory: refused, and the message has no password.
  auto dup_name = s->create_directory(sample_directory("d-aaaaaaaaaa", "corp.example.com", "127.0.20.2"),
                                      Secret("Adm1n!Passw0rd"));
  ASSERT_FALSE(dup_name.ok());
  EXPECT_EQ(dup_name.error().code, Errc::already_exists);
  EXPECT_EQ(dup_name.error().message.find("Passw0rd"), std::string::npos);
  auto dup_addr = s->create_directory(sample_directory("d-bbbbbbbbbb", "other.example.com", "127.0.20.1"),
                                      Secret("Adm1n!Passw0rd"));
  EXPECT_EQ(dup_addr.error().code, Errc::already_exists);

  auto got = s->get_directory("d-0123456789");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->realm, "CORP.EXAMPLE.COM");
  EXPECT_EQ(got->kdc_port, 1088);
  EXPECT_EQ(got->kadmin_port, 1749);
  EXPECT_EQ(got->kpasswd_port, 1464);
  EXPECT_EQ(got->stage, "Requested");

  auto pw = s->directory_admin_password("d-0123456789");
  ASSERT_TRUE(pw.ok());
  ASSERT_TRUE(pw->has_value());
  EXPECT_EQ((*pw)->reveal(), "Adm1n!Passw0rd");
  ASSERT_TRUE(s->clear_directory_admin_password("d-0123456789").ok());
  pw = s->directory_admin_password("d-0123456789");
  ASSERT_TRUE(pw.ok());
  EXPECT_FALSE(pw->has_value());

  ASSERT_TRUE(s->update_directory_stage("d-0123456789", "Failed", "krb5kdc did not start").ok());
  EXPECT_EQ(s->get_directory("d-0123456789")->stage_reason, "krb5kdc did not start");
  EXPECT_EQ(s->update_directory_stage("d-ffffffffff", "Active", "").error().code, Errc::not_found);
  EXPECT_EQ(s->list_directories()->size(), 1u);

  ASSERT_TRUE(s->delete_directory("d-0123456789").ok());
  EXPECT_EQ(s->get_directory("d-0123456789").error().code, Errc::not_found);
  EXPECT_TRUE(s->list_directories()->empty());
  // Name and address are free again.
  EXPECT_TRUE(s->create_directory(sample_directory("d-cccccccccc", "corp.example.com", "127.0.20.1"),
                                  Secret("Adm1n!Passw0rd")).ok());
}

TEST_F(StoreTest, DeletingADirectoryDropsItsPassword) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->create_directory(sample_directory("d-0123456789", "corp.example.com", "127.0.20.1"),
                                  Secret("Adm1n!Passw0rd")).ok());
  ASSERT_TRUE(s->delete_directory("d-0123456789").ok());
  EXPECT_EQ(s->directory_admin_password("d-0123456789").error().code, Errc::not_found);
  // The id can be reused; the new row starts with the new password, not the old one.
  ASSERT_TRUE(s->create_directory(sample_directory("d-0123456789", "corp.example.com", "127.0.20.1"),
                                  Secret("N3w!Passw0rd")).ok());
  EXPECT_EQ((*s->directory_admin_password("d-0123456789"))->reveal(), "N3w!Passw0rd");
}

TEST_F(StoreTest, DirectoryAddressesAreSeparateFromEndpoints) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->set_setting("endpoint_network", "127.42").ok());
  auto a = s->allocate_directory_address();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "127.42.20.1");
  auto b = s->allocate_directory_address();  // not yet written: still never the same
  EXPECT_EQ(*b, "127.42.20.2");
  ASSERT_TRUE(s->create_directory(sample_directory("d-0123456789", "corp.example.com", *a), Secret("x")).ok());
  auto c = s->allocate_directory_address();
  EXPECT_EQ(*c, "127.42.20.3");
  // Endpoints never land in the directory subnet, even once everything below it is used.
  std::set<std::string> seen;
  for (int i = 0; i < 254 * 11; ++i) {
    auto e = s->allocate_endpoint_address();
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->rfind("127.42.20.", 0), std::string::npos) << *e;
    seen.insert(*e);
  }
  EXPECT_EQ(seen.size(), 254u * 11u);
}

TEST_F(StoreTest, ClusterDomainMembership) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  auto c = sample_cluster("db1", "127.0.10.1");
  c.domain = "d-0123456789";
  c.krb_caseins_users = true;
  c.domain_status = "kerberos-enabled";  // a caller cannot assert membership
  ASSERT_TRUE(s->create_cluster(c).ok());
  ASSERT_TRUE(s->create_cluster(sample_cluster("db2", "127.0.10.2")).ok());
  auto got = s->get_cluster("db1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->domain, "d-0123456789");
  EXPECT_EQ(got->domain_status, "");
  EXPECT_EQ(got->domain_joined, "");
  EXPECT_TRUE(got->krb_caseins_users);

  ASSERT_TRUE(s->update_cluster_membership("db1", {"d-0123456789", "kerberos-enabled", ""}).ok());
  got = s->get_cluster("db1");
  EXPECT_EQ(got->domain_joined, "d-0123456789");
  EXPECT_EQ(got->domain_status, "kerberos-enabled");

  EXPECT_EQ(*s->request_krb_key_rotation("db1"), 1);
  EXPECT_EQ(*s->request_krb_key_rotation("db1"), 2);
  ASSERT_TRUE(s->mark_krb_key_rotated("db1", 2).ok());
  got = s->get_cluster("db1");
  EXPECT_EQ(got->krb_rotation_requested, 2);
  EXPECT_EQ(got->krb_rotation_done, 2);

  // Leaving: desired goes first, joined stays until the reconciler has undone it.
  ASSERT_TRUE(s->set_cluster_domain("db1", "").ok());
  auto members = s->clusters_in_directory("d-0123456789");
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].id, "db1");
  ASSERT_TRUE(s->update_cluster_membership("db1", {"", "", ""}).ok());
  EXPECT_TRUE(s->clusters_in_directory("d-0123456789")->empty());

  ASSERT_TRUE(s->set_cluster_krb_caseins_users("db1", false).ok());
  EXPECT_FALSE(s->get_cluster("db1")->krb_caseins_users);
  EXPECT_FALSE(s->get_cluster("db1")->native_direct);
  ASSERT_TRUE(s->set_cluster_native_direct("db1", true).ok());
  EXPECT_TRUE(s->get_cluster("db1")->native_direct);
  EXPECT_EQ(s->set_cluster_domain("nope", "").error().code, Errc::not_found);
  EXPECT_EQ(s->set_cluster_native_direct("nope", true).error().code, Errc::not_found);
  EXPECT_EQ(s->request_krb_key_rotation("nope").error().code, Errc::not_found);
}

TEST_F(StoreTest, FailedTransactionLeavesNoPartialRow) {
  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok());
  Status st = s->transaction([&]() -> Status {
    if (auto c = s->create_cluster(sample_cluster("db1", "127.0.10.1")); !c) return std::move(c).error();
    // Fails: unknown role. The cluster row above must vanish with it.
    auto i = s->create_instance(sample_instance("i1", "db1", 6000, "bogus"));
    if (!i) return std::move(i).error();
    return ok_status();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(s->get_cluster("db1").error().code, Errc::not_found);
}

TEST_F(StoreTest, CrashMidTransactionLeavesNoPartialRow) {
  { ASSERT_TRUE(Store::open(path_).ok()); }  // migrate first, so the child only writes data
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: write a cluster and an instance inside one transaction, then die before COMMIT.
    auto s = Store::open(path_);
    if (!s) ::_exit(10);
    (void)s->transaction([&]() -> Status {
      if (!s->create_cluster(sample_cluster("db1", "127.0.10.1")).ok()) ::_exit(11);
      if (!s->create_instance(sample_instance("i1", "db1", 6000)).ok()) ::_exit(12);
      ::_exit(0);  // simulated crash: no commit, no rollback, no destructors
      return ok_status();
    });
    ::_exit(13);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  auto s = Store::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->get_cluster("db1").error().code, Errc::not_found);
  EXPECT_TRUE(s->list_all_instances()->empty());
  // And the store is fully writable afterwards (no stale lock).
  EXPECT_TRUE(s->create_cluster(sample_cluster("db1", "127.0.10.1")).ok());
}

// The server opens the store twice (the reconciler's connection and the API's). The second open must
// not drop the first one's locks: if it did, another process closing its connection would think it
// was the last, checkpoint and delete the WAL, and the first connection's later commits would be lost
// to everyone else.
TEST_F(StoreTest, SecondConnectionInOneProcessKeepsTheWalShared) {
  auto first = Store::open(path_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = Store::open(path_);
  ASSERT_TRUE(second.ok()) << second.error().message;
  ASSERT_TRUE(first->create_cluster(sample_cluster("db1", "127.0.10.1")).ok());
  // SQLite keeps a shared lock on the database file while a WAL connection is open; the kernel must
  // still list it for this process.
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  const std::string inode = ":" + std::to_string(st.st_ino) + " ";
  const std::string pid = " " + std::to_string(::getpid()) + " ";
  auto locks = fs::read_file("/proc/locks");
  ASSERT_TRUE(locks.ok());
  bool held = false;
  std::size_t start = 0;
  while (start < locks->size()) {
    std::size_t end = locks->find('\n', start);
    if (end == std::string::npos) end = locks->size();
    const std::string line = locks->substr(start, end - start);
    if (line.find(inode) != std::string::npos && line.find(pid) != std::string::npos) held = true;
    start = end + 1;
  }
  EXPECT_TRUE(held) << "this process holds no lock on the store any more:\n" << *locks;

  // Another process opens the store, reads, and closes: it must not be the "last connection".
  auto in_child = [&](const std::string& id) {
    pid_t pid = ::fork();
    if (pid == 0) {
      bool found = false;
      {
        auto s = Store::open(path_);
        found = s.ok() && s->get_cluster(id).ok();
      }  // closed properly, as a CLI call does: this is when SQLite may checkpoint and delete the WAL
      ::_exit(found ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  };
  EXPECT_TRUE(in_child("db1"));
  EXPECT_TRUE(::access((path_ + "-wal").c_str(), F_OK) == 0) << "the WAL was deleted under open connections";
  ASSERT_TRUE(second->create_cluster(sample_cluster("db2", "127.0.10.2")).ok());
  EXPECT_TRUE(in_child("db2")) << "a commit after another process closed is invisible to others";
}

}  // namespace
}  // namespace borealis::store
