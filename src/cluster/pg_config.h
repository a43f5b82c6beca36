// PostgreSQL configuration that borealis owns: borealis.conf (included from postgresql.conf with
// include_if_exists, so regenerating it is idempotent and postgresql.auto.conf is never needed),
// pg_hba.conf and pg_ident.conf. The render_* functions are pure (settings → file text) and tested
// as such. This file must never enable a password method on the backend, nor a TCP listener unless
// the cluster asked for native-direct Kerberos (NativeGss).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "cluster/layout.h"
#include "common/result.h"
#include "supervise/service_user.h"

namespace borealis::cluster {

// The superuser initdb creates. Reachable only by root (the control plane) through peer auth; the
// gateway must refuse this user name from clients.
inline constexpr const char* kAdminRole = "borealis_admin";
// The gateway's catalog role: LOGIN, no privileges but EXECUTE on borealis.role_facts() (roles.cc).
inline constexpr const char* kGatewayRole = "borealis_gateway";

// Native-direct mode: PostgreSQL's own GSSAPI on a TCP listener of the instance, beside the gateway,
// for comparison (bench/) and as a fallback. Only Kerberos is accepted there, only for rds_ad roles
// that are not also in rds_iam, only from loopback; everything else on TCP is rejected.
struct NativeGss {
  std::string listen_address;  // the cluster's endpoint address; the port is the instance's socket_port
  std::string keytab;          // the endpoint's keytab (postgres runs as the gateway's OS user)
  std::string realm;
  bool caseins_users = false;

  bool operator==(const NativeGss&) const = default;
};

struct PgSettings {
  std::string socket_dir;
  int socket_port = 0;
  int max_connections = 200;
  std::string shared_buffers = "64MB";
  // Extra GUCs (already validated by the caller), rendered after ours in key order.
  std::map<std::string, std::string> extra;
  std::optional<NativeGss> native_gss;
};

struct HbaSettings {
  std::string service_os_user;     // the gateway's and postgres' OS user
  bool control_plane_is_root = true;  // root reaches borealis_admin; else the service user does
  std::optional<NativeGss> native_gss;
};

// 'value' with ' doubled and \ escaped, as postgresql.conf parses strings.
std::string quote_conf_value(const std::string& value);
std::string render_borealis_conf(const PgSettings& settings);
std::string render_pg_hba(const HbaSettings& settings);
std::string render_pg_ident(const HbaSettings& settings);
// Returns postgresql.conf with `include_if_exists = 'borealis.conf'` appended unless already present.
std::string with_borealis_include(const std::string& postgresql_conf);

// Writes all of the above into layout.pgdata (atomically, 0600, owned by the service user).
Status write_pg_config(const InstanceLayout& layout, const PgSettings& settings, const HbaSettings& hba,
                       const supervise::ServiceUser& user);

}  // namespace borealis::cluster
