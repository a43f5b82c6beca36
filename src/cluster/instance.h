// One PostgreSQL instance's lifecycle as the control plane drives it: ensure_initialized (dirs,
// initdb, config) → start (postgres under the Supervisor) → wait_ready → connect_admin → stop.
// postgres runs as the service user, directly (not through pg_ctl), so the Supervisor owns the
// postmaster's PID and restarts it with backoff after a crash.
// Blocking calls; use from the control plane's thread that also drives Supervisor::poll().
// It must never run postgres as root, nor open a TCP port unless native-direct Kerberos is asked for.
#pragma once

#include <chrono>
#include <string>

#include "cluster/admin_connection.h"
#include "cluster/layout.h"
#include "cluster/pg_config.h"
#include "common/result.h"
#include "supervise/service_user.h"
#include "supervise/supervisor.h"

namespace borealis::cluster {

struct InstanceOptions {
  std::string bin_dir = "/usr/lib/postgresql/15/bin";
  int max_connections = 200;
  std::string shared_buffers = "64MB";
  std::map<std::string, std::string> extra_settings;
  std::optional<NativeGss> native_gss;  // native-direct Kerberos: the only way a TCP port opens
  std::chrono::milliseconds fast_shutdown_timeout{30'000};  // SIGINT, then SIGQUIT, then SIGKILL
};

class Instance {
 public:
  Instance(InstanceLayout layout, supervise::ServiceUser user, InstanceOptions options = {});

  // Creates the directories, runs initdb once (a PGDATA without PG_VERSION is wiped and re-initialised:
  // it is the remains of an interrupted initdb) and (re)writes borealis.conf, pg_hba.conf, pg_ident.conf.
  // Idempotent.
  Status ensure_initialized();
  // Registers postgres with the supervisor under child_name(). Refuses if a postmaster that is not
  // ours still runs on this PGDATA.
  Status start(supervise::Supervisor& supervisor);
  // Polls (supervisor.poll() and a libpq connection as borealis_admin) until the server accepts
  // queries or `deadline` passes.
  Status wait_ready(std::chrono::steady_clock::time_point deadline);
  // Fast shutdown through the supervisor; no restart afterwards.
  Status stop();
  Result<AdminConnection> connect_admin(std::chrono::seconds timeout = std::chrono::seconds(5)) const;

  const InstanceLayout& layout() const { return layout_; }
  std::string child_name() const { return "postgres:" + layout_.instance_id; }
  PgSettings pg_settings() const;
  HbaSettings hba_settings() const;
  const InstanceOptions& options() const { return options_; }

 private:
  supervise::ProcessSpec process_spec(std::vector<std::string> argv, const std::string& cwd) const;
  Status run_initdb();

  InstanceLayout layout_;
  supervise::ServiceUser user_;
  InstanceOptions options_;
  supervise::Supervisor* supervisor_ = nullptr;
};

}  // namespace borealis::cluster
