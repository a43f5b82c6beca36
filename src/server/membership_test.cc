// Unit tests for DirectoryReconciler and Membership against a fake DirectoryProvider (no KDC): the
// stage machine of directories and the join/leave/move/rotate steps of clusters, including failures.
// tests/test_directory.py runs the same paths against a real MIT KDC.
#include "server/membership.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "common/fs.h"
#include "server/cluster_requests.h"
#include "server/directory_reconciler.h"
#include "server/directory_requests.h"
#include "server/test_requests.h"
#include "store/rds_tables.h"

namespace borealis::server {
namespace {

constexpr const char* kPassword = "Adm1n!Passw0rd";

// Records what it was asked; principals and kvnos live in memory, keytabs are small text files.
class FakeProvider final : public directory::DirectoryProvider {
 public:
  std::string_view kind() const noexcept override { return "fake"; }
  Status create(const directory::Directory& d, const Secret& pw) override {
    if (fail_create) return make_error(Errc::internal, "kdb5_util exploded");
    created.insert(d.id);
    last_password = std::string(pw.reveal());
    return ok_status();
  }
  Status start(const directory::Directory& d, std::chrono::milliseconds) override {
    ++starts;
    if (fail_start) return make_error(Errc::timeout, "krb5kdc: Address already in use");
    running.insert(d.id);
    return ok_status();
  }
  Status stop(const directory::Directory& d) override {
    running.erase(d.id);
    return ok_status();
  }
  Status destroy(const directory::Directory& d) override {
    running.erase(d.id);
    created.erase(d.id);
    return ok_status();
  }
  std::vector<std::string> poll() override { return {}; }
  Result<int> add_service_principal(const directory::Directory& d, const std::string& name) override {
    if (fail_add) return make_error(Errc::internal, "kadmin.local: database locked");
    auto& k = kvno[d.id + " " + name];
    if (k != 0) return make_error(Errc::already_exists, "exists");
    return k = 1;
  }
  Status remove_principal(const directory::Directory& d, const std::string& name) override {
    if (kvno.erase(d.id + " " + name) == 0) return make_error(Errc::not_found, "no such principal");
    return ok_status();
  }
  Result<int> rotate_key(const directory::Directory& d, const std::string& name) override {
    retired.erase(d.id + " " + name);
    return ++kvno[d.id + " " + name];
  }
  Status retire_previous_keys(const directory::Directory& d, const std::string& name) override {
    retired.insert(d.id + " " + name);
    return ok_status();
  }
  Status export_keytab(const directory::Directory& d, const std::string& path,
                       const std::vector<std::string>& principals) override {
    std::string text;
    for (const auto& p : principals) {
      const int k = kvno[d.id + " " + p];
      for (int v = retired.count(d.id + " " + p) ? k : std::max(1, k - 1); v <= k; ++v) text += std::to_string(v) + " " + p + "@" + d.realm + "\n";
    }
    return fs::write_file_atomic(path, text, 0600);
  }
  std::string client_krb5_conf(const directory::Directory&) const override { return ""; }

  bool fail_create = false, fail_start = false, fail_add = false;
  int starts = 0;
  std::set<std::string> created, running, retired;
  std::map<std::string, int> kvno;
  std::string last_password;
};

class MembershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-membership-test-XXXXXX";
    dir_.root = mkdtemp(tmpl);
    ASSERT_TRUE(fs::ensure_dir(dir_.gateway_dir(), 0700).ok());
    auto s = store::Store::open(dir_.store_path());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::make_unique<store::Store>(std::move(s).value());
    user_.is_current_user = true;
    directories_ = std::make_unique<DirectoryReconciler>(*store_, provider_);
    membership_ = std::make_unique<Membership>(dir_, *store_, provider_, *directories_, user_,
                                               std::chrono::milliseconds(300));
  }
  void TearDown() override {
    membership_.reset();
    directories_.reset();
    store_.reset();
    (void)fs::remove_tree(dir_.root);
  }

  std::string new_directory(const std::string& name) {
    auto d = request_create_directory(*store_, {name, "", "", Secret(kPassword)});
    EXPECT_TRUE(d.ok());
    return d.ok() ? d->id : "";
  }
  store::ClusterRecord new_cluster(const std::string& id, const std::string& domain) {
    CreateClusterRequest r{id, "postgres", Secret("correct-horse-9"), false, 5432};
    r.domain = domain;
    auto c = request_create_cluster(*store_, r);
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    EXPECT_TRUE(store_->update_cluster_status(id, "available").ok());
    return *store_->get_cluster(id);
  }
  store::ClusterRecord pass(const std::string& cluster_id) {
    directories_->reconcile_once();
    auto c = store_->get_cluster(cluster_id);
    (void)membership_->reconcile(*c);
    return *store_->get_cluster(cluster_id);
  }
  std::string keytab_text(const std::string& cluster_id) {
    auto t = fs::read_file(dir_.endpoint_keytab(cluster_id));
    return t.ok() ? *t : "";
  }

