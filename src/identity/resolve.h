// Access key id → what the router needs to check a SigV4 signature and know the caller.
// - the account root's keys        → Caller{root, arn:aws:iam::ACCT:root, user_id ACCT};
// - an Active key of an IAM user   → Caller{user, arn:aws:iam::ACCT:user/PATH/NAME, user_id AIDA…};
// - an unexpired STS session key   → Caller{assumed_role, arn:aws:sts::ACCT:assumed-role/ROLE/SESSION,
//   user_id ROLEID:SESSION, temporary, token_issue_time}, with credentials.expires_at.
// Inactive, deleted, unknown and expired keys resolve to nullopt (the router answers
// InvalidClientTokenId), as does a session whose role is gone.
//
// SESSION TOKENS — how the router checks X-Amz-Security-Token. The store keeps only SHA-256(token), so
// resolve_access_key cannot return the token. For a session key, credentials.session_token holds
// kSessionTokenHashTag + the lower-case hex SHA-256 of the token. Before handing the credentials to the
// sigv4 verifier, the router passes the token the request presented (the X-Amz-Security-Token header
// or query parameter) to accept_presented_session_token(): if its SHA-256 matches, session_token is
// replaced by the presented token, and the verifier's own comparison (and its check that the token is
// signed) then passes; if not (or none was presented), it is left as it is, so the verifier refuses
// with InvalidClientTokenId. A hash can never equal a real token (the tag contains ':', tokens are
// base64), so forgetting the call fails closed.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "api/operation.h"

namespace borealis::store {
class Store;
}

namespace borealis::identity {

inline constexpr std::string_view kSessionTokenHashTag = "sha256:";

std::optional<api::ResolvedKey> resolve_access_key(store::Store& store, const api::ApiSettings& settings,
                                                   std::string_view access_key_id,
                                                   std::chrono::system_clock::time_point now);

// See SESSION TOKENS above. Returns true when `presented` matches (and now stands in session_token);
// false (and `key` unchanged) otherwise, including for keys that are not temporary.
bool accept_presented_session_token(api::ResolvedKey& key, std::optional<std::string_view> presented);

}  // namespace borealis::identity
