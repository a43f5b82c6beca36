// SQLite implementation of RdsTables (see rds_tables.h). Never logs a verifier.
#include "store/rds_tables.h"

#include "common/random.h"
#include "store/schema_parts.h"
#include "store/store_impl.h"

namespace borealis::store {

// v7: RDS API fields.
// - rds_clusters / rds_instances hang off the core rows and go with them (ON DELETE CASCADE): a
//   deleted cluster's instance rows are deleted by Store::delete_cluster, and a soft-deleted cluster
//   row is purged when its id is reused.
// - Id lists (security groups, subnets) are space-separated: every id is validated (no whitespace)
//   before it gets here, and nothing queries inside them.
// - The default parameter group is implicit (no row), as it cannot be changed.
const std::string_view kRdsApiSchemaV7 = R"sql(
CREATE TABLE rds_clusters (
  cluster_id            TEXT PRIMARY KEY REFERENCES clusters(id) ON DELETE CASCADE,
  domain_iam_role_name  TEXT NOT NULL DEFAULT '',
  vpc_id                TEXT NOT NULL DEFAULT '',
  vpc_security_groups   TEXT NOT NULL DEFAULT '',
  db_subnet_group       TEXT NOT NULL DEFAULT 'default',
  parameter_group       TEXT NOT NULL DEFAULT 'default.aurora-postgresql15',
  deletion_protection   INTEGER NOT NULL DEFAULT 0,
  api_managed_instances INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE rds_instances (
  instance_id         TEXT PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
  instance_class      TEXT NOT NULL,
  engine              TEXT NOT NULL,
  availability_zone   TEXT NOT NULL DEFAULT '',
  publicly_accessible INTEGER NOT NULL DEFAULT 0,
  promotion_tier      INTEGER NOT NULL DEFAULT 1,
  dbi_resource_id     TEXT NOT NULL UNIQUE
);
CREATE TABLE rds_subnet_groups (
  name        TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  vpc_id      TEXT NOT NULL,
  subnet_ids  TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE TABLE rds_cluster_parameter_groups (
  name        TEXT PRIMARY KEY,
  family      TEXT NOT NULL,
  description TEXT NOT NULL
);
CREATE TABLE rds_cluster_parameters (
  group_name TEXT NOT NULL REFERENCES rds_cluster_parameter_groups(name) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (group_name, name)
);
)sql";

// v8: tags of RDS resources, keyed by the resource's ARN type and name (region and account are the
// data dir's). Triggers drop a resource's tags with its row, so a cluster, instance or group made
// again under an old name starts untagged, whichever path (API, CLI, reconciler) deleted it.
const std::string_view kRdsTagsSchemaV8 = R"sql(
CREATE TABLE rds_tags (
  resource_type TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  key           TEXT NOT NULL,
  value         TEXT NOT NULL,
  PRIMARY KEY (resource_type, resource_name, key)
) WITHOUT ROWID;
CREATE TRIGGER rds_tags_of_cluster AFTER DELETE ON clusters BEGIN
  DELETE FROM rds_tags WHERE resource_type = 'cluster' AND resource_name = OLD.id;
END;
CREATE TRIGGER rds_tags_of_instance AFTER DELETE ON instances BEGIN
  DELETE FROM rds_tags WHERE resource_type = 'db' AND resource_name = OLD.id;
END;
CREATE TRIGGER rds_tags_of_subnet_group AFTER DELETE ON rds_subnet_groups BEGIN
  DELETE FROM rds_tags WHERE resource_type = 'subgrp' AND resource_name = OLD.name;
END;
CREATE TRIGGER rds_tags_of_parameter_group AFTER DELETE ON rds_cluster_parameter_groups BEGIN
  DELETE FROM rds_tags WHERE resource_type = 'cluster-pg' AND resource_name = OLD.name;
END;
)sql";

namespace {

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
  return out;
}

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Status check_ids(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (id.empty() || id.find_first_of(" \t\r\n") != std::string::npos)
      return make_error(Errc::invalid_argument, "an id may not be empty or contain whitespace");
  }
  return ok_status();
}