  DataDir dir_;
  std::unique_ptr<store::Store> store_;
  supervise::ServiceUser user_;
  FakeProvider provider_;
  std::unique_ptr<DirectoryReconciler> directories_;
  std::unique_ptr<Membership> membership_;
};

TEST_F(MembershipTest, DirectoryBecomesActiveAndForgetsThePassword) {
  const std::string id = new_directory("corp.example.com");
  directories_->reconcile_once();
  auto d = store_->get_directory(id);
  EXPECT_EQ(d->stage, "Active");
  EXPECT_EQ(provider_.last_password, kPassword);
  EXPECT_TRUE(directories_->running(id));
  EXPECT_FALSE(store_->directory_admin_password(id)->has_value());
  // Steady state: no further starts.
  directories_->reconcile_once();
  EXPECT_EQ(provider_.starts, 1);
}

TEST_F(MembershipTest, CreateFailureIsFinalWithAReasonAndNoPassword) {
  provider_.fail_create = true;
  const std::string id = new_directory("corp.example.com");
  directories_->reconcile_once();
  auto d = store_->get_directory(id);
  EXPECT_EQ(d->stage, "Failed");
  EXPECT_NE(d->stage_reason.find("kdb5_util exploded"), std::string::npos);
  EXPECT_EQ(d->stage_reason.find(kPassword), std::string::npos);
  EXPECT_FALSE(store_->directory_admin_password(id)->has_value());
  ASSERT_TRUE(request_delete_directory(*store_, id).ok());
  directories_->reconcile_once();
  EXPECT_EQ(store_->get_directory(id).error().code, Errc::not_found);
}

TEST_F(MembershipTest, StartFailureOfANewDirectoryFails) {
  provider_.fail_start = true;
  const std::string id = new_directory("corp.example.com");
  directories_->reconcile_once();
  auto d = store_->get_directory(id);
  EXPECT_EQ(d->stage, "Failed");
  EXPECT_NE(d->stage_reason.find("Address already in use"), std::string::npos);
}

TEST_F(MembershipTest, JoinWaitsForAnActiveDirectoryThenSucceeds) {
  provider_.fail_create = false;
  const std::string id = new_directory("corp.example.com");
  auto c = new_cluster("db1", id);
  // The directory has not been reconciled yet: the join fails with a reason, and repairs itself.
  (void)membership_->reconcile(c);
  c = *store_->get_cluster("db1");
  EXPECT_EQ(c.domain_status, kEnableKerberosFailed);
  EXPECT_NE(c.domain_reason.find("is Requested, not Active"), std::string::npos) << c.domain_reason;
  EXPECT_FALSE(membership_->kerberos_config(c));

  c = pass("db1");
  EXPECT_EQ(c.domain_status, kKerberosEnabled);
  EXPECT_EQ(c.domain_joined, id);
  EXPECT_EQ(c.domain_reason, "");
  const std::string principal = "postgres/" + c.endpoint_host;
  EXPECT_EQ(keytab_text("db1"), "1 " + principal + "@CORP.EXAMPLE.COM\n");
  auto k = membership_->kerberos_config(c);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->realm, "CORP.EXAMPLE.COM");
  EXPECT_EQ(k->service_principal, principal + "@CORP.EXAMPLE.COM");
  EXPECT_EQ(k->keytab, dir_.endpoint_keytab("db1"));
  EXPECT_EQ(k->replay_cache, dir_.replay_cache("db1"));
  EXPECT_FALSE(k->caseins_users);

  // A missing keytab is repaired; an existing principal is fine.
  ::unlink(dir_.endpoint_keytab("db1").c_str());
  c = pass("db1");
  EXPECT_EQ(c.domain_status, kKerberosEnabled);
  EXPECT_FALSE(keytab_text("db1").empty());
}

TEST_F(MembershipTest, ProviderFailureIsReportedAndRetried) {
  const std::string id = new_directory("corp.example.com");
  directories_->reconcile_once();
  new_cluster("db1", id);
  provider_.fail_add = true;
  auto c = pass("db1");
  EXPECT_EQ(c.domain_status, kEnableKerberosFailed);
  EXPECT_NE(c.domain_reason.find("database locked"), std::string::npos);
  EXPECT_EQ(c.domain_joined, id);  // recorded before acting: leave() knows what to undo
  provider_.fail_add = false;
  c = pass("db1");  // too soon: the failed try is not repeated at once
  EXPECT_EQ(c.domain_status, kEnableKerberosFailed);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  c = pass("db1");
  EXPECT_EQ(c.domain_status, kKerberosEnabled);
}

