// Domain membership of clusters (Kerberos), one idempotent step at a time:
//   join:   the directory must exist and be Active (else enable-kerberos-failed with the reason, tried
//           again every pass, so it repairs itself once the directory is fixed) → enabling-kerberos →
//           postgres/<endpoint host> in the directory (an existing principal is fine) → keytab exported
//           to <data>/gateway/<cluster>.keytab (0600, service user) → kerberos-enabled;
//   leave:  disabling-kerberos → principal and keytab removed → no membership;
//   move:   leave the old directory, then join the new one;
//   rotate: new key (the previous kvno stays), keytab re-exported; after the grace period the
//           previous key is retired and the keytab re-exported with the current key only.
// `domain_joined` is written before anything is created in a directory, so a pass that dies half way
// knows what to undo. Also renders the gateway's krb5.conf and the endpoints' KerberosConfig.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "directory/provider.h"
#include "gateway/config.h"
#include "server/data_dir.h"
#include "server/directory_reconciler.h"
#include "store/store.h"
#include "supervise/service_user.h"

namespace borealis::server {

// Status values, as AWS shows them for PostgreSQL.
inline constexpr std::string_view kEnablingKerberos = "enabling-kerberos";
inline constexpr std::string_view kKerberosEnabled = "kerberos-enabled";
inline constexpr std::string_view kEnableKerberosFailed = "enable-kerberos-failed";
inline constexpr std::string_view kDisablingKerberos = "disabling-kerberos";
inline constexpr std::string_view kPendingEnableKerberos = "pending-enable-kerberos";
inline constexpr std::string_view kPendingDisableKerberos = "pending-disable-kerberos";

// How long a rotated-out key stays valid: a managed realm's maximum ticket life (mit_config.cc,
// max_life = 10h) plus the 5-minute clock skew, so every ticket issued before a rotation can be used
// until it expires. Renewals after the rotation get tickets under the new key.
inline constexpr std::chrono::seconds kDefaultKerberosKeyGrace = std::chrono::hours(10) + std::chrono::minutes(5);

// A failed join precondition is checked again after this long, or at once when the same
// ModifyDBCluster (Domain) is issued again (it clears enable-kerberos-failed). Slow on purpose: the
// check may read IAM, STS and network state, and nothing in it repairs itself quickly.
inline constexpr std::chrono::seconds kDomainJoinRecheck = std::chrono::minutes(5);

// What a join precondition check needs to know about a cluster created through the RDS API.
struct DomainJoinRequest {
  const store::ClusterRecord& cluster;
  std::string iam_role_name;                    // DomainIAMRoleName
  std::string vpc_id;
  std::vector<std::string> security_group_ids;  // VpcSecurityGroupIds
};
// Returns why the cluster cannot join its domain now (IAM role trust/permissions, STS in the region,
// network reachability), in words a person can act on; nullopt when it may. Called on the
// reconciler's thread with its store; must not block for long.
using DomainJoinCheck = std::function<std::optional<std::string>(store::Store&, const DomainJoinRequest&)>;

// The DomainMembership status to show: the reconciler's, or AWS's pending-* value when the desired
// domain differs from what the reconciler has done so far. "" when the cluster has no domain at all.
std::string shown_domain_status(const store::ClusterRecord& cluster);
// The directory the membership is about (desired, or the one still being left).
const std::string& shown_domain(const store::ClusterRecord& cluster);

class Membership {
 public:
  Membership(const DataDir& dir, store::Store& store, directory::DirectoryProvider& provider,
             const DirectoryReconciler& directories, const supervise::ServiceUser& user,
             std::chrono::milliseconds retry_pause = std::chrono::seconds(5),
             std::chrono::seconds key_grace = kDefaultKerberosKeyGrace, DomainJoinCheck join_check = nullptr);

  // Moves one available cluster's membership one pass towards its desired domain.
  Status reconcile(const store::ClusterRecord& cluster);
  // Removes the cluster's principal and keytab from the directory it joined (cluster deletion).
  Status leave(const store::ClusterRecord& cluster);

  // The gateway's view: nullopt unless the cluster is kerberos-enabled in an Active directory.
  std::optional<gateway::KerberosConfig> kerberos_config(const store::ClusterRecord& cluster);
  // Writes <data>/gateway/krb5.conf (0644, no secrets) with every Active directory's realm, only
  // when its text changed. Always written, even without realms, so the gateway's KRB5_CONFIG exists.
  Status write_krb5_conf();

 private:
  Status join(const store::ClusterRecord& c);
  // The injected precondition, for clusters created through the RDS API; nullopt: go ahead.
  Result<std::optional<std::string>> join_problem(const store::ClusterRecord& c);
  Status rotate(const store::ClusterRecord& c, const directory::Directory& d);
  Status retire_previous_key(const store::ClusterRecord& c, const directory::Directory& d);
  Status key_step_failed(const store::ClusterRecord& c, const std::string& what, const Error& e);
  Status set_state(const store::ClusterRecord& c, const std::string& joined, std::string_view status,
                   const std::string& reason);
  Status export_keytab(const store::ClusterRecord& c, const directory::Directory& d, const std::string& principal);
  // The joined directory if it is Active and its daemons run here.
  Result<std::optional<directory::Directory>> usable_directory(const std::string& id, std::string* why);

  const DataDir& dir_;
  store::Store& store_;
  directory::DirectoryProvider& provider_;
  const DirectoryReconciler& directories_;
  const supervise::ServiceUser& user_;
  std::string last_krb5_conf_;
  // After a directory tool failed for a cluster, the next try waits a little: every try spawns
  // kadmin.local, and a broken realm would otherwise get one per second for ever.
  std::map<std::string, std::chrono::steady_clock::time_point> retry_after_;
  std::chrono::milliseconds retry_pause_;
  std::chrono::seconds key_grace_;
  DomainJoinCheck join_check_;
  // When a failed precondition may be checked again (see kDomainJoinRecheck), by cluster id.
  std::map<std::string, std::chrono::steady_clock::time_point> recheck_after_;
};

// The text of the gateway's krb5.conf for these realms (pure; tested).
std::string gateway_krb5_conf(const std::vector<directory::Directory>& directories);

}  // namespace borealis::server
