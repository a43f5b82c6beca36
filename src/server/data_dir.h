// The layout of borealis's data directory, and its preparation with the right owners and modes:
//   <data>/                 0711 (traversable by the service user, not listable)
//   <data>/borealis.db      0600, the store (desired state)
//   <data>/tls/ca.pem       0644, the CA clients trust (printed by `borealis dev`)
//   <data>/tls/ca.key       0600, owner only (the control plane signs endpoint certificates)
//   <data>/gateway/         0700 service user: config.json and endpoint certificates/keys (0600),
//                           krb5.conf (0644, the gateway's KRB5_CONFIG), <cluster>.keytab (0600),
//                           rcache/ (0700, one replay cache file per Kerberos endpoint)
//   <data>/directories/     0711; <id>/ 0700 service user: an MIT realm (see directory/mit_config.h)
//   <data>/logs/            0711; each log file 0600 owned by the process that writes it
//   <data>/instances, run   see cluster/layout.h
// It must never loosen a mode on an existing secret.
#pragma once

#include <string>

#include "common/result.h"
#include "supervise/service_user.h"

namespace borealis::server {

struct DataDir {
  std::string root;

  std::string store_path() const { return root + "/borealis.db"; }
  std::string tls_dir() const { return root + "/tls"; }
  std::string ca_cert() const { return tls_dir() + "/ca.pem"; }
  std::string ca_key() const { return tls_dir() + "/ca.key"; }
  std::string gateway_dir() const { return root + "/gateway"; }
  std::string gateway_config() const { return gateway_dir() + "/config.json"; }
  std::string endpoint_cert(const std::string& name) const { return gateway_dir() + "/" + name + ".crt"; }
  std::string endpoint_key(const std::string& name) const { return gateway_dir() + "/" + name + ".key"; }
  std::string gateway_krb5_conf() const { return gateway_dir() + "/krb5.conf"; }
  std::string endpoint_keytab(const std::string& name) const { return gateway_dir() + "/" + name + ".keytab"; }
  std::string replay_cache_dir() const { return gateway_dir() + "/rcache"; }
  // Where the control plane answers the gateway's IAM login questions (server/iam_login_service.h).
  std::string iam_login_socket() const { return gateway_dir() + "/iam.sock"; }
  std::string replay_cache(const std::string& name) const { return replay_cache_dir() + "/" + name; }
  std::string logs_dir() const { return root + "/logs"; }
  std::string gateway_log() const { return logs_dir() + "/gateway.log"; }

  // Creates the tree with the modes above; hands the gateway dir to `user`.
  Status prepare(const supervise::ServiceUser& user) const;
};

// --data-dir default: /var/lib/borealis as root, ~/.local/share/borealis otherwise.
std::string default_data_dir();

}  // namespace borealis::server
