// INTEGRATION test (label "integration"): the instance lifecycle the RDS handlers ask for, carried out
// by a real Reconciler with real PostgreSQL 15 as the `borealis` service user — a cluster without
// instances becomes available and serves nothing; CreateDBInstance starts the writer; RebootDBInstance
// restarts it; a new master password reaches pg_authid as the new verifier; DeleteDBInstance stops it
// and removes its directories, also when a control plane that died half way is replaced by a new
// one. Needs root; skips otherwise. Every process is stopped by its Supervisor (by PID).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "cluster/admin_connection.h"
#include "cluster/layout.h"
#include "common/fs.h"
#include "gateway/config.h"
#include "server/control_plane.h"
#include "server/rds_handlers.h"
#include "server/reconciler.h"
#include "server/tls_material.h"
#include "supervise/service_user.h"
#include "supervise/supervisor.h"

namespace borealis::server {
namespace {

using nlohmann::json;

class RdsLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (PostgreSQL runs as the service user)";
    if (!fs::exists("/usr/lib/postgresql/15/bin/postgres")) GTEST_SKIP() << "PostgreSQL 15 not installed";
    char tmpl[] = "/tmp/brl-rds-XXXXXX";  // short: socket paths must fit in sun_path
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_.root = tmpl;
    auto user = supervise::lookup_or_create("borealis");
    ASSERT_TRUE(user.ok()) << user.error().message;
    user_ = *user;
    ASSERT_TRUE(dir_.prepare(user_).ok());
    ASSERT_TRUE(ensure_ca(dir_).ok());
    auto s = store::Store::open(dir_.store_path());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::make_unique<store::Store>(std::move(s).value());
    ASSERT_TRUE(store_->set_setting("mock_scram_secret", std::string(64, 'a')).ok());
    // Out of everyone's way (tests and servers each take their own 127.A).
    ASSERT_TRUE(store_->set_setting("endpoint_network", "127.93").ok());
    settings_.account_id = "123456789012";
    start_control_plane();
  }
  void TearDown() override {
    stop_control_plane();
    store_.reset();
    if (!dir_.root.empty()) (void)fs::remove_tree(dir_.root);
  }

  void start_control_plane() {
    supervisor_ = std::make_unique<supervise::Supervisor>();
    ReconcilerOptions options;
    options.self_exe = "/bin/true";  // no gateway here: it exits and the supervisor backs off
    options.stdin_exec = stdin_exec_path();
    reconciler_ = std::make_unique<Reconciler>(dir_, *store_, *supervisor_, user_, options);
  }
  void stop_control_plane() {
    if (reconciler_) reconciler_->shutdown();
    reconciler_.reset();
    if (supervisor_) supervisor_->stop_all();
    supervisor_.reset();
  }
  // What kill -9 of the control plane leaves: the children die with it (PR_SET_PDEATHSIG), the
  // store and the directories stay. No graceful steps.
  void crash_control_plane() {
    reconciler_.reset();
    supervisor_->stop_all();
    supervisor_.reset();
  }

  api::Reply call(api::Handler handler, const json& input) {
    api::CallContext context{*store_, settings_, caller_, "rds", "", "us-east-1", "req", "127.0.0.1",
                             std::chrono::system_clock::now(), nullptr};
    return handler(context, input);
  }
  std::optional<pid_t> postmaster(const std::string& instance) { return supervisor_->pid("postgres:" + instance); }
  std::string instance_dir(const std::string& instance) {
    auto i = store_->get_instance(instance);
    auto layout = cluster::InstanceLayout::make(dir_.root, instance, i.ok() ? i->socket_port : 6000);
    return layout.ok() ? layout->instance_dir : "";
  }

  DataDir dir_;
  supervise::ServiceUser user_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<supervise::Supervisor> supervisor_;
  std::unique_ptr<Reconciler> reconciler_;
  api::ApiSettings settings_;
  api::Caller caller_;
};

