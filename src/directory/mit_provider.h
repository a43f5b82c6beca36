// DirectoryProvider backed by MIT krb5: one realm per directory under <data>/directories/<id>/, its
// krb5kdc and kadmind run under a supervise::Supervisor (as the service user when borealis is root)
// and listen on the directory's loopback address only.
//
// Every tool runs through supervise::Process with an explicit argv and environment. Passwords never
// reach argv or a log: they are written as lines to a 0600 file in the 0700 realm dir and handed to
// the tool as stdin by borealis-stdin-exec (see stdin_exec_main.cc), which unlinks the file before
// exec. Service principals are managed with kadmin.local, which bypasses kadm5.acl; `Admin` manages
// users through kadmind and may not touch postgres/* (see mit_config.cc kadm5_acl()).
//
// Key rotation keeps the database the source of truth: `cpw -randkey -keepold` adds kvno N+1 and
// keeps N, `purgekeys -keepkvno N` drops anything older, and export_keytab writes a fresh keytab
// (`ktadd -norandkey`, all keys in the database) and renames it into place — a running postgres never
// sees a half-written keytab, and the keytab never grows without bound (ktadd -k on an existing file
// would append forever).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "directory/mit_config.h"
#include "directory/provider.h"
#include "supervise/service_user.h"
#include "supervise/supervisor.h"

namespace borealis::directory {

struct MitOptions {
  std::string data_dir;
  supervise::ServiceUser user;
  std::string stdin_exec;  // absolute path of borealis-stdin-exec
  std::string sbin_dir = "/usr/sbin";
  std::string bin_dir = "/usr/bin";  // the client tools (kadmin)
  std::chrono::milliseconds tool_timeout{30'000};
  supervise::RestartPolicy restart{true, std::chrono::milliseconds(200), std::chrono::milliseconds(10'000),
                                   std::chrono::milliseconds(60'000)};
};

class MitProvider final : public DirectoryProvider {
 public:
  explicit MitProvider(MitOptions options);

  std::string_view kind() const noexcept override { return "mit"; }
  Status create(const Directory& dir, const Secret& admin_password) override;
  Status start(const Directory& dir, std::chrono::milliseconds ready_timeout) override;
  Status stop(const Directory& dir) override;
  Status destroy(const Directory& dir) override;
  std::vector<std::string> poll() override;

  Result<int> add_service_principal(const Directory& dir, const std::string& name) override;
  Status remove_principal(const Directory& dir, const std::string& name) override;
  Result<int> rotate_key(const Directory& dir, const std::string& name) override;
  Status retire_previous_keys(const Directory& dir, const std::string& name) override;
  Status export_keytab(const Directory& dir, const std::string& path,
                       const std::vector<std::string>& principals) override;
  std::string client_krb5_conf(const Directory& dir) const override;

  // Runs `kadmin -p Admin -q <query>` against the directory's kadmind, as any user of the directory
  // would (so the kadm5 ACL applies): Admin's password, then `stdin_lines`, are fed on stdin, never
  // argv. Returns the tool's output, which never echoes what it read; kadmin may exit 0 after a
  // failed query, so the caller checks the output ("Principal \"…\" created."). For `borealis dev`.
  Result<std::string> admin_query(const Directory& dir, const Secret& admin_password, const std::string& query,
                                  const std::vector<const Secret*>& stdin_lines);

  // Directory Service's ResetUserPassword: sets a user principal's password with kadmin.local (the
  // password on stdin). not_found when the user does not exist; invalid_argument for a name that is
  // not a plain user (service principals, krbtgt, kadmin/…) or a password that breaks the policy.
  Status reset_user_password(const Directory& dir, const std::string& user, const Secret& password);

  // The highest key version number of `name` in the database.
  Result<int> current_kvno(const Directory& dir, const std::string& name);
  // Supervisor child names, for status and tests.
  static std::string kdc_child(const Directory& dir) { return dir.id + "/krb5kdc"; }
  static std::string kadmind_child(const Directory& dir) { return dir.id + "/kadmind"; }
  const supervise::Supervisor& supervisor() const { return supervisor_; }
  mit::RealmPaths paths(const Directory& dir) const { return mit::realm_paths(options_.data_dir, dir.id); }

 private:
  bool drop_privileges() const;
  std::vector<std::string> tool_env(const mit::RealmPaths& p) const;
  Status write_config(const Directory& dir, const mit::RealmPaths& p);
  // Runs a one-shot tool; returns its combined stdout+stderr. `stdin_lines` (may be empty) are fed on
  // stdin through borealis-stdin-exec. Errors carry the output's tail, which holds no secret (the
  // tools never echo what they read).
  Result<std::string> run_tool(const mit::RealmPaths& p, std::vector<std::string> argv,
                               const std::vector<const Secret*>& stdin_lines);
  Result<std::string> kadmin_local(const Directory& dir, const mit::RealmPaths& p, const std::string& query);
  Status wait_ready(const Directory& dir, std::chrono::milliseconds timeout);

  MitOptions options_;
  supervise::Supervisor supervisor_;
};

}  // namespace borealis::directory
