// The auth-method selector: given what the catalog says about a role and what the connection is,
// decide how this login must authenticate. Pure; the rules are ../shared/DESIGN.md "The auth rules".
#pragma once

#include <optional>
#include <string>

namespace borealis::auth {

// Facts about the role named in the startup packet, read from pg_authid of the target instance.
struct RoleFacts {
  bool exists = false;
  bool can_login = false;
  bool superuser = false;
  bool replication = false;  // rolreplication
  bool member_of_rds_ad = false;   // direct or nested
  bool member_of_rds_iam = false;  // direct or nested
  std::optional<std::string> rolpassword;  // NULL -> nullopt
  // rolvaliduntil as seconds since the epoch; nullopt = no expiry.
  std::optional<long long> valid_until_epoch;
};

struct ConnectionFacts {
  bool tls = false;            // inside TLS
  bool gss_encrypted = false;  // inside GSSAPI encryption
  bool replication = false;    // startup packet asked for a replication connection
  bool kerberos_enabled = false;  // the cluster is joined to a directory and the gateway has its keytab
  bool iam_enabled = false;       // EnableIAMDatabaseAuthentication on the cluster
  long long now_epoch = 0;
};

enum class Method {
  scram,       // SCRAM-SHA-256 against the role's verifier
  mock_scram,  // a SCRAM exchange that must fail: unknown role / no usable verifier / not allowed
  gss,         // GSSAPI (Kerberos)
  iam_token,   // IAM auth token as a cleartext password inside TLS
  refuse,      // refuse before any exchange, with `client_message`
};

struct Selection {
  Method method = Method::refuse;
  // For `refuse`: the FATAL message the client sees, and its SQLSTATE.
  std::string client_message;
  std::string sqlstate;
  // Why, for the server log (may name things the client must not learn, e.g. "role does not exist").
  std::string log_reason;
};

Selection select_method(const RoleFacts& role, const ConnectionFacts& conn);

}  // namespace borealis::auth
