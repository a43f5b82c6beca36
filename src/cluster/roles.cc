// Role bootstrap (see roles.h). Utility statements cannot take bind parameters, so names and the
// verifier are quoted with PQescapeIdentifier / PQescapeLiteral; the SQL text is never logged.
#include "cluster/roles.h"

#include <array>

#include "cluster/pg_config.h"

namespace borealis::cluster {
namespace {

constexpr std::array<const char*, 5> kRdsSuperuserMemberships = {
    "pg_monitor", "pg_signal_backend", "pg_read_all_settings", "pg_read_all_stats", "pg_stat_scan_tables"};

Result<bool> role_exists(AdminConnection& conn, const std::string& name) {
  auto rows = conn.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", {name});
  if (!rows) return std::move(rows).error();
  return !rows->empty();
}

// CREATE ROLE when absent, ALTER ROLE (same attributes) when present: the result is the same either way.
Status ensure_role(AdminConnection& conn, const std::string& name, const std::string& attributes) {
  auto ident = conn.quote_identifier(name);
  if (!ident) return std::move(ident).error();
  auto exists = role_exists(conn, name);
  if (!exists) return std::move(exists).error();
  std::string sql = std::string(*exists ? "ALTER ROLE " : "CREATE ROLE ") + *ident + " " + attributes;
  auto r = conn.exec(sql);
  if (!r) {
    Error e = std::move(r).error();
    e.message = (*exists ? "alter role " : "create role ") + name + ": " + e.message;
    return e;
  }
  return ok_status();
}

Status run(AdminConnection& conn, const std::string& sql, const std::string& what) {
  auto r = conn.exec(sql);
  if (!r) {
    Error e = std::move(r).error();
    e.message = what + ": " + e.message;
    return e;
  }
  return ok_status();
}

// The gateway reads what it must know about a role (verifier, validity, login, superuser,
// rds_ad/rds_iam membership, nested) through one SECURITY DEFINER function, as a role that can do
// nothing else: the gateway's OS user cannot reach the superuser (pg_ident maps only root to it).
// pg_has_role(…, 'MEMBER') follows nested grants, as the auth rules require.
// PL/pgSQL rather than SQL: a SECURITY DEFINER SQL function is never inlined and is planned again
// on every call, while PL/pgSQL keeps its plan for the session (the gateway's catalog connection
// is long-lived and calls this once per login).
constexpr const char* kRoleFactsFunction = R"sql(
CREATE OR REPLACE FUNCTION borealis.role_facts(role_name name)
RETURNS TABLE (can_login boolean, superuser boolean, replication boolean, password text,
               valid_until double precision, in_rds_ad boolean, in_rds_iam boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
  RETURN QUERY
  SELECT r.rolcanlogin, r.rolsuper, r.rolreplication, r.rolpassword,
         extract(epoch FROM r.rolvaliduntil)::double precision,
         EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_ad' AND pg_has_role(r.oid, g.oid, 'MEMBER')),
         EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_iam' AND pg_has_role(r.oid, g.oid, 'MEMBER'))
  FROM pg_authid r WHERE r.rolname = role_name;
END
$fn$)sql";

Status ensure_gateway_access(AdminConnection& conn) {
  if (auto s = ensure_role(conn, kGatewayRole, "LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOINHERIT"); !s) return s;
  if (auto s = run(conn, "CREATE SCHEMA IF NOT EXISTS borealis AUTHORIZATION " + std::string(kAdminRole), "create schema");
      !s)
    return s;
  if (auto s = run(conn, "REVOKE ALL ON SCHEMA borealis FROM PUBLIC", "revoke schema"); !s) return s;
  if (auto s = run(conn, kRoleFactsFunction, "create role_facts"); !s) return s;
  if (auto s = run(conn, "REVOKE ALL ON FUNCTION borealis.role_facts(name) FROM PUBLIC", "revoke function"); !s) return s;
  if (auto s = run(conn, "GRANT USAGE ON SCHEMA borealis TO " + std::string(kGatewayRole), "grant schema"); !s) return s;
  return run(conn, "GRANT EXECUTE ON FUNCTION borealis.role_facts(name) TO " + std::string(kGatewayRole),
             "grant function");
}

Status bootstrap_in_transaction(AdminConnection& conn, const std::string& master, const Secret& verifier) {
  if (auto s = ensure_role(conn, "rds_superuser", "NOLOGIN NOSUPERUSER CREATEROLE CREATEDB"); !s) return s;
  std::string grants;
  for (const char* r : kRdsSuperuserMemberships) grants += (grants.empty() ? "" : ", ") + std::string(r);
  if (auto s = run(conn, "GRANT " + grants + " TO rds_superuser WITH ADMIN OPTION", "grant to rds_superuser"); !s)
    return s;
  if (auto s = ensure_role(conn, "rds_ad", "NOLOGIN NOSUPERUSER"); !s) return s;
  if (auto s = ensure_role(conn, "rds_iam", "NOLOGIN NOSUPERUSER"); !s) return s;

  if (auto s = ensure_gateway_access(conn); !s) return s;

  auto literal = conn.quote_literal(verifier.reveal());
  if (!literal) return std::move(literal).error();
  // PostgreSQL stores a string that parses as a SCRAM verifier as-is (it is never re-hashed).
  if (auto s = ensure_role(conn, master, "LOGIN NOSUPERUSER CREATEROLE CREATEDB NOREPLICATION NOBYPASSRLS PASSWORD " +
                                             *literal);
      !s)
    return s;
  auto ident = conn.quote_identifier(master);
  if (!ident) return std::move(ident).error();
  if (auto s = run(conn, "GRANT rds_superuser TO " + *ident, "grant rds_superuser to master"); !s) return s;
  // PostgreSQL 15 gives CREATE on public only to the database owner. The master must be able to
  // create tables in the initial database, but must not own it: an owner could ALTER DATABASE
  // postgres (search_path, connection limit, ALLOW_CONNECTIONS) under the gateway's catalog and the
  // control plane, which both connect there. So rds_superuser gets CREATE on its public schema.
  return run(conn, "GRANT USAGE, CREATE ON SCHEMA public TO rds_superuser", "grant public schema to rds_superuser");
}

}  // namespace

bool is_reserved_role_name(std::string_view name) {
  if (name.size() >= 3 && name.substr(0, 3) == "pg_") return true;
  for (std::string_view r : {"rds_superuser", "rds_ad", "rds_iam", "rdsadmin", "public", "none", "current_user",
                             "session_user", "current_role"}) {
    if (name == r) return true;
  }
  // Every borealis_* role is ours (borealis_admin, borealis_gateway, and any later one).
  return name.rfind("borealis_", 0) == 0;
}

Status bootstrap_roles(AdminConnection& conn, const std::string& master_username, const Secret& master_verifier) {
  if (master_username.empty() || master_username.size() > 63)
    return make_error(Errc::invalid_argument, "master user name must be 1..63 bytes");
  if (is_reserved_role_name(master_username))
    return make_error(Errc::invalid_argument, "master user name " + master_username + " is reserved");
  if (master_verifier.reveal().rfind("SCRAM-SHA-256$", 0) != 0)
    return make_error(Errc::invalid_argument, "master verifier is not a SCRAM-SHA-256 verifier");

  if (auto s = run(conn, "BEGIN", "begin"); !s) return s;
  Status s = bootstrap_in_transaction(conn, master_username, master_verifier);
  if (!s) {
    (void)conn.exec("ROLLBACK");
    return s;
  }
  if (auto c = run(conn, "COMMIT", "commit"); !c) return c;
  // A verifier PostgreSQL failed to parse would have been hashed as if it were a password: check.
  auto stored = conn.exec_params("SELECT rolpassword = $2 FROM pg_authid WHERE rolname = $1",
                                 {master_username, std::string(master_verifier.reveal())});
  if (!stored) return std::move(stored).error();
  if (stored->empty() || !(*stored)[0][0] || *(*stored)[0][0] != "t")
    return make_error(Errc::invalid_argument, "master verifier was not accepted as a SCRAM verifier");
  return ok_status();
}

}  // namespace borealis::cluster
