// Domain membership of clusters (see membership.h).
#include "server/membership.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "common/fs.h"
#include "common/log.h"
#include "directory/mit_config.h"
#include "server/directory_requests.h"
#include "store/rds_tables.h"

namespace borealis::server {
namespace {

constexpr std::string_view kComponent = "server";

Status remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return make_error(Errc::io_error, "remove " + path + ": " + std::strerror(errno));
  return ok_status();
}

}  // namespace

std::string gateway_krb5_conf(const std::vector<directory::Directory>& directories) {
  // rdns/dns_canonicalize_hostname off: the acceptor's principal is exactly postgres/<endpoint host>,
  // never a name MIT found in DNS. No default_realm: every principal the gateway handles is qualified.
  std::string out =
      "# Written by borealis for the gateway (KRB5_CONFIG); rewritten when directories change.\n"
      "[libdefaults]\n";
  out += directory::mit::no_dns_libdefaults();
  out += "\n[realms]\n";
  for (const auto& d : directories) {
    out += fmt::format("    {} = {{\n        kdc = {}:{}\n    }}\n", d.realm, d.kdc_address, d.kdc_port);
  }
  return out;
}

Membership::Membership(const DataDir& dir, store::Store& store, directory::DirectoryProvider& provider,
                       const DirectoryReconciler& directories, const supervise::ServiceUser& user,
                       std::chrono::milliseconds retry_pause, std::chrono::seconds key_grace,
                       DomainJoinCheck join_check)
    : dir_(dir),
      store_(store),
      provider_(provider),
      directories_(directories),
      user_(user),
      retry_pause_(retry_pause),
      key_grace_(key_grace),
      join_check_(std::move(join_check)) {}

const std::string& shown_domain(const store::ClusterRecord& c) { return c.domain.empty() ? c.domain_joined : c.domain; }

std::string shown_domain_status(const store::ClusterRecord& c) {
  if (shown_domain(c).empty()) return "";
  if (c.domain.empty() && c.domain_status != kDisablingKerberos) return std::string(kPendingDisableKerberos);
  if (!c.domain.empty() && c.domain_joined != c.domain && c.domain_status != kEnableKerberosFailed &&
      c.domain_status != kDisablingKerberos)
    return std::string(kPendingEnableKerberos);
  if (c.domain_status.empty()) return std::string(kPendingEnableKerberos);
  return c.domain_status;
}

Result<std::optional<std::string>> Membership::join_problem(const store::ClusterRecord& c) {
  if (!join_check_) return std::optional<std::string>();
  store::RdsTables rds(store_);
  // Clusters made by `borealis cluster create` have no IAM role or VPC to check: the CLI's joins
  // stay as they were.
  auto api = rds.has_cluster_fields(c.id);
  if (!api.ok()) return std::move(api).error();
  if (!*api) return std::optional<std::string>();
  auto fields = rds.cluster_fields(c.id);
  if (!fields.ok()) return std::move(fields).error();
  DomainJoinRequest request{c, fields->domain_iam_role_name, fields->vpc_id, fields->vpc_security_group_ids};
  return join_check_(store_, request);
}

