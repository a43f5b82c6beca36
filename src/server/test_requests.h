// Test-only shorthand for `cluster modify` requests (positional, like the CLI's most used flags),
// so tests do not spell out every optional field of ModifyClusterRequest.
#pragma once

#include <optional>
#include <string>

#include "server/directory_requests.h"

namespace borealis::server::testing {

inline ModifyClusterRequest modify_request(std::string id, std::optional<std::string> domain = std::nullopt,
                                           std::optional<bool> krb_caseins_users = std::nullopt,
                                           bool rotate_kerberos_key = false) {
  ModifyClusterRequest r;
  r.id = std::move(id);
  r.domain = std::move(domain);
  r.krb_caseins_users = krb_caseins_users;
  r.rotate_kerberos_key = rotate_kerberos_key;
  return r;
}

}  // namespace borealis::server::testing
