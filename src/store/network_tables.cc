// SQLite implementation of NetworkTables (see network_tables.h) and its schema migration (v6).
#include "store/network_tables.h"

#include <ctime>
#include <optional>
#include <utility>

#include "store/schema_parts.h"
#include "store/store_impl.h"

namespace borealis::store {

// v6: the EC2 networking model.
// - Subnets and groups hang off their VPC (foreign keys), so a VPC cannot vanish under them.
// - A rule's peer is a CIDR or a referenced group, never both (CHECK). The referenced group is a
//   foreign key, so a group another group's rule still points at cannot be deleted; rules go with
//   their own group (ON DELETE CASCADE). NULL, not '', marks the absent peer so the foreign key holds;
//   the uniqueness index folds NULL to '' because SQLite treats NULLs as distinct.
// - Peerings keep plain VPC ids (the peer may be in another region, and a deleted VPC's peering stays
//   visible as "deleted", as in AWS).
// - directory_networks: where a directory's controllers sit; subnet_ids is a comma-separated list
//   (subnet ids never contain a comma).
const std::string_view kNetworkSchemaV6 = R"sql(
CREATE TABLE vpcs (
  id         TEXT PRIMARY KEY,
  region     TEXT NOT NULL,
  cidr       TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  state      TEXT NOT NULL DEFAULT 'available',
  created_at TEXT NOT NULL
);
CREATE INDEX vpcs_region ON vpcs(region);
CREATE UNIQUE INDEX vpcs_one_default_per_region ON vpcs(region) WHERE is_default = 1;
CREATE TABLE subnets (
  id                TEXT PRIMARY KEY,
  vpc_id            TEXT NOT NULL REFERENCES vpcs(id),
  cidr              TEXT NOT NULL,
  availability_zone TEXT NOT NULL,
  default_for_az    INTEGER NOT NULL DEFAULT 0,
  state             TEXT NOT NULL DEFAULT 'available'
);
CREATE INDEX subnets_vpc ON subnets(vpc_id);
CREATE TABLE security_groups (
  id          TEXT PRIMARY KEY,
  vpc_id      TEXT NOT NULL REFERENCES vpcs(id),
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_default  INTEGER NOT NULL DEFAULT 0,
  UNIQUE (vpc_id, name)
);
CREATE TABLE security_group_rules (
  id                  TEXT PRIMARY KEY,
  group_id            TEXT NOT NULL REFERENCES security_groups(id) ON DELETE CASCADE,
  direction           TEXT NOT NULL CHECK (direction IN ('ingress', 'egress')),
  protocol            TEXT NOT NULL,
  from_port           INTEGER NOT NULL DEFAULT -1,
  to_port             INTEGER NOT NULL DEFAULT -1,
  cidr                TEXT,
  referenced_group_id TEXT REFERENCES security_groups(id),
  description         TEXT NOT NULL DEFAULT '',
  CHECK ((cidr IS NULL) <> (referenced_group_id IS NULL))
);
CREATE INDEX security_group_rules_group ON security_group_rules(group_id);
CREATE INDEX security_group_rules_referenced ON security_group_rules(referenced_group_id)
  WHERE referenced_group_id IS NOT NULL;
CREATE UNIQUE INDEX security_group_rules_unique ON security_group_rules(
  group_id, direction, protocol, from_port, to_port, COALESCE(cidr, ''), COALESCE(referenced_group_id, ''));
CREATE TABLE vpc_peerings (
  id               TEXT PRIMARY KEY,
  requester_vpc_id TEXT NOT NULL,
  requester_region TEXT NOT NULL,
  accepter_vpc_id  TEXT NOT NULL,
  accepter_region  TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending-acceptance', 'active', 'rejected', 'deleted', 'failed')),
  message          TEXT NOT NULL DEFAULT '',
  created_at       TEXT NOT NULL,
  expires_at       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vpc_peerings_requester ON vpc_peerings(requester_vpc_id);
CREATE INDEX vpc_peerings_accepter ON vpc_peerings(accepter_vpc_id);
CREATE TABLE directory_networks (
  directory_id      TEXT PRIMARY KEY,
  vpc_id            TEXT NOT NULL REFERENCES vpcs(id),
  subnet_ids        TEXT NOT NULL,
  security_group_id TEXT NOT NULL REFERENCES security_groups(id)
);
)sql";

// v9: tags of EC2 resources by id (ids are unique across regions and types; the type is the id's
// prefix). Triggers drop a resource's tags with its row.
const std::string_view kEc2TagsSchemaV9 = R"sql(
CREATE TABLE ec2_tags (
  resource_id TEXT NOT NULL,
  key         TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (resource_id, key)
) WITHOUT ROWID;
CREATE TRIGGER ec2_tags_of_vpc AFTER DELETE ON vpcs BEGIN
  DELETE FROM ec2_tags WHERE resource_id = OLD.id;
END;
CREATE TRIGGER ec2_tags_of_subnet AFTER DELETE ON subnets BEGIN
  DELETE FROM ec2_tags WHERE resource_id = OLD.id;
END;
CREATE TRIGGER ec2_tags_of_security_group AFTER DELETE ON security_groups BEGIN
  DELETE FROM ec2_tags WHERE resource_id = OLD.id;
END;
CREATE TRIGGER ec2_tags_of_peering AFTER DELETE ON vpc_peerings BEGIN
  DELETE FROM ec2_tags WHERE resource_id = OLD.id;
END;
)sql";

