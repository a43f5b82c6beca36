#include "auth/kerberos_rule.h"

#include "krb/principal.h"

namespace borealis::auth {
namespace {

KerberosVerdict refused(std::string_view role, std::string message, std::string log_reason) {
  KerberosVerdict v;
  v.client_message = "GSSAPI authentication failed for user \"" + std::string(role) + "\": " + std::move(message);
  v.log_reason = std::move(log_reason);
  return v;
}

bool same(std::string_view a, std::string_view b, bool ignore_case) {
  return ignore_case ? krb::principal_equals_ignore_case(a, b) : a == b;
}

}  // namespace

KerberosVerdict check_kerberos_login(std::string_view principal, std::string_view role, const KerberosPolicy& policy) {
  auto parsed = krb::parse_principal(principal);
  if (!parsed.ok()) {
    return refused(role, "the Kerberos principal could not be read",
                   "unusable client principal: " + parsed.error().message);
  }
  // The realm first: a principal of a foreign realm is refused even if its name happens to match.
  bool realm_ok = false;
  for (const std::string& realm : policy.realms) realm_ok = realm_ok || same(parsed->realm, realm, policy.caseins_users);
  if (!realm_ok) {
    return refused(role, "Kerberos principal \"" + std::string(principal) + "\" is not from a realm this cluster trusts",
                   "realm " + parsed->realm + " is not the cluster's directory realm");
  }
  if (!same(principal, role, policy.caseins_users)) {
    return refused(role,
                   "Kerberos principal \"" + std::string(principal) + "\" does not match the role name" +
                       (policy.caseins_users ? "" : " (the comparison is case-sensitive unless krb_caseins_users is on)"),
                   "principal does not match the role name");
  }
  KerberosVerdict v;
  v.allowed = true;
  v.log_reason = policy.caseins_users && principal != role ? "principal matches the role ignoring case" : "principal matches the role";
  return v;
}

}  // namespace borealis::auth
