// The gateway's configuration, written by the control plane (a versioned JSON file in the data
// dir, 0600) and watched by the gateway. The gateway never guesses routes or auth settings: what is
// not in this file does not exist for it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cidr.h"
#include "common/result.h"
#include "common/secret.h"

namespace borealis::gateway {

struct InstanceTarget {
  std::string id;
  std::string socket_dir;   // the instance's private unix-socket directory (0700)
  int socket_port = 0;      // .s.PGSQL.<socket_port>
  int max_backends = 100;   // pooled backends this gateway may open to the instance
};

// Kerberos (GSSAPI) for one endpoint: present only while the cluster is a member of a directory's
// domain and the control plane has exported the endpoint's keytab.
struct KerberosConfig {
  std::string realm;              // the directory's realm: a client principal must be in it
  std::string service_principal;  // "postgres/<endpoint host>@REALM"
  std::string keytab;             // absolute path; 0600, owned by the gateway's OS user
  std::string replay_cache;       // absolute path of the replay cache file, inside the data dir
  bool caseins_users = false;     // cluster parameter krb_caseins_users
};

// Security-group ingress for clients (EC2 model): a client whose address no rule admits is refused
// before anything else. Absent for clusters without security groups (made by `borealis cluster create`).
// Rules that name another security group cannot be matched to a client address and are not here.
struct ClientSources {
  std::vector<std::string> security_groups;  // ids, for the refusal message and the log
  std::vector<Ipv4Cidr> allowed;             // empty: nobody may connect
};

struct EndpointConfig {
  std::string name;        // endpoint identifier (cluster id for a writer endpoint)
  std::string cluster_id;
  std::string host;        // DNS name clients use (TLS certificate and, later, Kerberos SPN)
  std::string address;     // loopback address the listener binds
  int port = 5432;
  std::string tls_cert;    // PEM chain; empty = no TLS on this endpoint
  std::string tls_key;
  InstanceTarget instance;
  bool iam_enabled = false;
  std::optional<KerberosConfig> kerberos;  // nullopt: Kerberos logins are refused
  std::optional<ClientSources> client_sources;  // nullopt: every client address may connect
};

struct GatewayConfig {
  long long version = 0;
  // The role the catalog connects as (see cluster/roles.h: it can only call borealis.role_facts).
  std::string catalog_user = "borealis_gateway";
  // Salt source for mock SCRAM exchanges: the same unknown user always sees the same salt.
  Secret mock_secret;
  int auth_timeout_s = 60;          // a client must finish authenticating within this
  int pool_idle_timeout_s = 600;    // an idle pooled backend is closed after this
  int queue_timeout_s = 30;         // a client waits this long for a backend when the pool is full
  int shutdown_timeout_s = 30;      // graceful shutdown waits this long for clients to leave
  int max_clients = 10000;
  // The control plane's unix socket that checks IAM tokens (auth/iam_exchange.h). Empty, or nobody
  // listening: IAM token logins are refused, closed; SCRAM and Kerberos logins do not need it.
  std::string iam_login_socket;
  std::vector<EndpointConfig> endpoints;
};

Result<GatewayConfig> parse_gateway_config(std::string_view json);
std::string render_gateway_config(const GatewayConfig& config);

}  // namespace borealis::gateway
