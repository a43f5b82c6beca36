// One interface for every directory backend: MIT krb5 KDC now (mit_provider.h); Samba AD DC and
// external (customer-run) realms later. The control plane's reconciler drives a provider through a
// directory's stages; a provider owns the realm's on-disk state and its daemons, nothing else.
//
// Contract for every implementation:
//  - every call is idempotent where it can be (start on a running realm, stop on a stopped one);
//  - errors are values and never carry a secret (passwords, keys, keytab bytes);
//  - poll() is called from the owner's loop on the thread that called start() (children die with
//    the thread that forked them).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/secret.h"
#include "directory/directory.h"

namespace borealis::directory {

class DirectoryProvider {
 public:
  virtual ~DirectoryProvider() = default;

  virtual std::string_view kind() const noexcept = 0;  // "mit", later "samba", "external"

  // Creates the realm's database and the `Admin` principal with `admin_password`. Refuses to
  // overwrite an existing realm (already_exists).
  virtual Status create(const Directory& dir, const Secret& admin_password) = 0;
  // Starts the realm's daemons (no-op if running) and waits until they accept connections.
  virtual Status start(const Directory& dir, std::chrono::milliseconds ready_timeout) = 0;
  virtual Status stop(const Directory& dir) = 0;
  // Stops the daemons and removes everything the provider holds for `dir`.
  virtual Status destroy(const Directory& dir) = 0;
  // Restarts crashed daemons; returns the names of daemons that exited since the last call.
  virtual std::vector<std::string> poll() = 0;

  // Service principals (name without realm, e.g. "postgres/db1.internal") get random keys.
  // add returns the new key version number (kvno).
  virtual Result<int> add_service_principal(const Directory& dir, const std::string& name) = 0;
  virtual Status remove_principal(const Directory& dir, const std::string& name) = 0;
  // New random key; the previous key version stays valid (tickets issued before the rotation still
  // decrypt), anything older is purged. Returns the new kvno. Keytabs must be re-exported after.
  virtual Result<int> rotate_key(const Directory& dir, const std::string& name) = 0;
  // Ends the grace period of a rotation: every key version older than the current one is purged, so
  // tickets issued for it stop decrypting. Keytabs must be re-exported after.
  virtual Status retire_previous_keys(const Directory& dir, const std::string& name) = 0;
  // Writes a keytab holding the current and (after a rotation) previous keys of `principals` to
  // `path`: replaced atomically, mode 0600, owned by the service user.
  virtual Status export_keytab(const Directory& dir, const std::string& path,
                               const std::vector<std::string>& principals) = 0;

  // The krb5.conf a client of this directory needs (what `borealis krb5-conf <directory>` prints).
  virtual std::string client_krb5_conf(const Directory& dir) const = 0;
};

}  // namespace borealis::directory