TEST_F(MembershipTest, PreviousKeyIsRetiredAfterTheGracePeriod) {
  // A grace of 1 s: the previous key is in the keytab right after the rotation, gone after it.
  membership_ = std::make_unique<Membership>(dir_, *store_, provider_, *directories_, user_,
                                             std::chrono::milliseconds(300), std::chrono::seconds(1));
  const std::string a = new_directory("corp.example.com");
  new_cluster("db1", a);
  auto c = pass("db1");
  ASSERT_EQ(c.domain_status, kKerberosEnabled);
  EXPECT_EQ(c.krb_previous_key_until, 0);
  const std::string principal = "postgres/" + c.endpoint_host + "@CORP.EXAMPLE.COM";

  ASSERT_TRUE(request_modify_cluster(*store_, testing::modify_request("db1", std::nullopt, std::nullopt, true)).ok());
  const auto before = std::chrono::system_clock::now();
  c = pass("db1");
  EXPECT_EQ(keytab_text("db1"), "1 " + principal + "\n2 " + principal + "\n");
  EXPECT_GE(c.krb_previous_key_until, std::chrono::duration_cast<std::chrono::seconds>(before.time_since_epoch()).count());
  c = pass("db1");  // still within the grace period
  EXPECT_EQ(keytab_text("db1"), "1 " + principal + "\n2 " + principal + "\n");

  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  c = pass("db1");
  EXPECT_EQ(keytab_text("db1"), "2 " + principal + "\n");
  EXPECT_EQ(c.krb_previous_key_until, 0);
  EXPECT_EQ(c.domain_status, kKerberosEnabled);
  EXPECT_TRUE(c.domain_reason.empty()) << c.domain_reason;
}

TEST_F(MembershipTest, RotateLeaveAndMove) {
  const std::string a = new_directory("corp.example.com");
  const std::string b = new_directory("other.example.com");
  new_cluster("db1", a);
  auto c = pass("db1");
  ASSERT_EQ(c.domain_status, kKerberosEnabled);
  const std::string principal = "postgres/" + c.endpoint_host;

  ASSERT_TRUE(request_modify_cluster(*store_, testing::modify_request("db1", std::nullopt, std::nullopt, true)).ok());
  c = pass("db1");
  EXPECT_EQ(c.krb_rotation_done, c.krb_rotation_requested);
  EXPECT_EQ(keytab_text("db1"), "1 " + principal + "@CORP.EXAMPLE.COM\n2 " + principal + "@CORP.EXAMPLE.COM\n");
  c = pass("db1");  // done once, not again
  EXPECT_EQ(provider_.kvno[a + " " + principal], 2);

  // Move: the old principal goes, the new directory's keytab replaces the old one.
  ASSERT_TRUE(request_modify_cluster(*store_, testing::modify_request("db1", b, std::nullopt, false)).ok());
  c = pass("db1");
  EXPECT_EQ(c.domain_joined, b);
  EXPECT_EQ(c.domain_status, kKerberosEnabled);
  EXPECT_EQ(provider_.kvno.count(a + " " + principal), 0u);
  EXPECT_EQ(keytab_text("db1"), "1 " + principal + "@OTHER.EXAMPLE.COM\n");
  EXPECT_EQ(membership_->kerberos_config(c)->realm, "OTHER.EXAMPLE.COM");

  // Leave: principal and keytab gone, no membership, no Kerberos in the gateway config.
  ASSERT_TRUE(request_modify_cluster(*store_, testing::modify_request("db1", std::string("none"), std::nullopt, false)).ok());
  c = pass("db1");
  EXPECT_EQ(c.domain_joined, "");
  EXPECT_EQ(c.domain_status, "");
  EXPECT_EQ(provider_.kvno.count(b + " " + principal), 0u);
  EXPECT_FALSE(fs::exists(dir_.endpoint_keytab("db1")));
  EXPECT_FALSE(membership_->kerberos_config(c));
  // Nothing uses the directories any more.
  EXPECT_TRUE(request_delete_directory(*store_, a).ok());
  EXPECT_TRUE(request_delete_directory(*store_, b).ok());
}

TEST_F(MembershipTest, Krb5ConfListsOnlyActiveDirectories) {
  const std::string a = new_directory("corp.example.com");
  ASSERT_TRUE(membership_->write_krb5_conf().ok());
  auto text = fs::read_file(dir_.gateway_krb5_conf());
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("CORP.EXAMPLE.COM"), std::string::npos);
  directories_->reconcile_once();
  ASSERT_TRUE(membership_->write_krb5_conf().ok());
  text = fs::read_file(dir_.gateway_krb5_conf());
  EXPECT_NE(text->find("CORP.EXAMPLE.COM = {"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_.replay_cache_dir()));
  (void)a;
}

