// Who may log in with Kerberos, once GSSAPI has proven the client's principal: the rule between an
// authenticated principal and the role named in the startup packet (../shared/DESIGN.md "The auth
// rules"). Pure: no GSS calls, no I/O. Whether the role is in rds_ad at all is select_method's job.
//
// It must never let a principal of a realm the cluster does not trust in, and never map one
// principal onto a role with a different name (PostgreSQL's include_realm=1 semantics, no pg_ident).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace borealis::auth {

struct KerberosPolicy {
  // The realm of the cluster's directory; later also the realms it trusts.
  std::vector<std::string> realms;
  // Cluster parameter krb_caseins_users: compare the principal and the role name ignoring ASCII case
  // (PostgreSQL's pg_strcasecmp). The realm is then compared ignoring case too, as PostgreSQL does
  // with krb_realm.
  bool caseins_users = false;
};

struct KerberosVerdict {
  bool allowed = false;
  std::string client_message;  // FATAL text when refused: names the role and the principal, no more
  std::string log_reason;      // for the server's audit line
};

// `principal` as GSSAPI displays it ("alice@CORP.EXAMPLE.COM"), `role` the startup packet's user.
KerberosVerdict check_kerberos_login(std::string_view principal, std::string_view role, const KerberosPolicy& policy);

}  // namespace borealis::auth
