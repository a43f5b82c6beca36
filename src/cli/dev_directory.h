// The Kerberos half of `borealis dev`: a directory corp.example.com, a user alice in it (created with
// the real directory tool, `kadmin -p Admin`, against kadmind), the dev cluster joined to the domain,
// the role "alice@CORP.EXAMPLE.COM" (LOGIN, member of rds_ad) created as the master user through the
// gateway, and a client krb5.conf — then the kinit and psql commands to log alice in.
//
// Secrets: the directory's Admin password and alice's password are generated once and kept only in
// 0600 files in the data dir (dev.directory-admin, dev.alice-password); they reach the Kerberos tools
// on stdin and PostgreSQL never sees them. They are never printed or logged.
#pragma once

#include <string>

#include "server/data_dir.h"
#include "store/store.h"

namespace borealis::cli {

class DevDirectory {
 public:
  explicit DevDirectory(server::DataDir dir, std::string service_user);

  // Before the first reconcile pass: asks for the directory (if absent). Returns the directory id to
  // give the dev cluster as its domain, or an error.
  Result<std::string> ensure_requested(store::Store& store);
  // After every pass: moves the remaining steps along (each is retried until it works). Returns true
  // once everything is ready and the commands have been printed.
  bool after_reconcile(store::Store& store, const std::string& cluster_id);

 private:
  Status create_alice(const store::DirectoryRecord& directory);
  Status create_role(const store::ClusterRecord& cluster, const std::string& role);
  void print(const store::ClusterRecord& cluster, const std::string& principal) const;

  server::DataDir dir_;
  std::string service_user_;
  std::string directory_id_;
  bool alice_ready_ = false;
  bool role_ready_ = false;
  bool printed_ = false;
  bool reported_failure_ = false;
  std::string last_error_;
};

}  // namespace borealis::cli
