// The auth-method selector: given what the catalog says about a role and what the connection is,
// decide how this login must authenticate. Pure; the rules are ../shared/DESIGN.md "The auth rules".
#pragma once

#include <optional>
#include <string>

namespace borealis::auth {

// Facts about the role named in the startup packet, read from pg_authid of the target instance.
struct RoleFacts {
  std::string name;  // the role name from the startup packet, only for client-facing messages
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

// The rules, first match wins (method_cases.tsv is the executable table):
//   1. replication connection                  -> refuse 0A000
//   2. role does not exist                     -> mock_scram
//   3. superuser                               -> mock_scram (no superuser is reachable; mock so the
//                                                 name cannot be probed)
//   4. member of rds_ad and rds_iam            -> refuse 28000, naming the conflict
//   5. member of rds_iam                       -> iam_token (refuse 28000 if IAM is off or no TLS)
//   6. member of rds_ad                        -> gss (refuse 28000 if Kerberos is off)
//   7. no SCRAM-SHA-256 verifier in rolpassword -> mock_scram
//   8. rolvaliduntil in the past               -> mock_scram (PostgreSQL also runs the exchange and
//                                                 fails it with the ordinary password failure)
//   9. otherwise                               -> scram
// `can_login` (rolcanlogin) is deliberately NOT consulted here: like PostgreSQL, the gateway checks it
// only AFTER authentication succeeded, so that whether a role may log in is never revealed to someone
// who cannot authenticate as it. For mock_scram the gateway uses make_mock_verifier(); for rule 8 it
// may instead run the exchange against the real verifier with mock=true, exactly like PostgreSQL.
Selection select_method(const RoleFacts& role, const ConnectionFacts& conn);

}  // namespace borealis::auth
