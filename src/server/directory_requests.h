// Desired-state changes for directories and for the domain membership of clusters, as the CLI makes
// them today and the Directory Service / RDS APIs will tomorrow: validate, write the store, return.
// The reconciler (directory_reconciler.h, membership.h) does the work.
//
// The directory's admin password is written to the store (0600) only until the realm exists; it
// never appears in an error message or a log line.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "common/secret.h"
#include "directory/directory.h"
#include "store/store.h"

namespace borealis::server {

// Every directory gets its own loopback address (store::allocate_directory_address), so the daemons
// use the same ports everywhere. Above 1024: the daemons run as the unprivileged service user.
inline constexpr int kDirectoryKdcPort = 1088;
inline constexpr int kDirectoryKadminPort = 1749;
inline constexpr int kDirectoryKpasswdPort = 1464;

struct CreateDirectoryRequest {
  std::string name;        // DNS name, e.g. corp.example.com
  std::string short_name;  // optional
  std::string description;
  Secret admin_password;
};

Result<store::DirectoryRecord> request_create_directory(store::Store& store, CreateDirectoryRequest request);
// Refuses (invalid_argument) while a cluster is a member of the directory or is being joined to it,
// as AWS refuses to delete a directory with authorised applications: the caller first moves those
// clusters out (`cluster modify --domain none`).
Status request_delete_directory(store::Store& store, const std::string& id);

// store::DirectoryRecord <-> directory::Directory.
Result<directory::Directory> to_directory(const store::DirectoryRecord& record);

// `cluster modify`: each field set is changed; unset fields stay.
struct ModifyClusterRequest {
  std::string id;
  std::optional<std::string> domain;  // a directory id, or "" / "none" to leave the domain
  std::optional<bool> krb_caseins_users;
  bool rotate_kerberos_key = false;
  std::optional<bool> native_direct;  // PostgreSQL's own GSSAPI beside the gateway (while kerberos-enabled)
};

// The domain must name a live directory (not_found otherwise, as AWS's DomainNotFoundFault); a
// directory that is not Active yet is accepted and the membership waits (enable-kerberos-failed with
// the reason) until it is.
Status validate_cluster_domain(store::Store& store, const std::string& directory_id);
Status request_modify_cluster(store::Store& store, const ModifyClusterRequest& request);

}  // namespace borealis::server
