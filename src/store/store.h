// The control plane's source of truth for desired state: clusters, instances, directories, settings.
// Today backed by SQLite (WAL, foreign keys on, busy_timeout); the interface uses only plain C++
// types so that a second implementation (etcd, for a replicated control plane) can exist later.
//
// Threading: a Store must be used from ONE thread at a time (the control plane owns it; run calls on
// its worker, never on the gateway's event loop). It is movable but not copyable.
// It must never log a verifier or a setting's value.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/secret.h"

namespace borealis::store {

struct ClusterRecord {
  std::string id;                // DBClusterIdentifier
  std::string engine;            // "aurora-postgresql"
  std::string engine_version;
  std::string master_username;
  std::string master_verifier;   // a SCRAM-SHA-256 verifier, never a password
  int port = 5432;               // the endpoint port clients see (on the gateway)
  std::string resource_id;       // "cluster-" + 26 upper-case alphanumerics; generated if empty
  std::string endpoint_host;
  std::string endpoint_address;  // a loopback 127.x address (see allocate_endpoint_address)
  std::string status;
  bool iam_auth_enabled = false;
  std::string created_at;        // RFC 3339 UTC; set by the store if empty
  bool deleted = false;
  // Domain membership (Kerberos). `domain` is desired, the rest is what the reconciler achieved.
  std::string domain;            // directory id to be a member of; "" = none
  std::string domain_joined;     // directory whose principal/keytab exist (or may exist); "" = none
  std::string domain_status;     // "" | enabling-kerberos | kerberos-enabled | enable-kerberos-failed | disabling-kerberos
  std::string domain_reason;     // why enable-kerberos-failed, in words a person can act on
  bool krb_caseins_users = false;  // cluster parameter krb_caseins_users
  // Native-direct Kerberos: PostgreSQL's own GSSAPI on <endpoint address>:<instance socket port>,
  // beside the gateway, while the cluster is kerberos-enabled (for comparison, and as a fallback).
  bool native_direct = false;
  // After a key rotation: until this time (epoch seconds) the previous key stays in the directory and
  // the keytab, so tickets issued before the rotation still work; 0 = no previous key kept.
  long long krb_previous_key_until = 0;
  // The region the cluster lives in (its endpoint name, ARNs, IAM tokens); the API serves it only
  // there. Rows from before v10 got the data dir's region (settings.region) in the migration.
  std::string region;
  long long krb_rotation_requested = 0;  // raised by request_krb_key_rotation
  long long krb_rotation_done = 0;       // the last request the reconciler carried out
};

// What the reconciler records about a cluster's domain membership.
struct DomainMembershipState {
  std::string joined;
  std::string status;
  std::string reason;
};

// A directory (see directory/directory.h for the model). Stages are AWS's strings ("Requested",
// "Creating", "Active", "Failed", "Deleting", "Deleted"); the store does not interpret them.
struct DirectoryRecord {
  std::string id;
  std::string kind = "mit";
  std::string dns_name;
  std::string realm;
  std::string short_name;
  std::string description;
  std::string stage;
  std::string stage_reason;
  std::string kdc_address;
  int kdc_port = 0;
  int kadmin_port = 0;
  int kpasswd_port = 0;
  std::string created_at;  // set by the store if empty
  bool deleted = false;
};

struct InstanceRecord {
  std::string id;
  std::string cluster_id;
  std::string role = "writer";   // "writer" | "reader"
  std::string host = "local";    // placement; always "local" until multi-host exists
  int socket_port = 0;           // names the unix socket .s.PGSQL.<port>
  std::string status;
  std::string created_at;        // set by the store if empty
};

// "cluster-" followed by 26 random upper-case alphanumerics, like Aurora's DbClusterResourceId.
std::string generate_cluster_resource_id();

class Store {
 public:
  // Opens (creating if needed) the store at `path`, forces the file to mode 0600 and applies every
  // pending schema migration.
  static Result<Store> open(const std::string& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  int schema_version() const;
  // True when no transaction is open on this connection (nothing uncommitted, no statement mid-way):
  // the state every request handler and reconcile step must leave behind.
  bool idle() const;

  // Runs `body` in one write transaction: it commits if `body` returns ok and rolls back otherwise
  // (or if the process dies first). Calls made inside `body` join the transaction; nesting
  // transaction() itself is also allowed and simply joins the outer one.
  Status transaction(const std::function<Status()>& body);

  // Clusters. create_cluster fails with already_exists when a live cluster has the id or the
  // endpoint address; a deleted cluster with the same id is purged first (ids can be reused, as in
  // AWS). get/list see live clusters only. delete_cluster is a soft delete that also removes the
  // cluster's instance rows (freeing their socket ports) and its endpoint address.
  Result<ClusterRecord> create_cluster(ClusterRecord cluster);
  Result<ClusterRecord> get_cluster(const std::string& id);
  Result<std::vector<ClusterRecord>> list_clusters();
  Status update_cluster_status(const std::string& id, const std::string& status);
  Status delete_cluster(const std::string& id);
  // Desired domain membership and Kerberos parameters (what `cluster modify` changes).
  Status set_cluster_domain(const std::string& id, const std::string& directory_id);
  Status set_cluster_krb_caseins_users(const std::string& id, bool on);
  Status set_cluster_native_direct(const std::string& id, bool on);
  Status set_cluster_previous_key_until(const std::string& id, long long epoch);
  // Asks for a new service key; returns the new request number.
  Result<long long> request_krb_key_rotation(const std::string& id);
  // Actual membership, written by the reconciler.
  Status update_cluster_membership(const std::string& id, const DomainMembershipState& state);
  Status mark_krb_key_rotated(const std::string& id, long long request);

  // Directories. create_directory keeps `admin_password` until clear_directory_admin_password;
  // already_exists when a live directory has the id, DNS name or KDC address. get/list see live
  // directories only; delete_directory is a soft delete (stage "Deleted") that also drops the password.
  Result<DirectoryRecord> create_directory(DirectoryRecord directory, const Secret& admin_password);
  Result<DirectoryRecord> get_directory(const std::string& id);
  Result<std::vector<DirectoryRecord>> list_directories();
  Status update_directory_stage(const std::string& id, const std::string& stage, const std::string& reason);
  // nullopt once cleared (or never set).
  Result<std::optional<Secret>> directory_admin_password(const std::string& id);
  Status clear_directory_admin_password(const std::string& id);
  Status delete_directory(const std::string& id);
  // Live clusters whose desired or joined domain is `directory_id`.
  Result<std::vector<ClusterRecord>> clusters_in_directory(const std::string& directory_id);

  // Instances. The cluster must exist and be live (not_found otherwise); socket_port must be unique.
  Result<InstanceRecord> create_instance(InstanceRecord instance);
  Result<InstanceRecord> get_instance(const std::string& id);
  Result<std::vector<InstanceRecord>> list_instances(const std::string& cluster_id);
  Result<std::vector<InstanceRecord>> list_all_instances();
  Status update_instance_status(const std::string& id, const std::string& status);
  Status delete_instance(const std::string& id);

  // Returns the lowest free 127.A.N.M (from 127.A.10.1 on; never 127.0.0.x) that no live cluster
  // uses and that this Store has not handed out since it was opened, so two allocations before the
  // rows are written never collide. The UNIQUE index remains the final guard. A is the setting
  // "endpoint_network" ("127.A", default "127.0"), so servers on one host can keep apart.
  Result<std::string> allocate_endpoint_address();
  static bool valid_endpoint_network(const std::string& prefix);
  // Same idea for socket ports, from 6000 up.
  Result<int> allocate_socket_port();
  // A directory's own loopback address, 127.A.20.N (N = 1..254, same "endpoint_network" A), so its
  // daemons can use fixed ports and parallel servers (each with its own A) never collide.
  Result<std::string> allocate_directory_address();

  // Settings (e.g. the mock-SCRAM secret, the account id). nullopt when the key is absent.
  Result<std::optional<std::string>> get_setting(const std::string& key);
  Status set_setting(const std::string& key, const std::string& value);

  // For the table classes in src/store/ (iam_tables.h, network_tables.h, rds_tables.h) only: the
  // definition is in the private store_impl.h, so nothing outside the store can use it.
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::store
