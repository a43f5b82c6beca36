#include "server/cluster_requests.h"

#include <algorithm>
#include <cctype>

#include "auth/scram.h"
#include "cluster/roles.h"
#include "common/random.h"
#include "server/directory_requests.h"

namespace borealis::server {
namespace {
// The writer instance id appends "-1"; instance ids are limited to 63 characters.
constexpr std::size_t kMaxClusterId = 60;
constexpr int kScramIterations = 4096;  // PostgreSQL's default scram_iterations
constexpr std::size_t kScramSaltBytes = 16;
}  // namespace

std::string EndpointNaming::cluster_host(const std::string& cluster_id) const {
  return cluster_id + ".cluster-" + suffix + "." + region + "." + domain;
}

namespace {
// Where <suffix>.<region>.<domain> starts in a writer endpoint <id>.cluster-<suffix>…, or npos.
std::size_t after_cluster_marker(const std::string& writer_host) {
  constexpr std::string_view kMarker = ".cluster-";
  const auto at = writer_host.find(kMarker);
  return at == std::string::npos ? at : at + kMarker.size();
}
}  // namespace

std::string reader_endpoint_host(const std::string& writer_host) {
  const auto tail = after_cluster_marker(writer_host);
  if (tail == std::string::npos) return "";
  return writer_host.substr(0, tail) + "ro-" + writer_host.substr(tail);
}

std::string instance_endpoint_host(const std::string& writer_host, const std::string& instance_id) {
  const auto tail = after_cluster_marker(writer_host);
  if (tail == std::string::npos) return "";
  return instance_id + "." + writer_host.substr(tail);
}

Result<EndpointNaming> load_endpoint_naming(store::Store& store) {
  EndpointNaming n;
  auto region = store.get_setting("region");
  if (!region.ok()) return std::move(region).error();
  if (*region) n.region = **region;
  else if (auto s = store.set_setting("region", n.region); !s) return std::move(s).error();
  auto suffix = store.get_setting("endpoint_suffix");
  if (!suffix.ok()) return std::move(suffix).error();
  if (*suffix) {
    n.suffix = **suffix;
  } else {
    n.suffix = random::from_alphabet(12, "abcdefghijklmnopqrstuvwxyz0123456789");
    if (auto s = store.set_setting("endpoint_suffix", n.suffix); !s) return std::move(s).error();
  }
  return n;
}

Status validate_rds_identifier(std::string_view what, const std::string& id, std::size_t max_length) {
  // AWS: letters, digits, hyphens; first a letter; no trailing hyphen, no "--".
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_argument, "invalid " + std::string(what) + " \"" + id + "\": " + why);
  };
  if (id.empty() || id.size() > max_length) return bad("must be 1 to " + std::to_string(max_length) + " characters");
  if (!std::isalpha(static_cast<unsigned char>(id[0]))) return bad("must begin with a letter");
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return bad("only letters, digits and hyphens");
  }
  if (id.back() == '-' || id.find("--") != std::string::npos) return bad("no trailing hyphen or two consecutive hyphens");
  return ok_status();
}

Status validate_cluster_id(const std::string& id) { return validate_rds_identifier("DB cluster identifier", id, kMaxClusterId); }

Status validate_master_username(const std::string& name) {
  if (name.empty() || name.size() > 63 || !std::isalpha(static_cast<unsigned char>(name[0])))
    return make_error(Errc::invalid_argument, "master username must be 1 to 63 characters and begin with a letter");
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return make_error(Errc::invalid_argument, "master username may contain only letters, digits and underscores");
  }
  if (cluster::is_reserved_role_name(name))
    return make_error(Errc::invalid_argument, "master username \"" + name + "\" is reserved");
  return ok_status();
}

Status validate_master_password(const Secret& password) {
  // AWS: 8 to 128 printable ASCII characters other than '/', '"', '@' and space.
  std::string_view p = password.reveal();
  if (p.size() < 8 || p.size() > 128)
    return make_error(Errc::invalid_argument, "master password must be 8 to 128 characters");
  for (char c : p) {
    if (c < 0x21 || c > 0x7e || c == '/' || c == '"' || c == '@')
      return make_error(Errc::invalid_argument,
                        "master password may contain printable ASCII characters except '/', '\"', '@' and space");
  }
  return ok_status();
}

Secret make_master_verifier(const Secret& password) {
  std::string salt(kScramSaltBytes, '\0');
  random::fill({reinterpret_cast<std::uint8_t*>(salt.data()), salt.size()});
  auto verifier = auth::make_scram_verifier(password.reveal(), salt, kScramIterations);
  return Secret(auth::format_scram_verifier(verifier));
}

std::string writer_instance_id(const std::string& cluster_id) { return cluster_id + "-1"; }

Result<store::ClusterRecord> request_create_cluster(store::Store& store, CreateClusterRequest request) {
  std::string id = request.id;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (auto s = validate_cluster_id(id); !s) return std::move(s).error();
  if (auto s = validate_master_username(request.master_username); !s) return std::move(s).error();
  if (auto s = validate_master_password(request.master_password); !s) return std::move(s).error();
  if (auto existing = store.get_cluster(id); existing.ok() && !existing->deleted)
    return make_error(Errc::already_exists, "DB cluster " + id + " already exists");
  if (request.domain == "none") request.domain.clear();
  if (!request.domain.empty()) {
    if (auto s = validate_cluster_domain(store, request.domain); !s) return std::move(s).error();
  }
  auto naming = load_endpoint_naming(store);
  if (!naming.ok()) return std::move(naming).error();
  if (!request.region.empty()) naming->region = request.region;  // the host name carries the region

  store::ClusterRecord rec;
  rec.region = naming->region;
  rec.id = id;
  rec.engine = "aurora-postgresql";
  rec.engine_version = request.engine_version;
  rec.master_username = request.master_username;
  rec.master_verifier = std::string(make_master_verifier(request.master_password).reveal());
  rec.port = request.port;
  rec.endpoint_host = naming->cluster_host(id);
  rec.status = "creating";
  rec.iam_auth_enabled = request.iam_auth_enabled;
  rec.domain = request.domain;
  rec.krb_caseins_users = request.krb_caseins_users;
  Result<store::ClusterRecord> created = make_error(Errc::internal, "not created");
  Status tx = store.transaction([&]() -> Status {
    auto address = store.allocate_endpoint_address();
    if (!address.ok()) return std::move(address).error();
    rec.endpoint_address = *address;
    created = store.create_cluster(rec);
    if (!created.ok()) return created.error();
    if (!request.with_writer_instance) return ok_status();
    auto port = store.allocate_socket_port();
    if (!port.ok()) return std::move(port).error();
    store::InstanceRecord inst;
    inst.id = writer_instance_id(id);
    inst.cluster_id = id;
    inst.role = "writer";
    inst.socket_port = *port;
    inst.status = "creating";
    auto i = store.create_instance(inst);
    if (!i.ok()) return std::move(i).error();
    return ok_status();
  });
  if (!tx) return std::move(tx).error();
  return created;
}

Status request_delete_cluster(store::Store& store, const std::string& id) {
  auto c = store.get_cluster(id);
  if (!c.ok() || c->deleted) return make_error(Errc::not_found, "DB cluster " + id + " not found");
  return store.update_cluster_status(id, "deleting");
}

}  // namespace borealis::server
