// Pure tests for the cluster component: layout paths and generated configuration text.
#include <gtest/gtest.h>

#include <sstream>

#include "cluster/layout.h"
#include "cluster/pg_config.h"
#include "cluster/roles.h"

namespace borealis::cluster {
namespace {

TEST(Layout, PathsAndValidation) {
  auto l = InstanceLayout::make("/var/lib/borealis/", "db1-instance-1", 6001);
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_EQ(l->pgdata, "/var/lib/borealis/instances/db1-instance-1/pgdata");
  EXPECT_EQ(l->socket_dir, "/var/lib/borealis/run/pg-db1-instance-1");
  EXPECT_EQ(l->socket_path(), "/var/lib/borealis/run/pg-db1-instance-1/.s.PGSQL.6001");
  EXPECT_EQ(l->log_path, "/var/lib/borealis/instances/db1-instance-1/postgres.log");

  EXPECT_FALSE(InstanceLayout::make("relative", "db1", 6000).ok());
  EXPECT_FALSE(InstanceLayout::make("/d", "../etc", 6000).ok());
  EXPECT_FALSE(InstanceLayout::make("/d", "1db", 6000).ok());
  EXPECT_FALSE(InstanceLayout::make("/d", "db1", 0).ok());
  EXPECT_FALSE(InstanceLayout::make("/" + std::string(120, 'x'), "db1", 6000).ok());  // sun_path limit
}

TEST(PgConfig, QuotesValues) {
  EXPECT_EQ(quote_conf_value("plain"), "'plain'");
  EXPECT_EQ(quote_conf_value("it's"), "'it''s'");
  EXPECT_EQ(quote_conf_value("a\\b"), "'a\\\\b'");
}

TEST(PgConfig, BorealisConfHasNoTcpAndPrivateSocket) {
  PgSettings s;
  s.socket_dir = "/data/run/pg-db1";
  s.socket_port = 6001;
  s.extra["work_mem"] = "8MB";
  const std::string text = render_borealis_conf(s);
  EXPECT_NE(text.find("\nlisten_addresses = ''\n"), std::string::npos);
  EXPECT_NE(text.find("\nport = 6001"), std::string::npos);
  EXPECT_NE(text.find("\nunix_socket_directories = '/data/run/pg-db1'\n"), std::string::npos);
  EXPECT_NE(text.find("\nunix_socket_permissions = 0700\n"), std::string::npos);
  EXPECT_NE(text.find("\npassword_encryption = 'scram-sha-256'\n"), std::string::npos);
  EXPECT_NE(text.find("\nssl = off\n"), std::string::npos);
  EXPECT_NE(text.find("\nlogging_collector = off\n"), std::string::npos);
  EXPECT_NE(text.find("\nmax_connections = 200\n"), std::string::npos);
  EXPECT_NE(text.find("\nshared_buffers = '64MB'\n"), std::string::npos);
  EXPECT_NE(text.find("\nlog_min_error_statement = panic\n"), std::string::npos);
  EXPECT_NE(text.find("\nwork_mem = '8MB'\n"), std::string::npos);
}

TEST(PgConfig, HbaIsLocalOnly) {
  HbaSettings h{.service_os_user = "borealis", .control_plane_is_root = true};
  const std::string hba = render_pg_hba(h);
  std::istringstream in(hba);
  std::string line;
  std::vector<std::string> rules;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') rules.push_back(line);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0], "local   all       borealis_admin  peer map=borealis");
  EXPECT_EQ(rules[1], "local   all       all             trust");
  for (const auto& r : rules) EXPECT_EQ(r.rfind("local", 0), 0u) << "no host/hostssl rule may exist: " << r;
}

TEST(PgConfig, NativeGssOpensOnlyKerberosOnTheEndpointAddress) {
  const NativeGss gss{"127.0.10.3", "/data/gateway/db1.keytab", "CORP.EXAMPLE.COM", true};
  PgSettings s;
  s.socket_dir = "/data/run/pg-db1";
  s.socket_port = 6001;
  s.native_gss = gss;
  const std::string conf = render_borealis_conf(s);
  EXPECT_NE(conf.find("\nlisten_addresses = '127.0.10.3'\n"), std::string::npos) << conf;
  EXPECT_NE(conf.find("\nport = 6001"), std::string::npos);
  EXPECT_NE(conf.find("\nkrb_server_keyfile = 'FILE:/data/gateway/db1.keytab'\n"), std::string::npos);
  EXPECT_NE(conf.find("\nkrb_caseins_users = on\n"), std::string::npos);
  EXPECT_EQ(conf.find("listen_addresses = ''"), std::string::npos);

  HbaSettings h{.service_os_user = "borealis", .control_plane_is_root = true, .native_gss = gss};
  std::istringstream in(render_pg_hba(h));
  std::string line;
  std::vector<std::string> rules;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') rules.push_back(line);
  ASSERT_EQ(rules.size(), 7u);
  // First match wins: rds_iam members are rejected before the gss lines, and the catch-all rejects.
  EXPECT_EQ(rules[2].rfind("host ", 0), 0u);
  EXPECT_NE(rules[2].find("+rds_iam"), std::string::npos);
  EXPECT_NE(rules[2].find("reject"), std::string::npos);
  for (int i : {3, 4}) {
    EXPECT_NE(rules[i].find("+rds_ad  127.0.0.0/8   gss include_realm=1 krb_realm=CORP.EXAMPLE.COM"), std::string::npos)
        << rules[i];
  }
  EXPECT_EQ(rules[3].rfind("hostgssenc", 0), 0u);
  EXPECT_EQ(rules[4].rfind("hostnogssenc", 0), 0u);
  for (int i : {5, 6}) EXPECT_NE(rules[i].find("all       all"), std::string::npos) << rules[i];
  for (const auto& r : rules) {
    EXPECT_EQ(r.find("trust"), r.rfind("local", 0) == 0 ? r.find("trust") : std::string::npos)
        << "trust only on the unix socket: " << r;
    EXPECT_EQ(r.find("password"), std::string::npos) << r;
    EXPECT_EQ(r.find("scram"), std::string::npos) << r;
  }
}

TEST(PgConfig, IdentMapsOnlyTheControlPlaneToAdmin) {
  const std::string as_root = render_pg_ident({.service_os_user = "borealis", .control_plane_is_root = true});
  EXPECT_NE(as_root.find("\nborealis   root             borealis_admin\n"), std::string::npos);
  EXPECT_EQ(as_root.find("borealis   borealis"), std::string::npos) << "the gateway's user must not reach the superuser";
  const std::string unprivileged = render_pg_ident({.service_os_user = "alice", .control_plane_is_root = false});
  EXPECT_NE(unprivileged.find("\nborealis   alice  borealis_admin\n"), std::string::npos);
  EXPECT_EQ(unprivileged.find("root"), std::string::npos);
}

TEST(PgConfig, IncludeLineIsAddedOnce) {
  const std::string base = "max_connections = 100\n#listen_addresses = 'localhost'";
  const std::string once = with_borealis_include(base);
  EXPECT_EQ(once.rfind(base, 0), 0u);
  EXPECT_NE(once.find("\ninclude_if_exists = 'borealis.conf'\n"), std::string::npos);
  EXPECT_EQ(with_borealis_include(once), once);
}

TEST(Roles, ReservedNames) {
  EXPECT_TRUE(is_reserved_role_name("borealis_admin"));
  EXPECT_TRUE(is_reserved_role_name("rds_superuser"));
  EXPECT_TRUE(is_reserved_role_name("rds_iam"));
  EXPECT_TRUE(is_reserved_role_name("pg_monitor"));
  EXPECT_FALSE(is_reserved_role_name("postgres"));
  EXPECT_FALSE(is_reserved_role_name("admin"));
}

}  // namespace
}  // namespace borealis::cluster
