// STS session tokens that the store never holds. A token is derived from the session's access key id
// with a per-data-dir key kept in its own file (<data_dir>/sts-token.key, 0600) — not in the store —
// so a copy of the store (a backup, a support bundle) alone cannot yield a usable token. The store keeps
// SHA-256(token) beside the session, so replacing or losing the key file ends every session instead of
// handing out different tokens. Derivation is HMAC-SHA-256; nothing here logs a key or a token.
//
// Why derive rather than only compare hashes: sigv4's verifier (and the router that calls it) compares
// X-Amz-Security-Token with Credentials::session_token, and CredentialLookup sees only the access key
// id. Deriving lets resolve_access_key hand over the real token with no change to either.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace borealis::identity {

inline constexpr const char* kTokenKeyFile = "sts-token.key";

// The key, created (random, 0600) on first use.
Result<Secret> load_or_create_token_key(const std::string& data_dir);
// The key; not_found when it was never created.
Result<Secret> load_token_key(const std::string& data_dir);
// The session token of `access_key_id` (base64, 172 characters).
Secret derive_session_token(const Secret& key, std::string_view access_key_id);

}  // namespace borealis::identity
