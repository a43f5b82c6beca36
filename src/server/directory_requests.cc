// Directory and domain-membership requests (see directory_requests.h).
#include "server/directory_requests.h"

#include <algorithm>

namespace borealis::server {

Result<store::DirectoryRecord> request_create_directory(store::Store& store, CreateDirectoryRequest request) {
  if (auto s = directory::validate_admin_password(request.admin_password); !s) return std::move(s).error();
  Result<store::DirectoryRecord> created = make_error(Errc::internal, "not created");
  Status tx = store.transaction([&]() -> Status {
    auto address = store.allocate_directory_address();
    if (!address.ok()) return std::move(address).error();
    directory::CreateDirectoryRequest model;
    model.name = request.name;
    model.short_name = request.short_name;
    model.description = request.description;
    model.kdc_address = *address;
    model.kdc_port = kDirectoryKdcPort;
    model.kadmin_port = kDirectoryKadminPort;
    model.kpasswd_port = kDirectoryKpasswdPort;
    auto d = directory::make_directory(model);
    if (!d.ok()) return std::move(d).error();
    auto existing = store.list_directories();
    if (!existing.ok()) return std::move(existing).error();
    for (const auto& other : *existing) {
      // One [realms] entry per realm in the gateway's krb5.conf: two live directories may not share one.
      if (other.dns_name == d->dns_name)
        return make_error(Errc::already_exists, "a directory named " + d->dns_name + " already exists (" + other.id + ")");
    }
    store::DirectoryRecord rec;
    rec.id = d->id;
    rec.kind = "mit";
    rec.dns_name = d->dns_name;
    rec.realm = d->realm;
    rec.short_name = d->short_name;
    rec.description = d->description;
    rec.stage = std::string(directory::to_string(directory::DirectoryStage::requested));
    rec.kdc_address = d->kdc_address;
    rec.kdc_port = d->kdc_port;
    rec.kadmin_port = d->kadmin_port;
    rec.kpasswd_port = d->kpasswd_port;
    created = store.create_directory(rec, request.admin_password);
    if (!created.ok()) return created.error();
    return ok_status();
  });
  if (!tx) return std::move(tx).error();
  return created;
}

Status request_delete_directory(store::Store& store, const std::string& id) {
  auto d = store.get_directory(id);
  if (!d.ok()) return make_error(Errc::not_found, "directory " + id + " not found");
  auto members = store.clusters_in_directory(id);
  if (!members.ok()) return std::move(members).error();
  if (!members->empty()) {
    std::string names;
    for (const auto& c : *members) names += (names.empty() ? "" : ", ") + c.id;
    return make_error(Errc::invalid_argument, "directory " + id + " is still used by DB cluster(s) " + names +
                                                  "; remove them from the domain first (ModifyDBCluster with Domain none, or `borealis cluster modify --domain none`)");
  }
  const std::string deleting(directory::to_string(directory::DirectoryStage::deleting));
  if (d->stage == deleting) return ok_status();
  return store.update_directory_stage(id, deleting, "");
}

Result<directory::Directory> to_directory(const store::DirectoryRecord& r) {
  auto stage = directory::stage_from_string(r.stage);
  if (!stage) return make_error(Errc::internal, "directory " + r.id + " has an unknown stage '" + r.stage + "'");
  auto port = [](int p) { return static_cast<std::uint16_t>(std::clamp(p, 0, 65535)); };
  directory::Directory d;
  d.id = r.id;
  d.dns_name = r.dns_name;
  d.realm = r.realm;
  d.short_name = r.short_name;
  d.description = r.description;
  d.stage = *stage;
  d.stage_reason = r.stage_reason;
  d.kdc_address = r.kdc_address;
  d.kdc_port = port(r.kdc_port);
  d.kadmin_port = port(r.kadmin_port);
  d.kpasswd_port = port(r.kpasswd_port);
  return d;
}

Status validate_cluster_domain(store::Store& store, const std::string& directory_id) {
  if (!directory::valid_directory_id(directory_id))
    return make_error(Errc::invalid_argument, "invalid domain \"" + directory_id + "\": expected a directory id d-<10 hex>");
  auto d = store.get_directory(directory_id);
  if (!d.ok()) {
    if (d.error().code == Errc::not_found) return make_error(Errc::not_found, "domain " + directory_id + " not found");
    return std::move(d).error();
  }
  return ok_status();
}

Status request_modify_cluster(store::Store& store, const ModifyClusterRequest& r) {
  return store.transaction([&]() -> Status {
    auto c = store.get_cluster(r.id);
    if (!c.ok() || c->status == "deleting") return make_error(Errc::not_found, "DB cluster " + r.id + " not found");
    if (r.domain) {
      const std::string domain = (*r.domain == "none") ? "" : *r.domain;
      if (!domain.empty()) {
        if (auto s = validate_cluster_domain(store, domain); !s) return s;
      }
      if (auto s = store.set_cluster_domain(c->id, domain); !s) return s;
      c->domain = domain;
    }
    if (r.krb_caseins_users) {
      if (auto s = store.set_cluster_krb_caseins_users(c->id, *r.krb_caseins_users); !s) return s;
    }
    if (r.native_direct) {
      if (auto s = store.set_cluster_native_direct(c->id, *r.native_direct); !s) return s;
    }
    if (r.rotate_kerberos_key) {
      if (c->domain.empty())
        return make_error(Errc::invalid_argument, "DB cluster " + r.id + " is not a member of a domain: no Kerberos key to rotate");
      if (auto n = store.request_krb_key_rotation(c->id); !n.ok()) return std::move(n).error();
    }
    return ok_status();
  });
}

}  // namespace borealis::server