TEST_F(MembershipTest, AStoppedKdcDoesNotTakeKerberosAwayFromTheGateway) {
  const std::string a = new_directory("corp.example.com");
  new_cluster("db1", a);
  auto c = pass("db1");
  ASSERT_EQ(c.domain_status, kKerberosEnabled);
  // After a server restart the daemons may fail to start; tickets already issued still decrypt.
  provider_.fail_start = true;
  DirectoryReconciler restarted(*store_, provider_);
  restarted.reconcile_once();
  Membership after(dir_, *store_, provider_, restarted, user_);
  EXPECT_TRUE(after.kerberos_config(c));
  EXPECT_EQ(store_->get_directory(a)->stage, "Active");
  EXPECT_NE(store_->get_directory(a)->stage_reason.find("not running"), std::string::npos);
}

// The join precondition (IAM role, STS, network; wired by the control plane) against a fake check.
class JoinCheckTest : public MembershipTest {
 protected:
  void use_check() {
    membership_ = std::make_unique<Membership>(
        dir_, *store_, provider_, *directories_, user_, std::chrono::milliseconds(300), kDefaultKerberosKeyGrace,
        [this](store::Store&, const DomainJoinRequest& r) -> std::optional<std::string> {
          ++checks;
          seen_role = r.iam_role_name;
          seen_vpc = r.vpc_id;
          seen_groups = r.security_group_ids;
          return problem;
        });
  }
  // What CreateDBCluster records beside the cluster row.
  void mark_api_cluster(const std::string& id, const std::string& role) {
    store::RdsClusterFields f;
    f.cluster_id = id;
    f.domain_iam_role_name = role;
    f.vpc_id = "vpc-0123456789abcdef0";
    f.vpc_security_group_ids = {"sg-01234567"};
    f.api_managed_instances = true;
    ASSERT_TRUE(store::RdsTables(*store_).put_cluster_fields(f).ok());
  }

  std::optional<std::string> problem;
  int checks = 0;
  std::string seen_role, seen_vpc;
  std::vector<std::string> seen_groups;
};

TEST_F(JoinCheckTest, AProblemFailsTheJoinWithItsReasonAndNothingIsCreated) {
  use_check();
  const std::string a = new_directory("corp.example.com");
  new_cluster("db1", a);
  mark_api_cluster("db1", "kerberos-role");
  problem = "IAM role kerberos-role does not trust directoryservice.rds.amazonaws.com";
  auto c = pass("db1");
  EXPECT_EQ(c.domain_status, kEnableKerberosFailed);
  EXPECT_EQ(c.domain_reason, *problem);
  EXPECT_EQ(seen_role, "kerberos-role");
  EXPECT_EQ(seen_vpc, "vpc-0123456789abcdef0");
  EXPECT_EQ(seen_groups, std::vector<std::string>{"sg-01234567"});
  EXPECT_TRUE(provider_.kvno.empty());  // no principal was made
  EXPECT_FALSE(fs::exists(dir_.endpoint_keytab("db1")));
  EXPECT_EQ(shown_domain_status(c), kEnableKerberosFailed);
}

TEST_F(JoinCheckTest, AFailedCheckIsNotHammeredButReissuingTheModifyRetries) {
  use_check();
  const std::string a = new_directory("corp.example.com");
  new_cluster("db1", a);
  mark_api_cluster("db1", "kerberos-role");
  problem = "STS is not active in us-east-1";
  (void)pass("db1");
  ASSERT_EQ(checks, 1);
  problem.reset();  // fixed, but nobody asked again yet
  for (int i = 0; i < 5; ++i) (void)pass("db1");
  EXPECT_EQ(checks, 1);
  EXPECT_EQ(store_->get_cluster("db1")->domain_status, kEnableKerberosFailed);
  // What ModifyDBCluster does when the same Domain is issued again after a failure.
  auto c = *store_->get_cluster("db1");
  ASSERT_TRUE(store_->update_cluster_membership("db1", {c.domain_joined, "", ""}).ok());
  EXPECT_EQ(shown_domain_status(*store_->get_cluster("db1")), kPendingEnableKerberos);
  c = pass("db1");
  EXPECT_EQ(checks, 2);
  EXPECT_EQ(c.domain_status, kKerberosEnabled);
  // Once enabled the check is not run again.
  (void)pass("db1");
  EXPECT_EQ(checks, 2);
}

TEST_F(JoinCheckTest, ClustersMadeByTheCliAreNotChecked) {
  use_check();
  const std::string a = new_directory("corp.example.com");
  new_cluster("db1", a);
  problem = "would fail";
  auto c = pass("db1");
  EXPECT_EQ(checks, 0);
  EXPECT_EQ(c.domain_status, kKerberosEnabled);
}

}  // namespace
}  // namespace borealis::server
