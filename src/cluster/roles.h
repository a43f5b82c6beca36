// The roles every borealis cluster has, created idempotently through an AdminConnection:
//   rds_superuser  NOLOGIN CREATEROLE CREATEDB, member (with admin option) of pg_monitor,
//                  pg_signal_backend, pg_read_all_settings, pg_read_all_stats, pg_stat_scan_tables
//   rds_ad, rds_iam NOLOGIN markers for Kerberos and IAM logins (the gateway reads membership)
//   borealis_gateway LOGIN, may only EXECUTE borealis.role_facts(name) (SECURITY DEFINER): how the
//                  gateway reads verifiers and memberships without being a superuser
//   (rds_superuser may CREATE in the public schema of the database "postgres", which stays
//    owned by borealis_admin so no tenant can ALTER the database the control plane uses)
//   <master>       LOGIN NOSUPERUSER CREATEROLE CREATEDB, PASSWORD '<SCRAM verifier>', in rds_superuser
// It must never create a superuser reachable by clients, nor accept a plaintext password.
#pragma once

#include <string>
#include <string_view>

#include "cluster/admin_connection.h"
#include "common/result.h"
#include "common/secret.h"

namespace borealis::cluster {

// Names a client-chosen master user may not take: our markers, the admin role, pg_* (reserved by
// PostgreSQL) and "public"/"none"-like keywords.
bool is_reserved_role_name(std::string_view name);

// Runs in one transaction; re-running converges to the same state (and resets the master's
// verifier and attributes to the given ones). `master_verifier` must be a SCRAM-SHA-256 verifier.
Status bootstrap_roles(AdminConnection& conn, const std::string& master_username, const Secret& master_verifier);

}  // namespace borealis::cluster