namespace {

std::int64_t flag(bool b) { return b ? 1 : 0; }

std::optional<std::string> null_if_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ',';
    out += id;
  }
  return out;
}

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

constexpr const char* kVpcColumns = "id, region, cidr, is_default, state, created_at";
VpcRecord read_vpc(const sqlite::Statement& st) {
  return VpcRecord{st.column_text(0), st.column_text(1), st.column_text(2), st.column_int64(3) != 0,
                   st.column_text(4), st.column_text(5)};
}

constexpr const char* kSubnetColumns = "s.id, s.vpc_id, s.cidr, s.availability_zone, s.default_for_az, s.state";
SubnetRecord read_subnet(const sqlite::Statement& st) {
  return SubnetRecord{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3),
                      st.column_int64(4) != 0, st.column_text(5)};
}

constexpr const char* kGroupColumns = "g.id, g.vpc_id, g.name, g.description, g.is_default";
SecurityGroupRecord read_group(const sqlite::Statement& st) {
  return SecurityGroupRecord{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3),
                             st.column_int64(4) != 0};
}

constexpr const char* kRuleColumns =
    "id, group_id, direction, protocol, from_port, to_port, cidr, referenced_group_id, description";
SecurityGroupRuleRecord read_rule(const sqlite::Statement& st) {
  SecurityGroupRuleRecord r;
  r.id = st.column_text(0);
  r.group_id = st.column_text(1);
  r.egress = st.column_text(2) == "egress";
  r.protocol = st.column_text(3);
  r.from_port = static_cast<int>(st.column_int64(4));
  r.to_port = static_cast<int>(st.column_int64(5));
  r.cidr = st.column_text(6);  // NULL reads as ""
  r.referenced_group_id = st.column_text(7);
  r.description = st.column_text(8);
  return r;
}

constexpr const char* kPeeringColumns =
    "id, requester_vpc_id, requester_region, accepter_vpc_id, accepter_region, status, message, created_at,"
    " expires_at";
VpcPeeringRecord read_peering(const sqlite::Statement& st) {
  return VpcPeeringRecord{st.column_text(0), st.column_text(1), st.column_text(2),
                          st.column_text(3), st.column_text(4), st.column_text(5),
                          st.column_text(6), st.column_text(7), st.column_text(8)};
}

constexpr const char* kDirectoryNetworkColumns = "directory_id, vpc_id, subnet_ids, security_group_id";
DirectoryNetworkRecord read_directory_network(const sqlite::Statement& st) {
  return DirectoryNetworkRecord{st.column_text(0), st.column_text(1), split_ids(st.column_text(2)),
                                st.column_text(3)};
}

// Runs `sql` with up to one text parameter and reads every row.
template <class Record>
Result<std::vector<Record>> query_rows(Store& store, const std::string& sql, const std::string* arg,
                                       Record (*read)(const sqlite::Statement&)) {
  auto st = store.impl().prepare(sql);
  if (!st) return std::move(st).error();
  if (arg != nullptr) st->bind(1, *arg);
  std::vector<Record> out;
  for (;;) {
    auto row = st->step();
    if (!row) return std::move(row).error();
    if (!*row) return out;
    out.push_back(read(*st));
  }
}

// Reads exactly one row by id: not_found (naming `what` and the id) when there is none.
template <class Record>
Result<Record> query_one(Store& store, const std::string& sql, const std::string& id, const std::string& what,
                         Record (*read)(const sqlite::Statement&)) {
  auto rows = query_rows(store, sql, &id, read);
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return make_error(Errc::not_found, what + " " + id + " not found");
  return std::move(rows->front());
}

