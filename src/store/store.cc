// SQLite implementation of store::Store (see store.h). Every method is a handful of prepared
// statements; multi-statement changes run in one transaction. Never logs verifiers or setting values.
#include "store/store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>
#include <utility>

#include "common/fd.h"
#include "common/random.h"
#include "store/migrations.h"
#include "store/sqlite.h"
#include "store/store_impl.h"

namespace borealis::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;  // another process (a CLI read) may briefly hold the lock
constexpr int kFirstSocketPort = 6000;
constexpr int kLastSocketPort = 65535;
constexpr int kFirstAddressSubnet = 10;  // 127.0.10.1: stays clear of 127.0.0.x and 127.0.1.1 (Debian's hostname)
constexpr int kDirectorySubnet = 20;     // directories: 127.A.20.N

// Creates the file with 0600 before sqlite opens it, and narrows an existing one, so the store (it
// holds verifiers and the mock-SCRAM secret) is never readable by others, not even for a moment.
// An existing file is never opened here: closing ANY descriptor of a file drops every POSIX lock this
// process holds on it, including those of a Store already open on another thread (the API's and the
// reconciler's connections). Another process (a `borealis` CLI call) closing its connection would then
// believe it was the last one, checkpoint and delete the WAL under us, and our later commits would go
// to a deleted file.
Status ensure_private_file(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return make_error(Errc::io_error, "stat " + path + ": " + std::strerror(errno));
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd) return ok_status();  // new: nobody can hold a lock on it yet
    if (errno != EEXIST) return make_error(Errc::io_error, "create " + path + ": " + std::strerror(errno));
    if (::lstat(path.c_str(), &st) != 0) return make_error(Errc::io_error, "stat " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return make_error(Errc::invalid_argument, path + " is not a regular file");
  if ((st.st_mode & 07777) != 0600 && ::chmod(path.c_str(), 0600) != 0)
    return make_error(Errc::io_error, "chmod " + path + ": " + std::strerror(errno));
  return ok_status();
}

constexpr const char* kClusterColumns =
    "id, engine, engine_version, master_username, master_verifier, port, resource_id, endpoint_host,"
    " endpoint_address, status, iam_auth_enabled, created_at, deleted, domain, domain_joined, domain_status,"
    " domain_reason, krb_caseins_users, krb_rotation_requested, krb_rotation_done, native_direct,"
    " krb_previous_key_until, region";

ClusterRecord read_cluster(const sqlite::Statement& st) {
  ClusterRecord c;
  c.id = st.column_text(0);
  c.engine = st.column_text(1);
  c.engine_version = st.column_text(2);
  c.master_username = st.column_text(3);
  c.master_verifier = st.column_text(4);
  c.port = static_cast<int>(st.column_int64(5));
  c.resource_id = st.column_text(6);
  c.endpoint_host = st.column_text(7);
  c.endpoint_address = st.column_text(8);
  c.status = st.column_text(9);
  c.iam_auth_enabled = st.column_int64(10) != 0;
  c.created_at = st.column_text(11);
  c.deleted = st.column_int64(12) != 0;
  c.domain = st.column_text(13);
  c.domain_joined = st.column_text(14);
  c.domain_status = st.column_text(15);
  c.domain_reason = st.column_text(16);
  c.krb_caseins_users = st.column_int64(17) != 0;
  c.krb_rotation_requested = st.column_int64(18);
  c.krb_rotation_done = st.column_int64(19);
  c.native_direct = st.column_int64(20) != 0;
  c.krb_previous_key_until = st.column_int64(21);
  c.region = st.column_text(22);
  return c;
}

constexpr const char* kDirectoryColumns =
    "id, kind, dns_name, realm, short_name, description, stage, stage_reason, kdc_address, kdc_port, kadmin_port,"
    " kpasswd_port, created_at, deleted";

