// Pure helpers for Kerberos principal names as GSSAPI displays them ("alice@REALM",
// "postgres/db.example@REALM"). No GSS or krb5 calls, no I/O.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace borealis::krb {

struct Principal {
  std::string name;   // everything before the realm, instance included ("postgres/db.example")
  std::string realm;  // "TEST.BOREALIS"
};

// Splits at the LAST '@' (an '@' inside the name part is displayed escaped as "\@", a realm never
// contains one). Rejects: no '@', an empty name or realm, NUL bytes.
Result<Principal> parse_principal(std::string_view text);

// ASCII case-insensitive equality, as PostgreSQL's krb_caseins_users compares (pg_strcasecmp).
bool principal_equals_ignore_case(std::string_view a, std::string_view b) noexcept;

}  // namespace borealis::krb