Result<std::vector<std::string>> collect_ids(sqlite::Statement& st) {
  return collect<std::string>(st, [](const sqlite::Statement& s) { return s.column_text(0); });
}

ClusterParameterGroupRecord default_parameter_group() {
  ClusterParameterGroupRecord g;
  g.name = std::string(kDefaultClusterParameterGroup);
  g.family = std::string(kAuroraPostgresFamily);
  g.description = "Default cluster parameter group for aurora-postgresql15";
  g.is_default = true;
  return g;
}

Status refuse_default(const std::string& name, const std::string& what) {
  if (name == kDefaultClusterParameterGroup)
    return make_error(Errc::invalid_argument, "the default parameter group " + name + " cannot be " + what);
  return ok_status();
}

}  // namespace

std::string generate_dbi_resource_id() {
  return "db-" + random::from_alphabet(26, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}

Status RdsTables::put_cluster_fields(const RdsClusterFields& f) {
  if (auto s = check_ids(f.vpc_security_group_ids); !s) return s;
  auto& impl = store_.impl();
  return impl.in_transaction([&]() -> Status {
    auto c = store_.get_cluster(f.cluster_id);
    if (!c.ok()) return std::move(c).error();
    auto st = impl.prepare(
        "INSERT OR REPLACE INTO rds_clusters (cluster_id, domain_iam_role_name, vpc_id, vpc_security_groups,"
        " db_subnet_group, parameter_group, deletion_protection, api_managed_instances)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st) return std::move(st).error();
    st->bind(1, f.cluster_id).bind(2, f.domain_iam_role_name).bind(3, f.vpc_id)
        .bind(4, join_ids(f.vpc_security_group_ids)).bind(5, f.db_subnet_group).bind(6, f.parameter_group)
        .bind(7, static_cast<std::int64_t>(f.deletion_protection ? 1 : 0))
        .bind(8, static_cast<std::int64_t>(f.api_managed_instances ? 1 : 0));
    return st->run();
  });
}

Result<bool> RdsTables::has_cluster_fields(const std::string& cluster_id) {
  auto st = store_.impl().prepare("SELECT 1 FROM rds_clusters WHERE cluster_id = ?1");
  if (!st) return std::move(st).error();
  st->bind(1, cluster_id);
  auto row = st->step();
  if (!row) return std::move(row).error();
  return *row;
}

Result<RdsClusterFields> RdsTables::cluster_fields(const std::string& cluster_id) {
  auto st = store_.impl().prepare(
      "SELECT domain_iam_role_name, vpc_id, vpc_security_groups, db_subnet_group, parameter_group,"
      " deletion_protection, api_managed_instances FROM rds_clusters WHERE cluster_id = ?1");
  if (!st) return std::move(st).error();
  st->bind(1, cluster_id);
  auto row = st->step();
  if (!row) return std::move(row).error();
  RdsClusterFields f;
  f.cluster_id = cluster_id;
  if (!*row) return f;
  f.domain_iam_role_name = st->column_text(0);
  f.vpc_id = st->column_text(1);
  f.vpc_security_group_ids = split_ids(st->column_text(2));
  f.db_subnet_group = st->column_text(3);
  f.parameter_group = st->column_text(4);
  f.deletion_protection = st->column_int64(5) != 0;
  f.api_managed_instances = st->column_int64(6) != 0;
  return f;
}

Status RdsTables::put_instance_fields(const RdsInstanceFields& f) {
  RdsInstanceFields rec = f;
  if (rec.dbi_resource_id.empty()) rec.dbi_resource_id = generate_dbi_resource_id();
  auto& impl = store_.impl();
  return impl.in_transaction([&]() -> Status {
    auto i = store_.get_instance(rec.instance_id);
    if (!i.ok()) return std::move(i).error();
    auto st = impl.prepare(
        "INSERT OR REPLACE INTO rds_instances (instance_id, instance_class, engine, availability_zone,"
        " publicly_accessible, promotion_tier, dbi_resource_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st) return std::move(st).error();
    st->bind(1, rec.instance_id).bind(2, rec.instance_class).bind(3, rec.engine).bind(4, rec.availability_zone)
        .bind(5, static_cast<std::int64_t>(rec.publicly_accessible ? 1 : 0))
        .bind(6, static_cast<std::int64_t>(rec.promotion_tier)).bind(7, rec.dbi_resource_id);
    return st->run();
  });
}

Result<RdsInstanceFields> RdsTables::instance_fields(const std::string& instance_id) {
  auto st = store_.impl().prepare(
      "SELECT instance_class, engine, availability_zone, publicly_accessible, promotion_tier, dbi_resource_id"
      " FROM rds_instances WHERE instance_id = ?1");
  if (!st) return std::move(st).error();
  st->bind(1, instance_id);
  auto row = st->step();
  if (!row) return std::move(row).error();
  RdsInstanceFields f;
  f.instance_id = instance_id;
  if (!*row) return f;  // a CLI cluster's instance: defaults, no stable DbiResourceId
  f.instance_class = st->column_text(0);
  f.engine = st->column_text(1);
  f.availability_zone = st->column_text(2);
  f.publicly_accessible = st->column_int64(3) != 0;
  f.promotion_tier = static_cast<int>(st->column_int64(4));
  f.dbi_resource_id = st->column_text(5);
  return f;
}

Status RdsTables::set_master_verifier(const std::string& cluster_id, const Secret& verifier) {
  auto st = store_.impl().prepare("UPDATE clusters SET master_verifier = ?2 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, cluster_id).bind(2, verifier.reveal()).run(); !s) return s;
  return store_.impl().expect_one_change("cluster", cluster_id);
}

Status RdsTables::set_iam_auth_enabled(const std::string& cluster_id, bool on) {
  auto st = store_.impl().prepare("UPDATE clusters SET iam_auth_enabled = ?2 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, cluster_id).bind(2, static_cast<std::int64_t>(on ? 1 : 0)).run(); !s) return s;
  return store_.impl().expect_one_change("cluster", cluster_id);
}

Result<DbSubnetGroupRecord> RdsTables::create_subnet_group(DbSubnetGroupRecord g) {
  if (g.name.empty()) return make_error(Errc::invalid_argument, "DB subnet group name is empty");
  if (auto s = check_ids(g.subnet_ids); !s) return std::move(s).error();
  auto st = store_.impl().prepare(
      "INSERT INTO rds_subnet_groups (name, description, vpc_id, subnet_ids, created_at)"
      " VALUES (?1, ?2, ?3, ?4, COALESCE(NULLIF(?5, ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"
      " RETURNING created_at");
  if (!st) return std::move(st).error();
  st->bind(1, g.name).bind(2, g.description).bind(3, g.vpc_id).bind(4, join_ids(g.subnet_ids)).bind(5, g.created_at);
  auto row = st->step();
  if (!row) {
    Error e = std::move(row).error();
    if (e.code == Errc::already_exists) e.message = "DB subnet group " + g.name + " already exists";
    return e;
  }
  if (*row) g.created_at = st->column_text(0);
  if (auto s = st->run(); !s) return std::move(s).error();
  return g;
}

namespace {
constexpr const char* kSubnetGroupColumns = "name, description, vpc_id, subnet_ids, created_at";
DbSubnetGroupRecord read_subnet_group(const sqlite::Statement& st) {
  DbSubnetGroupRecord g;
  g.name = st.column_text(0);
  g.description = st.column_text(1);
  g.vpc_id = st.column_text(2);
  g.subnet_ids = split_ids(st.column_text(3));
  g.created_at = st.column_text(4);
  return g;
}
}  // namespace

Result<DbSubnetGroupRecord> RdsTables::get_subnet_group(const std::string& name) {
  auto st = store_.impl().prepare(std::string("SELECT ") + kSubnetGroupColumns + " FROM rds_subnet_groups WHERE name = ?1");
  if (!st) return std::move(st).error();
  st->bind(1, name);
  auto row = st->step();
  if (!row) return std::move(row).error();
  if (!*row) return make_error(Errc::not_found, "DB subnet group " + name + " not found");
  return read_subnet_group(*st);
}

Result<std::vector<DbSubnetGroupRecord>> RdsTables::list_subnet_groups() {
  auto st = store_.impl().prepare(std::string("SELECT ") + kSubnetGroupColumns + " FROM rds_subnet_groups ORDER BY name");
  if (!st) return std::move(st).error();
  return collect<DbSubnetGroupRecord>(*st, read_subnet_group);
}

Status RdsTables::delete_subnet_group(const std::string& name) {
  auto st = store_.impl().prepare("DELETE FROM rds_subnet_groups WHERE name = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, name).run(); !s) return s;
  return store_.impl().expect_one_change("DB subnet group", name);
}

Result<ClusterParameterGroupRecord> RdsTables::create_parameter_group(ClusterParameterGroupRecord g) {
  if (g.name.empty()) return make_error(Errc::invalid_argument, "DB cluster parameter group name is empty");
  if (g.name == kDefaultClusterParameterGroup)
    return make_error(Errc::already_exists, "DB cluster parameter group " + g.name + " already exists");
  auto st = store_.impl().prepare(
      "INSERT INTO rds_cluster_parameter_groups (name, family, description) VALUES (?1, ?2, ?3)");
  if (!st) return std::move(st).error();
  st->bind(1, g.name).bind(2, g.family).bind(3, g.description);
  if (auto s = st->run(); !s) {
    Error e = std::move(s).error();
    if (e.code == Errc::already_exists) e.message = "DB cluster parameter group " + g.name + " already exists";
    return e;
  }
  g.is_default = false;
  return g;
}

Result<ClusterParameterGroupRecord> RdsTables::get_parameter_group(const std::string& name) {
  if (name == kDefaultClusterParameterGroup) return default_parameter_group();
  auto st = store_.impl().prepare("SELECT name, family, description FROM rds_cluster_parameter_groups WHERE name = ?1");
  if (!st) return std::move(st).error();
  st->bind(1, name);
  auto row = st->step();
  if (!row) return std::move(row).error();
  if (!*row) return make_error(Errc::not_found, "DB cluster parameter group " + name + " not found");
  return ClusterParameterGroupRecord{st->column_text(0), st->column_text(1), st->column_text(2), false};
}

Result<std::vector<ClusterParameterGroupRecord>> RdsTables::list_parameter_groups() {
  auto st = store_.impl().prepare("SELECT name, family, description FROM rds_cluster_parameter_groups ORDER BY name");
  if (!st) return std::move(st).error();
  auto rows = collect<ClusterParameterGroupRecord>(*st, [](const sqlite::Statement& s) {
    return ClusterParameterGroupRecord{s.column_text(0), s.column_text(1), s.column_text(2), false};
  });
  if (!rows.ok()) return rows;
  rows->insert(rows->begin(), default_parameter_group());
  return rows;
}

Status RdsTables::delete_parameter_group(const std::string& name) {
  if (auto s = refuse_default(name, "deleted"); !s) return s;
  auto st = store_.impl().prepare("DELETE FROM rds_cluster_parameter_groups WHERE name = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, name).run(); !s) return s;
  return store_.impl().expect_one_change("DB cluster parameter group", name);
}

Result<std::map<std::string, std::string>> RdsTables::parameters(const std::string& group) {
  auto st = store_.impl().prepare("SELECT name, value FROM rds_cluster_parameters WHERE group_name = ?1");
  if (!st) return std::move(st).error();
  st->bind(1, group);
  std::map<std::string, std::string> out;
  for (;;) {
    auto row = st->step();
    if (!row) return std::move(row).error();
    if (!*row) return out;
    out[st->column_text(0)] = st->column_text(1);
  }
}

Status RdsTables::set_parameter(const std::string& group, const std::string& name, const std::string& value) {
  if (auto s = refuse_default(group, "modified"); !s) return s;
  auto st = store_.impl().prepare(
      "INSERT OR REPLACE INTO rds_cluster_parameters (group_name, name, value) VALUES (?1, ?2, ?3)");
  if (!st) return std::move(st).error();
  Status s = st->bind(1, group).bind(2, name).bind(3, value).run();
  // The foreign key is the existence check.
  if (!s && s.error().code == Errc::invalid_argument)
    return make_error(Errc::not_found, "DB cluster parameter group " + group + " not found");
  return s;
}

Status RdsTables::reset_parameter(const std::string& group, const std::string& name) {
  if (auto s = refuse_default(group, "modified"); !s) return s;
  auto st = store_.impl().prepare("DELETE FROM rds_cluster_parameters WHERE group_name = ?1 AND name = ?2");
  if (!st) return std::move(st).error();
  return st->bind(1, group).bind(2, name).run();
}

Result<std::vector<std::string>> RdsTables::clusters_using_subnet_group(const std::string& name) {
  auto st = store_.impl().prepare(
      "SELECT r.cluster_id FROM rds_clusters r JOIN clusters c ON c.id = r.cluster_id"
      " WHERE c.deleted = 0 AND r.db_subnet_group = ?1 ORDER BY r.cluster_id");
  if (!st) return std::move(st).error();
  st->bind(1, name);
  return collect_ids(*st);
}

Result<std::vector<std::string>> RdsTables::clusters_using_parameter_group(const std::string& name) {
  auto st = store_.impl().prepare(
      "SELECT r.cluster_id FROM rds_clusters r JOIN clusters c ON c.id = r.cluster_id"
      " WHERE c.deleted = 0 AND r.parameter_group = ?1 ORDER BY r.cluster_id");
  if (!st) return std::move(st).error();
  st->bind(1, name);
  return collect_ids(*st);
}

Result<std::vector<ResourceTag>> RdsTables::tags(const TaggedResource& resource) {
  auto st = store_.impl().prepare(
      "SELECT key, value FROM rds_tags WHERE resource_type = ?1 AND resource_name = ?2 ORDER BY key");
  if (!st) return std::move(st).error();
  st->bind(1, resource.type).bind(2, resource.name);
  return collect<ResourceTag>(*st, [](sqlite::Statement& row) { return ResourceTag{row.column_text(0), row.column_text(1)}; });
}

Status RdsTables::put_tags(const TaggedResource& resource, const std::vector<ResourceTag>& tags) {
  for (const auto& tag : tags) {  // a handful per call; the statement cache makes each prepare a lookup
    auto st = store_.impl().prepare(
        "INSERT INTO rds_tags (resource_type, resource_name, key, value) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (resource_type, resource_name, key) DO UPDATE SET value = excluded.value");
    if (!st) return std::move(st).error();
    if (auto s = st->bind(1, resource.type).bind(2, resource.name).bind(3, tag.key).bind(4, tag.value).run(); !s) return s;
  }
  return ok_status();
}

Status RdsTables::remove_tags(const TaggedResource& resource, const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    auto st = store_.impl().prepare("DELETE FROM rds_tags WHERE resource_type = ?1 AND resource_name = ?2 AND key = ?3");
    if (!st) return std::move(st).error();
    if (auto s = st->bind(1, resource.type).bind(2, resource.name).bind(3, key).run(); !s) return s;
  }
  return ok_status();
}

Status RdsTables::clear_tags(const TaggedResource& resource) {
  auto st = store_.impl().prepare("DELETE FROM rds_tags WHERE resource_type = ?1 AND resource_name = ?2");
  if (!st) return std::move(st).error();
  return st->bind(1, resource.type).bind(2, resource.name).run();
}

}  // namespace borealis::store