DirectoryRecord read_directory(const sqlite::Statement& st) {
  DirectoryRecord d;
  d.id = st.column_text(0);
  d.kind = st.column_text(1);
  d.dns_name = st.column_text(2);
  d.realm = st.column_text(3);
  d.short_name = st.column_text(4);
  d.description = st.column_text(5);
  d.stage = st.column_text(6);
  d.stage_reason = st.column_text(7);
  d.kdc_address = st.column_text(8);
  d.kdc_port = static_cast<int>(st.column_int64(9));
  d.kadmin_port = static_cast<int>(st.column_int64(10));
  d.kpasswd_port = static_cast<int>(st.column_int64(11));
  d.created_at = st.column_text(12);
  d.deleted = st.column_int64(13) != 0;
  return d;
}

constexpr const char* kInstanceColumns = "id, cluster_id, role, host, socket_port, status, created_at";

InstanceRecord read_instance(const sqlite::Statement& st) {
  InstanceRecord i;
  i.id = st.column_text(0);
  i.cluster_id = st.column_text(1);
  i.role = st.column_text(2);
  i.host = st.column_text(3);
  i.socket_port = static_cast<int>(st.column_int64(4));
  i.status = st.column_text(5);
  i.created_at = st.column_text(6);
  return i;
}

}  // namespace