namespace {
long long epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

Status Membership::set_state(const store::ClusterRecord& c, const std::string& joined, std::string_view status,
                             const std::string& reason) {
  if (c.domain_joined == joined && c.domain_status == status && c.domain_reason == reason) return ok_status();
  return store_.update_cluster_membership(c.id, {joined, std::string(status), reason});
}

Result<std::optional<directory::Directory>> Membership::usable_directory(const std::string& id, std::string* why) {
  auto r = store_.get_directory(id);
  if (!r.ok()) {
    if (r.error().code != Errc::not_found) return std::move(r).error();
    *why = "directory " + id + " does not exist";
    return std::optional<directory::Directory>();
  }
  if (r->stage != directory::to_string(directory::DirectoryStage::active)) {
    *why = "directory " + id + " is " + r->stage + (r->stage_reason.empty() ? "" : " (" + r->stage_reason + ")") +
           ", not Active";
    return std::optional<directory::Directory>();
  }
  if (!directories_.running(id)) {
    *why = "the KDC of directory " + id + " is not running" +
           (r->stage_reason.empty() ? "" : ": " + r->stage_reason);
    return std::optional<directory::Directory>();
  }
  auto d = to_directory(*r);
  if (!d.ok()) return std::move(d).error();
  return std::optional<directory::Directory>(std::move(*d));
}

Status Membership::reconcile(const store::ClusterRecord& c) {
  if (!c.domain_joined.empty() && c.domain_joined != c.domain) {
    // Leaving, or moving: undo the old membership completely before anything happens in the new one.
    if (auto s = leave(c); !s) return s;
    if (c.domain.empty()) return ok_status();
    store::ClusterRecord left = c;
    left.domain_joined.clear();
    left.domain_status.clear();
    left.domain_reason.clear();
    return join(left);
  }
  if (c.domain.empty()) {
    // Never joined (e.g. a join that failed before it started): nothing to undo but the status.
    if (auto s = remove_file(dir_.endpoint_keytab(c.id)); !s) return s;
    return set_state(c, "", "", "");
  }
  return join(c);
}

Status Membership::export_keytab(const store::ClusterRecord& c, const directory::Directory& d,
                                 const std::string& principal) {
  return provider_.export_keytab(d, dir_.endpoint_keytab(c.id), {principal});
}

Status Membership::join(const store::ClusterRecord& c) {
  std::string why;
  auto usable = usable_directory(c.domain, &why);
  if (!usable.ok()) return std::move(usable).error();
  if (!*usable) {
    if (c.domain_status != kEnableKerberosFailed || c.domain_reason != why)
      log::warn(kComponent, "cluster {} cannot join domain {}: {}", c.id, c.domain, why);
    return set_state(c, c.domain_joined, kEnableKerberosFailed, why);
  }
  const directory::Directory& d = **usable;
  if (c.domain_status != kKerberosEnabled || c.domain_joined != c.domain) {
    // A precondition that failed is not re-checked every pass; re-issuing the same ModifyDBCluster
    // clears enable-kerberos-failed and so asks for a check at once.
    auto pending = recheck_after_.find(c.id);
    if (pending != recheck_after_.end()) {
      if (c.domain_status == kEnableKerberosFailed && std::chrono::steady_clock::now() < pending->second)
        return ok_status();
      recheck_after_.erase(pending);
    }
    auto problem = join_problem(c);
    if (!problem.ok()) return std::move(problem).error();
    if (*problem) {
      recheck_after_[c.id] = std::chrono::steady_clock::now() + kDomainJoinRecheck;
      log::warn(kComponent, "cluster {} cannot join domain {}: {}", c.id, c.domain, **problem);
      return set_state(c, c.domain_joined, kEnableKerberosFailed, **problem);
    }
  }
  auto principal = directory::postgres_service_principal(c.endpoint_host);
  if (!principal.ok()) return set_state(c, c.domain_joined, kEnableKerberosFailed, principal.error().message);
  const std::string keytab = dir_.endpoint_keytab(c.id);

  if (auto it = retry_after_.find(c.id); it != retry_after_.end()) {
    if (std::chrono::steady_clock::now() < it->second) return ok_status();
    retry_after_.erase(it);
  }
  if (c.domain_status == kKerberosEnabled && c.domain_joined == c.domain && fs::exists(keytab)) {
    if (c.krb_rotation_requested > c.krb_rotation_done) return rotate(c, d);
    if (c.krb_previous_key_until != 0 && epoch_now() >= c.krb_previous_key_until) return retire_previous_key(c, d);
    return ok_status();  // the steady state: no tool runs
  }

  // Recorded first: from here on a crash leaves a principal that leave() knows to remove.
  if (auto s = set_state(c, c.domain, kEnablingKerberos, ""); !s) return s;
  store::ClusterRecord now = c;
  now.domain_joined = c.domain;
  now.domain_status = kEnablingKerberos;
  now.domain_reason.clear();
  auto failed = [&](const std::string& what, const Error& e) -> Status {
    retry_after_[c.id] = std::chrono::steady_clock::now() + retry_pause_;
    const std::string reason = what + ": " + e.message;
    if (auto s = set_state(now, c.domain, kEnableKerberosFailed, reason); !s) return s;
    return make_error(e.code, reason);
  };
  auto kvno = provider_.add_service_principal(d, *principal);
  if (!kvno.ok() && kvno.error().code != Errc::already_exists)
    return failed("adding " + *principal + " to directory " + d.id, kvno.error());
  if (auto s = export_keytab(c, d, *principal); !s) return failed("exporting the keytab", s.error());
  // A fresh membership has a fresh key: rotations asked for before it are satisfied.
  if (c.krb_rotation_requested > c.krb_rotation_done) {
    if (auto s = store_.mark_krb_key_rotated(c.id, c.krb_rotation_requested); !s) return s;
  }
  if (auto s = set_state(now, c.domain, kKerberosEnabled, ""); !s) return s;
  log::info(kComponent, "cluster {} joined domain {} as {}@{}", c.id, d.id, *principal, d.realm);
  return ok_status();
}

Status Membership::key_step_failed(const store::ClusterRecord& c, const std::string& what, const Error& e) {
  // A failed key step leaves a working keytab: the membership stays enabled, the reason says what
  // went wrong, and the step is tried again after a pause.
  retry_after_[c.id] = std::chrono::steady_clock::now() + retry_pause_;
  const std::string reason = what + ": " + e.message;
  if (auto s = set_state(c, c.domain_joined, kKerberosEnabled, reason); !s) return s;
  return make_error(e.code, reason);
}

Status Membership::rotate(const store::ClusterRecord& c, const directory::Directory& d) {
  auto principal = directory::postgres_service_principal(c.endpoint_host);
  if (!principal.ok()) return std::move(principal).error();
  // The old keytab still works: the membership stays enabled.
  auto note = [&](const std::string& what, const Error& e) { return key_step_failed(c, "key rotation failed: " + what, e); };
  auto kvno = provider_.rotate_key(d, *principal);
  if (!kvno.ok()) return note("new key for " + *principal, kvno.error());
  if (auto s = export_keytab(c, d, *principal); !s) return note("exporting the keytab", s.error());
  if (auto s = store_.mark_krb_key_rotated(c.id, c.krb_rotation_requested); !s) return s;
  // A rotation during another's grace period restarts it: the keytab holds the two newest keys.
  if (auto s = store_.set_cluster_previous_key_until(c.id, epoch_now() + key_grace_.count()); !s) return s;
  if (auto s = set_state(c, c.domain_joined, kKerberosEnabled, ""); !s) return s;
  log::info(kComponent, "cluster {}: rotated the key of {}@{} to kvno {}; the previous key stays valid for {} s", c.id,
            *principal, d.realm, *kvno, key_grace_.count());
  return ok_status();
}

Status Membership::retire_previous_key(const store::ClusterRecord& c, const directory::Directory& d) {
  auto principal = directory::postgres_service_principal(c.endpoint_host);
  if (!principal.ok()) return std::move(principal).error();
  // Keeping the previous key longer is safe for logins.
  auto note = [&](const std::string& what, const Error& e) {
    return key_step_failed(c, "retiring the previous key failed: " + what, e);
  };
  if (auto s = provider_.retire_previous_keys(d, *principal); !s) return note("purging old keys of " + *principal, s.error());
  if (auto s = export_keytab(c, d, *principal); !s) return note("exporting the keytab", s.error());
  if (auto s = store_.set_cluster_previous_key_until(c.id, 0); !s) return s;
  if (auto s = set_state(c, c.domain_joined, kKerberosEnabled, ""); !s) return s;
  log::info(kComponent, "cluster {}: the grace period of {}@{}'s previous key ended; the keytab holds the current key only",
            c.id, *principal, d.realm);
  return ok_status();
}

Status Membership::leave(const store::ClusterRecord& c) {
  const std::string joined = c.domain_joined;
  if (!joined.empty()) {
    if (auto s = set_state(c, joined, kDisablingKerberos, ""); !s) return s;
    auto r = store_.get_directory(joined);
    if (r.ok() && r->stage == directory::to_string(directory::DirectoryStage::active)) {
      auto d = to_directory(*r);
      if (!d.ok()) return std::move(d).error();
      auto principal = directory::postgres_service_principal(c.endpoint_host);
      if (!principal.ok()) return std::move(principal).error();
      // kadmin.local works on the database directly: this does not need the KDC to be up.
      auto removed = provider_.remove_principal(*d, *principal);
      if (!removed && removed.error().code != Errc::not_found) {
        store::ClusterRecord now = c;
        now.domain_status = kDisablingKerberos;
        const std::string reason = "removing " + *principal + " from directory " + joined + ": " + removed.error().message;
        (void)set_state(now, joined, kDisablingKerberos, reason);
        return make_error(removed.error().code, reason);
      }
    }
    // A directory that is gone, Failed or being deleted takes its principals with it.
  }
  if (auto s = remove_file(dir_.endpoint_keytab(c.id)); !s) return s;
  if (auto s = remove_file(dir_.replay_cache(c.id)); !s) return s;
  if (c.krb_previous_key_until != 0) {
    if (auto s = store_.set_cluster_previous_key_until(c.id, 0); !s) return s;
  }
  if (!joined.empty()) {
    store::ClusterRecord now = c;
    now.domain_status = kDisablingKerberos;
    now.domain_reason.clear();
    if (auto s = set_state(now, "", "", ""); !s) return s;
    log::info(kComponent, "cluster {} left domain {}", c.id, joined);
  }
  return ok_status();
}

std::optional<gateway::KerberosConfig> Membership::kerberos_config(const store::ClusterRecord& c) {
  if (c.domain_status != kKerberosEnabled || c.domain_joined.empty() || c.domain_joined != c.domain) return std::nullopt;
  // Not tied to the KDC running: accepting a ticket needs only the keytab, so clients holding a
  // service ticket keep logging in while the supervisor brings a crashed KDC back.
  auto r = store_.get_directory(c.domain_joined);
  if (!r.ok() || r->stage != directory::to_string(directory::DirectoryStage::active)) return std::nullopt;
  auto principal = directory::postgres_service_principal(c.endpoint_host);
  if (!principal.ok()) return std::nullopt;
  gateway::KerberosConfig k;
  k.realm = r->realm;
  k.service_principal = *principal + "@" + r->realm;
  k.keytab = dir_.endpoint_keytab(c.id);
  k.replay_cache = dir_.replay_cache(c.id);
  k.caseins_users = c.krb_caseins_users;
  return k;
}

Status Membership::write_krb5_conf() {
  if (!fs::exists(dir_.replay_cache_dir())) {
    if (auto s = fs::ensure_dir(dir_.replay_cache_dir(), 0700); !s) return s;
    if (!user_.is_current_user) {
      if (auto s = fs::chown_path(dir_.replay_cache_dir(), user_.uid, user_.gid); !s) return s;
    }
  }
  auto list = store_.list_directories();
  if (!list.ok()) return std::move(list).error();
  std::vector<directory::Directory> realms;
  for (const auto& r : *list) {
    if (r.stage != directory::to_string(directory::DirectoryStage::active)) continue;
    auto d = to_directory(r);
    if (d.ok()) realms.push_back(std::move(*d));
  }
  std::string text = gateway_krb5_conf(realms);
  const std::string path = dir_.gateway_krb5_conf();
  if (text == last_krb5_conf_ && fs::exists(path)) return ok_status();
  // Atomic replace: MIT re-reads the profile when its mtime changes and never sees half a file.
  if (auto s = fs::write_file_atomic(path, text, 0644); !s) return s;
  if (!user_.is_current_user) {
    if (auto s = fs::chown_path(path, user_.uid, user_.gid); !s) return s;
  }
  last_krb5_conf_ = std::move(text);
  log::info(kComponent, "gateway krb5.conf written ({} realm(s))", realms.size());
  return ok_status();
}

}  // namespace borealis::server