TEST_F(RdsLifecycle, CreateRebootResetPasswordAndDelete) {
  auto created = call(rds::create_db_cluster, {{"DBClusterIdentifier", "it1"}, {"Engine", "aurora-postgresql"},
                                               {"MasterUsername", "postgres"}, {"MasterUserPassword", "correct-horse-9"}});
  ASSERT_FALSE(created.error) << created.error->message;
  reconciler_->reconcile_once();
  EXPECT_EQ(store_->get_cluster("it1")->status, "available");
  auto config = fs::read_file(dir_.gateway_config());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->find("it1"), std::string::npos) << "a cluster without instances serves no endpoint";

  auto instance = call(rds::create_db_instance, {{"DBInstanceIdentifier", "it1-w"}, {"DBInstanceClass", "db.r6g.large"},
                                                 {"Engine", "aurora-postgresql"}, {"DBClusterIdentifier", "it1"}});
  ASSERT_FALSE(instance.error) << instance.error->message;
  reconciler_->reconcile_once();
  EXPECT_EQ(store_->get_instance("it1-w")->status, "available");
  auto first = postmaster("it1-w");
  ASSERT_TRUE(first);
  config = fs::read_file(dir_.gateway_config());
  EXPECT_NE(config->find("it1-w"), std::string::npos) << "the writer serves the cluster endpoint";

  ASSERT_FALSE(call(rds::reboot_db_instance, {{"DBInstanceIdentifier", "it1-w"}}).error);
  reconciler_->reconcile_once();
  EXPECT_EQ(store_->get_instance("it1-w")->status, "available");
  auto second = postmaster("it1-w");
  ASSERT_TRUE(second);
  EXPECT_NE(*first, *second);

  ASSERT_FALSE(call(rds::modify_db_cluster, {{"DBClusterIdentifier", "it1"}, {"MasterUserPassword", "another-horse-7"}}).error);
  reconciler_->reconcile_once();
  EXPECT_EQ(store_->get_instance("it1-w")->status, "available");
  auto layout = cluster::InstanceLayout::make(dir_.root, "it1-w", store_->get_instance("it1-w")->socket_port);
  ASSERT_TRUE(layout.ok());
  cluster::ConnectParams params;
  params.socket_dir = layout->socket_dir;
  params.socket_port = layout->socket_port;
  auto conn = cluster::AdminConnection::connect(params);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  auto rows = conn->exec("SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0].value_or(""), store_->get_cluster("it1")->master_verifier);

  // DeleteDBInstance, with the control plane dying right after the request: a new one finishes it.
  const std::string idir = instance_dir("it1-w");
  ASSERT_TRUE(fs::exists(idir));
  ASSERT_FALSE(call(rds::delete_db_instance, {{"DBInstanceIdentifier", "it1-w"}}).error);
  crash_control_plane();
  start_control_plane();
  reconciler_->reconcile_once();
  EXPECT_EQ(store_->get_instance("it1-w").error().code, Errc::not_found);
  EXPECT_FALSE(fs::exists(idir));
  EXPECT_FALSE(postmaster("it1-w"));
  EXPECT_EQ(store_->get_cluster("it1")->status, "available");

  ASSERT_FALSE(call(rds::delete_db_cluster, {{"DBClusterIdentifier", "it1"}, {"SkipFinalSnapshot", true}}).error);
  reconciler_->reconcile_once();
  EXPECT_EQ(store_->get_cluster("it1").error().code, Errc::not_found);
}

TEST_F(RdsLifecycle, ARebootInterruptedByACrashEndsAvailable) {
  ASSERT_FALSE(call(rds::create_db_cluster, {{"DBClusterIdentifier", "it2"}, {"Engine", "aurora-postgresql"},
                                             {"MasterUsername", "postgres"}, {"MasterUserPassword", "correct-horse-9"}})
                   .error);
  ASSERT_FALSE(call(rds::create_db_instance, {{"DBInstanceIdentifier", "it2-w"}, {"DBInstanceClass", "db.t4g.medium"},
                                              {"Engine", "aurora-postgresql"}, {"DBClusterIdentifier", "it2"}})
                   .error);
  reconciler_->reconcile_once();
  ASSERT_EQ(store_->get_instance("it2-w")->status, "available");
  ASSERT_FALSE(call(rds::reboot_db_instance, {{"DBInstanceIdentifier", "it2-w"}}).error);
  crash_control_plane();
  start_control_plane();
  reconciler_->reconcile_once();
  EXPECT_EQ(store_->get_instance("it2-w")->status, "available");
  EXPECT_TRUE(postmaster("it2-w"));
  reconciler_->reconcile_once();  // steady: nothing restarts
  EXPECT_TRUE(postmaster("it2-w"));
}

}  // namespace
}  // namespace borealis::server