std::string generate_cluster_resource_id() {
  return "cluster-" + random::from_alphabet(26, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store> Store::open(const std::string& path) {
  if (auto s = ensure_private_file(path); !s) return std::move(s).error();
  auto db = sqlite::open_db(path);
  if (!db) return std::move(db).error();
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(db).value();
  // WAL: readers never block the writer; synchronous=FULL: a committed change survives power loss
  // (this is the source of truth; writes are rare and small).
  // busy_timeout goes first: switching to WAL needs a lock that another process opening the store
  // at the same moment (the server's first open vs. a CLI call) may hold, and without a busy
  // handler that fails at once with "database is locked".
  const std::string pragmas = "PRAGMA busy_timeout=" + std::to_string(kBusyTimeoutMs) +
                              "; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
  if (auto s = sqlite::exec(impl->raw(), pragmas.c_str()); !s) return std::move(s).error();
  auto version = apply_migrations(impl->raw());
  if (!version) return std::move(version).error();
  impl->version = *version;
  return Store(std::move(impl));
}

int Store::schema_version() const { return impl_->version; }

bool Store::idle() const { return impl_->tx_depth == 0 && sqlite3_get_autocommit(impl_->raw()) != 0; }

Status Store::transaction(const std::function<Status()>& body) { return impl_->in_transaction(body); }

Result<ClusterRecord> Store::create_cluster(ClusterRecord c) {
  if (c.id.empty()) return make_error(Errc::invalid_argument, "cluster id is empty");
  if (c.endpoint_address.empty()) return make_error(Errc::invalid_argument, "cluster endpoint address is empty");
  if (c.resource_id.empty()) c.resource_id = generate_cluster_resource_id();
  if (c.created_at.empty()) c.created_at = now_rfc3339();
  c.deleted = false;
  // Membership is achieved by the reconciler, never asserted by a caller.
  c.domain_joined.clear();
  c.domain_status.clear();
  c.domain_reason.clear();
  c.krb_rotation_requested = c.krb_rotation_done = 0;
  Status s = impl_->in_transaction([&]() -> Status {
    // A soft-deleted cluster with this id is history only; purge it so the id can be reused.
    auto purge = impl_->prepare("DELETE FROM clusters WHERE id = ?1 AND deleted = 1");
    if (!purge) return std::move(purge).error();
    if (auto r = purge->bind(1, c.id).run(); !r) return r;
    auto ins = impl_->prepare(std::string("INSERT INTO clusters (") + kClusterColumns +
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0, ?13, '', '', '', ?14, 0, 0, ?15, 0, ?16)");
    if (!ins) return std::move(ins).error();
    ins->bind(1, c.id).bind(2, c.engine).bind(3, c.engine_version).bind(4, c.master_username)
        .bind(5, c.master_verifier).bind(6, static_cast<std::int64_t>(c.port)).bind(7, c.resource_id)
        .bind(8, c.endpoint_host).bind(9, c.endpoint_address).bind(10, c.status)
        .bind(11, static_cast<std::int64_t>(c.iam_auth_enabled ? 1 : 0)).bind(12, c.created_at)
        .bind(13, c.domain).bind(14, static_cast<std::int64_t>(c.krb_caseins_users ? 1 : 0))
        .bind(15, static_cast<std::int64_t>(c.native_direct ? 1 : 0)).bind(16, c.region);
    return ins->run();
  });
  if (!s) {
    Error e = std::move(s).error();
    if (e.code == Errc::already_exists)
      e.message = "cluster " + c.id + " or its endpoint address/resource id already exists (" + e.message + ")";
    return e;
  }
  impl_->pending_addresses.erase(c.endpoint_address);
  return c;
}

Result<ClusterRecord> Store::get_cluster(const std::string& id) {
  auto st = impl_->prepare(std::string("SELECT ") + kClusterColumns + " FROM clusters WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  st->bind(1, id);
  auto row = st->step();
  if (!row) return std::move(row).error();
  if (!*row) return make_error(Errc::not_found, "cluster " + id + " not found");
  return read_cluster(*st);
}

Result<std::vector<ClusterRecord>> Store::list_clusters() {
  auto st = impl_->prepare(std::string("SELECT ") + kClusterColumns + " FROM clusters WHERE deleted = 0 ORDER BY id");
  if (!st) return std::move(st).error();
  return collect<ClusterRecord>(*st, read_cluster);
}

Status Store::update_cluster_status(const std::string& id, const std::string& status) {
  auto st = impl_->prepare("UPDATE clusters SET status = ?2 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, status).run(); !s) return s;
  return impl_->expect_one_change("cluster", id);
}

Status Store::delete_cluster(const std::string& id) {
  return impl_->in_transaction([&]() -> Status {
    auto del_instances = impl_->prepare("DELETE FROM instances WHERE cluster_id = ?1");
    if (!del_instances) return std::move(del_instances).error();
    if (auto s = del_instances->bind(1, id).run(); !s) return s;
    auto st = impl_->prepare("UPDATE clusters SET deleted = 1, status = 'deleted' WHERE id = ?1 AND deleted = 0");
    if (!st) return std::move(st).error();
    if (auto s = st->bind(1, id).run(); !s) return s;
    return impl_->expect_one_change("cluster", id);
  });
}

Status Store::set_cluster_domain(const std::string& id, const std::string& directory_id) {
  auto st = impl_->prepare("UPDATE clusters SET domain = ?2 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, directory_id).run(); !s) return s;
  return impl_->expect_one_change("cluster", id);
}

Status Store::set_cluster_krb_caseins_users(const std::string& id, bool on) {
  auto st = impl_->prepare("UPDATE clusters SET krb_caseins_users = ?2 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, static_cast<std::int64_t>(on ? 1 : 0)).run(); !s) return s;
  return impl_->expect_one_change("cluster", id);
}

Status Store::set_cluster_previous_key_until(const std::string& id, long long epoch) {
  auto st = impl_->prepare("UPDATE clusters SET krb_previous_key_until = ?2 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, static_cast<std::int64_t>(epoch)).run(); !s) return s;
  return impl_->expect_one_change("cluster", id);
}

Status Store::set_cluster_native_direct(const std::string& id, bool on) {
  auto st = impl_->prepare("UPDATE clusters SET native_direct = ?2 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, static_cast<std::int64_t>(on ? 1 : 0)).run(); !s) return s;
  return impl_->expect_one_change("cluster", id);
}

Result<long long> Store::request_krb_key_rotation(const std::string& id) {
  long long request = 0;
  Status s = impl_->in_transaction([&]() -> Status {
    auto st = impl_->prepare(
        "UPDATE clusters SET krb_rotation_requested = krb_rotation_requested + 1 WHERE id = ?1 AND deleted = 0");
    if (!st) return std::move(st).error();
    if (auto r = st->bind(1, id).run(); !r) return r;
    if (auto r = impl_->expect_one_change("cluster", id); !r) return r;
    auto c = get_cluster(id);
    if (!c) return std::move(c).error();
    request = c->krb_rotation_requested;
    return ok_status();
  });
  if (!s) return std::move(s).error();
  return request;
}

Status Store::update_cluster_membership(const std::string& id, const DomainMembershipState& m) {
  auto st = impl_->prepare(
      "UPDATE clusters SET domain_joined = ?2, domain_status = ?3, domain_reason = ?4 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, m.joined).bind(3, m.status).bind(4, m.reason).run(); !s) return s;
  return impl_->expect_one_change("cluster", id);
}

Status Store::mark_krb_key_rotated(const std::string& id, long long request) {
  auto st = impl_->prepare("UPDATE clusters SET krb_rotation_done = ?2 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, static_cast<std::int64_t>(request)).run(); !s) return s;
  return impl_->expect_one_change("cluster", id);
}

Result<std::vector<ClusterRecord>> Store::clusters_in_directory(const std::string& directory_id) {
  auto st = impl_->prepare(std::string("SELECT ") + kClusterColumns +
                           " FROM clusters WHERE deleted = 0 AND (domain = ?1 OR domain_joined = ?1) ORDER BY id");
  if (!st) return std::move(st).error();
  st->bind(1, directory_id);
  return collect<ClusterRecord>(*st, read_cluster);
}

Result<DirectoryRecord> Store::create_directory(DirectoryRecord d, const Secret& admin_password) {
  if (d.id.empty()) return make_error(Errc::invalid_argument, "directory id is empty");
  if (d.kdc_address.empty()) return make_error(Errc::invalid_argument, "directory KDC address is empty");
  if (d.created_at.empty()) d.created_at = now_rfc3339();
  d.deleted = false;
  Status s = impl_->in_transaction([&]() -> Status {
    auto purge = impl_->prepare("DELETE FROM directories WHERE id = ?1 AND deleted = 1");
    if (!purge) return std::move(purge).error();
    if (auto r = purge->bind(1, d.id).run(); !r) return r;
    auto ins = impl_->prepare(std::string("INSERT INTO directories (") + kDirectoryColumns +
                              ", admin_password) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0, ?14)");
    if (!ins) return std::move(ins).error();
    ins->bind(1, d.id).bind(2, d.kind).bind(3, d.dns_name).bind(4, d.realm).bind(5, d.short_name)
        .bind(6, d.description).bind(7, d.stage).bind(8, d.stage_reason).bind(9, d.kdc_address)
        .bind(10, static_cast<std::int64_t>(d.kdc_port)).bind(11, static_cast<std::int64_t>(d.kadmin_port))
        .bind(12, static_cast<std::int64_t>(d.kpasswd_port)).bind(13, d.created_at)
        .bind(14, std::string(admin_password.reveal()));
    return ins->run();
  });
  if (!s) {
    Error e = std::move(s).error();
    // The message names the directory, never the password (sqlite's constraint text has no values).
    if (e.code == Errc::already_exists)
      e.message = "a directory with id " + d.id + ", name " + d.dns_name + " or address " + d.kdc_address +
                  " already exists";
    return e;
  }
  impl_->pending_addresses.erase(d.kdc_address);
  return d;
}

Result<DirectoryRecord> Store::get_directory(const std::string& id) {
  auto st = impl_->prepare(std::string("SELECT ") + kDirectoryColumns + " FROM directories WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  st->bind(1, id);
  auto row = st->step();
  if (!row) return std::move(row).error();
  if (!*row) return make_error(Errc::not_found, "directory " + id + " not found");
  return read_directory(*st);
}

Result<std::vector<DirectoryRecord>> Store::list_directories() {
  auto st = impl_->prepare(std::string("SELECT ") + kDirectoryColumns +
                           " FROM directories WHERE deleted = 0 ORDER BY created_at, id");
  if (!st) return std::move(st).error();
  return collect<DirectoryRecord>(*st, read_directory);
}

Status Store::update_directory_stage(const std::string& id, const std::string& stage, const std::string& reason) {
  auto st = impl_->prepare("UPDATE directories SET stage = ?2, stage_reason = ?3 WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, stage).bind(3, reason).run(); !s) return s;
  return impl_->expect_one_change("directory", id);
}

Result<std::optional<Secret>> Store::directory_admin_password(const std::string& id) {
  auto st = impl_->prepare("SELECT admin_password FROM directories WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  st->bind(1, id);
  auto row = st->step();
  if (!row) return std::move(row).error();
  if (!*row) return make_error(Errc::not_found, "directory " + id + " not found");
  if (st->column_is_null(0)) return std::optional<Secret>();
  return std::optional<Secret>(Secret(st->column_text(0)));
}

Status Store::clear_directory_admin_password(const std::string& id) {
  auto st = impl_->prepare("UPDATE directories SET admin_password = NULL WHERE id = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).run(); !s) return s;
  return impl_->expect_one_change("directory", id);
}

Status Store::delete_directory(const std::string& id) {
  auto st = impl_->prepare(
      "UPDATE directories SET deleted = 1, stage = 'Deleted', stage_reason = '', admin_password = NULL"
      " WHERE id = ?1 AND deleted = 0");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).run(); !s) return s;
  return impl_->expect_one_change("directory", id);
}

Result<InstanceRecord> Store::create_instance(InstanceRecord i) {
  if (i.id.empty()) return make_error(Errc::invalid_argument, "instance id is empty");
  if (i.role != "writer" && i.role != "reader")
    return make_error(Errc::invalid_argument, "instance role must be writer or reader, not " + i.role);
  if (i.socket_port <= 0 || i.socket_port > kLastSocketPort)
    return make_error(Errc::invalid_argument, "instance socket port out of range");
  if (i.host.empty()) i.host = "local";
  if (i.created_at.empty()) i.created_at = now_rfc3339();
  Status s = impl_->in_transaction([&]() -> Status {
    // The FK only proves the row exists; a soft-deleted cluster must not gain instances.
    if (auto c = get_cluster(i.cluster_id); !c) return std::move(c).error();
    auto ins = impl_->prepare(std::string("INSERT INTO instances (") + kInstanceColumns +
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!ins) return std::move(ins).error();
    ins->bind(1, i.id).bind(2, i.cluster_id).bind(3, i.role).bind(4, i.host)
        .bind(5, static_cast<std::int64_t>(i.socket_port)).bind(6, i.status).bind(7, i.created_at);
    return ins->run();
  });
  if (!s) return std::move(s).error();
  impl_->pending_ports.erase(i.socket_port);
  return i;
}

Result<InstanceRecord> Store::get_instance(const std::string& id) {
  auto st = impl_->prepare(std::string("SELECT ") + kInstanceColumns + " FROM instances WHERE id = ?1");
  if (!st) return std::move(st).error();
  st->bind(1, id);
  auto row = st->step();
  if (!row) return std::move(row).error();
  if (!*row) return make_error(Errc::not_found, "instance " + id + " not found");
  return read_instance(*st);
}

Result<std::vector<InstanceRecord>> Store::list_instances(const std::string& cluster_id) {
  auto st = impl_->prepare(std::string("SELECT ") + kInstanceColumns +
                           " FROM instances WHERE cluster_id = ?1 ORDER BY created_at, id");
  if (!st) return std::move(st).error();
  st->bind(1, cluster_id);
  return collect<InstanceRecord>(*st, read_instance);
}

Result<std::vector<InstanceRecord>> Store::list_all_instances() {
  auto st = impl_->prepare(std::string("SELECT ") + kInstanceColumns + " FROM instances ORDER BY cluster_id, id");
  if (!st) return std::move(st).error();
  return collect<InstanceRecord>(*st, read_instance);
}

Status Store::update_instance_status(const std::string& id, const std::string& status) {
  auto st = impl_->prepare("UPDATE instances SET status = ?2 WHERE id = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).bind(2, status).run(); !s) return s;
  return impl_->expect_one_change("instance", id);
}

Status Store::delete_instance(const std::string& id) {
  auto st = impl_->prepare("DELETE FROM instances WHERE id = ?1");
  if (!st) return std::move(st).error();
  if (auto s = st->bind(1, id).run(); !s) return s;
  return impl_->expect_one_change("instance", id);
}

Result<std::set<std::string>> Store::Impl::used_addresses() {
  // Endpoints and directories share 127.A.0.0/16; neither may take the other's address.
  auto st = prepare("SELECT endpoint_address FROM clusters WHERE deleted = 0"
                    " UNION SELECT kdc_address FROM directories WHERE deleted = 0");
  if (!st) return std::move(st).error();
  auto used = collect<std::string>(*st, [](const sqlite::Statement& s) { return s.column_text(0); });
  if (!used) return std::move(used).error();
  std::set<std::string> taken(used->begin(), used->end());
  taken.insert(pending_addresses.begin(), pending_addresses.end());
  return taken;
}

Result<std::string> Store::Impl::address_prefix(Store& store) {
  auto network = store.get_setting("endpoint_network");
  if (!network) return std::move(network).error();
  std::string prefix = network->value_or("127.0");
  if (!valid_endpoint_network(prefix))
    return make_error(Errc::invalid_argument, "setting endpoint_network must look like 127.N, not \"" + prefix + "\"");
  return prefix;
}

Result<std::string> Store::allocate_directory_address() {
  auto taken = impl_->used_addresses();
  if (!taken) return std::move(taken).error();
  auto prefix = impl_->address_prefix(*this);
  if (!prefix) return std::move(prefix).error();
  for (int m = 1; m <= 254; ++m) {
    std::string addr = *prefix + "." + std::to_string(kDirectorySubnet) + "." + std::to_string(m);
    if (taken->count(addr) != 0) continue;
    impl_->pending_addresses.insert(addr);
    return addr;
  }
  return make_error(Errc::unavailable, "no free loopback directory address left");
}

Result<std::string> Store::allocate_endpoint_address() {
  auto used = impl_->used_addresses();
  if (!used) return std::move(used).error();
  const std::set<std::string>& taken = *used;
  auto network = impl_->address_prefix(*this);
  if (!network) return std::move(network).error();
  const std::string prefix = *network;
  for (int n = kFirstAddressSubnet; n <= 255; ++n) {
    if (n == kDirectorySubnet) continue;  // reserved for directories
    for (int m = 1; m <= 254; ++m) {  // skip .0 and .255: never hand out a network/broadcast-looking address
      std::string addr = prefix + "." + std::to_string(n) + "." + std::to_string(m);
      if (taken.count(addr) != 0) continue;
      impl_->pending_addresses.insert(addr);
      return addr;
    }
  }
  return make_error(Errc::unavailable, "no free loopback endpoint address left");
}

bool Store::valid_endpoint_network(const std::string& prefix) {
  if (prefix.rfind("127.", 0) != 0 || prefix.size() < 5 || prefix.size() > 7) return false;
  const std::string octet = prefix.substr(4);
  if (octet.find_first_not_of("0123456789") != std::string::npos || (octet.size() > 1 && octet[0] == '0')) return false;
  return std::stoi(octet) <= 255;
}

Result<int> Store::allocate_socket_port() {
  auto st = impl_->prepare("SELECT socket_port FROM instances");
  if (!st) return std::move(st).error();
  auto used = collect<int>(*st, [](const sqlite::Statement& s) { return static_cast<int>(s.column_int64(0)); });
  if (!used) return std::move(used).error();
  std::set<int> taken(used->begin(), used->end());
  for (int p = kFirstSocketPort; p <= kLastSocketPort; ++p) {
    if (taken.count(p) != 0 || impl_->pending_ports.count(p) != 0) continue;
    impl_->pending_ports.insert(p);
    return p;
  }
  return make_error(Errc::unavailable, "no free socket port left");
}

Result<std::optional<std::string>> Store::get_setting(const std::string& key) {
  auto st = impl_->prepare("SELECT value FROM settings WHERE key = ?1");
  if (!st) return std::move(st).error();
  st->bind(1, key);
  auto row = st->step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->column_text(0));
}

Status Store::set_setting(const std::string& key, const std::string& value) {
  auto st = impl_->prepare(
      "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st) return std::move(st).error();
  return st->bind(1, key).bind(2, value).run();
}

}  // namespace borealis::store
