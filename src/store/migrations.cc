// Schema migrations for the SQLite store (see migrations.h). Each entry is one schema version.
#include "store/migrations.h"

#include <string>

#include "common/log.h"
#include "store/schema_parts.h"
#include "store/sqlite.h"

namespace borealis::store {
namespace {

// v1: clusters, instances, settings.
// - endpoint_address is unique among live clusters only (partial index), so a deleted cluster's
//   address can be reused; resource_id stays unique forever (it appears in IAM policy ARNs).
// - instances.host is the placement ("local" today) so multi-host can come without a migration.
// - socket_port is unique across all instance rows: it names the unix socket .s.PGSQL.<port>.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE clusters (
  id               TEXT PRIMARY KEY,
  engine           TEXT NOT NULL,
  engine_version   TEXT NOT NULL,
  master_username  TEXT NOT NULL,
  master_verifier  TEXT NOT NULL,
  port             INTEGER NOT NULL DEFAULT 5432,
  resource_id      TEXT NOT NULL UNIQUE,
  endpoint_host    TEXT NOT NULL,
  endpoint_address TEXT NOT NULL,
  status           TEXT NOT NULL,
  iam_auth_enabled INTEGER NOT NULL DEFAULT 0,
  created_at       TEXT NOT NULL,
  deleted          INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX clusters_live_endpoint_address ON clusters(endpoint_address) WHERE deleted = 0;
CREATE TABLE instances (
  id          TEXT PRIMARY KEY,
  cluster_id  TEXT NOT NULL REFERENCES clusters(id),
  role        TEXT NOT NULL CHECK (role IN ('writer', 'reader')),
  host        TEXT NOT NULL DEFAULT 'local',
  socket_port INTEGER NOT NULL UNIQUE,
  status      TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX instances_cluster ON instances(cluster_id);
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

// v2: directories (issue 3) and the domain membership of clusters.
// - A directory's DNS name and loopback address are unique among live directories: the gateway's
//   krb5.conf has one [realms] entry per realm, and every directory's daemons bind fixed ports on
//   their own address.
// - admin_password holds the directory's Admin password only until the realm exists (the provider's
//   create needs it once); the reconciler sets it to NULL right after. The file is 0600.
// - clusters.domain is desired (directory id, '' = none); domain_joined is the directory actually
//   joined, so leaving or moving knows what to undo even after a crash. A key rotation is requested by
//   raising krb_rotation_requested; the reconciler copies it to krb_rotation_done once it has rotated.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE directories (
  id             TEXT PRIMARY KEY,
  kind           TEXT NOT NULL DEFAULT 'mit',
  dns_name       TEXT NOT NULL,
  realm          TEXT NOT NULL,
  short_name     TEXT NOT NULL,
  description    TEXT NOT NULL DEFAULT '',
  stage          TEXT NOT NULL,
  stage_reason   TEXT NOT NULL DEFAULT '',
  kdc_address    TEXT NOT NULL,
  kdc_port       INTEGER NOT NULL,
  kadmin_port    INTEGER NOT NULL,
  kpasswd_port   INTEGER NOT NULL,
  admin_password TEXT,
  created_at     TEXT NOT NULL,
  deleted        INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX directories_live_dns_name ON directories(dns_name) WHERE deleted = 0;
CREATE UNIQUE INDEX directories_live_kdc_address ON directories(kdc_address) WHERE deleted = 0;
ALTER TABLE clusters ADD COLUMN domain TEXT NOT NULL DEFAULT '';
ALTER TABLE clusters ADD COLUMN domain_joined TEXT NOT NULL DEFAULT '';
ALTER TABLE clusters ADD COLUMN domain_status TEXT NOT NULL DEFAULT '';
ALTER TABLE clusters ADD COLUMN domain_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE clusters ADD COLUMN krb_caseins_users INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clusters ADD COLUMN krb_rotation_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clusters ADD COLUMN krb_rotation_done INTEGER NOT NULL DEFAULT 0;
)sql";

// v3: native-direct Kerberos (PostgreSQL's own GSSAPI beside the gateway), off by default.
constexpr std::string_view kV3 = R"sql(
ALTER TABLE clusters ADD COLUMN native_direct INTEGER NOT NULL DEFAULT 0;
)sql";

// v4: when the previous Kerberos key of a rotated service principal stops being valid (epoch seconds).
constexpr std::string_view kV4 = R"sql(
ALTER TABLE clusters ADD COLUMN krb_previous_key_until INTEGER NOT NULL DEFAULT 0;
)sql";

// v10: each cluster's region. Rows made before it get the data dir's region (the setting written at
// the first start), which is where their endpoint names already put them.
constexpr std::string_view kV10 = R"sql(
ALTER TABLE clusters ADD COLUMN region TEXT NOT NULL DEFAULT '';
UPDATE clusters SET region = COALESCE((SELECT value FROM settings WHERE key = 'region'), '');
)sql";

}  // namespace

// v5-v9 live beside the tables they create (schema_parts.h); v10 is above.
namespace {
const std::string_view kMigrations[] = {kV1, kV2, kV3, kV4, kIamSchemaV5, kNetworkSchemaV6, kRdsApiSchemaV7,
                                             kRdsTagsSchemaV8, kEc2TagsSchemaV9, kV10};

Result<int> current_version(sqlite3* db) {
  auto st = sqlite::Statement::prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!st) return std::move(st).error();
  auto row = st->step();
  if (!row) return std::move(row).error();
  return static_cast<int>(st->column_int64(0));
}

}  // namespace

std::span<const std::string_view> migrations() { return kMigrations; }

Result<int> apply_migrations(sqlite3* db) {
  if (auto s = sqlite::exec(db,
                            "CREATE TABLE IF NOT EXISTS schema_version ("
                            " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      !s)
    return std::move(s).error();
  auto version = current_version(db);
  if (!version) return version;
  const int known = static_cast<int>(migrations().size());
  if (*version > known) {
    return make_error(Errc::unsupported, "store schema version " + std::to_string(*version) +
                                             " is newer than this borealis knows (" +
                                             std::to_string(known) + ")");
  }
  for (int v = *version + 1; v <= known; ++v) {
    auto tx = sqlite::Transaction::begin(db);
    if (!tx) return std::move(tx).error();
    // Another process opening the store at the same moment (the server starting and a CLI call)
    // may have applied this version while we waited for the write lock: re-check under the lock.
    auto applied = current_version(db);
    if (!applied) return applied;
    if (*applied >= v) continue;  // nothing written; the transaction rolls back
    std::string sql(migrations()[static_cast<std::size_t>(v - 1)]);
    if (auto s = sqlite::exec(db, sql.c_str()); !s) {
      Error e = std::move(s).error();
      e.message = "migration " + std::to_string(v) + ": " + e.message;
      return e;
    }
    auto ins = sqlite::Statement::prepare(
        db, "INSERT INTO schema_version(version, applied_at) VALUES (?1, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
    if (!ins) return std::move(ins).error();
    if (auto s = ins->bind(1, static_cast<std::int64_t>(v)).run(); !s) return std::move(s).error();
    if (auto s = tx->commit(); !s) return std::move(s).error();
    log::info("store", "applied schema migration version={}", v);
  }
  return known;
}

}  // namespace borealis::store
