// select_method: who must authenticate how (../shared/DESIGN.md "The auth rules"). A pure function of
// catalog facts and connection facts, tested from method_cases.tsv. Client messages never reveal
// whether a role exists; only refusals that follow from a role's configured method name it.
#include "auth/method.h"

#include "auth/scram.h"

namespace borealis::auth {
namespace {

// SQLSTATEs used for refusals before any exchange.
constexpr char kFeatureNotSupported[] = "0A000";
constexpr char kInvalidAuthorizationSpecification[] = "28000";

Selection refuse(const char* sqlstate, std::string message, std::string log_reason) {
  Selection s;
  s.method = Method::refuse;
  s.sqlstate = sqlstate;
  s.client_message = std::move(message);
  s.log_reason = std::move(log_reason);
  return s;
}

Selection choose(Method method, std::string log_reason) {
  Selection s;
  s.method = method;
  s.log_reason = std::move(log_reason);
  return s;
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

}  // namespace

Selection select_method(const RoleFacts& role, const ConnectionFacts& conn) {
  // 1. Before looking at the role at all: the answer must not depend on whether it exists.
  if (conn.replication) {
    return refuse(kFeatureNotSupported, "replication connections are not supported through the borealis gateway",
                  "replication connection refused");
  }
  // 2./3. Both end in a failing SCRAM exchange that looks exactly like a wrong password.
  if (!role.exists) return choose(Method::mock_scram, "role does not exist");
  if (role.superuser) return choose(Method::mock_scram, "superuser logins are refused by the gateway");
  // borealis_* roles are the control plane's and the gateway's own (see cluster/roles.h); on
  // PostgreSQL 15 a CREATEROLE master could give one a password, so they never log in from outside.
  if (role.name.rfind("borealis_", 0) == 0) {
    return choose(Method::mock_scram, "internal borealis roles cannot log in through the gateway");
  }
  // 4. Kerberos and IAM are mutually exclusive; AWS refuses such a role outright.
  if (role.member_of_rds_ad && role.member_of_rds_iam) {
    const std::string msg = "role " + quoted(role.name) +
                            " is a member of both rds_ad and rds_iam; a role may use Kerberos or IAM "
                            "authentication, not both";
    return refuse(kInvalidAuthorizationSpecification, msg, msg);
  }
  // 5. rds_iam takes precedence over a password, also for the master user.
  if (role.member_of_rds_iam) {
    if (!conn.iam_enabled) {
      const std::string msg = "IAM database authentication is not enabled for this cluster (role " + quoted(role.name) +
                              " is a member of rds_iam)";
      return refuse(kInvalidAuthorizationSpecification, msg, msg);
    }
    // The token is a bearer credential sent as a cleartext password; without TLS it would be exposed.
    if (!conn.tls) {
      return refuse(kInvalidAuthorizationSpecification, "IAM authentication requires an SSL connection",
                    "IAM token login without TLS refused");
    }
    return choose(Method::iam_token, "role is a member of rds_iam");
  }
  // 6. Kerberos roles log in only with GSSAPI.
  if (role.member_of_rds_ad) {
    if (!conn.kerberos_enabled) {
      const std::string msg = "Kerberos authentication is not enabled for this cluster (role " + quoted(role.name) +
                              " is a member of rds_ad)";
      return refuse(kInvalidAuthorizationSpecification, msg, msg);
    }
    return choose(Method::gss, "role is a member of rds_ad");
  }
  // 7. md5 hashes, plain text and NULL are all unusable for SCRAM.
  if (!role.rolpassword || !parse_scram_verifier(*role.rolpassword).ok()) {
    return choose(Method::mock_scram, "role has no SCRAM-SHA-256 password");
  }
  // 8. PostgreSQL: "vuntil < GetCurrentTimestamp()" fails; a password valid until exactly now still works.
  if (role.valid_until_epoch && *role.valid_until_epoch < conn.now_epoch) {
    return choose(Method::mock_scram, "password expired");
  }
  // 9. rolcanlogin is checked by the gateway after a successful exchange (see method.h).
  return choose(Method::scram, "SCRAM-SHA-256 password");
}

}  // namespace borealis::auth