// A DELETE/UPDATE by id that must touch one row.
Status change_one(Store& store, const std::string& sql, const std::string& id, const std::string& what) {
  auto st = store.impl().prepare(sql);
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).run(); !s) return s;
  return store.impl().expect_one_change(what, id);
}

}  // namespace

Status NetworkTables::create_vpc(VpcRecord vpc) {
  if (vpc.created_at.empty()) vpc.created_at = now_rfc3339();
  auto st = store_.impl().prepare(
      "INSERT INTO vpcs(id, region, cidr, is_default, state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return std::move(st).error();
  return st->bind(1, vpc.id).bind(2, vpc.region).bind(3, vpc.cidr).bind(4, flag(vpc.is_default))
      .bind(5, vpc.state).bind(6, vpc.created_at).run();
}

Result<VpcRecord> NetworkTables::get_vpc(const std::string& id) {
  return query_one(store_, std::string("SELECT ") + kVpcColumns + " FROM vpcs WHERE id = ?1", id, "vpc", read_vpc);
}

Result<std::optional<VpcRecord>> NetworkTables::default_vpc(const std::string& region) {
  auto rows = query_rows(store_, std::string("SELECT ") + kVpcColumns + " FROM vpcs WHERE region = ?1 AND is_default = 1",
                         &region, read_vpc);
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<VpcRecord>();
  return std::optional<VpcRecord>(std::move(rows->front()));
}

Result<std::vector<VpcRecord>> NetworkTables::list_vpcs(const std::string& region) {
  return query_rows(store_, std::string("SELECT ") + kVpcColumns + " FROM vpcs WHERE region = ?1 ORDER BY created_at, id",
                    &region, read_vpc);
}

Status NetworkTables::delete_vpc(const std::string& id) {
  return change_one(store_, "DELETE FROM vpcs WHERE id = ?1", id, "vpc");
}

Status NetworkTables::create_subnet(const SubnetRecord& s) {
  auto st = store_.impl().prepare(
      "INSERT INTO subnets(id, vpc_id, cidr, availability_zone, default_for_az, state)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return std::move(st).error();
  return st->bind(1, s.id).bind(2, s.vpc_id).bind(3, s.cidr).bind(4, s.availability_zone)
      .bind(5, flag(s.default_for_az)).bind(6, s.state).run();
}

Result<SubnetRecord> NetworkTables::get_subnet(const std::string& id) {
  return query_one(store_, std::string("SELECT ") + kSubnetColumns + " FROM subnets s WHERE s.id = ?1", id, "subnet",
                   read_subnet);
}

Result<std::vector<SubnetRecord>> NetworkTables::list_subnets(const std::string& region) {
  return query_rows(store_,
                    std::string("SELECT ") + kSubnetColumns +
                        " FROM subnets s JOIN vpcs v ON v.id = s.vpc_id WHERE v.region = ?1"
                        " ORDER BY v.created_at, s.vpc_id, s.availability_zone, s.cidr",
                    &region, read_subnet);
}

Result<std::vector<SubnetRecord>> NetworkTables::list_subnets_in_vpc(const std::string& vpc_id) {
  return query_rows(store_,
                    std::string("SELECT ") + kSubnetColumns +
                        " FROM subnets s WHERE s.vpc_id = ?1 ORDER BY s.availability_zone, s.cidr",
                    &vpc_id, read_subnet);
}

Status NetworkTables::delete_subnet(const std::string& id) {
  return change_one(store_, "DELETE FROM subnets WHERE id = ?1", id, "subnet");
}

Status NetworkTables::create_security_group(const SecurityGroupRecord& g) {
  auto st = store_.impl().prepare(
      "INSERT INTO security_groups(id, vpc_id, name, description, is_default) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st) return std::move(st).error();
  return st->bind(1, g.id).bind(2, g.vpc_id).bind(3, g.name).bind(4, g.description).bind(5, flag(g.is_default)).run();
}

Result<SecurityGroupRecord> NetworkTables::get_security_group(const std::string& id) {
  return query_one(store_, std::string("SELECT ") + kGroupColumns + " FROM security_groups g WHERE g.id = ?1", id,
                   "security group", read_group);
}

Result<SecurityGroupRecord> NetworkTables::find_security_group(const std::string& vpc_id, const std::string& name) {
  auto st = store_.impl().prepare(std::string("SELECT ") + kGroupColumns +
                                  " FROM security_groups g WHERE g.vpc_id = ?1 AND g.name = ?2");
  if (!st) return std::move(st).error();
  st->bind(1, vpc_id).bind(2, name);
  auto row = st->step();
  if (!row) return std::move(row).error();
  if (!*row) return make_error(Errc::not_found, "security group " + name + " not found in " + vpc_id);
  return read_group(*st);
}

Result<std::vector<SecurityGroupRecord>> NetworkTables::list_security_groups(const std::string& region) {
  return query_rows(store_,
                    std::string("SELECT ") + kGroupColumns +
                        " FROM security_groups g JOIN vpcs v ON v.id = g.vpc_id WHERE v.region = ?1"
                        " ORDER BY v.created_at, g.vpc_id, g.is_default DESC, g.name",
                    &region, read_group);
}

Result<std::vector<SecurityGroupRecord>> NetworkTables::list_security_groups_in_vpc(const std::string& vpc_id) {
  return query_rows(store_,
                    std::string("SELECT ") + kGroupColumns +
                        " FROM security_groups g WHERE g.vpc_id = ?1 ORDER BY g.is_default DESC, g.name",
                    &vpc_id, read_group);
}

Status NetworkTables::delete_security_group(const std::string& id) {
  return change_one(store_, "DELETE FROM security_groups WHERE id = ?1", id, "security group");
}

Status NetworkTables::create_rule(const SecurityGroupRuleRecord& r) {
  auto st = store_.impl().prepare(
      "INSERT INTO security_group_rules(id, group_id, direction, protocol, from_port, to_port, cidr,"
      " referenced_group_id, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st) return std::move(st).error();
  return st->bind(1, r.id).bind(2, r.group_id).bind(3, r.egress ? "egress" : "ingress").bind(4, r.protocol)
      .bind(5, static_cast<std::int64_t>(r.from_port)).bind(6, static_cast<std::int64_t>(r.to_port))
      .bind_optional(7, null_if_empty(r.cidr)).bind_optional(8, null_if_empty(r.referenced_group_id))
      .bind(9, r.description).run();
}

Result<std::vector<SecurityGroupRuleRecord>> NetworkTables::list_rules(const std::string& group_id) {
  // rowid order = creation order, which is how AWS lists a group's permissions.
  return query_rows(store_,
                    std::string("SELECT ") + kRuleColumns + " FROM security_group_rules WHERE group_id = ?1 ORDER BY rowid",
                    &group_id, read_rule);
}

Result<std::vector<SecurityGroupRuleRecord>> NetworkTables::list_rules_referencing(const std::string& group_id) {
  return query_rows(store_,
                    std::string("SELECT ") + kRuleColumns +
                        " FROM security_group_rules WHERE referenced_group_id = ?1 AND group_id <> ?1 ORDER BY rowid",
                    &group_id, read_rule);
}

Status NetworkTables::delete_rule(const std::string& id) {
  return change_one(store_, "DELETE FROM security_group_rules WHERE id = ?1", id, "security group rule");
}

Status NetworkTables::create_peering(VpcPeeringRecord p) {
  if (p.created_at.empty()) p.created_at = now_rfc3339();
  auto st = store_.impl().prepare(
      "INSERT INTO vpc_peerings(id, requester_vpc_id, requester_region, accepter_vpc_id, accepter_region, status,"
      " message, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st) return std::move(st).error();
  return st->bind(1, p.id).bind(2, p.requester_vpc_id).bind(3, p.requester_region).bind(4, p.accepter_vpc_id)
      .bind(5, p.accepter_region).bind(6, p.status).bind(7, p.message).bind(8, p.created_at).bind(9, p.expires_at)
      .run();
}

Result<VpcPeeringRecord> NetworkTables::get_peering(const std::string& id) {
  return query_one(store_, std::string("SELECT ") + kPeeringColumns + " FROM vpc_peerings WHERE id = ?1", id,
                   "vpc peering connection", read_peering);
}

Result<std::vector<VpcPeeringRecord>> NetworkTables::list_peerings(const std::string& region) {
  return query_rows(store_,
                    std::string("SELECT ") + kPeeringColumns +
                        " FROM vpc_peerings WHERE requester_region = ?1 OR accepter_region = ?1 ORDER BY created_at, id",
                    &region, read_peering);
}

Result<std::vector<VpcPeeringRecord>> NetworkTables::list_peerings_of_vpc(const std::string& vpc_id) {
  return query_rows(store_,
                    std::string("SELECT ") + kPeeringColumns +
                        " FROM vpc_peerings WHERE requester_vpc_id = ?1 OR accepter_vpc_id = ?1 ORDER BY created_at, id",
                    &vpc_id, read_peering);
}

Status NetworkTables::update_peering_status(const std::string& id, const std::string& status,
                                            const std::string& message) {
  auto st = store_.impl().prepare("UPDATE vpc_peerings SET status = ?2, message = ?3 WHERE id = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, status).bind(3, message).run(); !s) return s;
  return store_.impl().expect_one_change("vpc peering connection", id);
}

Status NetworkTables::set_directory_network(const DirectoryNetworkRecord& n) {
  auto st = store_.impl().prepare(
      "INSERT INTO directory_networks(directory_id, vpc_id, subnet_ids, security_group_id) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT(directory_id) DO UPDATE SET vpc_id = excluded.vpc_id, subnet_ids = excluded.subnet_ids,"
      " security_group_id = excluded.security_group_id");
  if (!st) return std::move(st).error();
  return st->bind(1, n.directory_id).bind(2, n.vpc_id).bind(3, join_ids(n.subnet_ids)).bind(4, n.security_group_id)
      .run();
}

Result<std::optional<DirectoryNetworkRecord>> NetworkTables::get_directory_network(const std::string& directory_id) {
  auto rows = query_rows(store_,
                         std::string("SELECT ") + kDirectoryNetworkColumns +
                             " FROM directory_networks WHERE directory_id = ?1",
                         &directory_id, read_directory_network);
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<DirectoryNetworkRecord>();
  return std::optional<DirectoryNetworkRecord>(std::move(rows->front()));
}

Result<std::vector<DirectoryNetworkRecord>> NetworkTables::list_directory_networks() {
  return query_rows(store_,
                    std::string("SELECT ") + kDirectoryNetworkColumns + " FROM directory_networks ORDER BY directory_id",
                    nullptr, read_directory_network);
}

Status NetworkTables::delete_directory_network(const std::string& directory_id) {
  return change_one(store_, "DELETE FROM directory_networks WHERE directory_id = ?1", directory_id,
                    "directory network");
}

Result<std::map<std::string, std::vector<ResourceTag>>> NetworkTables::tags(const std::vector<std::string>& ids) {
  std::map<std::string, std::vector<ResourceTag>> out;
  if (ids.empty()) {  // every resource's: one query for a describe call over many resources
    auto st = store_.impl().prepare("SELECT resource_id, key, value FROM ec2_tags ORDER BY resource_id, key");
    if (!st) return std::move(st).error();
    for (;;) {
      auto row = st->step();
      if (!row) return std::move(row).error();
      if (!*row) return out;
      out[st->column_text(0)].push_back({st->column_text(1), st->column_text(2)});
    }
  }
  for (const auto& id : ids) {
    auto st = store_.impl().prepare("SELECT key, value FROM ec2_tags WHERE resource_id = ?1 ORDER BY key");
    if (!st) return std::move(st).error();
    st->bind(1, id);
    auto rows = collect<ResourceTag>(*st, [](sqlite::Statement& r) { return ResourceTag{r.column_text(0), r.column_text(1)}; });
    if (!rows) return std::move(rows).error();
    if (!rows->empty()) out[id] = std::move(*rows);
  }
  return out;
}

Status NetworkTables::put_tags(const std::string& id, const std::vector<ResourceTag>& tags) {
  for (const auto& tag : tags) {
    auto st = store_.impl().prepare(
        "INSERT INTO ec2_tags (resource_id, key, value) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (resource_id, key) DO UPDATE SET value = excluded.value");
    if (!st) return std::move(st).error();
    if (auto s = st->bind(1, id).bind(2, tag.key).bind(3, tag.value).run(); !s) return s;
  }
  return ok_status();
}

Status NetworkTables::delete_tag(const std::string& id, const std::string& key, const std::optional<std::string>& value) {
  auto st = value ? store_.impl().prepare("DELETE FROM ec2_tags WHERE resource_id = ?1 AND key = ?2 AND value = ?3")
                  : store_.impl().prepare("DELETE FROM ec2_tags WHERE resource_id = ?1 AND key = ?2");
  if (!st) return std::move(st).error();
  st->bind(1, id).bind(2, key);
  if (value) st->bind(3, *value);
  return st->run();
}

Status NetworkTables::clear_tags(const std::string& id) {
  auto st = store_.impl().prepare("DELETE FROM ec2_tags WHERE resource_id = ?1");
  if (!st) return std::move(st).error();
  return st->bind(1, id).run();
}

}  // namespace borealis::store
