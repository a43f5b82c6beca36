// What the verifier needs to know about an access key, supplied by the caller (the IAM model, or the
// gateway's cached view of it): the secret, who it belongs to, and for temporary credentials the
// session token and expiry. sigv4 never stores these beyond one call (the signing-key cache holds
// only derived keys).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/secret.h"
#include "sigv4/amz_date.h"

namespace borealis::sigv4 {

struct Credentials {
  Secret secret_access_key;
  std::string principal;                // opaque to sigv4: an ARN, user id, role session...
  std::optional<Secret> session_token;  // set for temporary (STS) credentials
  std::optional<Seconds> expires_at;    // temporary credentials stop working at this instant
};

// access key id -> credentials, or nullopt when the key is unknown, deleted or inactive. Called at
// most once per verification, after every check that needs no key has passed.
using CredentialLookup = std::function<std::optional<Credentials>(std::string_view access_key_id)>;

// The keys a signer holds.
struct SigningCredentials {
  std::string access_key_id;
  Secret secret_access_key;
  std::optional<Secret> session_token;
};

}  // namespace borealis::sigv4
