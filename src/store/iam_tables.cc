// SQLite implementation of IamTables (see iam_tables.h) and its schema migration v5. Never logs or
// returns a secret: error messages name keys by id only.
#include "store/iam_tables.h"

#include <ctime>
#include <utility>

#include "store/schema_parts.h"
#include "store/sqlite.h"
#include "store/store_impl.h"

namespace borealis::store {

// v5: IAM and STS.
// - Names of users, roles and managed policies are unique ignoring case (COLLATE NOCASE; IAM names
//   are ASCII), and every comparison on them ignores case through the column's collation.
// - Access keys belong to a user (user_name, kept equal to the user row's spelling) or to the account
//   root (owner 'root', user_name NULL). Secrets are stored as they must be used (SigV4 needs the
//   secret itself); the file is 0600.
// - Attachments name a policy by ARN with no foreign key: AWS-managed policies have no row.
// - STS sessions keep SHA-256(session token) only, and the role id as well as its name, so a role
//   deleted and created again under the same name does not inherit the old sessions' permissions.
const std::string_view kIamSchemaV5 = R"sql(
CREATE TABLE iam_users (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
  path       TEXT NOT NULL,
  arn        TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE iam_access_keys (
  id         TEXT PRIMARY KEY,
  secret     TEXT NOT NULL,
  owner      TEXT NOT NULL CHECK (owner IN ('root', 'user')),
  user_name  TEXT COLLATE NOCASE REFERENCES iam_users(name),
  active     INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  CHECK ((owner = 'root') = (user_name IS NULL))
);
CREATE INDEX iam_access_keys_user ON iam_access_keys(user_name);
CREATE TABLE iam_roles (
  id                   TEXT PRIMARY KEY,
  name                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
  path                 TEXT NOT NULL,
  arn                  TEXT NOT NULL,
  trust_policy         TEXT NOT NULL,
  description          TEXT NOT NULL DEFAULT '',
  max_session_duration INTEGER NOT NULL DEFAULT 3600,
  created_at           TEXT NOT NULL
);
CREATE TABLE iam_policies (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  path        TEXT NOT NULL,
  arn         TEXT NOT NULL UNIQUE,
  document    TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE TABLE iam_attachments (
  principal_type TEXT NOT NULL CHECK (principal_type IN ('user', 'role')),
  principal_name TEXT NOT NULL COLLATE NOCASE,
  policy_arn     TEXT NOT NULL,
  PRIMARY KEY (principal_type, principal_name, policy_arn)
);
CREATE INDEX iam_attachments_policy ON iam_attachments(policy_arn);
CREATE TABLE iam_inline_policies (
  principal_type TEXT NOT NULL CHECK (principal_type IN ('user', 'role')),
  principal_name TEXT NOT NULL COLLATE NOCASE,
  policy_name    TEXT NOT NULL,
  document       TEXT NOT NULL,
  PRIMARY KEY (principal_type, principal_name, policy_name)
);
CREATE TABLE sts_sessions (
  access_key_id TEXT PRIMARY KEY,
  secret        TEXT NOT NULL,
  token_sha256  TEXT NOT NULL,
  role_name     TEXT NOT NULL,
  role_id       TEXT NOT NULL,
  session_name  TEXT NOT NULL,
  issued_at     TEXT NOT NULL,
  expires_at    INTEGER NOT NULL
);
CREATE INDEX sts_sessions_expiry ON sts_sessions(expires_at);
)sql";

namespace {

const char* type_text(PrincipalType type) { return type == PrincipalType::user ? "user" : "role"; }

// Renames an already_exists from a UNIQUE index into words about the entity.
Error name_conflict(Error e, const std::string& what) {
  if (e.code == Errc::already_exists) e.message = what + " already exists";
  return e;
}

constexpr const char* kUserColumns = "id, name, path, arn, created_at";
IamUserRecord read_user(const sqlite::Statement& st) {
  return IamUserRecord{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4)};
}

constexpr const char* kKeyColumns = "id, secret, owner, COALESCE(user_name, ''), active, created_at";
AccessKeyRecord read_key(const sqlite::Statement& st) {
  AccessKeyRecord k;
  k.id = st.column_text(0);
  k.secret = Secret(st.column_text(1));
  k.owner = st.column_text(2) == "root" ? KeyOwner::root : KeyOwner::user;
  k.user_name = st.column_text(3);
  k.active = st.column_int64(4) != 0;
  k.created_at = st.column_text(5);
  return k;
}

constexpr const char* kRoleColumns =
    "id, name, path, arn, trust_policy, description, max_session_duration, created_at";
IamRoleRecord read_role(const sqlite::Statement& st) {
  IamRoleRecord r;
  r.id = st.column_text(0);
  r.name = st.column_text(1);
  r.path = st.column_text(2);
  r.arn = st.column_text(3);
  r.trust_policy = st.column_text(4);
  r.description = st.column_text(5);
  r.max_session_duration = static_cast<int>(st.column_int64(6));
  r.created_at = st.column_text(7);
  return r;
}

constexpr const char* kPolicyColumns = "id, name, path, arn, document, description, created_at, updated_at";
ManagedPolicyRecord read_policy(const sqlite::Statement& st) {
  ManagedPolicyRecord p;
  p.id = st.column_text(0);
  p.name = st.column_text(1);
  p.path = st.column_text(2);
  p.arn = st.column_text(3);
  p.document = st.column_text(4);
  p.description = st.column_text(5);
  p.created_at = st.column_text(6);
  p.updated_at = st.column_text(7);
  return p;
}

constexpr const char* kInlineColumns = "principal_type, principal_name, policy_name, document";
InlinePolicyRecord read_inline(const sqlite::Statement& st) {
  InlinePolicyRecord p;
  p.principal_type = st.column_text(0) == "user" ? PrincipalType::user : PrincipalType::role;
  p.principal_name = st.column_text(1);
  p.policy_name = st.column_text(2);
  p.document = st.column_text(3);
  return p;
}

constexpr const char* kSessionColumns =
    "access_key_id, secret, token_sha256, role_name, role_id, session_name, issued_at, expires_at";
StsSessionRecord read_session(const sqlite::Statement& st) {
  StsSessionRecord s;
  s.access_key_id = st.column_text(0);
  s.secret = Secret(st.column_text(1));
  s.token_sha256 = st.column_text(2);
  s.role_name = st.column_text(3);
  s.role_id = st.column_text(4);
  s.session_name = st.column_text(5);
  s.issued_at = st.column_text(6);
  s.expires_at = st.column_int64(7);
  return s;
}

std::string select_from(const char* columns, const char* table, const char* rest) {
  return std::string("SELECT ") + columns + " FROM " + table + " " + rest;
}

}  // namespace

// ---- users ----

Result<IamUserRecord> IamTables::create_user(IamUserRecord user) {
  if (user.created_at.empty()) user.created_at = now_rfc3339();
  auto st = store_.impl().prepare("INSERT INTO iam_users (id, name, path, arn, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st) return std::move(st).error();
  st->bind(1, user.id).bind(2, user.name).bind(3, user.path).bind(4, user.arn).bind(5, user.created_at);
  if (auto s = st->run(); !s) return name_conflict(std::move(s).error(), "user " + user.name);
  return user;
}

Result<IamUserRecord> IamTables::get_user(const std::string& name) {
  auto st = store_.impl().prepare(select_from(kUserColumns, "iam_users", "WHERE name = ?1"));
  if (!st) return std::move(st).error();
  st->bind(1, name);
  return one<IamUserRecord>(*st, read_user, "user " + name);
}

Result<std::vector<IamUserRecord>> IamTables::list_users() {
  auto st = store_.impl().prepare(select_from(kUserColumns, "iam_users", "ORDER BY name"));
  if (!st) return std::move(st).error();
  return collect<IamUserRecord>(*st, read_user);
}

Status IamTables::delete_user(const std::string& name) {
  auto st = store_.impl().prepare("DELETE FROM iam_users WHERE name = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, name).run(); !s) return s;
  return store_.impl().expect_one_change("user", name);
}

// ---- access keys ----

Status IamTables::add_access_key(const AccessKeyRecord& key) {
  const std::string created = key.created_at.empty() ? now_rfc3339() : key.created_at;
  auto st = store_.impl().prepare(
      "INSERT INTO iam_access_keys (id, secret, owner, user_name, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return std::move(st).error();
  st->bind(1, key.id).bind(2, key.secret.reveal()).bind(3, key.owner == KeyOwner::root ? "root" : "user");
  if (key.owner == KeyOwner::root) st->bind_null(4); else st->bind(4, key.user_name);
  st->bind(5, static_cast<std::int64_t>(key.active ? 1 : 0)).bind(6, created);
  if (auto s = st->run(); !s) return name_conflict(std::move(s).error(), "access key " + key.id);
  return ok_status();
}

Result<AccessKeyRecord> IamTables::get_access_key(const std::string& id) {
  auto st = store_.impl().prepare(select_from(kKeyColumns, "iam_access_keys", "WHERE id = ?1"));
  if (!st) return std::move(st).error();
  st->bind(1, id);
  return one<AccessKeyRecord>(*st, read_key, "access key " + id);
}

Result<std::vector<AccessKeyRecord>> IamTables::list_access_keys(KeyOwner owner, const std::string& user_name) {
  auto st = owner == KeyOwner::root
                ? store_.impl().prepare(select_from(kKeyColumns, "iam_access_keys", "WHERE owner = 'root' ORDER BY created_at, id"))
                : store_.impl().prepare(select_from(kKeyColumns, "iam_access_keys", "WHERE user_name = ?1 ORDER BY created_at, id"));
  if (!st) return std::move(st).error();
  if (owner == KeyOwner::user) st->bind(1, user_name);
  return collect<AccessKeyRecord>(*st, read_key);
}

Status IamTables::set_access_key_active(const std::string& id, bool active) {
  auto st = store_.impl().prepare("UPDATE iam_access_keys SET active = ?2 WHERE id = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, static_cast<std::int64_t>(active ? 1 : 0)).run(); !s) return s;
  return store_.impl().expect_one_change("access key", id);
}

Status IamTables::delete_access_key(const std::string& id) {
  auto st = store_.impl().prepare("DELETE FROM iam_access_keys WHERE id = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).run(); !s) return s;
  return store_.impl().expect_one_change("access key", id);
}

// ---- roles ----

Result<IamRoleRecord> IamTables::create_role(IamRoleRecord role) {
  if (role.created_at.empty()) role.created_at = now_rfc3339();
  auto st = store_.impl().prepare(std::string("INSERT INTO iam_roles (") + kRoleColumns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return std::move(st).error();
  st->bind(1, role.id).bind(2, role.name).bind(3, role.path).bind(4, role.arn).bind(5, role.trust_policy)
      .bind(6, role.description).bind(7, static_cast<std::int64_t>(role.max_session_duration)).bind(8, role.created_at);
  if (auto s = st->run(); !s) return name_conflict(std::move(s).error(), "role " + role.name);
  return role;
}

Result<IamRoleRecord> IamTables::get_role(const std::string& name) {
  auto st = store_.impl().prepare(select_from(kRoleColumns, "iam_roles", "WHERE name = ?1"));
  if (!st) return std::move(st).error();
  st->bind(1, name);
  return one<IamRoleRecord>(*st, read_role, "role " + name);
}

Result<std::vector<IamRoleRecord>> IamTables::list_roles() {
  auto st = store_.impl().prepare(select_from(kRoleColumns, "iam_roles", "ORDER BY name"));
  if (!st) return std::move(st).error();
  return collect<IamRoleRecord>(*st, read_role);
}

Status IamTables::set_role_trust_policy(const std::string& name, const std::string& document) {
  auto st = store_.impl().prepare("UPDATE iam_roles SET trust_policy = ?2 WHERE name = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, name).bind(2, document).run(); !s) return s;
  return store_.impl().expect_one_change("role", name);
}

Status IamTables::delete_role(const std::string& name) {
  auto st = store_.impl().prepare("DELETE FROM iam_roles WHERE name = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, name).run(); !s) return s;
  return store_.impl().expect_one_change("role", name);
}

// ---- managed policies ----

Result<ManagedPolicyRecord> IamTables::create_policy(ManagedPolicyRecord policy) {
  if (policy.created_at.empty()) policy.created_at = now_rfc3339();
  if (policy.updated_at.empty()) policy.updated_at = policy.created_at;
  auto st = store_.impl().prepare(std::string("INSERT INTO iam_policies (") + kPolicyColumns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return std::move(st).error();
  st->bind(1, policy.id).bind(2, policy.name).bind(3, policy.path).bind(4, policy.arn).bind(5, policy.document)
      .bind(6, policy.description).bind(7, policy.created_at).bind(8, policy.updated_at);
  if (auto s = st->run(); !s) return name_conflict(std::move(s).error(), "policy " + policy.name);
  return policy;
}

Result<ManagedPolicyRecord> IamTables::get_policy(const std::string& arn) {
  auto st = store_.impl().prepare(select_from(kPolicyColumns, "iam_policies", "WHERE arn = ?1"));
  if (!st) return std::move(st).error();
  st->bind(1, arn);
  return one<ManagedPolicyRecord>(*st, read_policy, "policy " + arn);
}

Result<std::vector<ManagedPolicyRecord>> IamTables::list_policies() {
  auto st = store_.impl().prepare(select_from(kPolicyColumns, "iam_policies", "ORDER BY name"));
  if (!st) return std::move(st).error();
  return collect<ManagedPolicyRecord>(*st, read_policy);
}

Status IamTables::delete_policy(const std::string& arn) {
  auto st = store_.impl().prepare("DELETE FROM iam_policies WHERE arn = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, arn).run(); !s) return s;
  return store_.impl().expect_one_change("policy", arn);
}

// ---- attachments ----

Status IamTables::attach_policy(PrincipalType type, const std::string& principal_name, const std::string& policy_arn) {
  auto st = store_.impl().prepare(
      "INSERT OR IGNORE INTO iam_attachments (principal_type, principal_name, policy_arn) VALUES (?1, ?2, ?3)");
  if (!st) return std::move(st).error();
  return st->bind(1, type_text(type)).bind(2, principal_name).bind(3, policy_arn).run();
}

Status IamTables::detach_policy(PrincipalType type, const std::string& principal_name, const std::string& policy_arn) {
  auto st = store_.impl().prepare(
      "DELETE FROM iam_attachments WHERE principal_type = ?1 AND principal_name = ?2 AND policy_arn = ?3");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, type_text(type)).bind(2, principal_name).bind(3, policy_arn).run(); !s) return s;
  return store_.impl().expect_one_change("attachment of", policy_arn);
}

Result<std::vector<std::string>> IamTables::attached_policies(PrincipalType type, const std::string& principal_name) {
  auto st = store_.impl().prepare(
      "SELECT policy_arn FROM iam_attachments WHERE principal_type = ?1 AND principal_name = ?2 ORDER BY policy_arn");
  if (!st) return std::move(st).error();
  st->bind(1, type_text(type)).bind(2, principal_name);
  return collect<std::string>(*st, [](const sqlite::Statement& s) { return s.column_text(0); });
}

Result<int> IamTables::attachment_count(const std::string& policy_arn) {
  auto st = store_.impl().prepare("SELECT COUNT(*) FROM iam_attachments WHERE policy_arn = ?1");
  if (!st) return std::move(st).error();
  st->bind(1, policy_arn);
  return one<int>(*st, [](const sqlite::Statement& s) { return static_cast<int>(s.column_int64(0)); }, "count");
}

// ---- inline policies ----

Status IamTables::put_inline_policy(const InlinePolicyRecord& policy) {
  auto st = store_.impl().prepare(
      "INSERT INTO iam_inline_policies (principal_type, principal_name, policy_name, document) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (principal_type, principal_name, policy_name) DO UPDATE SET document = excluded.document");
  if (!st) return std::move(st).error();
  return st->bind(1, type_text(policy.principal_type)).bind(2, policy.principal_name).bind(3, policy.policy_name)
      .bind(4, policy.document).run();
}

Result<InlinePolicyRecord> IamTables::get_inline_policy(PrincipalType type, const std::string& principal_name,
                                                        const std::string& policy_name) {
  auto st = store_.impl().prepare(select_from(kInlineColumns, "iam_inline_policies",
                                              "WHERE principal_type = ?1 AND principal_name = ?2 AND policy_name = ?3"));
  if (!st) return std::move(st).error();
  st->bind(1, type_text(type)).bind(2, principal_name).bind(3, policy_name);
  return one<InlinePolicyRecord>(*st, read_inline, "policy " + policy_name);
}

Result<std::vector<InlinePolicyRecord>> IamTables::list_inline_policies(PrincipalType type,
                                                                        const std::string& principal_name) {
  auto st = store_.impl().prepare(select_from(kInlineColumns, "iam_inline_policies",
                                              "WHERE principal_type = ?1 AND principal_name = ?2 ORDER BY policy_name"));
  if (!st) return std::move(st).error();
  st->bind(1, type_text(type)).bind(2, principal_name);
  return collect<InlinePolicyRecord>(*st, read_inline);
}

Status IamTables::delete_inline_policy(PrincipalType type, const std::string& principal_name,
                                       const std::string& policy_name) {
  auto st = store_.impl().prepare(
      "DELETE FROM iam_inline_policies WHERE principal_type = ?1 AND principal_name = ?2 AND policy_name = ?3");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, type_text(type)).bind(2, principal_name).bind(3, policy_name).run(); !s) return s;
  return store_.impl().expect_one_change("policy", policy_name);
}

// ---- STS sessions ----

Status IamTables::add_session(const StsSessionRecord& session) {
  auto st = store_.impl().prepare(std::string("INSERT INTO sts_sessions (") + kSessionColumns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return std::move(st).error();
  st->bind(1, session.access_key_id).bind(2, session.secret.reveal()).bind(3, session.token_sha256)
      .bind(4, session.role_name).bind(5, session.role_id).bind(6, session.session_name).bind(7, session.issued_at)
      .bind(8, session.expires_at);
  if (auto s = st->run(); !s) return name_conflict(std::move(s).error(), "session key " + session.access_key_id);
  return ok_status();
}

Result<StsSessionRecord> IamTables::get_session(const std::string& access_key_id) {
  auto st = store_.impl().prepare(select_from(kSessionColumns, "sts_sessions", "WHERE access_key_id = ?1"));
  if (!st) return std::move(st).error();
  st->bind(1, access_key_id);
  return one<StsSessionRecord>(*st, read_session, "session key " + access_key_id);
}

Result<int> IamTables::purge_expired_sessions(std::int64_t now_epoch) {
  auto st = store_.impl().prepare("DELETE FROM sts_sessions WHERE expires_at < ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, now_epoch).run(); !s) return std::move(s).error();
  return sqlite3_changes(store_.impl().raw());
}

}  // namespace borealis::store
